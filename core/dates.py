"""Campus time. Every campus keeps Asia/Shanghai time; a datetime that arrives without an
offset (a reader's wall clock, a form, a naive value in a test) is read as that time."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

CAMPUS_TZ = ZoneInfo("Asia/Shanghai")


def aware(value: datetime) -> datetime:
    """`value` with an offset; a naive one is read as campus time."""
    return value.replace(tzinfo=CAMPUS_TZ) if timezone.is_naive(value) else value


def local_day(at: datetime) -> date:
    """The campus date of a moment (a naive moment is campus time already)."""
    return aware(at).astimezone(CAMPUS_TZ).date()


def day_start(day: date) -> datetime:
    """Midnight at the campus at the start of `day`."""
    return datetime.combine(day, time.min, tzinfo=CAMPUS_TZ)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The campus day `day` as the half-open interval [midnight, next midnight)."""
    return day_start(day), day_start(day + timedelta(days=1))
