"""/api/v1 endpoints of scheduling (API.md § Scheduling), and the manual deduction of
API.md § Packages (a lesson used by hand is a check-in, recorded here). Thin: parse, check
the role (scheduling/roles.py, the table the pages read too), look up within the caller's
campus, call a service."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from billing.api import DeductionIn, DeductionOut, entry_out, package_out
from billing.roles import ROLES as BILLING_ROLES
from billing.selectors import scoped_package_or_404
from core.apikit import ErrorOut, get_scoped_or_404, paginate, require_allowed, scope
from core.dates import aware, day_bounds, day_start
from core.errors import CoreError, DomainError, InvalidInput, NotFound
from core.models import Staff, Subject
from core.roles import Role
from students.selectors import scoped_student_or_404

from . import selectors, services
from .errors import SchedulingError
from .models import GroupClass, GroupSession, Lesson, Room, TeacherChange
from .roles import ROLES
from .services._common import check_teaches

router = Router(tags=["scheduling"])


class LessonIn(Schema):
    student_id: int
    teacher: str
    subject: str
    starts_at: datetime
    ends_at: datetime
    room: str | None = None
    lesson_kind: str = Lesson.Kind.MAIN


class SeriesIn(LessonIn):
    weeks: int
    interval_weeks: int = 1


class LeaveIn(Schema):
    reason: str | None = None


class RescheduleIn(Schema):
    starts_at: datetime
    ends_at: datetime
    room: str | None = None
    reason: str = ""


class MakeupIn(Schema):
    starts_at: datetime
    ends_at: datetime
    room: str | None = None
    teacher: str | None = None


class TeacherChangeIn(Schema):
    student_id: int
    subject: str
    teacher: str
    requested_by: str
    reason: str | None = None


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def lesson_out(lesson: Lesson) -> dict[str, Any]:
    return {
        "id": lesson.pk,
        "campus": lesson.campus.code,
        "student_id": lesson.student_id,
        "student": {"id": lesson.student_id, "name": lesson.student.name},
        "teacher": lesson.teacher.username,
        "teacher_name": lesson.teacher.display_name,
        "subject": lesson.subject.name,
        "room": lesson.room.name if lesson.room_id else None,
        "lesson_kind": lesson.lesson_kind,
        "starts_at": _iso(lesson.starts_at),
        "ends_at": _iso(lesson.ends_at),
        "status": lesson.status,
        "package_id": lesson.package_id,
        "series_id": lesson.series_id,
        "makeup_for": lesson.makeup_for_id,
        "late_notice": lesson.late_notice,
        "leave_reason": lesson.leave_reason,
        "confirmed_at": _iso(lesson.confirmed_at),
    }


def occurrence_out(occurrence: services.Occurrence, booked: str) -> dict[str, Any]:
    """One week of a series (`booked` "lesson") or of a group's sessions ("session"): the
    id of what was booked, or null and what clashed."""
    made = getattr(occurrence, booked)
    return {
        "starts_at": _iso(occurrence.starts_at),
        "ends_at": _iso(occurrence.ends_at),
        f"{booked}_id": made.pk if made else None,
        "conflicts": occurrence.conflicts,
    }


def _lessons(request: HttpRequest) -> QuerySet[Lesson]:
    qs = Lesson.objects.select_related("campus", "student", "teacher__user", "subject", "room")
    return scope(request, qs)


def _teacher(request: HttpRequest, username: str, campus_id: int) -> Staff:
    """The teacher named by username: unknown → 422 (a bad field); of another campus → 404,
    like any other campus's object."""
    teacher = Staff.objects.select_related("user", "campus").filter(user__username=(username or "").strip()).first()
    if teacher is None:
        raise InvalidInput(f"没有用户名为 {username} 的教员", {"teacher": "不存在"})
    if teacher.campus_id != campus_id:
        raise DomainError(CoreError.NOT_FOUND, "该教员不在本校区", {"teacher": "不在本校区"}, status=404)
    if teacher.role != Role.TEACHER:
        raise InvalidInput(f"{teacher} 不是教员", {"teacher": "不是教员"}, code=SchedulingError.NOT_A_TEACHER)
    return teacher


def _subject(name: str, teacher: Staff) -> Subject:
    # An unknown subject is one this teacher does not teach either: 422 wrong_subject.
    name = (name or "").strip()
    subject = Subject.objects.filter(name=name).first() or Subject.objects.filter(name__iexact=name).first()
    return check_teaches(teacher, subject, subject_name=name)


