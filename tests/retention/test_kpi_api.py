"""GET /api/v1/kpis: the five keys and their figures, who may read whose, every refusal."""

import pytest

from core.roles import Role
from tests.factories import StaffFactory

from .kpi_makers import consumption_month, two_advisors

pytestmark = pytest.mark.django_db

KEYS = {"lesson_consumption", "renewal_rate", "subject_expansion", "referrals", "refund_rate"}


def test_the_answer_has_the_five_kpis_with_their_figures(campus, api_as):
    """The worked month of test_kpis.test_lesson_consumption: campus 6 used of 6 scheduled;
    王 3 of 4."""
    wang, li = two_advisors(campus)
    consumption_month(campus, wang, li)
    body = api_as(Role.PRINCIPAL).get("/api/v1/kpis", {"month": "2026-03"}).json()
    assert set(body) == KEYS
    assert body["lesson_consumption"] == {"used": 6, "scheduled": 6, "rate": "1.0000", "students": 2}
    assert body["renewal_rate"] == {"families": 0, "renewed": 0, "rate": None}
    assert body["subject_expansion"] == {"students": 0, "subjects": 0}
    assert body["referrals"] == {"enrolled": 0, "referring_families": 0}
    assert body["refund_rate"] == {
        "active_students": 2, "refunded_students": 0, "refunds": 0, "amount": "0.00", "rate": "0.0000"
    }
    one = api_as(Role.CS_SUPERVISOR).get("/api/v1/kpis", {"month": "2026-03", "advisor": "wang"}).json()
    assert one["lesson_consumption"] == {"used": 3, "scheduled": 4, "rate": "0.7500", "students": 1}
    # by the advisor's staff id as well
    assert api_as(Role.PRINCIPAL).get("/api/v1/kpis", {"month": "2026-03", "advisor": str(wang.pk)}).json() == one


def test_an_advisor_sees_their_own_figures_only(campus, api_as):
    wang, li = two_advisors(campus)
    consumption_month(campus, wang, li)
    mine = api_as(wang).get("/api/v1/kpis", {"month": "2026-03"})
    assert mine.status_code == 200 and mine.json()["lesson_consumption"]["used"] == 3
    assert api_as(wang).get("/api/v1/kpis", {"month": "2026-03", "advisor": "wang"}).json() == mine.json()
    other = api_as(wang).get("/api/v1/kpis", {"month": "2026-03", "advisor": "li"})
    assert other.status_code == 403 and other.json()["error"]["code"]


@pytest.mark.parametrize("role", [Role.CS_SUPERVISOR, Role.PRINCIPAL, Role.HQ_ADMIN, Role.ADVISOR])
def test_the_roles_of_spec_read_it(role, api_as):
    assert api_as(role).get("/api/v1/kpis").status_code == 200


@pytest.mark.parametrize(
    "role", [Role.FRONT_DESK, Role.CONSULTANT, Role.DEAN, Role.FINANCE, Role.TEACHER]
)
def test_every_other_role_is_refused(role, api_as):
    response = api_as(role).get("/api/v1/kpis", {"month": "2026-03"})
    assert response.status_code == 403 and response.json()["error"]["code"]


def test_no_token_is_401(client):
    assert client.get("/api/v1/kpis").status_code == 401


@pytest.mark.parametrize("month", ["2026-13", "2026-3", "march", "", "2026-03-01", "9999-01", "1999-12", "2026-00", "0001-01"])
def test_a_bad_month_is_422_naming_it(month, api_as):
    response = api_as(Role.PRINCIPAL).get("/api/v1/kpis", {"month": month})
    assert response.status_code == 422
    assert "month" in response.json()["error"]["fields"]


def test_an_advisor_the_caller_cannot_see_is_422_naming_it(campus, other_campus, api_as, make_staff):
    elsewhere = StaffFactory(role=Role.ADVISOR, campus=other_campus, user__username="far")
    make_staff(Role.TEACHER, user__username="teacher1")
    principal = api_as(Role.PRINCIPAL)
    for advisor in ("far", str(elsewhere.pk), "nobody", "teacher1", "x" * 300, "0", "²", "9" * 30):
        response = principal.get("/api/v1/kpis", {"month": "2026-03", "advisor": advisor})
        assert response.status_code == 422, advisor
        assert "advisor" in response.json()["error"]["fields"]
    # hq_admin sees every campus's advisors
    assert api_as(Role.HQ_ADMIN).get("/api/v1/kpis", {"advisor": "far"}).status_code == 200


def test_the_campus_figures_are_the_callers_campus_only(campus, other_campus, api_as):
    wang, li = two_advisors(campus)
    consumption_month(campus, wang, li)
    far = api_as(Role.PRINCIPAL, campus=other_campus).get("/api/v1/kpis", {"month": "2026-03"}).json()
    assert far["lesson_consumption"] == {"used": 0, "scheduled": 0, "rate": None, "students": 0}
    everywhere = api_as(Role.HQ_ADMIN).get("/api/v1/kpis", {"month": "2026-03"}).json()
    assert everywhere["lesson_consumption"]["used"] == 6
