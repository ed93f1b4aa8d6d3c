"""The one settings module loads in each deployment mode, from the environment alone."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "center.example.cn",
    "DATABASE_URL": "postgres://tutoring:pw@db:5432/tutoring",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "SECURE_SSL": "True",
}
PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'debug': s.DEBUG, "
    "'broker': s.CELERY_BROKER_URL, 'ssl': getattr(s, 'SECURE_SSL_REDIRECT', False), "
    "'hosts': s.ALLOWED_HOSTS, 'tz': s.TIME_ZONE, 'lang': s.LANGUAGE_CODE, "
    "'options': s.DATABASES['default'].get('OPTIONS', {}), 'eager': s.CELERY_TASK_ALWAYS_EAGER}))"
)


def run_python(env: dict[str, str], code: str = PRINT) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION, "DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="tutoring.settings")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def loaded(env: dict[str, str]) -> dict:
    import json

    result = run_python(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_python({"DEBUG": "False"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_mode_needs_no_variables_and_uses_sqlite_under_var():
    s = loaded({"DEBUG": "True"})
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["debug"] is True
    assert s["broker"] == "filesystem://"
    assert s["tz"] == "Asia/Shanghai"
    assert s["lang"] == "zh-hans"
    assert s["hosts"] == ["localhost", "127.0.0.1"]


def test_sqlite_is_set_up_for_several_desks_writing_at_once():
    options = loaded({"DEBUG": "True"})["options"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 20
    assert "journal_mode=WAL" in options["init_command"]


def test_production_mode_reads_postgres_redis_and_https_from_the_environment():
    s = loaded(PRODUCTION)
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["broker"] == "redis://redis:6379/0"
    assert s["ssl"] is True
    assert s["debug"] is False
    assert s["hosts"] == ["center.example.cn"]


SESSION = "-c jit=off -c random_page_cost=1.1"


def test_postgres_sessions_run_without_jit_at_ssd_page_cost_keeping_options_given_in_the_url():
    assert loaded(PRODUCTION)["options"]["options"] == SESSION
    url = PRODUCTION["DATABASE_URL"] + "?options=-c%20statement_timeout%3D5000"
    assert loaded({**PRODUCTION, "DATABASE_URL": url})["options"]["options"] == f"-c statement_timeout=5000 {SESSION}"


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_applications_postgres_session_has_jit_off_and_ssd_page_cost():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_tasks_run_inline_when_asked():
    assert loaded({"DEBUG": "True", "CELERY_TASK_ALWAYS_EAGER": "True"})["eager"] is True


@pytest.mark.parametrize("env", [PRODUCTION], ids=["production"])
def test_deploy_check_is_clean_with_production_settings(env):
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = run_python(env, code)
    assert result.returncode == 0, result.stderr
