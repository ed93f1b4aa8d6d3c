"""Read-only queries of scheduling."""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef

from students.models import Student

from .models import Attendance, Lesson

# A student who swipes up to 30 minutes before the start is checking in for that lesson
# (they wait in the lobby); from the start until the end the lesson is in progress.
CHECK_IN_EARLY = timedelta(minutes=30)


def lesson_at(*, student: Student, at: datetime, lesson_kind: str | None = None) -> Lesson | None:
    """The student's scheduled lesson that a check-in at `at` belongs to, or None.

    The window of a lesson is [starts_at − 30 min, ends_at). When two windows meet (a
    swipe at 9:50 between a 9:00–10:00 and a 10:00–11:00 lesson), a lesson that has no
    check-in yet wins, then the earlier one. `lesson_kind` ("main"/"practice"), when
    given, narrows the choice to lessons of that kind."""
    lessons = Lesson.objects.filter(
        student=student,
        status=Lesson.Status.SCHEDULED,
        starts_at__lte=at + CHECK_IN_EARLY,
        ends_at__gt=at,
    )
    if lesson_kind:
        lessons = lessons.filter(lesson_kind=lesson_kind)
    lessons = lessons.annotate(checked_in=Exists(Attendance.objects.filter(lesson=OuterRef("pk"))))
    return (
        lessons.select_related("package", "subject", "teacher__user", "room")
        .order_by("checked_in", "starts_at", "pk")
        .first()
    )
