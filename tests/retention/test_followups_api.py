"""/api/v1 § Follow-ups: logging a contact, a student's log, the families due a contact;
the roles, the campus boundary and every refusal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cardreader.services import reader_register
from retention.models import FollowUp
from tests.conftest import ApiClient

from .followup_makers import log, make_student

pytestmark = pytest.mark.django_db

BODY = {"contact": "parent", "channel": "phone", "kind": "regular", "summary": "孩子本周练琴认真", "satisfaction": 4}


@pytest.fixture
def advisor(api_as):
    return api_as("advisor")


@pytest.fixture
def student(campus, advisor):
    return make_student(campus, advisor.staff, name="张子涵", since=timezone.now() - timedelta(days=30))


def url(student) -> str:
    return f"/api/v1/students/{student.pk}/follow-ups"


def refused(response, status: int, *fields: str, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"]
    assert set(fields) <= set(error["fields"]), error
    if code:
        assert error["code"] == code
    return error


def test_an_advisor_logs_a_call_to_a_parent_of_their_student(advisor, student):
    response = advisor.post(url(student), BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    saved = FollowUp.objects.get()
    assert body["id"] == saved.pk
    assert {k: body[k] for k in ("contact", "channel", "kind", "summary", "satisfaction", "student_id")} == {
        **{k: BODY[k] for k in ("contact", "channel", "kind", "summary", "satisfaction")},
        "student_id": student.pk,
    }
    assert body["by"] == advisor.staff.user.username
    assert body["contacted_at"].endswith("+08:00")
    assert saved.by == advisor.staff and saved.campus == student.campus


def test_satisfaction_and_the_time_are_optional(advisor, student):
    before = timezone.now()
    response = advisor.post(url(student), {k: v for k, v in BODY.items() if k != "satisfaction"})
    assert response.status_code == 201
    assert response.json()["satisfaction"] is None
    assert FollowUp.objects.get().contacted_at >= before


def test_a_call_made_earlier_is_logged_at_its_time(advisor, student):
    earlier = timezone.localtime() - timedelta(hours=30)
    response = advisor.post(url(student), {**BODY, "contacted_at": earlier.isoformat()})
    assert response.status_code == 201
    assert FollowUp.objects.get().contacted_at == earlier


@pytest.mark.parametrize("role", ["consultant", "cs_supervisor", "principal", "hq_admin"])
def test_the_other_logging_roles_may_log_for_any_student_of_the_campus(api_as, student, role):
    assert api_as(role).post(url(student), {**BODY, "kind": "save_order"}).status_code == 201


@pytest.mark.parametrize("role", ["front_desk", "dean", "finance", "teacher"])
def test_other_roles_are_refused_and_nothing_is_logged(api_as, student, role):
    refused(api_as(role).post(url(student), BODY), 403, code="forbidden")
    assert not FollowUp.objects.exists()


def test_an_advisor_is_refused_another_advisors_student(api_as, campus, student):
    other = api_as("advisor")
    refused(other.post(url(student), BODY), 403, code="not_own_student")
    unassigned = make_student(campus)
    refused(other.post(url(unassigned), BODY), 403, code="not_own_student")
    assert not FollowUp.objects.exists()


def test_a_student_of_another_campus_is_not_found(api_as, other_campus):
    stranger = make_student(other_campus)
    principal = api_as("principal")
    refused(principal.post(url(stranger), BODY), 404)
    refused(principal.get(url(stranger)), 404)
    refused(principal.post("/api/v1/students/999999/follow-ups", BODY), 404)
    assert not FollowUp.objects.exists()


def test_no_token_is_401_and_a_reader_token_is_403(campus, student):
    refused(ApiClient(None).post(url(student), BODY), 401)
    _reader, token = reader_register(name="前台读卡器", campus=campus)
    refused(ApiClient(token).post(url(student), BODY), 403)
    refused(ApiClient(token).get("/api/v1/follow-ups/due"), 403)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact", "grandma"),
        ("contact", None),
        ("channel", "letter"),
        ("kind", "gossip"),
        ("kind", None),
        ("summary", ""),
        ("summary", "   "),
        ("summary", "好" * 1001),
        ("summary", "按时\x1b[31m上课"),
        ("summary", 42),
        ("satisfaction", 0),
        ("satisfaction", 6),
        ("satisfaction", "很好"),
        ("contacted_at", "not a time"),
        ("contacted_at", "2999-01-01T10:00:00+08:00"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_changes_nothing(advisor, student, field, value):
    refused(advisor.post(url(student), {**BODY, field: value}), 422, field)
    assert not FollowUp.objects.exists()


def test_a_call_before_the_student_had_a_file_is_refused(advisor, student):
    before = timezone.localtime(student.created_at) - timedelta(days=1)
    error = refused(advisor.post(url(student), {**BODY, "contacted_at": before.isoformat()}), 422, "contacted_at")
    assert "建档" in error["fields"]["contacted_at"]


def test_every_bad_field_is_named_at_once(advisor, student):
    error = refused(advisor.post(url(student), {"satisfaction": 9}), 422)
    assert set(error["fields"]) == {"contact", "channel", "kind", "summary", "satisfaction"}


def test_unreadable_json_is_400(advisor, student):
    refused(advisor.post(url(student), raw="{not json"), 400)


def test_a_students_log_lists_newest_first_with_paging(api_as, advisor, student):
    now = timezone.now()
    log(student, advisor.staff, "first_call", now - timedelta(days=3), summary="首次回访")
    log(student, advisor.staff, "regular", now - timedelta(days=1), summary="定期回访")
    log(student, advisor.staff, "schedule_notice", now - timedelta(hours=1), summary="下周课表")
    teacher = api_as("teacher")  # anyone of the campus may read the log
    body = teacher.get(url(student)).json()
    assert body["count"] == 3
    assert [i["summary"] for i in body["items"]] == ["下周课表", "定期回访", "首次回访"]
    page = teacher.get(url(student), {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3 and [i["summary"] for i in page["items"]] == ["定期回访"]


# --- GET /follow-ups/due ------------------------------------------------------------------


def due_names(client) -> list[str]:
    response = client.get("/api/v1/follow-ups/due")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return [item["name"] for item in body["items"]]


def test_the_due_list_has_the_contract_fields(advisor, student):
    body = advisor.get("/api/v1/follow-ups/due").json()
    assert body == {
        "items": [
            {"id": student.pk, "name": "张子涵", "advisor": advisor.staff.user.username, "last_contact_at": None}
        ],
        "count": 1,
    }


def test_a_schedule_notice_is_not_a_contact_but_a_call_is(advisor, student):
    log(student, advisor.staff, "schedule_notice", timezone.now() - timedelta(minutes=5))
    assert due_names(advisor) == ["张子涵"]
    call = log(student, advisor.staff, "regular", timezone.now() - timedelta(minutes=1))
    assert due_names(advisor) == []
    assert advisor.get("/api/v1/follow-ups/due").json()["count"] == 0
    assert call.pk


def test_a_contact_eight_days_ago_is_due_again_with_its_time(advisor, student):
    old = log(student, advisor.staff, "regular", timezone.now().replace(microsecond=0) - timedelta(days=8))
    item = advisor.get("/api/v1/follow-ups/due").json()["items"][0]
    assert item["name"] == "张子涵"
    assert item["last_contact_at"] == timezone.localtime(old.contacted_at).isoformat()


def test_each_caller_sees_their_own_students_the_campus_or_every_campus(api_as, campus, other_campus, advisor, student):
    other_advisor = api_as("advisor")
    make_student(campus, other_advisor.staff, name="王浩然")
    make_student(campus, name="刘思雨")  # not handed over yet
    make_student(other_campus, name="陈一鸣")
    assert due_names(advisor) == ["张子涵"]
    assert due_names(other_advisor) == ["王浩然"]
    assert sorted(due_names(api_as("cs_supervisor"))) == sorted(["张子涵", "王浩然", "刘思雨"])
    assert sorted(due_names(api_as("principal"))) == sorted(["张子涵", "王浩然", "刘思雨"])
    assert sorted(due_names(api_as("hq_admin"))) == sorted(["张子涵", "王浩然", "刘思雨", "陈一鸣"])


@pytest.mark.parametrize("role", ["front_desk", "consultant", "dean", "finance", "teacher"])
def test_other_roles_may_not_see_the_due_list(api_as, role):
    refused(api_as(role).get("/api/v1/follow-ups/due"), 403)


def test_the_due_list_pages(api_as, campus):
    supervisor = api_as("cs_supervisor")
    for i in range(3):
        make_student(campus, name=f"学员{i}")
    page = supervisor.get("/api/v1/follow-ups/due", {"limit": 2, "offset": 0}).json()
    assert page["count"] == 3 and len(page["items"]) == 2
