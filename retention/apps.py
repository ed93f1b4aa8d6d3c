from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = "回访、挽单与退费"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers what retention shows elsewhere)
