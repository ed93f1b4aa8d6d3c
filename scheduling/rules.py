"""Conditions of scheduling's rules, each stated once and named after the rule; the
services, pages and selectors ask these."""

from datetime import datetime, timedelta

from .models import GroupSession, Lesson

# Leave, rescheduling and cancellation need a day's notice (SPEC § scheduling); later ones
# are allowed but marked `late_notice`, which the staff rules and the parent conversation
# look at.
NOTICE = timedelta(hours=24)


def notice_deadline(lesson: Lesson | GroupSession) -> datetime:
    """The last moment a change of `lesson` is on time: a day before its start."""
    return lesson.starts_at - NOTICE


def is_late_notice(lesson: Lesson | GroupSession, at: datetime) -> bool:
    """A change of `lesson` (or of a group session: one student's leave, or its
    cancellation) asked at `at` comes with less than a day's notice."""
    return at > notice_deadline(lesson)
