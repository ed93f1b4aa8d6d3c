"""Every page and export of a campus as each role sees it, for the bad-input tests: the
menu of every role, the landing page and the kiosk, the page of every record, the Excel
exports and (on request) the PDFs. A page is named by its pattern ("/students/{}/"), so a
record stored later is judged against a record of the same kind stored before."""

from django.db.models import Model
from django.test import Client

from billing.models import LessonPackage, Payment
from core.models import Campus, Staff
from core.navigation import nav_for
from scheduling.models import Attendance, GroupClass, Lesson
from students.models import Lead, Student

RECORD_PAGES: dict[type[Model], list[str]] = {
    Student: ["/students/{}/", "/students/{}/edit/", "/billing/students/{}/", "/billing/students/{}/statement/"],
    Lead: ["/students/leads/{}/"],
    LessonPackage: ["/billing/packages/{}/"],
    Payment: ["/billing/receipts/{}/"],
    Lesson: ["/schedule/lessons/{}/"],
    GroupClass: ["/schedule/groups/{}/"],
    Attendance: ["/kiosk/slips/{}/"],
}
RECORD_PDFS: dict[type[Model], list[str]] = {
    Student: ["/students/{}/file.pdf", "/billing/students/{}/statement.pdf"],
    LessonPackage: ["/billing/packages/{}/agreement.pdf"],
    Payment: ["/billing/receipts/{}/receipt.pdf"],
}
CAMPUS_PAGES = ["/", "/kiosk/", "/students/export.xlsx", "/billing/payments/?export=xlsx"]
CAMPUS_PDFS = ["/schedule/week.pdf"]


def campus_pages(campus: Campus, *, pdfs: bool = False) -> list[tuple[str, str]]:
    """(pattern, address) of every page of `campus`: each role's menu, the campus pages
    and the page of each record."""
    pages = {(url, url) for url in CAMPUS_PAGES + (CAMPUS_PDFS if pdfs else [])}
    for staff in Staff.objects.filter(campus=campus):
        pages |= {(link["url"], link["url"]) for link in nav_for(staff)}
    kinds = {model: list(patterns) for model, patterns in RECORD_PAGES.items()}
    if pdfs:
        for model, patterns in RECORD_PDFS.items():
            kinds[model] += patterns
    for model, patterns in kinds.items():
        campus_field = "student__campus" if model is Attendance else "campus"
        for pk in model.objects.filter(**{campus_field: campus}).values_list("pk", flat=True):
            pages |= {(pattern, pattern.format(pk)) for pattern in patterns}
    return sorted(pages)


def answers(staff: Staff, pages: list[tuple[str, str]]) -> dict[str, set[int]]:
    """The statuses `staff` gets, by page pattern: {200} when every record's page opens."""
    client = Client()
    client.force_login(staff.user)
    found: dict[str, set[int]] = {}
    for pattern, url in pages:
        found.setdefault(pattern, set()).add(client.get(url).status_code)
    return found


def every_role_answers(campus: Campus, *, pdf_role: str | None = None) -> dict[str, dict[str, set[int]]]:
    """{role: {pattern: statuses}} for one member of staff of each role of `campus`; the
    PDFs (half a second each) as `pdf_role` only."""
    pages = campus_pages(campus)
    with_pdfs = campus_pages(campus, pdfs=True) if pdf_role else pages
    result: dict[str, dict[str, set[int]]] = {}
    for staff in Staff.objects.filter(campus=campus).select_related("user").order_by("role", "pk"):
        if staff.role not in result:
            result[staff.role] = answers(staff, with_pdfs if staff.role == pdf_role else pages)
    return result


def broken_pages(before: dict[str, dict[str, set[int]]], after: dict[str, dict[str, set[int]]]) -> list[str]:
    """Every page a role could open before and cannot now (or answers otherwise)."""
    broken = []
    for role, pages in after.items():
        for pattern, statuses in pages.items():
            expected = before.get(role, {}).get(pattern)
            if expected is not None and statuses != expected:
                broken.append(f"{role} {pattern}: {sorted(expected)} → {sorted(statuses)}")
            elif expected is None and not statuses <= {200, 403, 404}:
                broken.append(f"{role} {pattern}: new page answers {sorted(statuses)}")
    return broken
