"""Demo data for `make run`: a campus, one sign-in per role, and each app's own demo rows
(`<app>/demo.py`, function `seed(campus, staff_by_role)`). Running it again changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import DEMO_PASSWORD, seed_core
from core.discovery import app_modules


class Command(BaseCommand):
    help = "Load demo data (idempotent). Prints a summary on the last line."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            campus, staff_by_role, created = seed_core()
            extra: list[str] = []
            for module in app_modules("demo"):
                line = module.seed(campus, staff_by_role)
                if line:
                    extra.append(line)
        for role, staff in staff_by_role.items():
            self.stdout.write(f"  {role:<14} {staff.username} / {DEMO_PASSWORD}")
        for line in extra:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            f"demo ready: campus {campus.code}, {len(staff_by_role)} staff sign-ins"
            + (" (created now)" if created else " (already there)")
        )
