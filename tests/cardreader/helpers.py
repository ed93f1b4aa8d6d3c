"""Builders for the cardreader tests: packages and cards through their services, so the
rules are exercised."""

import uuid
from datetime import date, datetime, timedelta

from django.utils import timezone

from billing.models import LessonPackage
from cardreader.models import Card, Reader
from cardreader.services import card_issue, reader_register
from core.models import Campus, Staff
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


def a_student_with_card(
    campus: Campus, by: Staff, number: str = "0012345678", chip: str = "04A1B2C3", name: str = "张三"
) -> tuple[Student, Card]:
    student = StudentFactory(campus=campus, name=name)
    return student, card_issue(student=student, card_number=number, chip_uid=chip, by=by)


def a_reader(campus: Campus, name: str = "前台读卡器") -> tuple[Reader, ApiClient]:
    reader, raw = reader_register(name=name, campus=campus)
    return reader, ApiClient(raw)


def swipe(client: ApiClient, card: str, at: datetime | None = None, swipe_id: str | None = None, **extra):
    body = {"swipe_id": swipe_id or str(uuid.uuid4()), "card": card, **extra}
    if at is not None:
        body["swiped_at"] = timezone.localtime(at).isoformat()
    return client.post("/api/v1/swipes", body)
