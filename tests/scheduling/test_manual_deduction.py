"""手工扣课 is one check-in whichever door it comes through: billing's package page, the
desk page or the API. Each records the Attendance (source manual, with the reason), so the
lesson is in the student's lesson record, in the attendance API and in the reconciliation
like a swiped one, never a no-show."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from billing.models import LessonPackage
from core.models import Staff
from core.services import subject_get_or_create
from scheduling.models import Attendance, Lesson
from scheduling.selectors import checkins_without_lesson, no_shows
from scheduling.services import checkin_manual, lesson_book
from students.models import Student
from tests.cardreader.helpers import a_package
from tests.conftest import ApiClient
from tests.factories import token_for

from .helpers import make_teacher

pytestmark = pytest.mark.django_db


def browser(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


def by_billing_page(desk: Staff, package: LessonPackage, reason: str) -> HttpResponse:
    return browser(desk).post(f"/billing/packages/{package.pk}/deduct/", {"reason": reason})


def by_desk_page(desk: Staff, package: LessonPackage, reason: str) -> HttpResponse:
    return browser(desk).post(f"/kiosk/deduct/{package.pk}/", {"reason": reason})


def by_api(desk: Staff, package: LessonPackage, reason: str) -> HttpResponse:
    return ApiClient(token_for(desk)).post(f"/api/v1/packages/{package.pk}/deductions", {"reason": reason})


ENTRY_POINTS: dict[str, Callable[[Staff, LessonPackage, str], HttpResponse]] = {
    "billing package page": by_billing_page,
    "desk page": by_desk_page,
    "api": by_api,
}


def deduct(entry: str, desk: Staff, package: LessonPackage, reason: str) -> Attendance:
    """A manual deduction through `entry` that is accepted; what each door answers."""
    response = ENTRY_POINTS[entry](desk, package, reason)
    attendance = Attendance.objects.get()
    if entry == "api":
        assert response.status_code == 201 and response.json()["attendance_id"] == attendance.pk
    elif entry == "desk page":
        assert response.status_code == 302 and response.url == f"/kiosk/slips/{attendance.pk}/"
    else:
        assert response.status_code == 302 and response.url == f"/billing/packages/{package.pk}/"
    return attendance


def lesson_now(student: Student, desk: Staff) -> Lesson:
    """The student's piano lesson in progress (started ten minutes ago)."""
    start = timezone.now() - timedelta(minutes=10)
    return lesson_book(
        student=student, teacher=make_teacher(student.campus, "钢琴"), subject=subject_get_or_create(name="钢琴"),
        starts_at=start, ends_at=start + timedelta(hours=1), by=desk,
    )


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_manual_deduction_is_a_check_in_of_the_lesson_from_every_entry_point(entry, desk, student):
    package = a_package(student, desk)
    lesson = lesson_now(student, desk)
    attendance = deduct(entry, desk, package, "忘带卡")
    assert (attendance.source, attendance.reason, attendance.lesson, attendance.package) == (
        "manual", "忘带卡", lesson, package,
    )
    assert attendance.ledger_entry.reason == "忘带卡" and attendance.created_by == desk
    package.refresh_from_db()
    assert package.lessons_left == 9
    # the lesson record: the student file's lessons tab lists the check-in
    file = browser(desk).get(f"/students/{student.pk}/", {"tab": "lessons"}).content.decode()
    assert "手工" in file and package.course in file
    # the attendance API
    items = ApiClient(token_for(desk)).get(f"/api/v1/students/{student.pk}/attendance").json()["items"]
    assert [(i["source"], i["lesson_id"], i["reason"]) for i in items] == [("manual", lesson.pk, "忘带卡")]
    # the reconciliation, once the lesson is over: attended, not a no-show
    span = {"campus": student.campus, "start": lesson.starts_at, "end": lesson.ends_at}
    assert lesson not in no_shows(**span, now=lesson.ends_at + timedelta(hours=1))
    assert not checkins_without_lesson(**span).exists()


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_without_a_lesson_the_manual_check_in_is_listed_for_reconciliation(entry, desk, student):
    package = a_package(student, desk)
    attendance = deduct(entry, desk, package, "临时加课")
    assert attendance.lesson is None and attendance.source == "manual"
    page = browser(desk).get("/schedule/reconciliation/").content.decode()
    assert "王小明" in page
    reconciliation = ApiClient(token_for(desk)).get("/api/v1/lessons-reconciliation").json()
    assert [c["attendance_id"] for c in reconciliation["checkins_without_lesson"]] == [attendance.pk]


def test_the_lesson_of_another_package_is_not_claimed(desk, student):
    lesson = lesson_now(student, desk)
    Lesson.objects.filter(pk=lesson.pk).update(package=a_package(student, desk, course="数学一对一"))
    piano = a_package(student, desk)
    attendance = checkin_manual(package=piano, by=desk, reason="钢琴补一节")
    assert attendance.lesson is None and attendance.package == piano


@pytest.mark.parametrize("reason", ["", "   ", "长" * 201])
def test_a_manual_deduction_needs_a_short_reason_and_changes_nothing(desk, student, reason):
    package = a_package(student, desk)
    response = browser(desk).post(f"/billing/packages/{package.pk}/deduct/", {"reason": reason})
    assert response.status_code == 422
    api = ApiClient(token_for(desk)).post(f"/api/v1/packages/{package.pk}/deductions", {"reason": reason})
    assert api.status_code == 422
    package.refresh_from_db()
    assert package.lessons_left == 10 and not Attendance.objects.exists()


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_refused_manual_deduction_records_nothing(entry, desk, student):
    package = a_package(student, desk, paid="0.00")
    response = ENTRY_POINTS[entry](desk, package, "忘带卡")
    assert response.status_code in (409, 422)
    assert "尚欠" in response.content.decode("unicode_escape" if entry == "api" else "utf-8")
    package.refresh_from_db()
    assert package.lessons_left == 10 and not Attendance.objects.exists()
