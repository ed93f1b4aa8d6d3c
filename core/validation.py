"""What any input may hold before it is stored, whatever the database.

Two kinds of input get through a parser yet cannot be read back or written out later:

- A date or time beyond what makes sense for its field. `0001-01-01T00:00:00+08:00` is a
  valid ISO datetime, yet it is the year 0 in UTC: PostgreSQL stores it and psycopg cannot
  read it back, so every page listing it fails. So every date and datetime a client sets
  has a named range here (`RANGES`), checked by `date_problem` in the services (which the
  API and the pages both call) before anything is written.
- Text no database or document can hold: a NUL (PostgreSQL refuses it), a lone UTF-16
  surrogate (`"\\ud800"` in JSON: no UTF-8 encoding exists), a control character (an Excel
  cell or an XML document refuses it, a terminal obeys it). `text_problem` judges one
  string; `core.middleware.BadInputMiddleware` applies it to every string of a request.
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from .errors import InvalidInput

# --- dates and times ---------------------------------------------------------------------


def years(n: int) -> timedelta:
    return timedelta(days=round(365.2425 * n))


@dataclass(frozen=True)
class Span:
    """The moments a field may hold: from `back` before now to `ahead` after it, and a
    `rule` that says so in words for the message."""

    back: timedelta
    ahead: timedelta
    rule: str

    def bounds(self, now: datetime | None = None) -> tuple[datetime, datetime]:
        now = now or timezone.now()
        return now - self.back, now + self.ahead

    def date_bounds(self, today: date | None = None) -> tuple[date, date]:
        today = today or timezone.localdate()
        return today - self.back, today + self.ahead


# Every date or datetime a client sets, by name. A field that is judged against now by its
# own rule as well (a lesson's 24-hour notice, the swipe's window of API.md) is refused
# here only when it makes no sense at all.
RANGES: dict[str, Span] = {
    "birthday": Span(years(100), timedelta(0), "最近 100 年内，不晚于今天"),
    # a weekly series of 52 lessons, one every 4 weeks, ends 4 years on
    "lesson": Span(years(5), years(5), "前后 5 年内"),
    "trial": Span(timedelta(days=1), years(1), "昨天起 1 年内"),
    # records of the past, some typed in from the old paper books
    "assessment": Span(years(10), timedelta(minutes=5), "最近 10 年内，不晚于现在"),
    "reception": Span(years(10), timedelta(minutes=5), "最近 10 年内，不晚于现在"),
    "sale": Span(years(10), timedelta(0), "最近 10 年内，不晚于现在"),
    "package_start": Span(years(10), years(1), "10 年前至 1 年后"),
    "package_end": Span(years(10), years(6), "10 年前至 6 年后"),
    "swipe": Span(timedelta(days=7), timedelta(minutes=5), "最多 7 天前，最晚 5 分钟后"),
    # a call is logged the day it is made, or soon after; older ones are typing mistakes,
    # and a phone's clock running a little ahead is not a call from the future
    "follow_up": Span(timedelta(days=366), timedelta(minutes=5), "最近 1 年内，不晚于现在"),
    # any other date of a record, set by hand where no service checks it (the admin)
    "record": Span(years(50), years(10), "50 年前至 10 年后"),
}

# The longest a span of two dates may last, by name.
LONGEST: dict[str, tuple[timedelta, str]] = {
    "package": (years(5), "有效期最长 5 年"),
}


# The range of a model's date field when it is edited outside its service (the admin),
# by "app_label.Model.field"; every other date field is a "record".
FIELD_RANGES: dict[str, str] = {
    "students.Student.birthday": "birthday",
    "students.TrialLesson.starts_at": "lesson",  # a correction may move a trial into the past
    "students.Assessment.taken_at": "assessment",
    "students.ReceptionEntry.occurred_at": "reception",
    "billing.LessonPackage.valid_from": "package_start",
    "billing.LessonPackage.valid_until": "package_end",
    "scheduling.Lesson.starts_at": "lesson",
    "scheduling.Lesson.ends_at": "lesson",
    "scheduling.GroupSession.starts_at": "lesson",
    "scheduling.GroupSession.ends_at": "lesson",
    "cardreader.Swipe.swiped_at": "swipe",
    "retention.FollowUp.contacted_at": "follow_up",
}


def field_range(label: str, field: str) -> str:
    """The name in RANGES for the field `field` of the model `label` ("students.Student")."""
    return FIELD_RANGES.get(f"{label}.{field}", "record")


def _aware(value: datetime) -> datetime:
    # a wall-clock time is the campus's; replace() cannot overflow where make_aware's
    # arithmetic could, at the ends of the calendar
    return value if timezone.is_aware(value) else value.replace(tzinfo=timezone.get_current_timezone())


def date_problem(kind: str, value: date | datetime, *, now: datetime | None = None) -> str | None:
    """Why `value` cannot be stored as a `kind` (a name of RANGES), or None when it can.
    A datetime is compared as an instant; a date as the campus's calendar day."""
    span = RANGES[kind]
    if isinstance(value, datetime):
        earliest, latest = span.bounds(now)
        # comparing aware datetimes never converts them, so the ends of the calendar compare too
        if earliest <= _aware(value) <= latest:
            return None
        low, high = timezone.localtime(earliest), timezone.localtime(latest)
        shown = "%Y-%m-%d %H:%M" if span.back < timedelta(days=30) else "%Y-%m-%d"
        return f"超出范围（{span.rule}：{low:{shown}} 至 {high:{shown}}）"
    if isinstance(value, date):
        first, last = span.date_bounds(timezone.localdate(now) if now else None)
        if first <= value <= last:
            return None
        return f"超出范围（{span.rule}：{first:%Y-%m-%d} 至 {last:%Y-%m-%d}）"
    return "日期格式不正确"


def length_problem(kind: str, start: date | datetime, end: date | datetime) -> str | None:
    """Why the span from `start` to `end` is too long for a `kind` (a name of LONGEST)."""
    longest, rule = LONGEST[kind]
    if end - start > longest:
        return f"时间过长（{rule}）"
    return None


Dated = Mapping[str, tuple[str, date | datetime | None]]  # {field: (kind, value)}


def date_errors(values: Dated, *, now: datetime | None = None) -> dict[str, str]:
    """The problems of several fields at once, by field: {field: (kind, value)}; a None
    value is left to the caller's own "required" check."""
    errors: dict[str, str] = {}
    for field, (kind, value) in values.items():
        if value is not None:
            problem = date_problem(kind, value, now=now)
            if problem:
                errors[field] = problem
    return errors


def require_dates(values: Dated, *, now: datetime | None = None, code: str | None = None) -> None:
    """InvalidInput naming every field of `values` out of its range."""
    errors = date_errors(values, now=now)
    if errors:
        detail = "；".join(f"{field} {problem}" for field, problem in errors.items())
        kwargs = {"code": code} if code else {}
        raise InvalidInput(f"日期或时间超出范围：{detail}", errors, **kwargs)


# --- text --------------------------------------------------------------------------------

# Line breaks and tabs are text; every other control character is a key pressed by
# accident, a paste from another program, or an attack on whoever opens an export.
ALLOWED_CONTROLS = frozenset("\t\n\r")


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can."""
    if value.isprintable():  # the common case, checked in C
        return None
    for char in value:
        if char == "\x00":
            return "含有无效字符（NUL）"
        category = unicodedata.category(char)
        if category == "Cs":
            return "含有无效字符（不成对的 UTF-16 代理项）"
        if category == "Cc" and char not in ALLOWED_CONTROLS:
            return f"含有控制字符（U+{ord(char):04X}）"
    return None
