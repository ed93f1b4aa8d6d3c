"""One swipe's server time (in-process, through the whole Django stack and the API) and its
query count, on the database of DATABASE_URL. Each swipe checks a different student in.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_tutoring .venv/bin/python bench/swipe.py [--profile]

With --profile (pyinstrument, `pip install -e '.[bench]'`), the same swipes run without
counting queries, and where their time goes is printed instead.
"""

import contextlib
import json
import statistics
import sys
import time
import uuid

from _setup import migrate, swipe_campus, swipe_times
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cardreader.models import Swipe
from cardreader.services import reader_register

N = 300


def main() -> None:
    migrate()
    campus, cards = swipe_campus("swipebench", N)
    _reader, token = reader_register(name=f"bench-{uuid.uuid4().hex[:8]}", campus=campus)
    client = Client(headers={"Authorization": f"Bearer {token}"}, SERVER_NAME="localhost")
    profile = "--profile" in sys.argv
    samples, counts = [], []
    # Each round swipes every card once, a repeat window after the round before (a new
    # check-in each time), and a new run starts after the last swipe of the one before.
    last = Swipe.objects.filter(campus=campus).aggregate(last=Max("swiped_at"))["last"]
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
    for at in swipe_times(campus, 3, after=last):
        for number in cards:
            body = json.dumps({"swipe_id": str(uuid.uuid4()), "card": number, "swiped_at": at.isoformat()})
            connection.queries_log.clear()  # a full log (9000) would hide the count
            with contextlib.nullcontext([]) if profile else CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.post("/api/v1/swipes", body, content_type="application/json")
                samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 201, response.content[:300]
            counts.append(len(queries))
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    samples.sort()
    print(f"database: {connection.vendor}; swipes: {len(samples)}")
    print(f"server time per swipe: median {statistics.median(samples):.2f} ms, "
          f"p95 {samples[int(len(samples) * 0.95)]:.2f} ms")
    print(f"queries per swipe: median {statistics.median(counts):.0f} (min {min(counts)}, max {max(counts)})")


if __name__ == "__main__":
    main()
