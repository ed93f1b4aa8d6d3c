"""The check-in (签到, an Attendance): the record of a lesson used (by a swipe or by hand),
and the teachers' clock-in/out, called by the reception."""

from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import LedgerEntry, LessonPackage
from billing.services import package_deduct, package_for_checkin
from core.dates import local_day
from core.errors import Conflict, Forbidden, InvalidInput, conflict_on_integrity, violated_constraints
from core.models import Staff
from core.roles import Role, allows
from core.validation import date_problem
from students.models import Student

from ..errors import SchedulingError
from ..models import Attendance, GroupMember, GroupSession, Lesson, TeacherClock, TeacherClockCorrection
from ..roles import ROLES
from ..selectors import lesson_at

MAX_REASON = 200
# the code of a check-in already made (API.md § Swipes uses the same)
ALREADY_CHECKED_IN = "already_checked_in"


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
    reason: str = "",
    session: GroupSession | None = None,
) -> Attendance:
    """Record a check-in (签到) whose lesson was already used by `ledger_entry`.

    Called by `lesson_checkin` inside its transaction, after the package was locked and
    the ledger written (one INSERT: it needs no savepoint of its own); `lesson` is the
    scheduled lesson it belongs to (see selectors.lesson_at), or `session` the group
    session (selectors.session_at), or neither for a check-in without one."""
    if source not in Attendance.Source.values:
        raise InvalidInput(f"未知签到来源 {source}", {"source": "可选：" + "、".join(Attendance.Source.values)})
    if lesson_kind not in Lesson.Kind.values:
        raise InvalidInput("课型只能是上课（main）或陪练（practice）", {"lesson_kind": "不正确"})
    if package.student_id != student.pk or ledger_entry.package_id != package.pk:
        raise InvalidInput("课时包或流水不属于该学员", {"package": "不属于该学员"})
    if lesson is not None and lesson.student_id != student.pk:
        raise InvalidInput("该课程不是此学员的", {"lesson": "不属于该学员"})
    if lesson is not None and session is not None:
        raise InvalidInput("一次签到只属于一节课", {"session": "不能同时指定课程和大课课次"})
    return Attendance.objects.create(
        campus_id=student.campus_id,
        student=student,
        lesson=lesson,
        session=session,
        package=package,
        ledger_entry=ledger_entry,
        lesson_kind=lesson_kind,
        checked_in_at=at,
        source=source,
        reason=reason[:MAX_REASON],
        created_by=by,
    )


# What the ledger says a check-in's lesson was used for (a manual one: its reason).
SWIPE_LEDGER_REASON = "刷卡签到"


def lesson_checkin(
    *, student: Student, package: LessonPackage, at: datetime, by: Staff | None, source: str,
    lesson: Lesson | None = None, lesson_kind: str = Lesson.Kind.MAIN, reason: str = "",
    session: GroupSession | None = None, locked: bool = False,
) -> Attendance:
    """A check-in that uses a lesson, a swipe's or a manual one: one lesson of `package`
    used by billing's `package_deduct` (the one place a lesson is used: it locks the
    package and judges the rules at `at`), then the Attendance of that ledger entry, on
    its `lesson` or group `session` if it has one. One transaction; `locked=True` (a swipe):
    the caller's transaction holds `package`'s lock and covers this one, so neither this
    nor the deduction takes a savepoint, and a refusal rolls the caller's transaction back."""
    if locked and not transaction.get_connection().in_atomic_block:
        raise ValueError("locked=True: the package's lock is held by the caller's transaction, and there is none")
    with transaction.atomic(savepoint=not locked):
        entry = package_deduct(package=package, at=at, by=by, reason=reason or SWIPE_LEDGER_REASON, locked=locked)
        record = partial(
            attendance_record, student=student, package=package, ledger_entry=entry, at=at, by=by, source=source,
            lesson=lesson, lesson_kind=lesson_kind, reason=reason, session=session,
        )
        if session is None:
            return record()  # one INSERT, no savepoint: nothing unique to race for
        with conflict_on_integrity(_session_checked_in(student)):
            return record()