def _booking(request: HttpRequest, payload: LessonIn) -> dict[str, Any]:
    """The parties of a booking in the body, looked up within the caller's campus, as the
    booking services' arguments."""
    by = require_allowed(request, ROLES["schedule"])
    student = scoped_student_or_404(request, payload.student_id)
    teacher = _teacher(request, payload.teacher, student.campus_id)
    return {
        "student": student, "teacher": teacher, "subject": _subject(payload.subject, teacher), "by": by,
        "room": payload.room or None, "lesson_kind": payload.lesson_kind,
    }


@router.post("/lessons", response={201: dict})
def lesson_create(request: HttpRequest, payload: LessonIn) -> Status:
    lesson = services.lesson_book(starts_at=payload.starts_at, ends_at=payload.ends_at, **_booking(request, payload))
    return Status(201, lesson_out(lesson))


@router.post("/lesson-series", response={201: dict})
def lesson_series_create(request: HttpRequest, payload: SeriesIn) -> Status:
    result = services.lesson_series_create(
        first_starts_at=payload.starts_at, first_ends_at=payload.ends_at, weeks=payload.weeks,
        interval_weeks=payload.interval_weeks, **_booking(request, payload),
    )
    return Status(
        201,
        {
            "id": result.series.pk,
            "booked": len(result.booked),
            "skipped": len(result.skipped),
            "occurrences": [occurrence_out(o, "lesson") for o in result.occurrences],
        },
    )


def _parse_bound(value: str | None, field: str, end: bool = False) -> datetime | None:
    """`from`/`to` as a date (whole local day) or an ISO datetime."""
    if not value:
        return None
    try:
        if len(value) == 10:
            return day_bounds(date.fromisoformat(value))[1 if end else 0]
        return aware(datetime.fromisoformat(value))
    except ValueError:
        raise InvalidInput(f"{field} 须为 YYYY-MM-DD 或 ISO 时间", {field: "格式不正确"})


@router.get("/lessons", response=dict)
def lesson_list(
    request: HttpRequest,
    teacher: str | None = None,
    student: int | None = None,
    room: str | None = None,
    status: str | None = None,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD（当天 0 点起）或 ISO 时间"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD（含当天）或 ISO 时间"),
    limit: int | None = None,
    offset: int | None = None,
) -> dict:
    """Lessons of the caller's campus overlapping [from, to); a teacher sees their own."""
    staff = require_allowed(request, ROLES["view"])
    qs = _lessons(request)
    start = _parse_bound(date_from, "from")
    end = _parse_bound(date_to, "to", end=True)
    if start:
        qs = qs.filter(ends_at__gt=start)
    if end:
        qs = qs.filter(starts_at__lt=end)
    if staff.role == Role.TEACHER:
        qs = qs.filter(teacher=staff)
    if teacher:
        qs = qs.filter(teacher__user__username=teacher)
    if student is not None:
        qs = qs.filter(student_id=student)
    if room:
        qs = qs.filter(room__name=room)
    if status:
        qs = qs.filter(status=status)
    return paginate(qs.order_by("starts_at", "pk"), limit, offset, out=lesson_out)


def _own_lesson(request: HttpRequest, lesson_id: int) -> Lesson:
    staff = require_allowed(request, ROLES["view"])
    lesson = get_scoped_or_404(request, _lessons(request), lesson_id)
    if staff.role == Role.TEACHER and lesson.teacher_id != staff.pk:
        raise NotFound()
    return lesson


@router.get("/lessons/{lesson_id}", response=dict)
def lesson_detail(request: HttpRequest, lesson_id: int) -> dict:
    lesson = _own_lesson(request, lesson_id)
    out = lesson_out(lesson)
    out["changes"] = [
        {
            "kind": c.kind, "old_starts_at": _iso(c.old_starts_at), "new_starts_at": _iso(c.new_starts_at),
            "reason": c.reason, "late_notice": c.late_notice, "at": _iso(c.created_at),
        }
        for c in lesson.changes.all()
    ]
    return out


def _lesson_to_change(request: HttpRequest, lesson_id: int) -> tuple[Staff, Lesson]:
    """The caller, if they may change lessons, and the lesson of their campus."""
    by = require_allowed(request, ROLES["schedule"])
    return by, get_scoped_or_404(request, _lessons(request), lesson_id)


