"""The follow-up log (回访表): who may log a contact about a student, and the logging."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import Forbidden, InvalidInput, NotFound
from core.models import Staff
from core.roles import Role, allows
from core.text import clean_text
from core.validation import date_problem
from students.models import Student
from students.services import student_first_call_made

from ..errors import RetentionError
from ..models import FollowUp
from ..roles import ROLES
from ._checks import clean_choice

SUMMARY_MAX = 1000


def check_may_follow_up(*, student: Student, by: Staff) -> None:
    """The advisor owns their students (接档后学员在校学习的全过程由接档客服负责): another
    advisor's student is refused. Consultants (sales, save-order talks), the CS supervisor
    (spot-checks) and the principal act for any student of their campus."""
    if not allows(ROLES["log"], by.role):
        raise Forbidden("只有班主任、教育顾问、客服主管和校长可以登记回访")
    if not by.sees_all_campuses and by.campus_id != student.campus_id:
        raise NotFound()
    if by.role == Role.ADVISOR and student.advisor_id != by.pk:
        raise Forbidden(f"{student.name} 不是您负责的学员", code=RetentionError.NOT_OWN_STUDENT)


def _clean_satisfaction(value: Any, errors: dict[str, str]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        errors["satisfaction"] = "满意度为 1–5 分"
        return None
    return value


def _clean_contacted_at(
    value: Any, student: Student, now: datetime, errors: dict[str, str]
) -> datetime | None:
    if value is None:
        return now
    if not isinstance(value, datetime):
        errors["contacted_at"] = "请填写回访时间"
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if date_problem("follow_up", value, now=now):
        errors["contacted_at"] = "回访时间不能晚于现在" if value > now else "回访时间不能早于一年前"
    elif value < student.created_at:
        errors["contacted_at"] = "回访时间不能早于学员建档时间"
    return value


@transaction.atomic
def follow_up_log(
    *,
    student: Student,
    by: Staff,
    contact: str,
    channel: str,
    kind: str,
    summary: str,
    satisfaction: int | None = None,
    contacted_at: datetime | None = None,
    now: datetime | None = None,
) -> FollowUp:
    """Log one contact about `student` (回访): with whom, how, of which kind, what was said,
    and the family's satisfaction (1–5) when asked. `contacted_at` defaults to now. A
    first call made after the hand-over ticks the hand-over's first call off as well
    (students' `student_first_call_made`), in the same transaction.

    Locks the student row, so the ownership check holds against a hand-over made at the
    same moment."""
    now = now or timezone.now()
    student = Student.objects.select_for_update().get(pk=student.pk)
    check_may_follow_up(student=student, by=by)
    errors: dict[str, str] = {}
    row = {
        "contact": clean_choice(contact, "contact", errors, FollowUp.Contact.values, "回访对象为家长、学员或教员"),
        "channel": clean_choice(channel, "channel", errors, FollowUp.Channel.values, "方式为电话、面访、微信或短信"),
        "kind": clean_choice(kind, "kind", errors, FollowUp.Kind.values, "请选择回访类别"),
        "summary": clean_text(summary, "summary", errors, max_length=SUMMARY_MAX, required=True),
        "satisfaction": _clean_satisfaction(satisfaction, errors),
        "contacted_at": _clean_contacted_at(contacted_at, student, now, errors),
    }
    if errors:
        raise InvalidInput("回访记录有误：" + "；".join(errors.values()), errors)
    follow_up = FollowUp.objects.create(campus=student.campus, student=student, by=by, **row)
    if follow_up.kind == FollowUp.Kind.FIRST_CALL:
        # the hand-over page (students) ticks the first call off too, so it and the day agree
        student_first_call_made(student=student, at=follow_up.contacted_at, by=by)
    return follow_up
