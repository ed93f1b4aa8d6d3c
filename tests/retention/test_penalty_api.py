"""GET/POST /api/v1/penalties (API.md § Staff rules and KPIs): the contract's fields and
codes, who reads what, 403 for a wrong role, 404 for another campus, 422 naming the field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from retention.models import Incident

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> str:
    return str(timezone.localdate() - timedelta(days=n))


def record(api, person, rule="weekly_contact", days=1, **extra):
    return api.post("/api/v1/penalties", {"staff": person.username, "rule": rule, "occurred_on": days_ago(days),
                                          "note": "未按时回访"} | extra)


def test_posting_computes_the_ladder_and_the_joint_fine(api_as, person, supervisor):
    api = api_as(supervisor)
    first = record(api, person, days=9)
    assert first.status_code == 201, first.content
    body = first.json()
    assert {k: body[k] for k in ("staff", "rule", "level", "amount", "occurred_on", "source")} == {
        "staff": person.username, "rule": "weekly_contact", "level": "warning", "amount": "0.00",
        "occurred_on": days_ago(9), "source": "manual",
    }
    assert body["joint"] == []
    second = record(api, person, days=2).json()
    assert (second["level"], second["amount"]) == ("fine", "10.00")
    [joint] = second["joint"]
    assert (joint["staff"], joint["rule"], joint["level"], joint["amount"], joint["joint_of"]) == (
        supervisor.username, "weekly_contact", "fine", "10.00", second["id"]
    )


def test_a_transfer_talk_is_level_transfer_talk_of_nothing(api_as, person, supervisor):
    api = api_as(supervisor)
    levels = [record(api, person, "reschedule_not_notified", days=n).json() for n in (30, 20, 10, 5)]
    assert [(x["level"], x["amount"]) for x in levels] == [
        ("warning", "0.00"), ("fine", "50.00"), ("transfer_talk", "0.00"), ("transfer_talk", "0.00")
    ]


def test_listing_by_person_and_month(api_as, person, supervisor, make_staff):
    api = api_as(supervisor)
    record(api, person, "not_notified", days=0)
    other = make_staff(Role.ADVISOR)
    record(api, other, "not_notified", days=0)
    month = timezone.localdate().strftime("%Y-%m")
    listed = api.get("/api/v1/penalties", {"staff": person.username, "month": month}).json()
    assert listed["count"] == 1 and listed["items"][0]["staff"] == person.username
    assert set(listed["items"][0]) >= {"staff", "rule", "level", "amount", "occurred_on", "source"}
    assert api.get("/api/v1/penalties", {"month": month}).json()["count"] == 2
    assert api.get("/api/v1/penalties", {"month": "2001-01"}).json()["count"] == 0
    # the person sees their own only
    own = api_as(person)
    assert own.get("/api/v1/penalties").json()["count"] == 1
    assert own.get("/api/v1/penalties", {"staff": other.username}).status_code == 403
    bad = api.get("/api/v1/penalties", {"month": "2026-13"})
    assert bad.status_code == 422 and "month" in bad.json()["error"]["fields"]


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.DEAN, Role.FINANCE, Role.TEACHER, Role.FRONT_DESK, Role.CONSULTANT])
def test_a_wrong_role_is_403_and_records_nothing(api_as, person, role):
    response = record(api_as(role), person)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"staff": "nobody"}, "staff"),
        ({"rule": "made_up"}, "rule"),
        ({"occurred_on": "2026-02-30"}, "occurred_on"),
        ({"occurred_on": None}, "occurred_on"),
        ({"staff": None, "rule": None}, "rule"),
    ],
)
def test_bad_input_is_422_naming_the_field(api_as, person, supervisor, change, field):
    body = {"staff": person.username, "rule": "not_notified", "occurred_on": days_ago(1), "note": ""} | change
    response = api_as(supervisor).post("/api/v1/penalties", body)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not Incident.objects.exists()


def test_another_campus(api_as, person, supervisor, make_staff, other_campus):
    stranger = make_staff(Role.ADVISOR, campus=other_campus)
    refused = record(api_as(supervisor), stranger)
    assert refused.status_code == 422 and "staff" in refused.json()["error"]["fields"]
    theirs = api_as(make_staff(Role.PRINCIPAL, campus=other_campus))
    made = record(api_as(supervisor), person).json()
    assert theirs.get(f"/api/v1/penalties/{made['id']}").status_code == 404
    assert theirs.post(f"/api/v1/penalties/{made['id']}/void", {"reason": "x"}).status_code == 404
    assert theirs.get("/api/v1/penalties", {"staff": person.username}).status_code == 404
    assert theirs.get("/api/v1/penalties").json()["count"] == 0


def test_void_by_the_principal_with_a_reason(api_as, person, supervisor, make_staff):
    made = record(api_as(supervisor), person, "not_notified").json()
    assert api_as(supervisor).post(f"/api/v1/penalties/{made['id']}/void", {"reason": "x"}).status_code == 403
    principal = api_as(make_staff(Role.PRINCIPAL))
    missing = principal.post(f"/api/v1/penalties/{made['id']}/void", {"reason": " "})
    assert missing.status_code == 422 and "reason" in missing.json()["error"]["fields"]
    voided = principal.post(f"/api/v1/penalties/{made['id']}/void", {"reason": "误记"})
    assert voided.status_code == 200 and voided.json()["voided"] is True
    assert principal.post(f"/api/v1/penalties/{made['id']}/void", {"reason": "误记"}).status_code == 409
    assert principal.get("/api/v1/penalties").json()["count"] == 0
    assert principal.get("/api/v1/penalties", {"include_voided": "true"}).json()["count"] == 1


def test_the_rules_as_they_stand(api_as, supervisor):
    rules = api_as(supervisor).get("/api/v1/staff-rules").json()
    by_code = {r["code"]: r for r in rules}
    assert len(by_code) == 13
    assert by_code["weekly_contact"]["steps"] == [{"level": "warning", "amount": "0.00"},
                                                  {"level": "fine", "amount": "10.00"}]
    assert by_code["lessons_overused"]["principal_amount"] == "50.00"
