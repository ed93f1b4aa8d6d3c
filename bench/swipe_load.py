"""Swipes under load on a live server, against the database's own rate for the smallest
swipe transaction, in one run.

    .venv/bin/python bench/swipe_load.py [--readers 16] [--rate 50] [--seconds 20]

1. Makes its own PostgreSQL database (`bench_swipe_load`, dropped first), migrates it and
   gives a campus `--cards` students, each with a card and a 1,000-lesson package.
2. Serves it with gunicorn as production does (`deploy/gunicorn.conf.py`, DEBUG off).
3. Closed loop: `--readers` readers, each posting its next swipe as soon as the last one
   is answered, over its own cards. Open loop: swipes sent at a fixed `--rate` per second
   whatever the answers, each timed from the moment it was due (a slow answer delays no
   later send, so queueing shows in the times).
4. pgbench on the same server, at the same concurrency, with the minimal swipe
   transaction (lock a package row, insert a ledger row, update the package), and the ratio.
5. Proves that every accepted swipe is one ledger row and nothing more: the check-ins
   answered 201 are exactly the ledger's check-in rows, and every package matches its ledger.

Every swipe is a real check-in: each (card, moment) pair is used once, the moments a repeat
window apart (`bench/_setup.py: swipe_times`).
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "bench_swipe_load"
SERVER = "postgres://postgres@127.0.0.1:5432"
PG = ["-h", "127.0.0.1", "-U", "postgres"]


def recreate_database() -> None:
    subprocess.run(["dropdb", *PG, "--if-exists", "--force", DATABASE], check=True)
    subprocess.run(["createdb", *PG, DATABASE], check=True)


os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
sys.path.insert(0, str(Path(__file__).parent))

from _setup import migrate, swipe_campus, swipe_times  # noqa: E402
from django.db import connection  # noqa: E402

from billing.models import LedgerEntry  # noqa: E402
from billing.selectors import ledger_mismatches  # noqa: E402
from cardreader.services import reader_register  # noqa: E402

MINIMAL_SWIPE = """\
\\set id random(1, {packages})
BEGIN;
SELECT lessons_left FROM bench_package WHERE id = :id FOR UPDATE;
INSERT INTO bench_ledger (package_id, lessons, occurred_at) VALUES (:id, -1, now());
UPDATE bench_package SET lessons_left = lessons_left - 1 WHERE id = :id;
END;
"""


@dataclass
class Results:
    times_ms: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    checked_in: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ms: float, status: int, body: dict) -> None:
        outcome = body.get("result") or body.get("error", {}).get("code", str(status))
        with self.lock:
            self.times_ms.append(ms)
            self.outcomes[f"{status} {outcome}"] += 1
            if status == 201 and outcome == "checked_in":
                self.checked_in += 1

    def summary(self, seconds: float) -> dict:
        ordered = sorted(self.times_ms)

        def pick(q: float) -> float:
            return ordered[min(len(ordered) - 1, int(len(ordered) * q))]

        return {
            "swipes": len(ordered),
            "per_second": len(ordered) / seconds,
            "p50": statistics.median(ordered),
            "p95": pick(0.95),
            "p99": pick(0.99),
            "outcomes": dict(self.outcomes),
        }


class Reader:
    """One reader's connection to the server (kept open where the server allows)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def swipe(self, card: str, at: datetime) -> tuple[int, dict]:
        body = json.dumps({"swipe_id": str(uuid.uuid4()), "card": card, "swiped_at": at.isoformat()})
        for attempt in (1, 2):
            try:
                self.conn.request("POST", "/api/v1/swipes", body, self.headers)
                response = self.conn.getresponse()
                return response.status, json.loads(response.read() or b"{}")
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()  # the server closed a kept-alive connection: open a new one
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def closed_loop(port: int, token: str, work: list[list[tuple[str, datetime]]], seconds: float) -> Results:
    results = Results()
    stop = time.monotonic() + seconds

    def run(jobs: list[tuple[str, datetime]]) -> None:
        reader = Reader(port, token)
        for card, at in jobs:
            if time.monotonic() >= stop:
                return
            start = time.perf_counter()
            status, body = reader.swipe(card, at)
            results.add((time.perf_counter() - start) * 1000, status, body)

    threads = [threading.Thread(target=run, args=(jobs,)) for jobs in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def open_loop(port: int, token: str, jobs: list[tuple[str, datetime]], rate: float, seconds: float) -> Results:
    """Swipe i is due at start + i / rate; a pool of readers takes them in order, each timed
    from when it was due."""
    results = Results()
    count = min(len(jobs), int(rate * seconds))
    start = time.perf_counter() + 0.1
    next_index = iter(range(count))
    take = threading.Lock()

    def run() -> None:
        reader = Reader(port, token)
        while True:
            with take:
                i = next(next_index, None)
            if i is None:
                return
            due = start + i / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            status, body = reader.swipe(*jobs[i])
            results.add((time.perf_counter() - due) * 1000, status, body)

    threads = [threading.Thread(target=run) for _ in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL": "False",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "tutoring.wsgi:application", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"gunicorn did not answer; see {log}")


def pgbench(clients: int, seconds: int, packages: int) -> float:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_ledger, bench_package")
        cursor.execute("CREATE TABLE bench_package (id int PRIMARY KEY, lessons_left int NOT NULL)")
        cursor.execute("CREATE TABLE bench_ledger (id bigserial PRIMARY KEY, "
                       "package_id int NOT NULL REFERENCES bench_package, lessons int NOT NULL, "
                       "occurred_at timestamptz NOT NULL)")
        cursor.execute("INSERT INTO bench_package SELECT g, 1000000 FROM generate_series(1, %s) g", [packages])
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
        script.write(MINIMAL_SWIPE.format(packages=packages))
        script.flush()
        out = subprocess.run(
            ["pgbench", *PG, "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", script.name, DATABASE],
            check=True, capture_output=True, text=True,
        ).stdout
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_ledger, bench_package")
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def ledger_check(accepted: int) -> str:
    rows = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.USED).count()
    checked, mismatches = ledger_mismatches()
    if rows != accepted or mismatches:
        raise SystemExit(f"LEDGER WRONG: {accepted} check-ins answered 201, {rows} ledger rows; "
                         f"{len(mismatches)} of {checked} packages differ from their ledger")
    return f"{accepted} check-ins answered 201 = {rows} ledger rows; all {checked} packages match their ledger"


def line(name: str, s: dict) -> str:
    return (f"{name}: {s['swipes']} swipes, {s['per_second']:.0f}/s, p50 {s['p50']:.1f} ms, "
            f"p95 {s['p95']:.1f} ms, p99 {s['p99']:.1f} ms; {s['outcomes']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=16, help="closed loop: concurrent readers")
    parser.add_argument("--rate", type=float, default=50, help="open loop: swipes per second")
    parser.add_argument("--seconds", type=float, default=20, help="length of each loop")
    parser.add_argument("--cards", type=int, default=400, help="students with a card")
    args = parser.parse_args()

    recreate_database()  # Django is set up, but no connection is open yet
    migrate()
    campus, cards = swipe_campus("swipeload", args.cards)
    _reader, token = reader_register(name="load", campus=campus)
    # enough moments for a fast server; a reader's own cards, one moment after another
    rounds = swipe_times(campus, 60)
    work = [[(card, at) for at in rounds for card in cards[i :: args.readers]] for i in range(args.readers)]
    later = swipe_times(campus, 8, after=rounds[-1])
    open_jobs = [(card, at) for at in later for card in cards]
    connection.close()

    port = free_port()
    log = Path(tempfile.gettempdir()) / "swipe_load_gunicorn.log"
    server = serve(port, log)
    try:
        closed_loop(port, token, [jobs[:5] for jobs in work], 2)  # warm every worker up
        # what warming charged is in the ledger too
        warm_accepted = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.USED).count()
        connection.close()
        work = [jobs[5:] for jobs in work]
        closed = closed_loop(port, token, work, args.seconds).summary(args.seconds)
        opened = open_loop(port, token, open_jobs, args.rate, args.seconds).summary(args.seconds)
        accepted = warm_accepted + closed["outcomes"].get("201 checked_in", 0) + opened["outcomes"].get(
            "201 checked_in", 0)
    finally:
        server.terminate()
        server.wait()
    tps = pgbench(args.readers, int(args.seconds), args.cards)
    print(line(f"closed loop, {args.readers} readers", closed))
    print(line(f"open loop, {args.rate:g} swipes/s", opened))
    print(f"pgbench, minimal swipe, {args.readers} clients: {tps:.0f} tps; "
          f"ratio swipes/s ÷ pgbench tps = {closed['per_second'] / tps:.3f}")
    print(ledger_check(accepted))


if __name__ == "__main__":
    main()
