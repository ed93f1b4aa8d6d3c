"""A real gunicorn (DEBUG off, a fresh SQLite file) set up with the management commands,
as the contract suite starts it."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class LiveServer:
    url: str
    token: str  # a front_desk token of campus bj01
    manage: Callable[..., str]  # a management command against the same database; its last line

    def call(self, method: str, path: str, body: object = None, token: str | None = None) -> tuple[int, dict]:
        """One JSON request; (status, parsed body)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, method=method,
            headers={"Authorization": f"Bearer {token or self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")


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
        "SECRET_KEY": "live-test-secret-key-0123456789-abcdefghijklmnopqrstuvw",
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
    yield LiveServer(url=url, token=token, manage=manage)
    server.terminate()
    output = server.communicate(timeout=20)[0]
    assert "database is locked" not in output


