"""1-on-1 lessons (小课): booking, recurring series, leave (请假), rescheduling (调课),
make-up lessons, cancellation and the day-ahead confirmation."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from billing.models import LessonPackage
from core.dates import aware, local_day
from core.errors import Conflict, InvalidInput
from core.models import Staff, Subject
from students.models import Student

from ..errors import SchedulingError
from ..models import GroupSession, Lesson, LessonChange, LessonSeries, Notification, Room
from ..rules import is_late_notice
from ._common import (
    check_same_campus,
    check_slot,
    check_times,
    claim_slot,
    lesson_text,
    lock_scheduled,
    notify,
    resolve_room,
    save_booked,
    span_text,
)

MAX_SERIES_WEEKS = 52


def usable_package_for(*, student: Student, subject: Subject, on: date) -> LessonPackage | None:
    """The package a lesson of `subject` on day `on` will probably use: a 1-on-1 package of
    that subject, valid that day, with lessons left, not refunded; the one expiring first.
    The check-in still applies every billing rule when the student swipes."""
    return (
        LessonPackage.objects.filter(
            student=student, subject=subject, kind=LessonPackage.Kind.ONE_ON_ONE, refunded_at__isnull=True,
            valid_from__lte=on, valid_until__gte=on, lessons_left__gt=0,
        )
        .order_by("valid_until", "pk")
        .first()
    )


def _check_booking(
    *, student: Student, teacher: Staff, subject: Subject, starts_at: datetime, ends_at: datetime, by: Staff | None,
    room: Room | str | None, lesson_kind: str,
) -> tuple[datetime, datetime, Room | None]:
    """What a booking or a series is refused for as a whole: the kind, then the slot
    (campus, times, subject, room). Returns the aware times and the room."""
    if lesson_kind not in Lesson.Kind.values:
        raise InvalidInput("课型只能是上课（main）或陪练（practice）", {"lesson_kind": "可选 main、practice"})
    return check_slot(
        campus=student.campus, by=by, teacher=teacher, subject=subject, starts_at=starts_at, ends_at=ends_at, room=room
    )


@transaction.atomic
def lesson_book(
    *,
    student: Student,
    teacher: Staff,
    subject: Subject,
    starts_at: datetime,
    ends_at: datetime,
    by: Staff | None,
    room: Room | str | None = None,
    lesson_kind: str = Lesson.Kind.MAIN,
    package: LessonPackage | None = None,
    series: LessonSeries | None = None,
    makeup_for: Lesson | None = None,
    send_notice: bool = True,
) -> Lesson:
    """Book one 1-on-1 lesson. Refuses a teacher who does not teach `subject` (422
    wrong_subject) and any overlap of the teacher, the student or the room (409
    schedule_conflict). Locks the teacher, the student and the room (see lock_parties);
    PostgreSQL's exclusion constraints back the check up. A student needs no package."""
    campus = student.campus
    starts_at, ends_at, room_obj = _check_booking(
        student=student, teacher=teacher, subject=subject, starts_at=starts_at, ends_at=ends_at, by=by, room=room,
        lesson_kind=lesson_kind,
    )
    if package is not None and package.student_id != student.pk:
        raise InvalidInput("课时包不属于该学员", {"package": "不属于该学员"})
    claim_slot(starts_at=starts_at, ends_at=ends_at, teacher=teacher, student_ids=[student.pk], room=room_obj)
    lesson = Lesson(
        campus=campus, student=student, teacher=teacher, subject=subject, room=room_obj,
        lesson_kind=lesson_kind, starts_at=starts_at, ends_at=ends_at, series=series, makeup_for=makeup_for,
        package=package or usable_package_for(student=student, subject=subject, on=local_day(starts_at)),
        created_by=by,
    )
    save_booked(lesson)
    if send_notice:
        kind = Notification.Kind.MAKEUP if makeup_for else Notification.Kind.BOOKED
        label = "补课" if makeup_for else "新排课"
        notify(lesson=lesson, kind=kind, message=f"【{label}】{lesson_text(lesson)}")
    return lesson


@dataclass
class Occurrence:
    starts_at: datetime
    ends_at: datetime
    lesson: Lesson | None = None
    session: GroupSession | None = None
    conflicts: dict[str, str] = field(default_factory=dict)


@dataclass
class SeriesResult:
    series: LessonSeries
    occurrences: list[Occurrence]

    @property
    def booked(self) -> list[Lesson]:
        return [o.lesson for o in self.occurrences if o.lesson is not None]

    @property
    def skipped(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.lesson is None]


def weekly_spans(starts_at: datetime, ends_at: datetime, weeks: int, interval: int = 1) -> list[tuple[datetime, datetime]]:
    """The same local wall-clock time every `interval` weeks, `weeks` times."""
    start, end = timezone.localtime(aware(starts_at)), timezone.localtime(aware(ends_at))
    return [(start + timedelta(weeks=i * interval), end + timedelta(weeks=i * interval)) for i in range(weeks)]


