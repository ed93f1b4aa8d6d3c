"""The embedded SQLite database takes several desks writing at once: a real gunicorn with
two workers and threads, many concurrent writes, no "database is locked"."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor


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
    url, token = sqlite_server.url, sqlite_server.token
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda n: post_student(url, token, n), range(60)))
    failures = [r for r in results if r[0] != 201]
    assert failures == []
    request = urllib.request.Request(f"{url}/api/v1/students?limit=1", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        assert json.load(response)["count"] == 60


def test_pages_and_their_static_files_are_served_without_collectstatic(sqlite_server):
    url = sqlite_server.url
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
