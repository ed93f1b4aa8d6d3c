"""Rows written in bulk with PostgreSQL's COPY, for `generate_chain` (a chain's worth of
data for the benchmarks): millions of rows in minutes, where saving models one by one
would take hours.

What is loaded this way bypasses the services and the database's triggers (the ledger's
guard included: `session_replication_role = replica`), so it must be right by
construction; `generate_chain` proves the ledger with `check_ledger`'s own selector
afterwards. Never used by the product itself."""

import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, models
from django.utils import timezone

FLUSH_EVERY = 20_000


class CopyWriter:
    """Rows of one model, ids given here (after the table's highest), written by COPY in
    batches. A field left out takes its default, its auto time, NULL or "" (in that order
    of what it allows); any other field left out is an error at once."""

    def __init__(self, model: type[models.Model], counts: Counter) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.quoted = connection.ops.quote_name(self.table)  # a model's table, never input
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.rows: list[tuple] = []
        self.counts = counts
        self.now = timezone.now()
        self.fill = [(f.attname, self._filler(f)) for f in self.fields]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.quoted}")  # noqa: S608
            self.last_id = cursor.fetchone()[0]

    def _filler(self, f: models.Field) -> Any:
        if f.has_default():
            return f.get_default()
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return self.now
        if f.null:
            return None
        if isinstance(f, models.CharField | models.TextField):
            return ""
        return _REQUIRED

    def add(self, **values: Any) -> int:
        """Queue one row; its id."""
        self.last_id += 1
        values["id"] = self.last_id
        row = tuple([values.get(name, default) for name, default in self.fill])
        if any(value is _REQUIRED for value in row):
            missing = [name for name, default in self.fill if default is _REQUIRED and name not in values]
            raise ValueError(f"{self.table}: {', '.join(missing)} need a value")
        self.rows.append(row)
        if len(self.rows) >= FLUSH_EVERY:
            self.flush()
        return self.last_id

    def flush(self) -> None:
        if not self.rows:
            return
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {self.quoted} ({columns}) FROM STDIN") as copy:
            for row in self.rows:
                copy.write_row(row)
        self.counts[self.table] += len(self.rows)
        self.rows = []

    def close(self) -> None:
        """Write what is queued and move the table's id sequence past the ids given here."""
        self.flush()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT COALESCE(MAX(id), 1) FROM {self.quoted}))",  # noqa: S608
                [self.quoted],
            )


_REQUIRED = object()


@contextmanager
def without_triggers() -> Iterator[None]:
    """COPY without the row triggers (foreign keys, the ledger's guard) of this session."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


@dataclass
class ChainStudent:
    id: int
    campus_id: int
    advisor_id: int
    index: int  # within its campus: its weekly lesson slot


@dataclass
class Chain:
    """What one app's generator leaves for the next (`<app>/chain.py: generate(chain)`)."""

    rng: random.Random
    week: datetime  # this week's Monday, 00:00 local: weeks count from here
    campuses: list[int] = field(default_factory=list)
    staff: dict[int, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    subjects: list[int] = field(default_factory=list)
    students: list[ChainStudent] = field(default_factory=list)
    # (student, package, ledger entry, week) of each lesson used in the last RECENT_WEEKS
    recent_used: list[tuple[ChainStudent, int, int, int]] = field(default_factory=list)
    active_package: dict[int, int] = field(default_factory=dict)  # student id → package id
    receipt_no: Counter = field(default_factory=Counter)  # campus id → last receipt number
    counts: Counter = field(default_factory=Counter)
    students_per_campus: int = 0

    TEACHERS = 40  # per campus: one lesson a week per student fits in four days
    RECENT_WEEKS = 4

    def writer(self, model: type[models.Model]) -> CopyWriter:
        return CopyWriter(model, self.counts)

    def lesson_slot(self, student: ChainStudent, week: int) -> tuple[datetime, int]:
        """The start of `student`'s weekly lesson `week` weeks from this one (negative: past)
        and the index of its teacher among the campus's: no teacher and no student is in two
        places at once."""
        slot, teacher = divmod(student.index, self.TEACHERS)
        day, hour = divmod(slot, 13)  # 08:00 to 20:00, Monday on
        return self.week + timedelta(weeks=week, days=day, hours=8 + hour), teacher

    def subject_of(self, student: ChainStudent) -> int:
        """The one subject `student` learns: their packages', lessons' and records'."""
        return self.subjects[student.index % len(self.subjects)]

    def next_receipt(self, campus_id: int) -> int:
        self.receipt_no[campus_id] += 1
        return self.receipt_no[campus_id]


def week_start(today: date) -> datetime:
    monday = today - timedelta(days=today.weekday())
    return timezone.make_aware(datetime.combine(monday, datetime.min.time()))