def book_each(spans: list[tuple[datetime, datetime]], book: Callable[[Occurrence], None]) -> list[Occurrence]:
    """`book` every span, each in its own savepoint: a span that clashes is skipped and
    keeps the conflicts it was refused for; the others are booked."""
    occurrences: list[Occurrence] = []
    for starts_at, ends_at in spans:
        occurrence = Occurrence(starts_at=starts_at, ends_at=ends_at)
        try:
            with transaction.atomic():
                book(occurrence)
        except Conflict as exc:
            occurrence.conflicts = exc.fields
        occurrences.append(occurrence)
    return occurrences


@transaction.atomic
def lesson_series_create(
    *,
    student: Student,
    teacher: Staff,
    subject: Subject,
    first_starts_at: datetime,
    first_ends_at: datetime,
    weeks: int,
    by: Staff | None,
    room: Room | str | None = None,
    lesson_kind: str = Lesson.Kind.MAIN,
    interval_weeks: int = 1,
) -> SeriesResult:
    """Book a recurring lesson (e.g. weekly for 20 weeks) in one action. Weeks that clash
    are skipped and reported one by one; the others are booked. Anything wrong with the
    whole (subject, times, campus) refuses all of it."""
    if not 1 <= weeks <= MAX_SERIES_WEEKS:
        raise InvalidInput(f"周数须为 1–{MAX_SERIES_WEEKS}", {"weeks": "超出范围"})
    if not 1 <= interval_weeks <= 4:
        raise InvalidInput("间隔须为 1–4 周", {"interval_weeks": "超出范围"})
    campus = student.campus
    first_starts_at, first_ends_at, room_obj = _check_booking(
        student=student, teacher=teacher, subject=subject, starts_at=first_starts_at, ends_at=first_ends_at, by=by,
        room=room, lesson_kind=lesson_kind,
    )
    series = LessonSeries.objects.create(
        campus=campus, student=student, teacher=teacher, subject=subject, first_starts_at=first_starts_at,
        first_ends_at=first_ends_at, weeks=weeks, interval_weeks=interval_weeks, created_by=by,
    )

    def book(occurrence: Occurrence) -> None:
        occurrence.lesson = lesson_book(
            student=student, teacher=teacher, subject=subject, starts_at=occurrence.starts_at,
            ends_at=occurrence.ends_at, by=by, room=room_obj, lesson_kind=lesson_kind, series=series,
            send_notice=False,
        )

    occurrences = book_each(weekly_spans(first_starts_at, first_ends_at, weeks, interval_weeks), book)
    result = SeriesResult(series=series, occurrences=occurrences)
    series.booked, series.skipped = len(result.booked), len(result.skipped)
    series.save(update_fields=["booked", "skipped"])
    if result.booked:
        first = result.booked[0]
        skipped = f"，{len(result.skipped)} 次因撞课未排" if result.skipped else ""
        notify(
            lesson=first, kind=Notification.Kind.BOOKED,
            message=f"【循环排课】{lesson_text(first)} 起每{interval_weeks}周一次，共排 {len(result.booked)} 次{skipped}",
        )
    return result


def _locked_scheduled(lesson: Lesson) -> Lesson:
    lessons = Lesson.objects.select_related("student", "teacher__user", "room", "subject")
    return lock_scheduled(lessons, lesson.pk, "课程")


def _not_attended(lesson: Lesson, action: str) -> None:
    # The student came and a lesson was used: the record stays as it is.
    if lesson.attendances.exists():
        raise Conflict(SchedulingError.NOT_SCHEDULED, f"学员已签到，不能{action}", {"status": "checked_in"})


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


