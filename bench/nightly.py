"""The night's work at chain scale: each scheduled job run once, as the beat would run it
today, timed (seconds) with the records it created. Run on a database filled by
`generate_chain` (50 campuses, 100k students):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/chain100k
    .venv/bin/python bench/nightly.py [--job NAME ...] [--all]

By default the three that cover every student each night: the expiry sweep
(`packages_expire`), the ledger check (`ledger_check`) and the staff-rule audit
(`penalty_audit`). The target is under 60 s each. A job changes the database as it would
at night (a second run of the same day creates nothing new)."""

import argparse
import time

from _setup import ROOT  # noqa: F401  (Django set up)
from django.db import connection, reset_queries
from django.utils import timezone

from core.jobs import all_jobs, job_run
from core.models import Campus
from students.models import Student

NIGHTLY = ["packages_expire", "ledger_check", "penalty_audit"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--job", action="append", help="a job's name (run_job --list names them)")
    parser.add_argument("--all", action="store_true", help="every daily job")
    args = parser.parse_args()
    jobs = all_jobs()
    names = [j.name for j in jobs.values() if j.daily] if args.all else (args.job or NIGHTLY)
    unknown = [n for n in names if n not in jobs]
    if unknown:
        raise SystemExit(f"no job named {', '.join(unknown)} (manage.py run_job --list names them)")
    if not Campus.objects.filter(code__startswith="chain").exists():
        raise SystemExit("no generated chain here: run `manage.py generate_chain` first (see the docstring)")
    print(f"{Student.objects.count():,} students in {Campus.objects.count()} campuses")
    print(f"{'job':<22} {'seconds':>8} {'created':>8} {'queries':>8}")
    for name in names:
        reset_queries()
        start = time.perf_counter()
        created = job_run(name, at=jobs[name].moment_on(timezone.localdate()), force=True)
        print(f"{name:<22} {time.perf_counter() - start:8.1f} {created or 0:>8} {len(connection.queries):>8}")


if __name__ == "__main__":
    main()
