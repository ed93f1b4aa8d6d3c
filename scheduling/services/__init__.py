"""Every business action of scheduling, one keyword-only service per action. Callers
import from here: `from scheduling.services import lesson_book`."""

from ..rules import NOTICE
from ._common import room_get_or_create
from .checkin import (
    attendance_record,
    checkin_manual,
    lesson_checkin,
    session_package,
    teacher_clock,
    teacher_clock_correct,
)
from .groups import (
    group_class_create,
    group_member_add,
    group_member_remove,
    group_package_link,
    group_session_add,
    group_session_cancel,
    group_sessions_schedule,
    session_leave,
)
from .lessons import (
    Occurrence,
    SeriesResult,
    lesson_book,
    lesson_cancel,
    lesson_confirm,
    lesson_leave,
    lesson_makeup,
    lesson_reschedule,
    lesson_series_create,
    usable_package_for,
)
from .teachers import current_teacher, teacher_change, teacher_profile_save

__all__ = [
    "NOTICE",
    "Occurrence",
    "SeriesResult",
    "attendance_record",
    "checkin_manual",
    "current_teacher",
    "group_class_create",
    "group_member_add",
    "group_member_remove",
    "group_package_link",
    "group_session_add",
    "group_session_cancel",
    "group_sessions_schedule",
    "lesson_book",
    "lesson_cancel",
    "lesson_checkin",
    "lesson_confirm",
    "lesson_leave",
    "lesson_makeup",
    "lesson_reschedule",
    "lesson_series_create",
    "room_get_or_create",
    "session_leave",
    "session_package",
    "teacher_change",
    "teacher_clock",
    "teacher_clock_correct",
    "teacher_profile_save",
    "usable_package_for",
]
