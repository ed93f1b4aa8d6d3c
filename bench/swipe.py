"""One swipe's server time (in-process, through the whole Django stack and the API) and its
query count, on the database of DATABASE_URL. Each swipe checks a different student in.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_tutoring .venv/bin/python bench/swipe.py
"""

import json
import statistics
import time
import uuid
from datetime import timedelta
from decimal import Decimal

from _setup import migrate
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.services import package_create
from cardreader.models import Card, Swipe
from cardreader.services import card_issue, reader_register
from core.models import Campus, Staff
from core.roles import Role
from core.services import staff_create
from students.models import Guardian, Student

N = 300


def setup() -> tuple[Campus, list[str]]:
    campus, _ = Campus.objects.get_or_create(code="swipebench", defaults={"name": "刷卡压测校区"})
    desk = Staff.objects.filter(campus=campus, role=Role.FRONT_DESK).first() or staff_create(
        username="swipebench-desk", role=Role.FRONT_DESK, campus=campus
    )
    cards = list(Card.objects.filter(student__campus=campus).values_list("card_number", flat=True))
    today = timezone.localdate()
    for i in range(len(cards), N):
        student = Student.objects.create(campus=campus, name=f"刷卡{i}", gender="F",
                                         birthday=today.replace(year=2014), address="北京")
        Guardian.objects.create(student=student, name="母亲", relation="mother", phone=f"1{i:010d}", is_primary=True)
        package_create(student=student, course="钢琴一对一", kind="one_on_one", lessons=1000, bonus_lessons=0,
                       price=Decimal("100000.00"), paid=Decimal("100000.00"),
                       valid_from=today - timedelta(days=1), valid_until=today + timedelta(days=365), by=desk)
        card = card_issue(student=student, card_number=f"{7_000_000_000 + i:010d}", chip_uid="", by=desk)
        cards.append(card.card_number)
    return campus, cards


def main() -> None:
    migrate()
    campus, cards = setup()
    _reader, token = reader_register(name=f"bench-{uuid.uuid4().hex[:8]}", campus=campus)
    client = Client(headers={"Authorization": f"Bearer {token}"}, SERVER_NAME="localhost")
    samples, counts = [], []
    # Each round swipes every card once; the next round is 2 minutes later (past the repeat
    # guard), and a new run starts after the last swipe of the one before.
    last = Swipe.objects.filter(campus=campus).aggregate(last=Max("swiped_at"))["last"]
    base = timezone.now() - timedelta(days=6)
    if last is not None:
        base = max(base, last + timedelta(minutes=2))
    for round_ in range(3):
        at = base + timedelta(minutes=2 * round_)
        for number in cards:
            body = json.dumps({"swipe_id": str(uuid.uuid4()), "card": number, "swiped_at": at.isoformat()})
            connection.queries_log.clear()  # a full log (9000) would hide the count
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.post("/api/v1/swipes", body, content_type="application/json")
                samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 201, response.content[:300]
            counts.append(len(queries))
    samples.sort()
    print(f"database: {connection.vendor}; swipes: {len(samples)}")
    print(f"server time per swipe: median {statistics.median(samples):.2f} ms, "
          f"p95 {samples[int(len(samples) * 0.95)]:.2f} ms")
    print(f"queries per swipe: median {statistics.median(counts):.0f} (min {min(counts)}, max {max(counts)})")


if __name__ == "__main__":
    main()
