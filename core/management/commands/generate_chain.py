"""A chain's worth of data for the benchmarks, on PostgreSQL: `--campuses` campuses with
their staff, `--students` students spread over them, and each app's rows
(`<app>/chain.py: generate(chain)`, in INSTALLED_APPS order). Rows are written with COPY
(core/bulkload.py); the ledger is proven against the packages at the end."""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from billing.selectors import ledger_mismatches
from core.bulkload import Chain, week_start, without_triggers
from core.discovery import app_modules
from core.models import Campus, Subject
from core.roles import Role
from core.services import staff_create

SUBJECTS = ["钢琴", "小提琴", "声乐", "数学", "英语", "语文", "物理", "化学"]
# per campus; teachers as many as the weekly timetable needs (Chain.TEACHERS)
STAFF = {
    Role.PRINCIPAL: 1, Role.CS_SUPERVISOR: 1, Role.DEAN: 1, Role.FRONT_DESK: 2, Role.ADVISOR: 10,
    Role.CONSULTANT: 2, Role.FINANCE: 1, Role.TEACHER: Chain.TEACHERS,
}


class Command(BaseCommand):
    help = "Generate a chain of campuses, staff, students and their records for the benchmarks (PostgreSQL)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--campuses", type=int, default=50)
        parser.add_argument("--students", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, campuses: int, students: int, seed: int, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("generate_chain writes with PostgreSQL's COPY: set DATABASE_URL to a PostgreSQL database")
        if not 1 <= campuses <= 500 or not campuses <= students <= 1_000_000:
            raise CommandError("--campuses 1–500, --students from --campuses to 1,000,000")
        if students // campuses > 13 * 7 * Chain.TEACHERS:
            raise CommandError(f"at most {13 * 7 * Chain.TEACHERS} students a campus fit the weekly timetable")
        started = time.monotonic()
        chain = Chain(rng=random.Random(seed), week=week_start(timezone.localdate()))
        with transaction.atomic():
            self._core(chain, campuses, prefix=f"chain{seed}")
            with without_triggers():
                per_campus = students // campuses
                chain.students_per_campus = per_campus
                for module in app_modules("chain"):
                    step = time.monotonic()
                    module.generate(chain)
                    self.stdout.write(f"  {module.__name__:<18} {time.monotonic() - step:6.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        checked, mismatches = ledger_mismatches()
        if mismatches:
            raise CommandError(f"{len(mismatches)} of {checked} packages do not match their ledger")
        for table, count in sorted(chain.counts.items()):
            self.stdout.write(f"  {table:<34} {count:>10,}")
        self.stdout.write(
            f"chain ready: {len(chain.campuses)} campuses, {len(chain.students):,} students, "
            f"{sum(chain.counts.values()):,} rows, ledger of {checked:,} packages ok, "
            f"{time.monotonic() - started:.0f} s"
        )

    def _core(self, chain: Chain, campuses: int, prefix: str) -> None:
        if Campus.objects.filter(code__startswith=prefix).exists():
            raise CommandError(f"campuses {prefix}-… exist already: generate into an empty database")
        chain.subjects = [Subject.objects.get_or_create(name=name)[0].pk for name in SUBJECTS]
        for c in range(campuses):
            campus = Campus.objects.create(code=f"{prefix}-{c:03d}", name=f"连锁第 {c + 1} 校区")
            chain.campuses.append(campus.pk)
            for role, count in STAFF.items():
                for i in range(count):
                    subjects = [SUBJECTS[i % len(SUBJECTS)]] if role == Role.TEACHER else None
                    staff = staff_create(username=f"{campus.code}-{role}-{i}", role=role, campus=campus,
                                         subjects=subjects, full_name=f"{role.label}{i + 1}")
                    chain.staff[campus.pk][role].append(staff.pk)
