from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "课时包与收费"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers what billing shows elsewhere)
