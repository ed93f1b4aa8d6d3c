"""Group classes (大课): the class, its roster and its sessions."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from billing.models import LessonPackage
from core.errors import Conflict, InvalidInput, conflict_on_integrity
from core.models import Campus, Staff, Subject
from students.models import Student

from ..errors import SchedulingError
from ..models import GroupClass, GroupMember, GroupSession, Lesson, Room
from ._common import (
    check_same_campus,
    check_teaches,
    check_times,
    claim_slot,
    conflict_error,
    conflict_from_integrity,
    find_conflicts,
    lock_parties,
    resolve_room,
)
from .lessons import Occurrence, weekly_spans


@transaction.atomic
def group_class_create(
    *,
    campus: Campus,
    name: str,
    subject: Subject,
    teacher: Staff,
    by: Staff | None,
    room: Room | str | None = None,
    capacity: int = 12,
) -> GroupClass:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput("请填写班级名称（最多 100 字）", {"name": "必填"})
    if not 1 <= capacity <= 200:
        raise InvalidInput("人数上限须为 1–200", {"capacity": "超出范围"})
    check_same_campus(campus=campus, by=by, teacher=teacher)
    check_teaches(teacher, subject)
    if GroupClass.objects.filter(campus=campus, name=name).exists():
        raise InvalidInput(f"班级“{name}”已存在", {"name": "已存在"})
    return GroupClass.objects.create(
        campus=campus, name=name, subject=subject, teacher=teacher,
        room=resolve_room(campus=campus, room=room), capacity=capacity, created_by=by,
    )


@transaction.atomic
def group_member_add(
    *, group: GroupClass, student: Student, by: Staff | None, package: LessonPackage | None = None
) -> GroupMember:
    """Put a student on the roster, with the group package sold for the class (a swipe
    at one of its sessions uses that one; without it, the student's group package that
    expires first). Refused when the class is full or one of its coming sessions clashes
    with the student's timetable."""
    group = GroupClass.objects.select_for_update().get(pk=group.pk)
    check_same_campus(campus=group.campus, by=by)
    if student.campus_id != group.campus_id:
        raise InvalidInput("学员不在本校区", {"student": "不在本校区"}, code=SchedulingError.OTHER_CAMPUS)
    if package is not None and (
        package.student_id != student.pk
        or package.kind != LessonPackage.Kind.GROUP
        or package.lesson_kind != LessonPackage.LessonKind.MAIN
    ):
        raise InvalidInput("只能关联该学员的大课课时包", {"package_id": "不是该学员的大课课时包"})
    if group.members.filter(student=student).exists():
        raise InvalidInput(f"{student.name} 已在该班", {"student": "已在班上"})
    if group.members.count() >= group.capacity:
        raise Conflict("group_full", f"班级已满（{group.capacity} 人）", {"student": "班级已满"})
    lock_parties(teacher=None, student_ids=[student.pk], room=None)
    for session in group.sessions.filter(status=Lesson.Status.SCHEDULED, ends_at__gt=timezone.now()):
        fields = find_conflicts(
            starts_at=session.starts_at, ends_at=session.ends_at, teacher=None, student_ids=[student.pk],
            room=None, exclude_session=session,
        )
        if fields:
            raise conflict_error(fields)
    return GroupMember.objects.create(group=group, student=student, package=package)


@transaction.atomic
def group_session_add(
    *,
    group: GroupClass,
    starts_at: datetime,
    ends_at: datetime,
    by: Staff | None,
    room: Room | str | None = None,
    teacher: Staff | None = None,
) -> GroupSession:
    """One session of a group class; the teacher, the room and every student on the roster
    must be free (409 schedule_conflict)."""
    check_same_campus(campus=group.campus, by=by, teacher=teacher or group.teacher)
    teacher = teacher or group.teacher
    check_teaches(teacher, group.subject)
    starts_at, ends_at = check_times(starts_at, ends_at)
    room_obj = resolve_room(campus=group.campus, room=room) if room else group.room
    student_ids = list(group.members.values_list("student_id", flat=True))
    claim_slot(starts_at=starts_at, ends_at=ends_at, teacher=teacher, student_ids=student_ids, room=room_obj)
    session = GroupSession(
        group=group, campus=group.campus, teacher=teacher, room=room_obj, starts_at=starts_at, ends_at=ends_at,
        created_by=by,
    )
    with conflict_on_integrity(conflict_from_integrity):
        session.save()
    return session


@transaction.atomic
def group_sessions_schedule(
    *,
    group: GroupClass,
    first_starts_at: datetime,
    first_ends_at: datetime,
    weeks: int,
    by: Staff | None,
    room: Room | str | None = None,
) -> list[Occurrence]:
    """Weekly sessions of a group class, each in `room` (else the class's room); clashing
    weeks are skipped and reported."""
    if not 1 <= weeks <= 52:
        raise InvalidInput("周数须为 1–52", {"weeks": "超出范围"})
    check_times(first_starts_at, first_ends_at)
    occurrences = []
    for starts_at, ends_at in weekly_spans(first_starts_at, first_ends_at, weeks):
        occurrence = Occurrence(starts_at=starts_at, ends_at=ends_at)
        try:
            with transaction.atomic():
                occurrence.session = group_session_add(
                    group=group, starts_at=starts_at, ends_at=ends_at, by=by, room=room
                )
        except Conflict as exc:
            occurrence.conflicts = exc.fields
        occurrences.append(occurrence)
    return occurrences

