from django.core.management.base import BaseCommand, CommandError

from cardreader.services import reader_register
from core.errors import DomainError
from core.services import campus_by_code


class Command(BaseCommand):
    help = "Register a card reader at a campus. Prints its token on the last line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name")
        parser.add_argument("--campus", required=True, help="campus code")

    def handle(self, *args, name: str, campus: str, **options) -> None:
        try:
            reader, raw = reader_register(name=name, campus=campus_by_code(campus))
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"registered reader {reader.name} at {reader.campus.code}")
        self.stdout.write(raw)
