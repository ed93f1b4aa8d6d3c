from django.apps import AppConfig


class CardreaderConfig(AppConfig):
    name = "cardreader"
    verbose_name = "刷卡签到"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers what cardreader shows elsewhere)
