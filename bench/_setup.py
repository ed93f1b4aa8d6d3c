"""Django set up for a benchmark script run from the repository root, and the students with
cards and packages that the swipe benchmarks check in."""

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutoring.settings")
os.environ.setdefault("DEBUG", "True")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from billing.services import package_create  # noqa: E402
from cardreader.models import Card  # noqa: E402
from cardreader.services import card_issue  # noqa: E402
from core.models import Campus, Staff  # noqa: E402
from core.roles import Role  # noqa: E402
from core.services import staff_create  # noqa: E402
from students.models import Guardian, Student  # noqa: E402


def migrate() -> None:
    call_command("migrate", verbosity=0)


def median_ms(fn: Callable[[], object], runs: int = 50, warmup: int = 5) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def swipe_campus(code: str, students: int) -> tuple[Campus, list[str]]:
    """A campus of `students` students, each with a card and a 1,000-lesson package usable
    for the last week and the next year; the cards' numbers. Made once, then reused."""
    campus, _ = Campus.objects.get_or_create(code=code, defaults={"name": f"刷卡压测校区 {code}"})
    desk = Staff.objects.filter(campus=campus, role=Role.FRONT_DESK).first() or staff_create(
        username=f"{code}-desk", role=Role.FRONT_DESK, campus=campus
    )
    cards = list(Card.objects.filter(student__campus=campus).values_list("card_number", flat=True))
    today = timezone.localdate()
    for i in range(len(cards), students):
        student = Student.objects.create(campus=campus, name=f"刷卡{i}", gender="F",
                                         birthday=today.replace(year=2014), address="北京")
        Guardian.objects.create(student=student, name="母亲", relation="mother", phone=f"1{i:010d}", is_primary=True)
        package_create(student=student, course="钢琴一对一", kind="one_on_one", lessons=1000, bonus_lessons=0,
                       price=Decimal("100000.00"), paid=Decimal("100000.00"),
                       valid_from=today - timedelta(days=8), valid_until=today + timedelta(days=365), by=desk)
        card = card_issue(student=student, card_number=f"{7_000_000_000 + i:010d}", chip_uid="", by=desk)
        cards.append(card.card_number)
    return campus, cards


def swipe_times(campus: Campus, count: int, *, after: datetime | None = None) -> list[datetime]:
    """`count` moments, each a repeat window and a minute after the one before, the first six
    days back (a swipe may be dated up to 7 days back): swiping every card once at each is a
    new check-in every time, never a repeat of the one before."""
    step = timedelta(minutes=campus.repeat_window_minutes + 1)
    start = timezone.now() - timedelta(days=6)
    if after is not None:
        start = max(start, after + step)
    moments = [start + step * i for i in range(count)]
    if moments[-1] > timezone.now():
        raise SystemExit(f"{count} rounds a repeat window apart do not fit in the last 6 days")
    return moments
