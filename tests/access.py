"""Whether a page and an endpoint let a member of staff in: what the role tests of each
app compare with its role table (`<app>/roles.py`)."""

import json

from django.test import Client

from core.models import Staff
from tests.factories import token_for


def page_lets_in(staff: Staff, path: str, data: dict | None = None) -> bool:
    """A GET (or a POST with `data`) of the page is not the 403 page."""
    client = Client()
    client.force_login(staff.user)
    response = client.get(path) if data is None else client.post(path, data)
    assert response.status_code < 500, (path, response.status_code)
    return response.status_code != 403


def api_lets_in(staff: Staff, path: str, body: dict | None = None) -> bool:
    """A GET (or a POST of `body`) of the endpoint is not 403."""
    headers = {"Authorization": f"Bearer {token_for(staff)}"}
    client = Client()
    if body is None:
        response = client.get(path, headers=headers)
    else:
        response = client.post(path, json.dumps(body), content_type="application/json", headers=headers)
    assert response.status_code < 500, (path, response.status_code)
    return response.status_code != 403


def assert_doors_follow_the_table(
    table: dict[str, frozenset[str]], staff: Staff, doors: dict[str, tuple[tuple, tuple]]
) -> None:
    """For each action, its page and its endpoint ((path, data or None) each) let `staff`
    in exactly when the app's role table (`ROLES`, hq_admin always) does."""
    from core.roles import allows

    for action, (page, endpoint) in doors.items():
        expected = allows(table[action], staff.role)
        assert page_lets_in(staff, *page) == expected, (action, "page")
        assert api_lets_in(staff, *endpoint) == expected, (action, "api")
