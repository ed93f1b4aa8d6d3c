"""Records for the KPI tests, made through the real services: packages sold (billing),
lessons booked, checked in and taken leave from (scheduling), leads enrolled (students),
refunds paid (retention). March 2026 is the month judged."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from billing.models import LessonPackage
from billing.services import package_create, package_deduct
from core.models import Campus, Staff
from core.roles import Role
from core.services import subject_get_or_create
from scheduling.services import checkin_manual, lesson_book, lesson_leave
from students import services as student_services
from students.models import Student
from tests.factories import StaffFactory, drafted_refund, signed_refund
from tests.scheduling.helpers import make_teacher

from .followup_makers import make_student

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = date(2026, 3, 1)


def two_advisors(campus: Campus) -> tuple[Staff, Staff]:
    """王老师 (wang) and 李老师 (li), the campus's two advisors."""
    return (
        StaffFactory(role=Role.ADVISOR, campus=campus, user__username="wang", user__first_name="王老师"),
        StaffFactory(role=Role.ADVISOR, campus=campus, user__username="li", user__first_name="李老师"),
    )


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def desk_of(campus: Campus) -> Staff:
    return Staff.objects.filter(campus=campus, role=Role.FRONT_DESK).first() or StaffFactory(
        role=Role.FRONT_DESK, campus=campus
    )


def sell(
    student: Student, *, sold_at: datetime, lessons: int = 10, price: str = "3000.00", subject: str | None = None,
    valid_from: date = date(2026, 1, 1), valid_until: date = date(2027, 12, 31), course: str = "钢琴一对一",
) -> LessonPackage:
    if subject is not None:
        subject_get_or_create(name=subject)
    return package_create(
        student=student, course=course, kind=LessonPackage.Kind.ONE_ON_ONE, lessons=lessons, bonus_lessons=0,
        price=Decimal(price), paid=Decimal(price), valid_from=valid_from, valid_until=valid_until,
        by=desk_of(student.campus), subject=subject, sold_at=sold_at,
    )


def use(package: LessonPackage, *moments: datetime) -> None:
    """A lesson of `package` used at each moment (a manual deduction at the desk)."""
    for moment in moments:
        package_deduct(package=package, at=moment, by=desk_of(package.campus), reason="上课")


def book(student: Student, teacher: Staff, package: LessonPackage, starts_at: datetime):
    return lesson_book(
        student=student, teacher=teacher, subject=teacher.subjects.first(), starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=50), by=desk_of(student.campus), package=package, send_notice=False,
    )


def check_in(lesson) -> None:
    checkin_manual(package=lesson.package, by=desk_of(lesson.campus), reason="忘带卡", at=lesson.starts_at, lesson=lesson)


def leave(lesson) -> None:
    lesson_leave(lesson=lesson, reason="生病", by=desk_of(lesson.campus), now=lesson.starts_at - timedelta(days=2))


def enrol_referral(campus: Campus, referrer: Student | None, name: str, phone: str, converted_at: datetime | None):
    """A lead (a referral by `referrer`, or a walk-in without one), enrolled at `converted_at`
    (None: still a lead)."""
    desk = desk_of(campus)
    data = {"name": name, "phone": phone, "source": "referral" if referrer else "walk_in", "referred_by": referrer}
    lead = student_services.lead_create(campus=campus, by=desk, data=data)
    if converted_at is None:
        return lead
    base = {"name": name, "gender": "F", "birthday": date(2015, 5, 1), "address": "北京市朝阳区幸福路 2 号"}
    guardians = [
        {"name": "妈妈", "relation": "mother", "phone": phone, "is_primary": True},
        {"name": "爸爸", "relation": "father", "phone": str(int(phone) + 1), "is_primary": False},
    ]
    with mock.patch("django.utils.timezone.now", return_value=converted_at):
        return student_services.lead_convert(lead=lead, by=desk, data=base, guardians=guardians)


def refund_paid(package: LessonPackage, *, paid_at: datetime):
    campus = package.campus
    team = {role: StaffFactory(role=role, campus=campus) for role in ("dean", "consultant", "principal", "finance")}
    team["advisor"] = package.student.advisor or StaffFactory(role=Role.ADVISOR, campus=campus)
    refund = drafted_refund(package, principal=team["principal"])
    return signed_refund(refund, team, paid_at=paid_at)


def consumption_month(campus: Campus, wang: Staff, li: Staff) -> dict[str, Student]:
    """王老师's 小明: four lessons booked in March, three checked in, the fourth (23rd) taken
    leave from with no make-up; a lesson used in February; a deduction on 25 March reversed.
    李老师's 小红: two lessons booked in March, both checked in, and one unscheduled swipe."""
    from billing.services import ledger_reverse

    teacher = make_teacher(campus, "钢琴")
    ming = make_student(campus, wang, name="小明")
    hong = make_student(campus, li, name="小红")
    p_ming = sell(ming, sold_at=at(1, 5))
    p_hong = sell(hong, sold_at=at(1, 5))
    use(p_ming, at(2, 20))
    lessons = [book(ming, teacher, p_ming, at(3, d, 17)) for d in (2, 9, 16, 23)]
    for lesson in lessons[:3]:
        check_in(lesson)
    leave(lessons[3])
    entry = package_deduct(package=p_ming, at=at(3, 25), by=desk_of(campus), reason="误扣")
    ledger_reverse(entry=entry, by=desk_of(campus), reason="误扣冲正", at=at(3, 25, 11))
    for d in (3, 10):
        check_in(book(hong, teacher, p_hong, at(3, d, 18)))
    use(p_hong, at(3, 28))
    return {"ming": ming, "hong": hong}
