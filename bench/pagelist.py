"""The pages a campus uses all day, each with a student of the campus's own data: what
`bench/pages.py` times at chain scale and `tests/core/test_pages_at_scale.py` holds to a
fixed number of queries whatever the campus's size. Free of Django set-up, so both can
import it."""

from django.test import Client
from django.urls import reverse

from billing.models import LessonPackage
from cardreader.models import Card
from core.models import Campus, Staff
from core.roles import Role
from students.models import Guardian, Student


def chain_campus() -> Campus:
    """The first campus of a chain made by `generate_chain`; the way to make one if none."""
    campus = Campus.objects.filter(code__startswith="chain").order_by("code").first()
    if campus is None:
        raise SystemExit("no generated chain here: run `manage.py generate_chain` first (see bench/pages.py)")
    return campus


def signed_in(staff: Staff) -> Client:
    """A browser signed in as `staff`, through the whole Django stack."""
    client = Client(SERVER_NAME="localhost")
    client.force_login(staff.user)
    return client


def first_of(campus: Campus, role: Role) -> Staff:
    return Staff.objects.filter(campus=campus, role=role).order_by("pk").first()


def pages(campus: Campus) -> list[tuple[str, Role, str]]:
    """(label, the role that opens it, URL), for the campus's middle student."""
    students = Student.objects.filter(campus=campus).order_by("pk")
    student = students[students.count() // 2]
    phone = Guardian.objects.filter(student=student, is_primary=True).values_list("phone", flat=True).get()
    card = Card.objects.filter(student=student).values_list("card_number", flat=True).get()
    given = student.name[1:]
    package = LessonPackage.objects.filter(student=student).order_by("-pk").first()
    return [
        ("student list", Role.PRINCIPAL, reverse("students:list")),
        ("search: a given name", Role.PRINCIPAL, reverse("students:list") + f"?q={given}"),
        ("search: 7-digit phone prefix", Role.PRINCIPAL, reverse("students:list") + f"?q={phone[:7]}"),
        ("search: card number", Role.PRINCIPAL, reverse("students:list") + f"?q={card}"),
        ("student file", Role.PRINCIPAL, reverse("students:detail", args=[student.pk])),
        ("week timetable", Role.PRINCIPAL, reverse("scheduling:week")),
        ("statement", Role.PRINCIPAL, reverse("billing:statement", args=[student.pk])),
        ("package", Role.PRINCIPAL, reverse("billing:package", args=[package.pk])),
        ("payment records", Role.PRINCIPAL, reverse("billing:payments")),
        ("follow-ups", Role.PRINCIPAL, reverse("retention:follow_ups")),
        ("advisor's day (follow-ups due)", Role.ADVISOR, reverse("retention:day")),
        ("KPI dashboard", Role.PRINCIPAL, reverse("retention:kpis")),
        ("landing page", Role.PRINCIPAL, "/"),
    ]
