from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = "学员与家庭"
