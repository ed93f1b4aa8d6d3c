"""Error codes of scheduling (API.md § Scheduling)."""

from enum import StrEnum


class SchedulingError(StrEnum):
    SCHEDULE_CONFLICT = "schedule_conflict"
    WRONG_SUBJECT = "wrong_subject"
    NOT_A_TEACHER = "not_a_teacher"
    OTHER_CAMPUS = "other_campus"
    BAD_TIME = "bad_time"
    NOT_SCHEDULED = "lesson_not_scheduled"
    INVALID = "invalid"
