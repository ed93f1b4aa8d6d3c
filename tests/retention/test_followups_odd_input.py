"""Input no person types, on the follow-up API and pages: refused as bad input, never a 500."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from retention.models import FollowUp
from tests.factories import signed_in

from .followup_makers import make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def student(campus, advisor):
    return make_student(campus, advisor, since=timezone.now() - timedelta(days=20))


@pytest.mark.parametrize(
    "contacted_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-02-30T10:00:00+08:00"]
)
def test_absurd_times_are_bad_input(api_as, advisor, student, contacted_at):
    body = {"contact": "parent", "channel": "phone", "kind": "regular", "summary": "好", "contacted_at": contacted_at}
    response = api_as(advisor).post(f"/api/v1/students/{student.pk}/follow-ups", body)
    assert response.status_code in (400, 422), response.content
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59", "abc"])
def test_absurd_times_on_the_form_are_shown_beside_the_field(advisor, student, value):
    url = reverse("retention:follow_up_new", args=[student.pk])
    response = signed_in(advisor).post(
        url, {"kind": "regular", "contact": "parent", "channel": "phone", "summary": "好", "contacted_at": value}
    )
    assert response.status_code in (400, 422)
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("retention:day", {"advisor": "9" * 30}),
        ("retention:follow_ups", {"by": "9" * 30, "advisor": "x", "date_from": "99999-01-01", "page": "-1"}),
        ("retention:records", {"month": "99999-99"}),
        ("retention:record_missing", {"month": "0000-00", "advisor": "9" * 30}),
    ],
)
def test_odd_parameters_of_the_pages_are_never_a_server_error(make_staff, url, params):
    response = signed_in(make_staff(Role.PRINCIPAL)).get(reverse(url), params)
    assert response.status_code in (200, 400, 404)


def test_odd_record_posts_are_never_a_server_error(campus, student, make_staff):
    from .followup_makers import book, make_teacher

    teacher = make_teacher(campus, "钢琴")
    book(student, teacher, timezone.now() - timedelta(days=1))
    url = reverse("retention:record_student", args=[student.pk])
    client = signed_in(teacher)
    for body in (
        {"action": "assessment", "subject": "9" * 30, "score": "1", "analysis": "x"},
        {"action": "homework", "subject": "x", "content": "x", "due_on": "0001-01-01"},
        {"action": "summary", "subject": "", "kind": "stage", "period_start": "9999-12-31", "period_end": "0001-01-01"},
        {"action": "check_homework", "homework": "9" * 30, "result": "done"},
        {"action": "summary", "kind": "monthly", "month": "9999-99", "content": "x"},
    ):
        assert client.post(url, body).status_code in (400, 403, 404, 422), body