@router.post("/lessons/{lesson_id}/leave", response=dict)
def lesson_leave(request: HttpRequest, lesson_id: int, payload: LeaveIn) -> dict:
    by, lesson = _lesson_to_change(request, lesson_id)
    return lesson_out(services.lesson_leave(lesson=lesson, reason=payload.reason or "", by=by))


@router.post("/lessons/{lesson_id}/reschedule", response=dict)
def lesson_reschedule(request: HttpRequest, lesson_id: int, payload: RescheduleIn) -> dict:
    by, lesson = _lesson_to_change(request, lesson_id)
    return lesson_out(
        services.lesson_reschedule(
            lesson=lesson, starts_at=payload.starts_at, ends_at=payload.ends_at, by=by,
            room=payload.room or None, reason=payload.reason,
        )
    )


@router.post("/lessons/{lesson_id}/cancel", response=dict)
def lesson_cancel(request: HttpRequest, lesson_id: int, payload: LeaveIn) -> dict:
    by, lesson = _lesson_to_change(request, lesson_id)
    return lesson_out(services.lesson_cancel(lesson=lesson, reason=payload.reason or "", by=by))


@router.post("/lessons/{lesson_id}/makeup", response={201: dict})
def lesson_makeup(request: HttpRequest, lesson_id: int, payload: MakeupIn) -> Status:
    by, lesson = _lesson_to_change(request, lesson_id)
    teacher = _teacher(request, payload.teacher, lesson.campus_id) if payload.teacher else None
    makeup = services.lesson_makeup(
        lesson=lesson, starts_at=payload.starts_at, ends_at=payload.ends_at, by=by, room=payload.room or None,
        teacher=teacher,
    )
    return Status(201, lesson_out(makeup))


@router.post("/lessons/{lesson_id}/confirm", response=dict)
def lesson_confirm(request: HttpRequest, lesson_id: int) -> dict:
    by, lesson = _lesson_to_change(request, lesson_id)
    return lesson_out(services.lesson_confirm(lesson=lesson, by=by))


@router.get("/rooms", response=dict)
def room_list(request: HttpRequest, limit: int | None = None, offset: int | None = None) -> dict:
    require_allowed(request, ROLES["view"])
    page = paginate(scope(request, Room.objects.order_by("name")), limit, offset)
    return {"items": [{"id": r.pk, "name": r.name} for r in page["items"]], "count": page["count"]}


@router.get("/teachers/matches", response=dict)
def teacher_matches(
    request: HttpRequest,
    subject: str,
    student_id: int | None = None,
    weekday: int | None = None,
    start: time | None = None,
    end: time | None = None,
) -> dict:
    staff = require_allowed(request, ROLES["schedule"])
    student = scoped_student_or_404(request, student_id) if student_id is not None else None
    matches = selectors.teacher_matches(
        campus=student.campus if student else staff.campus, subject=subject, student=student,
        weekday=weekday, start=start, end=end,
    )
    items = [
        {"teacher": m.teacher.username, "name": m.teacher.display_name, "score": m.score, "reasons": m.reasons}
        for m in matches
    ]
    return {"items": items, "count": len(items)}


def teacher_change_out(change: TeacherChange) -> dict[str, Any]:
    return {
        "id": change.pk,
        "student_id": change.student_id,
        "subject": change.subject.name,
        "from_teacher": change.from_teacher.username if change.from_teacher_id else None,
        "to_teacher": change.to_teacher.username,
        "requested_by": change.requested_by,
        "reason": change.reason,
        "lessons_moved": change.lessons_moved,
        "changes_in_subject": selectors.teacher_change_count(student=change.student, subject=change.subject),
        "created_at": _iso(change.created_at),
    }


@router.post("/teacher-changes", response={201: dict})
def teacher_change_create(request: HttpRequest, payload: TeacherChangeIn) -> Status:
    by = require_allowed(request, ROLES["schedule"])
    student = scoped_student_or_404(request, payload.student_id)
    teacher = _teacher(request, payload.teacher, student.campus_id)
    change = services.teacher_change(
        student=student, subject=_subject(payload.subject, teacher), to_teacher=teacher,
        requested_by=payload.requested_by, reason=payload.reason or "", by=by,
    )
    return Status(201, teacher_change_out(change))


