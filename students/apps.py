from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = "学员与家庭"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers what students shows elsewhere)
