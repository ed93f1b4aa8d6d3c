"""No input is a 500: every operation of the OpenAPI document, fed generated requests
(schemathesis + hypothesis) as a front-desk clerk on a campus with demo data."""

from io import StringIO

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from core.models import Staff
from tests.factories import token_for
from tutoring.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def in_test_transaction():
    """Requests made through the WSGI app would close the database connection after each
    one, and with it the test's transaction; Django's own test client holds it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def demo_token(db, in_test_transaction) -> str:
    call_command("seed_demo", stdout=StringIO())
    return token_for(Staff.objects.get(user__username="front_desk"))


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_generated_request_is_a_server_error(case, demo_token):
    response = case.call(headers={"Authorization": f"Bearer {demo_token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
