"""Shared makers for the scheduling tests."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from billing.models import LedgerEntry, LessonPackage
from core.models import Campus, Staff
from core.roles import Role
from core.services import subject_get_or_create
from students.models import Student
from tests.factories import StaffFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hm: str) -> datetime:
    """An aware Asia/Shanghai datetime: at("2026-12-07", "09:30")."""
    return datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=SHANGHAI)


def make_teacher(campus: Campus, *subjects: str, **kwargs) -> Staff:
    teacher = StaffFactory(role=Role.TEACHER, campus=campus, **kwargs)
    teacher.subjects.set([subject_get_or_create(name=name) for name in subjects or ("钢琴",)])
    return teacher


def make_package_with_use(student: Student, when: datetime) -> tuple[LessonPackage, LedgerEntry]:
    """A paid package and the `used` ledger entry of one check-in. Billing's services own
    these rules; the check-in link only needs the two rows to exist."""
    package = LessonPackage.objects.create(
        campus=student.campus, student=student, course="钢琴一对一", kind=LessonPackage.Kind.ONE_ON_ONE,
        lessons=10, bonus_lessons=0, price="3000.00", paid="3000.00",
        valid_from=date(2026, 1, 1), valid_until=date(2027, 12, 31), lessons_used=1, lessons_left=9, sold_at=when,
    )
    LedgerEntry.objects.create(package=package, kind=LedgerEntry.Kind.BOUGHT, lessons=10, balance_after=10,
                               occurred_at=when)
    used = LedgerEntry.objects.create(package=package, kind=LedgerEntry.Kind.USED, lessons=-1, balance_after=9,
                                      occurred_at=when)
    return package, used


def music_theory_class(campus: Campus, by: Staff | None, **kwargs):
    """A group class 乐理周末班 of a teacher of 乐理, in the room 大教室."""
    from core.services import subject_get_or_create
    from scheduling.services import group_class_create

    teacher = make_teacher(campus, "乐理", user__username="t_group")
    return group_class_create(
        campus=campus, name="乐理周末班", subject=subject_get_or_create(name="乐理"), teacher=teacher, by=by,
        room="大教室", **kwargs,
    )
