from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "排课与教师"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers what scheduling shows elsewhere)
