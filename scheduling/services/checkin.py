"""The check-in link (attendance) and the teachers' clock-in/out, called by the reception."""

from datetime import datetime

from django.db import IntegrityError, transaction

from billing.models import LedgerEntry, LessonPackage
from core.errors import InvalidInput
from core.models import Staff
from core.roles import Role
from students.models import Student

from ..errors import SchedulingError
from ..models import Attendance, Lesson, TeacherClock
from ._common import local_day


@transaction.atomic
def attendance_record(
    *,
    student: Student,
    package: LessonPackage,
    ledger_entry: LedgerEntry,
    at: datetime,
    by: Staff | None,
    source: str,
    lesson: Lesson | None = None,
    lesson_kind: str = Lesson.Kind.MAIN,
) -> Attendance:
    """Record a check-in (签到) whose lesson was already used by `ledger_entry`.

    Called by the check-in (a swipe or a manual deduction) inside its own transaction,
    after the package was locked and the ledger written; `lesson` is the scheduled lesson
    it belongs to (see selectors.lesson_at) or None for a check-in without a lesson."""
    if source not in Attendance.Source.values:
        raise InvalidInput(f"未知签到来源 {source}", {"source": "可选：" + "、".join(Attendance.Source.values)})
    if lesson_kind not in Lesson.Kind.values:
        raise InvalidInput("课型只能是上课（main）或陪练（practice）", {"lesson_kind": "不正确"})
    if package.student_id != student.pk or ledger_entry.package_id != package.pk:
        raise InvalidInput("课时包或流水不属于该学员", {"package": "不属于该学员"})
    if lesson is not None and lesson.student_id != student.pk:
        raise InvalidInput("该课程不是此学员的", {"lesson": "不属于该学员"})
    return Attendance.objects.create(
        campus_id=student.campus_id,
        student=student,
        lesson=lesson,
        package=package,
        ledger_entry=ledger_entry,
        lesson_kind=lesson_kind,
        checked_in_at=at,
        source=source,
        created_by=by,
    )


def teacher_clock(*, teacher: Staff, at: datetime, source: str = "") -> TeacherClock:
    """Clock a teacher in or out: per local day the first swipe is "in", then "out", "in", ….

    Locks the teacher's Staff row (SELECT … FOR UPDATE) so two swipes of one teacher are
    numbered one after the other; the unique (teacher, day, seq) backs that up where row
    locks do nothing (SQLite takes the write lock at BEGIN instead)."""
    if teacher.role != Role.TEACHER:
        raise InvalidInput("只有教员可以打卡", {"teacher": "不是教员"}, code=SchedulingError.NOT_A_TEACHER)
    day = local_day(at)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                Staff.objects.select_for_update().filter(pk=teacher.pk).first()
                seq = TeacherClock.objects.filter(teacher=teacher, day=day).count() + 1
                return TeacherClock.objects.create(
                    campus_id=teacher.campus_id,
                    teacher=teacher,
                    at=at,
                    day=day,
                    seq=seq,
                    kind=TeacherClock.Kind.IN if seq % 2 else TeacherClock.Kind.OUT,
                    source=source[:100],
                )
        except IntegrityError:
            # Another swipe took this number between our count and insert; count again.
            continue
    raise InvalidInput("打卡过于频繁，请稍后再试", {"teacher": "请重试"})
