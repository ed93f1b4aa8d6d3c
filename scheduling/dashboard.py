"""Landing-page panels of scheduling: a teacher's lessons today; the front desk's lessons
today and tomorrow's still unconfirmed ones. Today's lists hold the group sessions (大课) too,
each lesson and session with its room."""

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from core.dashboard import Panel
from core.models import Staff
from core.roles import Role, allows

from . import selectors
from .models import GroupSession, Lesson
from .roles import ROLES

LIMIT = 30


def _span(row: Lesson | GroupSession) -> str:
    return f"{timezone.localtime(row.starts_at):%H:%M}–{timezone.localtime(row.ends_at):%H:%M}"


def _where(row: Lesson | GroupSession) -> str:
    return f" · {row.teacher}" + (f" · {row.room.name}" if row.room_id else "")


def _rows(lessons: QuerySet[Lesson], sessions: QuerySet[GroupSession] | None = None, *, staff: Staff | None = None) -> list[dict]:
    """Today's lessons and group sessions (大课) in time order, each with its room."""
    rows = [
        (
            lesson.starts_at,
            {
                "text": f"{_span(lesson)} {lesson.student.name} · {lesson.subject}"
                f"{'（陪练）' if lesson.lesson_kind == 'practice' else ''}{_where(lesson)}",
                "url": reverse("scheduling:lesson_detail", args=[lesson.pk]),
            },
        )
        for lesson in lessons[:LIMIT]
    ]
    may_open_groups = staff is not None and allows(ROLES["schedule"], staff.role)
    for session in (sessions if sessions is not None else GroupSession.objects.none())[:LIMIT]:
        url = reverse("scheduling:group_detail", args=[session.group_id]) if may_open_groups else reverse("scheduling:week")
        rows.append(
            (session.starts_at, {"text": f"{_span(session)} {session.group.name}（大课）· {session.group.subject}{_where(session)}", "url": url})
        )
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])][:LIMIT]


def _sessions(staff: Staff, start: datetime, end: datetime) -> QuerySet[GroupSession]:
    return selectors.sessions_between(campus=staff.campus, start=start, end=end).filter(
        status=Lesson.Status.SCHEDULED
    )


def panels(staff: Staff) -> list[Panel]:
    today = timezone.localdate()
    start, end = selectors.day_bounds(today)
    if staff.role == Role.TEACHER:
        lessons = selectors.lessons_between(campus=staff.campus, start=start, end=end, teacher=staff, scheduled_only=True)
        sessions = _sessions(staff, start, end).filter(teacher=staff)
        return [
            Panel(
                title="我今天的课", rows=_rows(lessons, sessions, staff=staff), empty="今天没有课",
                link=reverse("scheduling:week"), order=10,
            )
        ]
    if staff.role in (Role.FRONT_DESK, Role.DEAN, Role.ADVISOR, Role.PRINCIPAL):
        lessons = selectors.lessons_between(campus=staff.campus, start=start, end=end, scheduled_only=True)
        sessions = _sessions(staff, start, end)
        if staff.role == Role.ADVISOR:
            lessons = lessons.filter(student__advisor=staff)
            sessions = sessions.filter(group__members__student__advisor=staff).distinct()
        unconfirmed = selectors.day_ahead(campus=staff.campus, day=today + timedelta(days=1)).filter(
            confirmed_at__isnull=True
        )
        return [
            Panel(
                title="今日课程", rows=_rows(lessons, sessions, staff=staff), empty="今天没有课",
                link=reverse("scheduling:week"), order=15,
            ),
            Panel(
                title=f"明日待确认（{unconfirmed.count()} 节）", rows=_rows(unconfirmed), empty="明天的课都已确认",
                link=reverse("scheduling:day_ahead"), order=16,
            ),
        ]
    return []
