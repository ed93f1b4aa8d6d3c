"""Read-only queries of cardreader."""

from datetime import date, timedelta

from django.db.models import Q, QuerySet

from core.dates import day_start
from scheduling.models import Attendance
from students.models import Student

from .models import Card, Swipe


def attendance_of(
    *, student: Student, start: date | None = None, end: date | None = None
) -> QuerySet[Attendance]:
    """The student's check-ins from `start` to `end` inclusive (local days), newest first."""
    found = Attendance.objects.filter(student=student).select_related("package", "lesson")
    if start is not None:
        found = found.filter(checked_in_at__gte=day_start(start))
    if end is not None:
        found = found.filter(checked_in_at__lt=day_start(end + timedelta(days=1)))
    return found.order_by("-checked_in_at", "-pk")


def cards_of_campus(campus_qs: QuerySet[Card], q: str = "") -> QuerySet[Card]:
    cards = campus_qs.select_related("student", "teacher__user", "issued_by__user")
    q = (q or "").strip()[:64]
    if q:
        cards = cards.filter(
            Q(card_number__icontains=q)
            | Q(chip_uid__icontains=q)
            | Q(student__name__icontains=q)
            | Q(teacher__user__first_name__icontains=q)
            | Q(teacher__user__username__icontains=q)
        )
    return cards.order_by("-issued_at", "-pk")


def recent_swipes(campus_qs: QuerySet[Swipe], limit: int = 20) -> list[Swipe]:
    return list(campus_qs.select_related("card", "reader").order_by("-received_at", "-pk")[:limit])
