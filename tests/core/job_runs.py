"""What every job test asks: run a job as the beat would at a moment, then again, and see
that the second run created nothing (no to-do, no message, no ledger entry)."""

from datetime import datetime

from billing.models import LedgerEntry
from core.jobs import job_run
from core.models import Message, Todo


def footprint() -> tuple[int, int, int]:
    return Todo.objects.count(), Message.objects.count(), LedgerEntry.objects.count()


def run_twice(name: str, at: datetime) -> int:
    """Run `name` at `at`, then by hand again for the same moment; return what the first
    run created, having checked the second created nothing."""
    created = job_run(name, at=at, force=True)
    before = footprint()
    assert job_run(name, at=at, force=True) == 0
    assert footprint() == before
    return created


def todo_keys(**filters) -> set[str]:
    return set(Todo.objects.filter(**filters).values_list("key", flat=True))


def message_keys(**filters) -> set[str]:
    return set(Message.objects.filter(**filters).values_list("key", flat=True))
