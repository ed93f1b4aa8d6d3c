"""The Celery app. In production the broker is Redis; `make run` uses kombu's filesystem broker under var/.

The beat schedule is the job registry's (core/jobs.py), set once Django is ready: when a
worker or a beat imports its modules (the `import_modules` signal, sent after Celery's
Django fix-up has set Django up, and before the beat builds its scheduler)."""

import os

from celery import Celery
from celery.signals import import_modules

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutoring.settings")

app = Celery("tutoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@import_modules.connect
def schedule_the_jobs(sender=None, **kwargs) -> None:
    import django

    django.setup()
    from core.jobs import beat_schedule

    app.conf.beat_schedule = beat_schedule()