def _session_checked_in(student: Student) -> Callable[[IntegrityError], Conflict | None]:
    """The database caught a second check-in of one member at one group session (a swipe and
    the desk's tick at once): the same refusal as the services' own check; the caller's
    transaction takes the lesson back."""

    def to_conflict(exc: IntegrityError) -> Conflict | None:
        if not violated_constraints(exc, ["attendance_once_per_session"]):
            return None
        return Conflict(ALREADY_CHECKED_IN, f"{student.name} 本节大课已签到，未重复扣课", {"student": "已签到"})

    return to_conflict


@transaction.atomic
def checkin_manual(
    *, package: LessonPackage, by: Staff, reason: str, at: datetime | None = None, lesson: Lesson | None = None,
    session: GroupSession | None = None,
) -> Attendance:
    """手工扣课: a check-in without a card (card forgotten, reader down, a lesson the
    school decides to count), from the billing package page, the desk page or the API
    alike. One lesson of `package` is used under the same rules as a swipe (expiry,
    payment, balance; the one-minute repeat guard is for cards only), and the check-in is
    recorded with source manual and the reason, so the lesson is in the student's lesson
    record, on the slip, in the attendance API and in the reconciliation like a swiped
    one. `lesson` defaults to the student's scheduled lesson at `at` (default now) when
    it uses this package."""
    reason = required_reason(reason, "手工扣课")
    at = at or timezone.now()
    if session is not None:
        return _session_checkin_manual(package=package, by=by, reason=reason, at=at, session=session)
    if lesson is None:
        lesson = lesson_at(student=package.student, at=at)
        if lesson is not None and lesson.package_id not in (None, package.pk):
            lesson = None  # that lesson is paid from another package: this is another check-in
    return lesson_checkin(
        student=package.student, package=package, at=at, by=by, source=Attendance.Source.MANUAL, lesson=lesson,
        lesson_kind=lesson.lesson_kind if lesson else Lesson.Kind.MAIN, reason=reason,
    )


def teacher_clock(*, teacher: Staff, at: datetime, source: str = "", kind: str | None = None) -> TeacherClock:
    """Clock a teacher in or out. `kind` ("in"/"out") is the teacher's choice (上班/下班);
    without it the clocks alternate per local day: the first is "in", then the opposite of
    the day's latest one.

    Locks the teacher's Staff row (SELECT … FOR UPDATE) so two swipes of one teacher are
    numbered one after the other; the unique (teacher, day, seq) backs that up where row
    locks do nothing (SQLite takes the write lock at BEGIN instead)."""
    if teacher.role != Role.TEACHER:
        raise InvalidInput("只有教员可以打卡", {"teacher": "不是教员"}, code=SchedulingError.NOT_A_TEACHER)
    if kind is not None and kind not in TeacherClock.Kind.values:
        raise InvalidInput("打卡类型只能是上班（in）或下班（out）", {"clock": "可选 in、out"})
    day = local_day(at)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                Staff.objects.select_for_update().filter(pk=teacher.pk).first()
                latest = TeacherClock.objects.filter(teacher=teacher, day=day).order_by("-seq").first()
                chosen = kind
                if chosen is None:
                    alternate = latest is None or latest.kind == TeacherClock.Kind.OUT
                    chosen = TeacherClock.Kind.IN if alternate else TeacherClock.Kind.OUT
                return TeacherClock.objects.create(
                    campus_id=teacher.campus_id,
                    teacher=teacher,
                    at=at,
                    day=day,
                    seq=(latest.seq if latest else 0) + 1,
                    kind=chosen,
                    source=source[:100],
                )
        except IntegrityError:
            # Another swipe took this number between our count and insert; count again.
            continue
    raise InvalidInput("打卡过于频繁，请稍后再试", {"teacher": "请重试"})


def session_tick_lock(session: GroupSession) -> None:
    """A tick's first lock: the session's row, so that the desk's ticks of one session are
    judged one at a time. FOR NO KEY UPDATE, not FOR UPDATE: it must not block the KEY SHARE
    lock that inserting any attendance of the session takes on this row (its foreign key).
    A swipe of a member locks the package first and inserts the attendance after; were it
    blocked here, it would hold the package the tick waits for next (a deadlock). The order
    of a check-in's locks (the same for a swipe and a tick): the caller's own row (a swipe:
    the card; a tick: this one), then the package(s), then the rows written, whose foreign
    keys share what they name."""
    GroupSession.objects.select_for_update(no_key=True).filter(pk=session.pk).first()


