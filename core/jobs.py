"""The scheduled jobs (定时任务): reminders, audits, messages and clean-up.

Each app offers its jobs in `<app>/jobs.py` as `JOBS: list[Job]` (found by
`core.discovery`, like the panels and the menus); core's own are below. A job is a name, a
schedule (a crontab read in campus time, Asia/Shanghai, whatever the server's clock) and
the service it calls for a moment `at` (its day is `local_day(at)`), which returns how
many records it created.

- The beat schedule (`beat_schedule()`, settings.CELERY_BEAT_SCHEDULE) sends one thin
  task per job (`core.tasks.run_job`) with the job's name; the worker runs it for now.
- A daily job (`daily=True`) is claimed once per campus day in `JobRun` by a conditional
  UPDATE (`claim`): a second delivery of the same day's task finds it done or running and
  does nothing. A sweep (`daily=False`, every few minutes) is not claimed: it selects what
  is due each time.
- Whatever a job creates has a unique key (a to-do per person, key and day; a message per
  key; a ledger entry only while lessons are left), so running a job twice for the same
  day creates nothing new — by hand (`python manage.py run_job NAME --date …`) as well.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .dates import CAMPUS_TZ, local_day
from .discovery import app_modules
from .models import JobRun

logger = logging.getLogger("jobs")

# a daily job still `running` after this long died with its worker: it may be claimed again
STALE_RUN = timedelta(hours=1)


def campus_now() -> datetime:
    """Now at the campus: every schedule's clock (a module-level function, so the beat can
    store the schedule)."""
    return datetime.now(CAMPUS_TZ)


@dataclass(frozen=True, kw_only=True)
class Job:
    """A scheduled job. `run(at)` is the service it calls; `minute`, `hour`,
    `day_of_month`, `day_of_week` the crontab fields (campus time); `daily`: claimed
    once per day (a sweep is not)."""

    name: str
    title: str
    run: Callable[[datetime], int]
    minute: str = "0"
    hour: str = "*"
    day_of_month: str = "*"
    day_of_week: str = "*"
    daily: bool = True

    @property
    def schedule(self) -> crontab:
        return crontab(
            minute=self.minute, hour=self.hour, day_of_month=self.day_of_month, day_of_week=self.day_of_week,
            nowfun=campus_now,
        )

    @property
    def when(self) -> str:
        """The schedule in words, for `run_job --list` and the README."""
        parts = []
        if self.day_of_month != "*":
            parts.append(f"day {self.day_of_month} of the month")
        if self.day_of_week != "*":
            parts.append(f"weekday {self.day_of_week}")
        if self.hour.isdigit() and self.minute.isdigit():
            parts.append(f"{int(self.hour):02d}:{int(self.minute):02d}")
        else:
            parts.append(f"minute {self.minute}, hour {self.hour}")
        return " ".join(parts) + " Asia/Shanghai"

    def moment_on(self, day: date) -> datetime:
        """The moment the schedule runs the job on `day` (today: now): what `run_job
        --date` replays."""
        if day == local_day(timezone.now()):
            return timezone.now()
        hour = int(self.hour) if self.hour.isdigit() else 12
        minute = int(self.minute) if self.minute.isdigit() else 0
        return datetime.combine(day, time(hour, minute), tzinfo=CAMPUS_TZ)


def _core_jobs() -> list[Job]:
    # core's own: the message sweep, the daily report, the clean-up (imported here, so the
    # modules they live in may import this one)
    from .housekeeping import history_clean_up
    from .messaging import messages_send_due
    from .reports import daily_reports_file

    return [
        Job(name="messages_send", title="发送待发消息（含重试）", run=messages_send_due, minute="*", daily=False),
        Job(name="daily_report", title="归档前台日报表", run=daily_reports_file, hour="21", minute="30"),
        Job(name="history_clean_up", title="清理历史记录", run=history_clean_up, hour="3", minute="30"),
    ]


def all_jobs() -> dict[str, Job]:
    """Every job by name: core's, then each app's `JOBS` in INSTALLED_APPS order."""
    jobs: dict[str, Job] = {}
    for job in _core_jobs() + [job for module in app_modules("jobs") for job in module.JOBS]:
        if job.name in jobs:
            raise ImproperlyConfigured(f"job {job.name!r} is registered twice")
        jobs[job.name] = job
    return jobs


def get_job(name: str) -> Job:
    try:
        return all_jobs()[name]
    except KeyError:
        raise KeyError(f"no job named {name!r}; `python manage.py run_job --list` names them") from None


def beat_schedule() -> dict[str, dict]:
    """settings.CELERY_BEAT_SCHEDULE: each job's task on its crontab."""
    return {
        job.name: {"task": "core.tasks.run_job", "schedule": job.schedule, "args": [job.name]}
        for job in all_jobs().values()
    }


def claim(job: str, day: date, *, now: datetime | None = None) -> JobRun | None:
    """Claim `job` for `day`: the run row moved to `running` by one conditional UPDATE, or
    None when it is done or another worker is running it (and not stale)."""
    now = now or timezone.now()
    JobRun.objects.get_or_create(job=job, day=day)
    taken = (
        JobRun.objects.filter(job=job, day=day)
        .filter(
            Q(status__in=[JobRun.Status.PENDING, JobRun.Status.FAILED])
            | Q(status=JobRun.Status.RUNNING, started_at__lt=now - STALE_RUN)
        )
        .update(status=JobRun.Status.RUNNING, started_at=now, finished_at=None, attempts=F("attempts") + 1)
    )
    return JobRun.objects.get(job=job, day=day) if taken else None


def _finish(run: JobRun, *, created: int = 0, error: str = "") -> None:
    run.status = JobRun.Status.FAILED if error else JobRun.Status.DONE
    run.created, run.error, run.finished_at = created, error, timezone.now()
    run.save(update_fields=["status", "created", "error", "finished_at"])


def job_run(name: str, *, at: datetime | None = None, force: bool = False) -> int | None:
    """Run the job `name` for the moment `at` (default now) and return how many records it
    created; None when a daily job is already done (or running) for that day. `force`
    (by hand) runs it even then: what it creates is keyed, so nothing is made twice."""
    job = get_job(name)
    at = at or timezone.now()
    day = local_day(at)
    run = None
    if job.daily:
        run = claim(name, day)
        if run is None and not force:
            logger.info("job %s for %s: already done or running", name, day)
            return None
    try:
        created = job.run(at)
    except Exception as exc:
        logger.exception("job %s for %s failed", name, day)
        if run is not None:
            _finish(run, error=f"{type(exc).__name__}: {exc}")
        raise
    if run is not None:
        _finish(run, created=created)
    logger.info("job %s for %s: %s created", name, day, created)
    return created


def enqueue_on_commit(task, *args) -> None:
    """Send `task` to the worker once the current transaction commits (at once outside
    one), so the worker never looks for rows it cannot see yet. A broker that cannot take
    it is logged, not raised: what was committed stays, and the sweeps find it due."""
    transaction.on_commit(lambda: task.delay(*args), robust=True)
