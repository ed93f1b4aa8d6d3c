"""A real Celery worker on Redis takes the tasks enqueued when a transaction commits and
finishes them (CI: REQUIRE_POSTGRES=1, CELERY_BROKER_URL=redis://127.0.0.1:6379/15). The
worker is a subprocess of this interpreter on the test database, listening on a queue of
its own, so runs beside it never take each other's tasks."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from core.jobs import enqueue_on_commit
from core.messaging import message_queue
from core.models import JobRun, Message
from core.tasks import run_job
from tutoring.celery import app

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
WAIT = 120  # seconds: a worker on a busy two-core machine starts slowly


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker() -> Iterator[str]:
    broker = app.conf.broker_url or ""
    if not broker.startswith("redis://"):
        pytest.fail("this test needs CELERY_BROKER_URL=redis://… (CI sets redis://127.0.0.1:6379/15)")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    saved = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "False",
    }
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "celery", "-A", "tutoring", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        yield queue
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = saved
        process.terminate()
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output.decode(errors="replace")[-4000:])  # shown when the test fails


def wait_for(condition) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_a_worker_takes_tasks_enqueued_on_commit_and_finishes_them(worker, campus, make_staff):
    from billing.models import GoodsItem
    from core.roles import Role

    make_staff(Role.FRONT_DESK)
    GoodsItem.objects.create(campus=campus, category="文具", name="琴谱夹", price="10.00", stock=0, warning_line=3)
    with transaction.atomic():
        message = message_queue(to="13800000001", body="明天 10:00 钢琴课")
        enqueue_on_commit(run_job, "goods_low")
    assert wait_for(lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT)
    assert wait_for(lambda: JobRun.objects.filter(job="goods_low", status=JobRun.Status.DONE, created=1).exists())
    sent = Message.objects.get(pk=message.pk)
    assert sent.attempts == 1 and sent.sent_at is not None