def _session_checkin_manual(
    *, package: LessonPackage, by: Staff, reason: str, at: datetime, session: GroupSession
) -> Attendance:
    """An absent member of a group session ticked in by hand (the session's check-in list):
    once per session, with a group package of the student's, on the session."""
    student = package.student
    session_tick_lock(session)
    if package.kind != LessonPackage.Kind.GROUP:
        raise InvalidInput("大课只能扣大课课时包", {"package": "不是大课课时包"})
    if not GroupMember.objects.filter(group_id=session.group_id, student=student, left_at__isnull=True).exists():
        raise InvalidInput(f"{student.name} 不在该班", {"student": "不在班上"})
    if session.attendances.filter(student=student).exists():
        raise Conflict(ALREADY_CHECKED_IN, f"{student.name} 本节大课已签到，未重复扣课", {"student": "已签到"})
    return lesson_checkin(
        student=student, package=package, at=at, by=by, source=Attendance.Source.MANUAL, reason=reason,
        session=session,
    )


def session_package(*, session: GroupSession, student: Student, at: datetime) -> LessonPackage:
    """The package a check-in of `student` at a group session uses: the one linked to the
    class membership, else the group package expiring first (billing's choice)."""
    member = GroupMember.objects.filter(group_id=session.group_id, student=student, left_at__isnull=True).first()
    if member is not None and member.package_id:
        return member.package
    return package_for_checkin(student=student, at=at, kind=LessonPackage.Kind.GROUP)


# The source of a clock the dean added by hand (a forgotten card, a reader down).
ADDED_BY_HAND = "补录"


def required_reason(reason: str, what: str) -> str:
    """A reason that must be given (≤ 200 characters), stripped."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(f"{what}必须填写原因", {"reason": "必填"})
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"原因最多 {MAX_REASON} 字", {"reason": "过长"})
    return reason


@transaction.atomic
def teacher_clock_correct(
    *, by: Staff, teacher: Staff, at: datetime, kind: str, reason: str, clock: TeacherClock | None = None
) -> TeacherClockCorrection:
    """The dean corrects a teacher's clock: `clock` (a wrong one) gets the time `at` and the
    kind `kind` (上班/下班), or, without `clock`, a missing one is added at `at`. The reason
    is required; the correction (old and new, who, when, why) stays on record. A corrected
    time stays on the clock's own day (a clock of another day is another correction)."""
    if not allows(ROLES["correct_clocks"], by.role):
        raise Forbidden("只有教务主管可以更正考勤")
    reason = required_reason(reason, "更正考勤")
    if teacher.role != Role.TEACHER:
        raise InvalidInput("只有教员有考勤", {"teacher": "不是教员"}, code=SchedulingError.NOT_A_TEACHER)
    if by.role != Role.HQ_ADMIN and teacher.campus_id != by.campus_id:
        raise InvalidInput("教员不在本校区", {"teacher": "不在本校区"}, code=SchedulingError.OTHER_CAMPUS)
    if kind not in TeacherClock.Kind.values:
        raise InvalidInput("请选择上班或下班", {"kind": "可选 in、out"})
    if problem := date_problem("swipe", at):
        raise InvalidInput(f"打卡时间{problem}", {"at": "超出范围"})
    Staff.objects.select_for_update().filter(pk=teacher.pk).first()
    day = local_day(at)
    if clock is None:
        latest = TeacherClock.objects.filter(teacher=teacher, day=day).order_by("-seq").first()
        clock = TeacherClock.objects.create(
            campus_id=teacher.campus_id, teacher=teacher, at=at, day=day, seq=(latest.seq if latest else 0) + 1,
            kind=kind, source=ADDED_BY_HAND,
        )
        old_at, old_kind = None, ""
    else:
        clock = TeacherClock.objects.select_for_update().get(pk=clock.pk)
        if clock.teacher_id != teacher.pk:
            raise InvalidInput("这不是该教员的打卡", {"clock": "不属于该教员"})
        if day != clock.day:
            raise InvalidInput("更正后的时间须在原打卡的同一天", {"at": "须为同一天"})
        old_at, old_kind = clock.at, clock.kind
        clock.at, clock.kind = at, kind
        clock.save(update_fields=["at", "kind"])
    return TeacherClockCorrection.objects.create(
        clock=clock, teacher=teacher, old_at=old_at, old_kind=old_kind, new_at=at, new_kind=kind, reason=reason,
        created_by=by,
    )
