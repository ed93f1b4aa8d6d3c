"""Landing-page panels of scheduling: a teacher's lessons today; the front desk's lessons
today and tomorrow's still unconfirmed ones."""

from datetime import timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from core.dashboard import Panel
from core.models import Staff
from core.roles import Role

from . import selectors
from .models import Lesson

LIMIT = 30


def _rows(lessons: QuerySet[Lesson]) -> list[dict]:
    return [
        {
            "text": f"{timezone.localtime(lesson.starts_at):%H:%M}–{timezone.localtime(lesson.ends_at):%H:%M} "
            f"{lesson.student.name} · {lesson.subject}{'（陪练）' if lesson.lesson_kind == 'practice' else ''}"
            f" · {lesson.teacher}" + (f" · {lesson.room.name}" if lesson.room_id else ""),
            "url": reverse("scheduling:lesson_detail", args=[lesson.pk]),
        }
        for lesson in lessons[:LIMIT]
    ]


def panels(staff: Staff) -> list[Panel]:
    today = timezone.localdate()
    start, end = selectors.day_bounds(today)
    if staff.role == Role.TEACHER:
        lessons = selectors.lessons_between(campus=staff.campus, start=start, end=end, teacher=staff, scheduled_only=True)
        return [Panel(title="我今天的课", rows=_rows(lessons), empty="今天没有课", link=reverse("scheduling:week"), order=10)]
    if staff.role in (Role.FRONT_DESK, Role.DEAN, Role.ADVISOR, Role.PRINCIPAL):
        lessons = selectors.lessons_between(campus=staff.campus, start=start, end=end, scheduled_only=True)
        if staff.role == Role.ADVISOR:
            lessons = lessons.filter(student__advisor=staff)
        unconfirmed = selectors.day_ahead(campus=staff.campus, day=today + timedelta(days=1)).filter(
            confirmed_at__isnull=True
        )
        return [
            Panel(title="今日课程", rows=_rows(lessons), empty="今天没有课", link=reverse("scheduling:week"), order=15),
            Panel(
                title=f"明日待确认（{unconfirmed.count()} 节）", rows=_rows(unconfirmed), empty="明天的课都已确认",
                link=reverse("scheduling:day_ahead"), order=16,
            ),
        ]
    return []