@router.get("/teacher-changes", response=dict)
def teacher_change_list(
    request: HttpRequest, student: int | None = None, subject: str | None = None,
    limit: int | None = None, offset: int | None = None,
) -> dict:
    require_allowed(request, ROLES["schedule"])
    qs = scope(request, TeacherChange.objects.select_related("student", "subject", "from_teacher__user", "to_teacher__user"))
    if student is not None:
        qs = qs.filter(student_id=student)
    if subject:
        qs = qs.filter(subject__name=subject)
    return paginate(qs, limit, offset, out=teacher_change_out)


@router.get("/lessons-reconciliation", response=dict)
def reconciliation(
    request: HttpRequest,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
) -> dict:
    """Scheduled lessons that ended with no check-in, and check-ins with no lesson (default: today)."""
    staff = require_allowed(request, ROLES["reconcile"])
    start = _parse_bound(date_from, "from") or day_start(timezone.localdate())
    end = _parse_bound(date_to, "to", end=True) or start + timedelta(days=1)
    campus = staff.campus
    no_shows = selectors.no_shows(campus=campus, start=start, end=end)
    unmatched = selectors.checkins_without_lesson(campus=campus, start=start, end=end)
    return {
        "no_shows": [lesson_out(lesson) for lesson in no_shows],
        "checkins_without_lesson": [
            {"attendance_id": a.pk, "student": {"id": a.student_id, "name": a.student.name},
             "checked_in_at": _iso(a.checked_in_at), "package_id": a.package_id}
            for a in unmatched
        ],
    }


# --- group classes (大课) ------------------------------------------------------------------


class GroupClassIn(Schema):
    name: str
    subject: str
    teacher: str
    room: str | None = None
    capacity: int = 12


class GroupMemberIn(Schema):
    student_id: int
    package_id: int | None = None


class GroupSessionIn(Schema):
    starts_at: datetime
    ends_at: datetime
    room: str | None = None
    weeks: int = 1


def group_out(group: GroupClass) -> dict[str, Any]:
    return {
        "id": group.pk,
        "name": group.name,
        "subject": group.subject.name,
        "teacher": group.teacher.username,
        "room": group.room.name if group.room_id else None,
        "capacity": group.capacity,
        "students": [{"id": m.student_id, "name": m.student.name} for m in selectors.current_members(group).select_related("student")],
    }


def _group(request: HttpRequest, group_id: int) -> GroupClass:
    return get_scoped_or_404(request, GroupClass.objects.select_related("campus", "subject", "teacher__user", "room"), group_id)


@router.post("/group-classes", response={201: dict})
def group_class_create(request: HttpRequest, payload: GroupClassIn) -> Status:
    by = require_allowed(request, ROLES["schedule"])
    teacher = _teacher(request, payload.teacher, by.campus_id)
    group = services.group_class_create(
        campus=by.campus, name=payload.name, subject=_subject(payload.subject, teacher), teacher=teacher, by=by,
        room=payload.room or None, capacity=payload.capacity,
    )
    return Status(201, group_out(group))


@router.get("/group-classes", response=dict)
def group_class_list(request: HttpRequest, limit: int | None = None, offset: int | None = None) -> dict:
    require_allowed(request, ROLES["schedule"])
    qs = scope(request, GroupClass.objects.select_related("subject", "teacher__user", "room").order_by("name"))
    return paginate(qs, limit, offset, out=group_out)


@router.post("/group-classes/{group_id}/members", response={201: dict})
def group_member_add(request: HttpRequest, group_id: int, payload: GroupMemberIn) -> Status:
    by = require_allowed(request, ROLES["schedule"])
    group = _group(request, group_id)
    student = scoped_student_or_404(request, payload.student_id)
    package = None
    if payload.package_id is not None:
        package = scoped_package_or_404(request, payload.package_id)
    services.group_member_add(group=group, student=student, by=by, package=package)
    return Status(201, group_out(group))


@router.post("/group-classes/{group_id}/sessions", response={201: dict})
def group_sessions_add(request: HttpRequest, group_id: int, payload: GroupSessionIn) -> Status:
    """One session, or `weeks` weekly sessions (clashing weeks skipped and reported)."""
    by = require_allowed(request, ROLES["schedule"])
    group = _group(request, group_id)
    if payload.weeks == 1:
        session = services.group_session_add(
            group=group, starts_at=payload.starts_at, ends_at=payload.ends_at, by=by, room=payload.room or None
        )
        occurrences = [services.Occurrence(starts_at=session.starts_at, ends_at=session.ends_at, session=session)]
    else:
        occurrences = services.group_sessions_schedule(
            group=group, first_starts_at=payload.starts_at, first_ends_at=payload.ends_at, weeks=payload.weeks, by=by,
            room=payload.room or None,
        )
    return Status(201, {"group_id": group.pk, "occurrences": [occurrence_out(o, "session") for o in occurrences]})


