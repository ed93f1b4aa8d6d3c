"""History clean-up (清理历史记录), the nightly `history_clean_up` job: what is kept only
for a while goes. Business records and their audit (simple_history's rows of a change,
the ledger, payments) are never deleted; only the record of each day's job runs, messages
long sent or given up, and to-dos long ticked off."""

from datetime import datetime, timedelta

from .models import JobRun, Message, Todo

KEEP_JOB_RUNS = timedelta(days=90)
KEEP_MESSAGES = timedelta(days=365)
KEEP_DONE_TODOS = timedelta(days=90)


def history_clean_up(at: datetime) -> int:
    """Delete job runs, finished messages and done to-dos older than their keep; returns
    how many rows went (a second run finds none)."""
    removed = JobRun.objects.filter(day__lt=(at - KEEP_JOB_RUNS).date()).delete()[0]
    removed += Message.objects.filter(
        status__in=[Message.Status.SENT, Message.Status.FAILED], created_at__lt=at - KEEP_MESSAGES
    ).delete()[0]
    removed += Todo.objects.filter(done_at__lt=at - KEEP_DONE_TODOS).delete()[0]
    return removed
