from django.apps import AppConfig


class CardreaderConfig(AppConfig):
    name = "cardreader"
    verbose_name = "刷卡签到"
