"""Group classes (大课): the class, its roster and its sessions."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from billing.models import LessonPackage
from core.errors import Conflict, InvalidInput
from core.models import Campus, Staff, Subject
from students.models import Student

from ..errors import SchedulingError
from ..models import GroupClass, GroupMember, GroupSession, Lesson, Notification, Room, SessionLeave
from ..rules import is_late_notice
from ..selectors import current_members, span_text
from ._common import (
    check_same_campus,
    check_slot,
    check_teaches,
    check_times,
    claim_slot,
    conflict_error,
    find_conflicts,
    lock_parties,
    lock_scheduled,
    resolve_room,
    save_booked,
)
from .checkin import required_reason
from .lessons import Occurrence, book_each, weekly_spans


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
    if package is not None:
        _check_group_package(package, student)
    if current_members(group).filter(student=student).exists():
        raise InvalidInput(f"{student.name} 已在该班", {"student": "已在班上"})
    if current_members(group).count() >= group.capacity:
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
    teacher = teacher or group.teacher
    starts_at, ends_at, room_obj = check_slot(
        campus=group.campus, by=by, teacher=teacher, subject=group.subject, starts_at=starts_at, ends_at=ends_at,
        room=room or group.room,
    )
    student_ids = list(current_members(group).values_list("student_id", flat=True))
    claim_slot(starts_at=starts_at, ends_at=ends_at, teacher=teacher, student_ids=student_ids, room=room_obj)
    session = GroupSession(
        group=group, campus=group.campus, teacher=teacher, room=room_obj, starts_at=starts_at, ends_at=ends_at,
        created_by=by,
    )
    save_booked(session)
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

    def book(occurrence: Occurrence) -> None:
        occurrence.session = group_session_add(
            group=group, starts_at=occurrence.starts_at, ends_at=occurrence.ends_at, by=by, room=room
        )

    return book_each(weekly_spans(first_starts_at, first_ends_at, weeks), book)



def _check_group_package(package: LessonPackage, student: Student) -> None:
    if (
        package.student_id != student.pk
        or package.kind != LessonPackage.Kind.GROUP
        or package.lesson_kind != LessonPackage.LessonKind.MAIN
    ):
        raise InvalidInput("只能关联该学员的大课课时包", {"package_id": "不是该学员的大课课时包"})


@transaction.atomic
def group_package_link(*, package: LessonPackage, group_class: int, by: Staff | None) -> GroupMember:
    """A group package sold for a class (`group_class` at sale, billing's `package_create`
    through `core.contributions.package_sale_links`): the student joins the class with it,
    or, already on the roster, the membership uses it from now on."""
    group = GroupClass.objects.filter(pk=group_class, campus_id=package.campus_id).first()
    if group is None:
        raise InvalidInput("本校区没有这个大课班级", {"group_class": "班级不存在"})
    _check_group_package(package, package.student)
    member = current_members(group).select_for_update().filter(student=package.student).first()
    if member is None:
        return group_member_add(group=group, student=package.student, by=by, package=package)
    member.package = package
    member.save(update_fields=["package"])
    return member


@transaction.atomic
def group_member_remove(*, group: GroupClass, student: Student, by: Staff, reason: str) -> GroupMember:
    """退班: the student leaves the class from now on. The membership is ended (an end date,
    who and why), never deleted: past sessions keep their roster and check-ins."""
    reason = required_reason(reason, "退班")
    check_same_campus(campus=group.campus, by=by)
    member = current_members(group).select_for_update().filter(student=student).first()
    if member is None:
        raise InvalidInput(f"{student.name} 不在该班", {"student": "不在班上"})
    member.left_at, member.left_reason, member.left_by = timezone.now(), reason, by
    member.save(update_fields=["left_at", "left_reason", "left_by"])
    return member


def _locked_session(session: GroupSession) -> GroupSession:
    return lock_scheduled(GroupSession.objects.select_related("group", "teacher__user"), session.pk, "课次")


def session_text(session: GroupSession) -> str:
    return f"{session.group.name}（大课）{span_text(session.starts_at, session.ends_at)}，教员{session.teacher}"


def notify_session(*, session: GroupSession, students: list[Student], kind: str, message: str) -> list[Notification]:
    """One notification for the session's teacher and one for each student's parent."""
    rows = [
        Notification(
            campus_id=session.campus_id, recipient=Notification.Recipient.TEACHER, teacher=session.teacher,
            student=students[0], phone=session.teacher.phone, session=session, kind=kind, message=message[:500],
        )
    ] if students else []
    for student in students:
        guardian = student.guardians.order_by("-is_primary", "pk").first()
        rows.append(
            Notification(
                campus_id=session.campus_id, recipient=Notification.Recipient.PARENT, student=student,
                phone=guardian.phone if guardian else "", session=session, kind=kind, message=message[:500],
            )
        )
    return Notification.objects.bulk_create(rows)


@transaction.atomic
def session_leave(
    *, session: GroupSession, student: Student, by: Staff, reason: str, now: datetime | None = None
) -> SessionLeave:
    """Leave (请假) for one student from one group session: not charged, not absent. Less
    than 24 hours before the start it is still taken, marked `late_notice`
    (`rules.is_late_notice`, as for a lesson). The teacher and the parent are notified."""
    reason = required_reason(reason, "请假")
    check_same_campus(campus=session.campus, by=by)
    session = _locked_session(session)
    if not current_members(session.group).filter(student=student).exists():
        raise InvalidInput(f"{student.name} 不在该班", {"student": "不在班上"})
    if session.attendances.filter(student=student).exists():
        raise Conflict(SchedulingError.NOT_SCHEDULED, f"{student.name} 已签到，不能请假", {"status": "checked_in"})
    if session.leaves.filter(student=student).exists():
        raise Conflict(SchedulingError.NOT_SCHEDULED, f"{student.name} 已请假", {"status": "leave"})
    now = now or timezone.now()
    leave = SessionLeave.objects.create(
        session=session, student=student, reason=reason, late_notice=is_late_notice(session, now), created_by=by
    )
    notify_session(
        session=session, students=[student], kind=Notification.Kind.LEAVE,
        message=f"【请假】{student.name} {session_text(session)}，原因：{reason}",
    )
    return leave


@transaction.atomic
def group_session_cancel(
    *, session: GroupSession, by: Staff, reason: str, now: datetime | None = None
) -> GroupSession:
    """Cancel a whole group session: nobody is charged (refused once anyone has checked in:
    that lesson was used), the teacher and every member's parent are notified."""
    reason = required_reason(reason, "取消大课")
    check_same_campus(campus=session.campus, by=by)
    session = _locked_session(session)
    if session.attendances.exists():
        raise Conflict(
            SchedulingError.NOT_SCHEDULED, "已有学员签到扣课，不能取消整节大课", {"status": "checked_in"}
        )
    now = now or timezone.now()
    session.status = Lesson.Status.CANCELLED
    session.cancel_reason, session.cancelled_at, session.late_notice = reason, now, is_late_notice(session, now)
    session.save(update_fields=["status", "cancel_reason", "cancelled_at", "late_notice"])
    members = [m.student for m in current_members(session.group).select_related("student")]
    notify_session(
        session=session, students=members, kind=Notification.Kind.CANCELLED,
        message=f"【停课】{session_text(session)}，原因：{reason}",
    )
    return session
