"""No input is a 500: every operation of the OpenAPI document, fed generated requests
(schemathesis + hypothesis) as a front-desk clerk on a campus with demo data."""

from io import StringIO

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings

from core.models import Staff
from tests.factories import token_for
from tutoring.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def demo_token(db) -> str:
    call_command("seed_demo", stdout=StringIO())
    return token_for(Staff.objects.get(user__username="front_desk"))


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_generated_request_is_a_server_error(case, demo_token):
    response = case.call(headers={"Authorization": f"Bearer {demo_token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