class ReasonStudentIn(Schema):
    student_id: int
    reason: str = Field(max_length=200)


class ReasonIn(Schema):
    reason: str = Field(max_length=200)


def _session(request: HttpRequest, session_id: int) -> GroupSession:
    return get_scoped_or_404(
        request, GroupSession.objects.select_related("campus", "group", "teacher__user", "room"), session_id
    )


def session_out(session: GroupSession) -> dict[str, Any]:
    """A group session with its check-in list (each member then: swiped / manual / leave / absent)."""
    return {
        "id": session.pk,
        "group_id": session.group_id,
        "starts_at": timezone.localtime(session.starts_at),
        "ends_at": timezone.localtime(session.ends_at),
        "status": session.status,
        "cancel_reason": session.cancel_reason,
        "late_notice": session.late_notice,
        "members": [
            {
                "student": {"id": row.member.student_id, "name": row.member.student.name},
                "state": row.state,
                "attendance_id": row.attendance.pk if row.attendance else None,
                "leave_reason": row.leave.reason if row.leave else "",
                "leave_late_notice": row.leave.late_notice if row.leave else False,
            }
            for row in selectors.session_roster(session)
        ],
    }


@router.get("/group-sessions/{session_id}", response={200: dict, 403: ErrorOut, 404: ErrorOut})
def group_session_get(request: HttpRequest, session_id: int) -> dict:
    """A group session's check-in list."""
    require_allowed(request, ROLES["session_checkins"])
    return session_out(_session(request, session_id))


@router.post("/group-sessions/{session_id}/leave", response={201: dict, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def group_session_leave(request: HttpRequest, session_id: int, payload: ReasonStudentIn) -> Status:
    """One student's leave from one session (`late_notice` under 24 hours before the start)."""
    by = require_allowed(request, ROLES["schedule"])
    session = _session(request, session_id)
    student = scoped_student_or_404(request, payload.student_id)
    leave = services.session_leave(session=session, student=student, by=by, reason=payload.reason)
    return Status(201, {"session_id": session.pk, "student_id": student.pk, "late_notice": leave.late_notice})


@router.post("/group-sessions/{session_id}/cancel", response={200: dict, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def group_session_cancel(request: HttpRequest, session_id: int, payload: ReasonIn) -> dict:
    """Cancel a whole session: nobody charged, the teacher and every parent notified."""
    by = require_allowed(request, ROLES["schedule"])
    session = services.group_session_cancel(session=_session(request, session_id), by=by, reason=payload.reason)
    return session_out(session)


@router.post(
    "/group-classes/{group_id}/members/remove",
    response={200: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def group_member_remove(request: HttpRequest, group_id: int, payload: ReasonStudentIn) -> dict:
    """退班: the member leaves the class from now on (the membership is ended, not deleted)."""
    by = require_allowed(request, ROLES["schedule"])
    group = _group(request, group_id)
    student = scoped_student_or_404(request, payload.student_id)
    services.group_member_remove(group=group, student=student, by=by, reason=payload.reason)
    return group_out(group)


# --- manual deduction (手工扣课) ----------------------------------------------------------
# The path is billing's (API.md § Packages); the action is a check-in, recorded here like
# the billing package page's and the desk page's (services.checkin_manual).


class ManualDeductionOut(DeductionOut):
    attendance_id: int


@router.post(
    "/packages/{package_id}/deductions",
    response={201: ManualDeductionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Deduct one lesson by hand, with a reason (a check-in without a card)",
    tags=["billing"],
)
def create_deduction(request: HttpRequest, package_id: int, payload: DeductionIn):
    staff = require_allowed(request, BILLING_ROLES["deduct"])
    package = scoped_package_or_404(request, package_id)
    attendance = services.checkin_manual(package=package, reason=payload.reason, by=staff)
    return Status(
        201,
        {
            **entry_out(attendance.ledger_entry),
            "lessons_left": package.lessons_left,
            "lessons_used": package.lessons_used,
            "package": package_out(package),
            "attendance_id": attendance.pk,
        },
    )
