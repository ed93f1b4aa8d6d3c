"""Shared makers for the billing tests: packages are sold through the service."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from billing.models import LessonPackage
from billing.services import package_create
from core.models import Campus, Staff
from students.models import Student
from tests.factories import GuardianFactory, StudentFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def make_student(campus: Campus, **kwargs) -> Student:
    student = StudentFactory(campus=campus, **kwargs)
    GuardianFactory(student=student, is_primary=True, relation="mother")
    GuardianFactory(student=student, name="张伟", relation="father")
    return student


def sell(
    student: Student,
    by: Staff,
    *,
    lessons: int = 10,
    bonus: int = 0,
    price: str = "3000.00",
    paid: str | None = None,
    valid_from: date = date(2026, 1, 1),
    valid_until: date | None = None,
    course: str = "钢琴一对一",
    sold_at: datetime | None = None,
    kind: str = LessonPackage.Kind.ONE_ON_ONE,
    lesson_kind: str = LessonPackage.LessonKind.MAIN,
    payment_plan: str | None = None,
) -> LessonPackage:
    return package_create(
        student=student,
        course=course,
        kind=kind,
        lesson_kind=lesson_kind,
        payment_plan=payment_plan,
        lessons=lessons,
        bonus_lessons=bonus,
        price=Decimal(price),
        paid=Decimal(paid if paid is not None else price),
        valid_from=valid_from,
        valid_until=valid_until or valid_from + timedelta(days=365 * 3),
        by=by,
        sold_at=sold_at,
    )
