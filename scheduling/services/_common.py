"""Pieces the scheduling services share: times, locks, the overlap check, rooms and the
notifications of a change."""

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from core.dates import aware
from core.errors import Conflict, InvalidInput, conflict_on_integrity, violated_constraints
from core.models import Campus, Staff, Subject
from core.roles import Role
from core.validation import require_dates
from students.models import Student

from ..errors import SchedulingError
from ..models import GroupSession, Lesson, Notification, Room
from ..selectors import find_conflicts, span_text

LONGEST_LESSON = timedelta(hours=8)

# Constraint names of migration 0005 → the field they protect.
EXCLUSION_FIELDS = {
    "lesson_no_teacher_overlap": "teacher",
    "lesson_no_student_overlap": "student",
    "lesson_no_room_overlap": "room",
    "groupsession_no_teacher_overlap": "teacher",
    "groupsession_no_room_overlap": "room",
}
FIELD_LABELS = {"teacher": "教员", "student": "学员", "room": "教室"}


def check_times(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    starts_at, ends_at = aware(starts_at), aware(ends_at)
    require_dates({"starts_at": ("lesson", starts_at), "ends_at": ("lesson", ends_at)}, code=SchedulingError.BAD_TIME)
    if ends_at <= starts_at:
        raise InvalidInput("结束时间须晚于开始时间", {"ends_at": "须晚于开始时间"}, code=SchedulingError.BAD_TIME)
    if ends_at - starts_at > LONGEST_LESSON:
        raise InvalidInput("一节课不能超过 8 小时", {"ends_at": "时长过长"}, code=SchedulingError.BAD_TIME)
    return starts_at, ends_at


def check_same_campus(*, campus: Campus, by: Staff | None, teacher: Staff | None = None) -> None:
    if by is not None and by.role != Role.HQ_ADMIN and by.campus_id != campus.pk:
        raise InvalidInput("只能为本校区排课", {"student": "不在本校区"}, code=SchedulingError.OTHER_CAMPUS)
    if teacher is not None:
        if teacher.campus_id != campus.pk:
            raise InvalidInput("教员不在本校区", {"teacher": "不在本校区"}, code=SchedulingError.OTHER_CAMPUS)
        if teacher.role != Role.TEACHER:
            raise InvalidInput(f"{teacher} 不是教员", {"teacher": "不是教员"}, code=SchedulingError.NOT_A_TEACHER)


def check_teaches(teacher: Staff, subject: Subject | None, subject_name: str = "") -> Subject:
    """422 wrong_subject (排错科目) unless `teacher` teaches `subject`."""
    if subject is None or not teacher.subjects.filter(pk=subject.pk).exists():
        name = subject.name if subject is not None else subject_name
        taught = "、".join(teacher.subjects.values_list("name", flat=True)) or "无"
        raise InvalidInput(
            f"{teacher} 不教{name}（任教科目：{taught}）",
            {"subject": f"该教员不教{name}"},
            code=SchedulingError.WRONG_SUBJECT,
        )
    return subject


def check_slot(
    *, campus: Campus, by: Staff | None, teacher: Staff, subject: Subject, starts_at: datetime, ends_at: datetime,
    room: Room | str | None,
) -> tuple[datetime, datetime, Room | None]:
    """The slot a lesson or a group session is booked in, before anything is locked: booked
    by staff of `campus`, a teacher of `campus` who teaches `subject`, the times, the room
    (a new name becomes a room of `campus`). Returns the aware times and the room."""
    check_same_campus(campus=campus, by=by, teacher=teacher)
    starts_at, ends_at = check_times(starts_at, ends_at)
    check_teaches(teacher, subject)
    return starts_at, ends_at, resolve_room(campus=campus, room=room)


def lock_parties(*, teacher: Staff | None, student_ids: list[int], room: Room | None) -> None:
    """Lock the rows a booking depends on, always in the order staff → students → room
    (students by id), and always after any lesson rows the caller locked (by id), so two
    services never wait on each other in a circle. A second booking of the same teacher,
    student or room waits here until the first has committed, and then sees it in the
    overlap check."""
    if teacher is not None:
        list(Staff.objects.select_for_update().filter(pk=teacher.pk).values_list("pk"))
    if student_ids:
        list(Student.objects.select_for_update().filter(pk__in=student_ids).order_by("pk").values_list("pk"))
    if room is not None:
        list(Room.objects.select_for_update().filter(pk=room.pk).values_list("pk"))


def claim_slot(
    *, starts_at: datetime, ends_at: datetime, teacher: Staff | None, student_ids: list[int], room: Room | None,
    exclude_lesson: Lesson | None = None,
) -> None:
    """Lock the parties of a booking (lock_parties), then refuse (409 schedule_conflict)
    if any of them is already booked in [starts_at, ends_at). The caller then writes its
    lesson or session in the same transaction, under the locks."""
    lock_parties(teacher=teacher, student_ids=student_ids, room=room)
    fields = find_conflicts(
        starts_at=starts_at, ends_at=ends_at, teacher=teacher, student_ids=student_ids, room=room,
        exclude_lesson=exclude_lesson,
    )
    if fields:
        raise conflict_error(fields)


def conflict_error(fields: dict[str, str]) -> Conflict:
    names = "、".join(FIELD_LABELS[f] for f in fields)
    return Conflict(
        SchedulingError.SCHEDULE_CONFLICT,
        f"撞课：{names}在该时间已有安排。" + "；".join(fields.values()),
        fields,
    )


def conflict_from_integrity(exc: IntegrityError) -> Conflict | None:
    """The exclusion constraint caught a race the lock did not (or a write that skipped the
    service): the same 409 schedule_conflict as the service's own check. For
    core.errors.conflict_on_integrity."""
    fields = {EXCLUSION_FIELDS[name]: "该时间已被占用" for name in violated_constraints(exc, EXCLUSION_FIELDS)}
    return conflict_error(fields) if fields else None


def save_booked(row: Lesson | GroupSession, update_fields: list[str] | None = None) -> None:
    """Save a lesson or a session booked under claim_slot's locks; a race the exclusion
    constraints still catch is the same 409 schedule_conflict."""
    with conflict_on_integrity(conflict_from_integrity):
        row.save(update_fields=update_fields)


def room_get_or_create(*, campus: Campus, name: str) -> Room:
    """The campus's room of that name; created when named for the first time."""
    name = name.strip()
    if not name or len(name) > 50:
        raise InvalidInput("教室名称须为 1–50 个字符", {"room": "格式不正确"})
    room = Room.objects.filter(campus=campus, name=name).first()
    if room is not None:
        return room
    try:
        with transaction.atomic():
            return Room.objects.create(campus=campus, name=name)
    except IntegrityError:
        # Named for the first time by two desks at once: the other one created it.
        return Room.objects.get(campus=campus, name=name)


def resolve_room(*, campus: Campus, room: Room | str | None) -> Room | None:
    if room is None or room == "":
        return None
    if isinstance(room, Room):
        if room.campus_id != campus.pk:
            raise InvalidInput("教室不在本校区", {"room": "不在本校区"}, code=SchedulingError.OTHER_CAMPUS)
        return room
    return room_get_or_create(campus=campus, name=room)


def notify(*, lesson: Lesson, kind: str, message: str) -> list[Notification]:
    """One notification for the teacher and one for the parent (the primary guardian)."""
    student = lesson.student
    guardian = student.guardians.order_by("-is_primary", "pk").first()
    return Notification.objects.bulk_create(
        [
            Notification(
                campus_id=lesson.campus_id, recipient=Notification.Recipient.TEACHER, teacher=lesson.teacher,
                student=student, phone=lesson.teacher.phone, lesson=lesson, kind=kind, message=message[:500],
            ),
            Notification(
                campus_id=lesson.campus_id, recipient=Notification.Recipient.PARENT, student=student,
                phone=guardian.phone if guardian else "", lesson=lesson, kind=kind, message=message[:500],
            ),
        ]
    )


def lock_scheduled(queryset: QuerySet, pk: int, noun: str) -> Any:
    """The row `pk` of `queryset` (a Lesson or a GroupSession), locked, if it is still
    scheduled; else 409 lesson_not_scheduled saying what it is now."""
    locked = queryset.select_for_update(of=("self",)).get(pk=pk)
    if locked.status != Lesson.Status.SCHEDULED:
        raise Conflict(
            SchedulingError.NOT_SCHEDULED,
            f"该{noun}当前状态为“{locked.get_status_display()}”，不能再操作",
            {"status": locked.status},
        )
    return locked


def lesson_text(lesson: Lesson) -> str:
    room = f"，教室{lesson.room.name}" if lesson.room_id else ""
    return (
        f"{lesson.student.name} {lesson.subject}{lesson.get_lesson_kind_display()} "
        f"{span_text(lesson.starts_at, lesson.ends_at)}，教员{lesson.teacher}{room}"
    )


__all__ = ["find_conflicts", "span_text"]
