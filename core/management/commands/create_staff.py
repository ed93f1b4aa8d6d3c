from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.models import Staff
from core.roles import Role
from core.services import api_token_issue, campus_by_code, staff_create


class Command(BaseCommand):
    help = "Create a member of staff. Prints an API token for them on the last line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--campus", required=True, help="campus code")
        parser.add_argument("--password", default=None, help="to sign in to the pages; none: API only")
        parser.add_argument("--supervisor", default=None, help="username of their supervisor")
        parser.add_argument("--subjects", default="", help='comma-separated, e.g. "Piano,Math"')
        parser.add_argument("--name", default="", help="full name shown in the pages")

    def handle(self, *args, **options) -> None:
        try:
            campus = campus_by_code(options["campus"])
            supervisor = None
            if options["supervisor"]:
                supervisor = Staff.objects.filter(user__username=options["supervisor"]).first()
                if supervisor is None:
                    raise CommandError(f"没有用户名为 {options['supervisor']} 的员工（--supervisor）")
            subjects = [s.strip() for s in options["subjects"].split(",") if s.strip()]
            staff = staff_create(
                username=options["username"],
                role=options["role"],
                campus=campus,
                password=options["password"],
                supervisor=supervisor,
                subjects=subjects,
                full_name=options["name"],
            )
            _token, raw = api_token_issue(campus=campus, staff=staff, name="create_staff")
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"created {staff.username} ({staff.role}) at {campus.code}")
        self.stdout.write(raw)
