"""The Celery app. In production the broker is Redis; `make run` uses kombu's filesystem broker under var/."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutoring.settings")

app = Celery("tutoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
