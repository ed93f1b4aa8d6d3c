"""`make run`: the development server plus an embedded Celery worker with beat on the
filesystem broker, so one command needs no Redis. Ctrl-C stops both."""

import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve on 127.0.0.1:8000 with an embedded Celery worker and beat (development)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr: str, **options) -> None:
        for option in ("data_folder_in", "processed_folder", "control_folder"):
            folder = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get(option)
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)
        worker = subprocess.Popen(  # noqa: S603 - fixed argv of our own interpreter
            [sys.executable, "-m", "celery", "-A", "tutoring", "worker", "--beat",
             "--pool=solo", "--loglevel=INFO", f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}"],
        )
        # a plain `kill` (SIGTERM) must stop the worker too, not orphan it
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        self.stdout.write(self.style.SUCCESS(f"\n  打开 / open: http://{addr}/   (Ctrl-C 停止 / to stop)\n"))
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
