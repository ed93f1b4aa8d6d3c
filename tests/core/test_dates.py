"""Campus time: one local_day for every app, a naive moment read as Asia/Shanghai."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.dates import CAMPUS_TZ, aware, day_bounds, day_start, local_day


def test_an_aware_moment_is_dated_at_the_campus():
    # 17:30 UTC on the 1st is half past one in the morning of the 2nd in Shanghai
    assert local_day(datetime(2026, 12, 1, 17, 30, tzinfo=UTC)) == date(2026, 12, 2)
    assert local_day(datetime(2026, 12, 1, 15, 59, tzinfo=UTC)) == date(2026, 12, 1)


def test_a_naive_moment_is_campus_time():
    assert local_day(datetime(2026, 12, 1, 23, 59)) == date(2026, 12, 1)
    assert local_day(datetime(2026, 12, 2, 0, 0)) == date(2026, 12, 2)
    assert aware(datetime(2026, 12, 1, 9, 0)) == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_a_moment_with_another_offset_keeps_it():
    new_york = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("America/New_York"))
    assert aware(new_york) is new_york
    assert local_day(new_york) == date(2026, 12, 2)  # 01:00 the next day in Shanghai


def test_a_campus_day_is_midnight_to_midnight():
    start, end = day_bounds(date(2026, 12, 1))
    assert start == day_start(date(2026, 12, 1)) == datetime(2026, 12, 1, tzinfo=CAMPUS_TZ)
    assert end - start == timedelta(days=1)
    assert local_day(start) == date(2026, 12, 1) and local_day(end - timedelta(microseconds=1)) == date(2026, 12, 1)


def test_billing_and_scheduling_date_a_moment_alike():
    from billing.services.ledger import local_day as billing_day
    from scheduling.services.checkin import local_day as scheduling_day

    assert billing_day is scheduling_day is local_day
