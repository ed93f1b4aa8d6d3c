import json
import os
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from core.models import Campus, Staff
from core.roles import Role

from .factories import CampusFactory, StaffFactory, token_for

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make beside it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"

pytest_plugins = ["tests.live"]  # the `sqlite_server` fixture: a real gunicorn


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Postgres-only tests are skipped on SQLite, but CI (REQUIRE_POSTGRES=1) must run them."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if os.environ.get("REQUIRE_POSTGRES") and not on_postgres:
        raise pytest.UsageError("REQUIRE_POSTGRES is set but DATABASE_URL is not PostgreSQL")
    if on_postgres:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _center_language():
    """Each test starts in the center's language: a page asked for in English leaves English
    active on the thread (as it would on a server thread, until its next request)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


def _uses_database(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(DB_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """billing's ledger check (`check_ledger`) after every test that moved lessons: every
    package's cached counts equal its ledger. It runs after the test's body and before its
    fixtures are torn down, so it sees the test's own rows; one `EXISTS` query when no
    lesson moved. A test that breaks the caches on purpose is marked `ledger_tampered`."""
    result = yield
    if _uses_database(item) and item.get_closest_marker("ledger_tampered") is None:
        from billing.models import LedgerEntry
        from billing.selectors import ledger_mismatches

        if LedgerEntry.objects.exists():
            checked, mismatches = ledger_mismatches()
            assert not mismatches, f"check_ledger: {len(mismatches)} of {checked} packages differ from their ledger: {mismatches}"
    return result


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def campus(db) -> Campus:
    return CampusFactory(code="bj01", name="北京朝阳校区")


@pytest.fixture
def other_campus(db) -> Campus:
    return CampusFactory(code="sh01", name="上海徐汇校区")


@pytest.fixture
def make_staff(campus: Campus) -> Callable[..., Staff]:
    def make(role: str = Role.FRONT_DESK, campus: Campus = campus, **kwargs) -> Staff:
        return StaffFactory(role=role, campus=campus, **kwargs)

    return make


@pytest.fixture
def desk(make_staff) -> Staff:
    """A front-desk member of the campus (a module may make `desk` a client instead)."""
    return make_staff(Role.FRONT_DESK)


@pytest.fixture
def advisor(make_staff) -> Staff:
    return make_staff(Role.ADVISOR)


class ApiClient:
    """A test client speaking JSON with a bearer token."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _send(self, method: str, path: str, data=None, raw: str | bytes | None = None):
        body = raw if raw is not None else (json.dumps(data) if data is not None else None)
        kwargs = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path: str, params: dict | None = None):
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path: str, data=None, raw=None):
        return self._send("post", path, data, raw)

    def put(self, path: str, data=None):
        return self._send("put", path, data)

    def patch(self, path: str, data=None):
        return self._send("patch", path, data)

    def delete(self, path: str):
        return self._send("delete", path)


@pytest.fixture
def api_as(make_staff) -> Callable[..., ApiClient]:
    """api_as("front_desk") or api_as(staff): a JSON client authenticated as that person."""

    def make(who: str | Staff, **kwargs) -> ApiClient:
        staff = who if isinstance(who, Staff) else make_staff(role=who, **kwargs)
        client = ApiClient(token_for(staff))
        client.staff = staff
        return client

    return make


@pytest.fixture
def client_as(client: Client, make_staff) -> Callable[..., Client]:
    """client_as("front_desk") or client_as(staff): the browser test client signed in as that
    person, who is `client.staff`."""

    def sign_in(who: str | Staff, **kwargs) -> Client:
        staff = who if isinstance(who, Staff) else make_staff(role=who, **kwargs)
        client.force_login(staff.user)
        client.staff = staff
        return client

    return sign_in


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"
