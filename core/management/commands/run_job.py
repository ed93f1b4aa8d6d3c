"""`python manage.py run_job NAME [--date YYYY-MM-DD]`: run a scheduled job by hand, the
same code the beat runs, as on that day (default today). Prints the number of records it
created on its last line. `run_job --list` names every job with its schedule."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.jobs import all_jobs, job_run


class Command(BaseCommand):
    help = "Run a scheduled job by hand for a day (idempotent); --list names them all."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", nargs="?")
        parser.add_argument("--date", dest="day", help="YYYY-MM-DD (default: today, campus time)")
        parser.add_argument("--list", action="store_true", help="name every job and its schedule")

    def handle(self, *args, name: str | None, day: str | None, list: bool, **options) -> None:
        jobs = all_jobs()
        if list:
            for job in jobs.values():
                self.stdout.write(f"{job.name}\t{job.when}\t{job.title}")
            return
        if not name:
            raise CommandError("name a job (run_job --list names them all)")
        if name not in jobs:
            raise CommandError(f"no job named {name!r} (run_job --list names them all)")
        try:
            on = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {day!r}")
        created = job_run(name, at=jobs[name].moment_on(on), force=True)
        self.stdout.write(str(created or 0))
