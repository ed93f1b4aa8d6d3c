from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.services import campus_create


class Command(BaseCommand):
    help = "Create a campus (分校). Prints its code on the last line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("code")
        parser.add_argument("name")

    def handle(self, *args, code: str, name: str, **options) -> None:
        try:
            campus = campus_create(code=code, name=name)
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(campus.code)
