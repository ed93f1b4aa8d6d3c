"""Makers the follow-up, due-list and monthly-record tests share. Records with rules are
made through their services; a hand-over is then moved back to a fixed date, so a worked
week can be replayed with explicit dates."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from billing.models import LessonPackage
from billing.services import package_create, package_deduct
from core.models import Campus, Staff
from core.roles import Role
from core.services import subject_get_or_create
from retention.models import FollowUp
from retention.services import follow_up_log
from scheduling.models import Lesson
from scheduling.services import lesson_book
from students.models import AdvisorAssignment, Student
from students.services import student_assign_advisor
from tests.factories import GuardianFactory, StaffFactory, StudentFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hm: str = "10:00") -> datetime:
    """An aware Asia/Shanghai moment: at("2026-03-02", "09:30")."""
    return datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=SHANGHAI)


def make_student(campus: Campus, advisor: Staff | None = None, *, since: datetime | None = None, **kwargs) -> Student:
    """A student with two guardians, handed over to `advisor` at `since` (default now)."""
    student = StudentFactory(campus=campus, **kwargs)
    GuardianFactory(student=student, is_primary=True, relation="mother")
    GuardianFactory(student=student, name="张伟", relation="father")
    if advisor is not None:
        supervisor = Staff.objects.filter(campus=campus, role=Role.CS_SUPERVISOR).first() or StaffFactory(
            role=Role.CS_SUPERVISOR, campus=campus
        )
        student_assign_advisor(student=student, advisor=advisor, by=supervisor)
    if since is not None:
        Student.objects.filter(pk=student.pk).update(
            created_at=since - timedelta(hours=1), advisor_since=since if advisor else None
        )
        AdvisorAssignment.objects.filter(student=student).update(
            assigned_at=since, first_call_due=timezone.localdate(since) + timedelta(days=1)
        )
    student.refresh_from_db()
    return student


def log(student: Student, by: Staff, kind: str, when: datetime, **kwargs) -> FollowUp:
    """A follow-up logged at `when` (as if it were then)."""
    fields = {"contact": "parent", "channel": "phone", "summary": "与家长沟通孩子近况"} | kwargs
    return follow_up_log(student=student, by=by, kind=kind, contacted_at=when, now=when, **fields)


def make_teacher(campus: Campus, *subjects: str) -> Staff:
    teacher = StaffFactory(role=Role.TEACHER, campus=campus)
    teacher.subjects.set([subject_get_or_create(name=s) for s in subjects or ("钢琴",)])
    return teacher


def book(student: Student, teacher: Staff, starts_at: datetime, *, subject: str = "钢琴", minutes: int = 60) -> Lesson:
    return lesson_book(
        student=student,
        teacher=teacher,
        subject=subject_get_or_create(name=subject),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        by=None,
        send_notice=False,
    )


def sell(
    student: Student, by: Staff, *, lessons: int = 10, bonus: int = 0, valid_from: date = date(2026, 1, 1),
    subject: str | None = None,
) -> LessonPackage:
    return package_create(
        student=student, course="钢琴一对一", kind=LessonPackage.Kind.ONE_ON_ONE, lessons=lessons,
        bonus_lessons=bonus, price=Decimal("3000.00"), paid=Decimal("3000.00"), valid_from=valid_from,
        valid_until=valid_from + timedelta(days=3 * 365), by=by,
        subject=subject_get_or_create(name=subject) if subject else None,
    )


def use(package: LessonPackage, lessons: int, when: datetime) -> None:
    for i in range(lessons):
        package_deduct(package=package, at=when + timedelta(minutes=i), by=None, reason="上课")
