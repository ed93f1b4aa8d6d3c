"""The Celery tasks: thin, each takes a name or an id and calls a service (core/jobs.py,
core/messaging.py). `acks_late`: a task is acknowledged after it ran, so a worker that dies
halfway leaves it to be delivered again; both are safe to run twice (a job's day is
claimed and what it makes is keyed; a message is claimed before it is sent)."""

from datetime import date

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def run_job(name: str, day: str | None = None) -> int | None:
    """Run the job `name` now (the beat), or as on `day` (YYYY-MM-DD)."""
    from .jobs import get_job, job_run

    at = get_job(name).moment_on(date.fromisoformat(day)) if day else None
    return job_run(name, at=at)


@shared_task(acks_late=True, ignore_result=True)
def send_message(message_id: int) -> None:
    from .messaging import message_send

    message_send(message_id=message_id)

