"""Builders for the cardreader tests: packages and cards through their services, so the
rules are exercised."""

import uuid
from datetime import date, datetime, timedelta

from django.utils import timezone

from billing.models import LedgerEntry, LessonPackage
from cardreader.models import Card, Reader
from cardreader.services import card_issue, reader_register
from core.models import Campus, Staff, Subject
from scheduling.models import Lesson
from scheduling.services import lesson_book
from students.models import Student
from tests.billing.helpers import sell
from tests.conftest import ApiClient
from tests.factories import StudentFactory


def a_package(
    student: Student,
    by: Staff,
    *,
    price: str = "1000.00",
    valid_from: date | None = None,
    valid_until: date | None = None,
    **terms,
) -> LessonPackage:
    """A package valid around today (from a month ago for ten months), sold through billing."""
    today = timezone.localdate()
    return sell(
        student,
        by,
        price=price,
        valid_from=valid_from or today - timedelta(days=30),
        valid_until=valid_until or today + timedelta(days=300),
        **terms,
    )


def used(package: LessonPackage) -> int:
    """Lessons the ledger has used on `package`."""
    return LedgerEntry.objects.filter(package=package, kind="used").count()


def a_lesson(
    student: Student, desk: Staff, teacher: Staff, starts: datetime, package: LessonPackage | None = None,
    lesson_kind: str = "main",
) -> Lesson:
    """An hour of piano from `starts`, booked without notices."""
    subject = Subject.objects.get_or_create(name="钢琴")[0]
    teacher.subjects.add(subject)
    return lesson_book(
        student=student, teacher=teacher, subject=subject, starts_at=starts, ends_at=starts + timedelta(hours=1),
        by=desk, package=package, lesson_kind=lesson_kind, send_notice=False,
    )


def a_student_with_card(
    campus: Campus, by: Staff, number: str = "0012345678", chip: str = "04A1B2C3", name: str = "张三"
) -> tuple[Student, Card]:
    student = StudentFactory(campus=campus, name=name)
    return student, card_issue(student=student, card_number=number, chip_uid=chip, by=by)


def checked_in(campus: Campus, by: Staff, client: ApiClient, at: datetime) -> LessonPackage:
    """张三 with the card 0012345678 and a package, checked in by a swipe at `at`: the package."""
    student, _card = a_student_with_card(campus, by)
    package = a_package(student, by)
    assert swipe(client, "0012345678", at=at).status_code == 201
    return package


def a_reader(campus: Campus, name: str = "前台读卡器") -> tuple[Reader, ApiClient]:
    reader, raw = reader_register(name=name, campus=campus)
    return reader, ApiClient(raw)


def swipe(client: ApiClient, card: str, at: datetime | None = None, swipe_id: str | None = None, **extra):
    body = {"swipe_id": swipe_id or str(uuid.uuid4()), "card": card, **extra}
    if at is not None:
        body["swiped_at"] = timezone.localtime(at).isoformat()
    return client.post("/api/v1/swipes", body)
