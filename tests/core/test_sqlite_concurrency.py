"""The embedded SQLite database takes several desks writing at once: a real gunicorn with
two workers and threads, many concurrent writes, no "database is locked"."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sqlite_server(tmp_path):
    """gunicorn with DEBUG off on a fresh SQLite file, as the contract suite starts it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tutoring.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": "concurrency-test-secret-key-0123456789-abcdefghijklmnop",
        "DEBUG": "False",
        "CELERY_TASK_ALWAYS_EAGER": "True",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def manage(*args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=180, check=True)
        return (done.stdout.strip().splitlines() or [""])[-1]

    manage("migrate", "-v0")
    manage("create_campus", "bj01", "北京朝阳校区")
    token = manage("create_staff", "desk", "--role", "front_desk", "--campus", "bj01")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tutoring.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 - loopback
            break
        except OSError:
            time.sleep(0.2)
    yield url, token
    server.terminate()
    output = server.communicate(timeout=20)[0]
    assert "database is locked" not in output


def post_student(url: str, token: str, n: int) -> tuple[int, str]:
    body = {
        "name": f"并发学员{n}", "gender": "F", "birthday": "2013-05-06", "address": "上海市徐汇区",
        "guardians": [
            {"name": "母亲", "relation": "mother", "phone": f"139{n:08d}", "is_primary": True},
            {"name": "父亲", "relation": "father", "phone": f"137{n:08d}", "is_primary": False},
        ],
    }
    request = urllib.request.Request(
        f"{url}/api/v1/students", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_several_desks_writing_at_once_all_succeed(sqlite_server):
    url, token = sqlite_server
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda n: post_student(url, token, n), range(60)))
    failures = [r for r in results if r[0] != 201]
    assert failures == []
    request = urllib.request.Request(f"{url}/api/v1/students?limit=1", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        assert json.load(response)["count"] == 60


def test_pages_and_their_static_files_are_served_without_collectstatic(sqlite_server):
    url, _token = sqlite_server
    with urllib.request.urlopen(f"{url}/accounts/login/", timeout=30) as response:  # noqa: S310 - loopback
        page = response.read().decode()
    assert "员工登录" in page
    for asset in ("/static/css/app.css", "/static/vendor/htmx.min.js"):
        assert asset in page
        with urllib.request.urlopen(f"{url}{asset}", timeout=30) as response:  # noqa: S310 - loopback
            assert response.status == 200
    try:
        urllib.request.urlopen(f"{url}/no-such-page", timeout=30)  # noqa: S310 - loopback
    except urllib.error.HTTPError as exc:
        assert exc.code == 404