@transaction.atomic
def lesson_leave(*, lesson: Lesson, reason: str, by: Staff | None, now: datetime | None = None) -> Lesson:
    """Leave (请假) for a scheduled lesson. Less than 24 hours before the start the leave is
    still taken but marked `late_notice`. The teacher and the parent are notified."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写请假原因", {"reason": "必填"})
    if len(reason) > 200:
        raise InvalidInput("请假原因最多 200 字", {"reason": "内容过长"})
    check_same_campus(campus=lesson.campus, by=by)
    lesson = _locked_scheduled(lesson)
    _not_attended(lesson, "请假")
    now = _now(now)
    late = is_late_notice(lesson, now)
    lesson.status = Lesson.Status.LEAVE
    lesson.leave_reason, lesson.leave_at, lesson.late_notice = reason, now, late
    lesson.save(update_fields=["status", "leave_reason", "leave_at", "late_notice"])
    LessonChange.objects.create(
        lesson=lesson, kind=LessonChange.Kind.LEAVE, old_starts_at=lesson.starts_at, old_ends_at=lesson.ends_at,
        reason=reason, late_notice=late, created_by=by,
    )
    notify(lesson=lesson, kind=Notification.Kind.LEAVE, message=f"【请假】{lesson_text(lesson)}，原因：{reason}")
    return lesson


@transaction.atomic
def lesson_reschedule(
    *,
    lesson: Lesson,
    starts_at: datetime,
    ends_at: datetime,
    by: Staff | None,
    reason: str = "",
    room: Room | str | None = None,
    now: datetime | None = None,
) -> Lesson:
    """Move a scheduled lesson (调课) to another time (and room, if given) with every check
    of booking. The lesson keeps its id; the move is kept as a LessonChange and is
    `late_notice` when asked less than 24 hours before the old start."""
    check_same_campus(campus=lesson.campus, by=by)
    starts_at, ends_at = check_times(starts_at, ends_at)
    lesson = _locked_scheduled(lesson)
    _not_attended(lesson, "调课")
    room_obj = resolve_room(campus=lesson.campus, room=room) if room else lesson.room
    claim_slot(
        starts_at=starts_at, ends_at=ends_at, teacher=lesson.teacher, student_ids=[lesson.student_id],
        room=room_obj, exclude_lesson=lesson,
    )
    late = is_late_notice(lesson, _now(now))
    old_start, old_end = lesson.starts_at, lesson.ends_at
    lesson.starts_at, lesson.ends_at, lesson.room, lesson.late_notice = starts_at, ends_at, room_obj, late
    lesson.confirmed_at, lesson.confirmed_by = None, None
    save_booked(lesson, ["starts_at", "ends_at", "room", "late_notice", "confirmed_at", "confirmed_by"])
    LessonChange.objects.create(
        lesson=lesson, kind=LessonChange.Kind.RESCHEDULE, old_starts_at=old_start, old_ends_at=old_end,
        new_starts_at=starts_at, new_ends_at=ends_at, reason=reason.strip()[:200], late_notice=late, created_by=by,
    )
    notify(
        lesson=lesson, kind=Notification.Kind.RESCHEDULED,
        message=f"【调课】原 {span_text(old_start, old_end)} 改为 {lesson_text(lesson)}",
    )
    return lesson


@transaction.atomic
def lesson_makeup(
    *,
    lesson: Lesson,
    starts_at: datetime,
    ends_at: datetime,
    by: Staff | None,
    room: Room | str | None = None,
    teacher: Staff | None = None,
) -> Lesson:
    """A make-up lesson (补课) for a lesson the student took leave from, or that was
    cancelled: booked like any lesson and linked to the one it replaces."""
    original = Lesson.objects.select_for_update().select_related("student", "subject", "teacher").get(pk=lesson.pk)
    if original.status not in (Lesson.Status.LEAVE, Lesson.Status.CANCELLED):
        raise Conflict(SchedulingError.NOT_SCHEDULED, "只有请假或取消的课程可以补课", {"status": original.status})
    if original.makeups.filter(status=Lesson.Status.SCHEDULED).exists():
        raise Conflict(SchedulingError.NOT_SCHEDULED, "这节课已经安排了补课", {"lesson": "已有补课"})
    return lesson_book(
        student=original.student, teacher=teacher or original.teacher, subject=original.subject,
        starts_at=starts_at, ends_at=ends_at, by=by, room=room if room else original.room,
        lesson_kind=original.lesson_kind, package=original.package, makeup_for=original,
    )


@transaction.atomic
def lesson_cancel(*, lesson: Lesson, reason: str, by: Staff | None, now: datetime | None = None) -> Lesson:
    """Cancel a scheduled lesson (e.g. the teacher is ill); it can be made up later."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写取消原因", {"reason": "必填"})
    check_same_campus(campus=lesson.campus, by=by)
    lesson = _locked_scheduled(lesson)
    _not_attended(lesson, "取消")
    late = is_late_notice(lesson, _now(now))
    lesson.status = Lesson.Status.CANCELLED
    lesson.save(update_fields=["status"])
    LessonChange.objects.create(
        lesson=lesson, kind=LessonChange.Kind.CANCEL, old_starts_at=lesson.starts_at, old_ends_at=lesson.ends_at,
        reason=reason[:200], late_notice=late, created_by=by,
    )
    notify(lesson=lesson, kind=Notification.Kind.CANCELLED, message=f"【取消】{lesson_text(lesson)}，原因：{reason}")
    return lesson


@transaction.atomic
def lesson_confirm(*, lesson: Lesson, by: Staff) -> Lesson:
    """The front desk confirmed tomorrow's lesson with the family (课前确认)."""
    check_same_campus(campus=lesson.campus, by=by)
    lesson = _locked_scheduled(lesson)
    lesson.confirmed_at, lesson.confirmed_by = timezone.now(), by
    lesson.save(update_fields=["confirmed_at", "confirmed_by"])
    return lesson


def lessons_shift_teacher(*, lessons: list[Lesson], to_teacher: Staff) -> int:
    """Give already locked future lessons to another teacher (used by teacher_change);
    saved one by one so each move is in the lesson's history."""
    for lesson in lessons:
        lesson.teacher, lesson.confirmed_at, lesson.confirmed_by = to_teacher, None, None
        lesson.save(update_fields=["teacher", "confirmed_at", "confirmed_by"])
    return len(lessons)

