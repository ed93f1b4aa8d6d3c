"""Order saving (挽单): opening a case with its ten-day window, the three stages, the
meeting notes, closing it saved or failed (a refund drafted), and who may do each."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.errors import Conflict, Forbidden
from retention.models import Refund, SaveCase, SaveCaseEntry
from retention.services import save_case_escalate, save_case_fail, save_case_mark_saved, save_case_open
from students.models import Lead
from tests.factories import StudentFactory, assert_written_once, drafted_refund, sold_package

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/api/v1"


@pytest.fixture
def package(campus, desk):
    return sold_package(campus, desk, lessons=10, price="3000.00", used=2)


def open_case(api, package, regular=True):
    return api.post(f"{URL}/packages/{package.pk}/save-cases", {"reason": "孩子成绩没有提高，家长要求退费", "regular": regular})


@pytest.mark.parametrize("role", ["advisor", "consultant", "cs_supervisor", "principal", "hq_admin"])
def test_a_regular_request_opens_at_stage_one_with_a_ten_day_deadline(package, api_as, role):
    response = open_case(api_as(role), package)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["stage"], body["status"], body["regular"]) == (1, "open", True)
    assert body["deadline"] == date.fromordinal(timezone.localdate().toordinal() + 10).isoformat()
    assert (body["days_left"], body["overdue"]) == (10, False)
    assert body["id"] == SaveCase.objects.get().pk
    assert [e["kind"] for e in body["entries"]] == ["opened"]


@pytest.mark.parametrize("role", ["front_desk", "dean", "finance", "teacher"])
def test_other_roles_cannot_open_a_case(package, api_as, role):
    response = open_case(api_as(role), package)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")
    assert not SaveCase.objects.exists()


def test_a_non_regular_request_goes_to_the_principal_at_once(package, api_as):
    body = open_case(api_as("advisor"), package, regular=False).json()
    assert (body["stage"], body["status"]) == (3, "open")
    assert "非常规" in body["entries"][0]["text"]


def test_one_open_case_per_package(package, api_as):
    advisor = api_as("advisor")
    first = open_case(advisor, package).json()
    again = open_case(api_as("principal"), package)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "save_case_open")
    assert SaveCase.objects.count() == 1
    # once saved, the next request of the family is a new case
    assert advisor.post(f"{URL}/save-cases/{first['id']}/saved", {"note": "调整了老师"}).status_code == 200
    assert open_case(advisor, package).status_code == 201


def test_a_case_needs_the_parent_request_in_words(package, api_as):
    advisor = api_as("advisor")
    for body in ({"reason": "   ", "regular": True}, {"regular": True}, {"reason": "x" * 501}):
        response = advisor.post(f"{URL}/packages/{package.pk}/save-cases", body)
        assert response.status_code == 422
        assert "reason" in response.json()["error"]["fields"]
    assert advisor.post(f"{URL}/packages/{package.pk}/save-cases", raw="{").status_code == 400
    assert not SaveCase.objects.exists()


def test_another_campus_package_or_case_is_not_found(package, other_campus, make_staff, api_as):
    stranger = api_as("principal", campus=other_campus)
    assert open_case(stranger, package).status_code == 404
    case = open_case(api_as("advisor"), package).json()
    for path in ("", "/escalate", "/saved", "/fail", "/notes"):
        method = stranger.get if path == "" else stranger.post
        response = method(f"{URL}/save-cases/{case['id']}{path}", *([] if path == "" else [{"note": "x", "text": "x"}]))
        assert response.status_code == 404, path
    assert api_as("hq_admin", campus=other_campus).get(f"{URL}/save-cases/{case['id']}").status_code == 200


def test_the_window_is_ten_local_days_and_a_case_is_overdue_after_its_last_day(package, make_staff):
    advisor = make_staff("advisor")
    # 00:30 in Shanghai is still the previous day in UTC: the window counts local days
    opened = datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI)
    case = save_case_open(package=package, by=advisor, reason="要求退费", at=opened)
    assert case.deadline == date(2026, 3, 12)
    assert (case.days_left(date(2026, 3, 2)), case.is_overdue(date(2026, 3, 2))) == (10, False)
    assert (case.days_left(date(2026, 3, 12)), case.is_overdue(date(2026, 3, 12))) == (0, False)
    assert (case.days_left(date(2026, 3, 13)), case.is_overdue(date(2026, 3, 13))) == (-1, True)
    save_case_mark_saved(case=case, by=advisor, note="留下了")
    case.refresh_from_db()
    assert case.is_overdue(date(2026, 3, 13)) is False  # a closed case is never overdue


def test_the_case_list_flags_overdue_cases(campus, desk, make_staff, api_as):
    advisor = make_staff("advisor")
    late = save_case_open(
        package=sold_package(campus, desk), by=advisor, reason="a", at=timezone.now() - timedelta(days=11)
    )
    fresh = save_case_open(package=sold_package(campus, desk), by=advisor, reason="b")
    api = api_as("cs_supervisor")
    items = {c["id"]: c for c in api.get(f"{URL}/save-cases").json()["items"]}
    assert (items[late.pk]["overdue"], items[late.pk]["days_left"]) == (True, -1)
    assert (items[fresh.pk]["overdue"], items[fresh.pk]["days_left"]) == (False, 10)
    assert [c["id"] for c in api.get(f"{URL}/save-cases", {"overdue": "true"}).json()["items"]] == [late.pk]
    assert api_as("teacher").get(f"{URL}/save-cases").status_code == 403


def test_escalation_goes_up_to_the_principal_and_no_further(package, api_as):
    advisor = api_as("advisor")
    case = open_case(advisor, package).json()
    assert advisor.post(f"{URL}/save-cases/{case['id']}/escalate", {"note": "约面谈"}).json()["stage"] == 2
    assert api_as("dean").post(f"{URL}/save-cases/{case['id']}/escalate").json()["stage"] == 3
    beyond = api_as("principal").post(f"{URL}/save-cases/{case['id']}/escalate")
    assert (beyond.status_code, beyond.json()["error"]["code"]) == (409, "save_stage_max")
    assert SaveCase.objects.get().stage == 3
    kinds = [e.kind for e in SaveCaseEntry.objects.order_by("pk")]
    assert kinds == ["opened", "escalated", "escalated"]


@pytest.mark.parametrize("role", ["cs_supervisor", "dean", "principal", "hq_admin"])
def test_the_save_group_may_escalate_and_close(package, api_as, role):
    case = open_case(api_as("consultant"), package).json()
    api = api_as(role)
    assert api.post(f"{URL}/save-cases/{case['id']}/escalate").status_code == 200
    assert api.post(f"{URL}/save-cases/{case['id']}/saved", {"note": "家长同意继续"}).json()["status"] == "saved"


@pytest.mark.parametrize("role", ["front_desk", "finance", "teacher"])
def test_people_outside_the_family_and_the_save_group_may_not_act(package, api_as, role):
    case = open_case(api_as("advisor"), package).json()
    api = api_as(role)
    for action in ("escalate", "saved"):
        assert api.post(f"{URL}/save-cases/{case['id']}/{action}", {"note": "x"}).status_code == 403
    assert api.post(f"{URL}/save-cases/{case['id']}/notes", {"text": "x"}).status_code == 403
    case_row = SaveCase.objects.get()
    assert (case_row.stage, case_row.status) == (1, "open")


def test_only_the_student_advisor_acts_for_a_family_that_has_one(campus, desk, make_staff, api_as):
    own = make_staff("advisor")
    student = StudentFactory(campus=campus, advisor=own)
    package = sold_package(campus, desk, student=student)
    case = save_case_open(package=package, by=own, reason="要求退费")
    other = api_as("advisor")
    assert other.post(f"{URL}/save-cases/{case.pk}/escalate").status_code == 403
    assert api_as(own).post(f"{URL}/save-cases/{case.pk}/escalate").status_code == 200


def test_the_lead_consultant_acts_for_the_family_and_no_other_consultant(campus, desk, make_staff, api_as):
    converter = make_staff("consultant")
    student = StudentFactory(campus=campus)
    Lead.objects.create(campus=campus, name=student.name, phone="13800001111", source="walk_in", owner=converter, student=student)
    case = save_case_open(package=sold_package(campus, desk, student=student), by=converter, reason="要求退费")
    assert api_as("consultant").post(f"{URL}/save-cases/{case.pk}/escalate").status_code == 403
    assert api_as(converter).post(f"{URL}/save-cases/{case.pk}/escalate").status_code == 200


def test_without_a_recorded_consultant_any_consultant_of_the_campus_acts(package, api_as):
    case = open_case(api_as("advisor"), package).json()
    assert api_as("consultant").post(f"{URL}/save-cases/{case['id']}/escalate").status_code == 200


def test_a_closed_case_refuses_every_action(package, api_as):
    advisor = api_as("advisor")
    case = open_case(advisor, package, regular=False).json()
    assert advisor.post(f"{URL}/save-cases/{case['id']}/saved", {"note": "换了老师，家长满意"}).status_code == 200
    principal = api_as("principal")
    for action, body in (("escalate", None), ("saved", {"note": ""}), ("fail", None), ("notes", {"text": "再谈"})):
        response = principal.post(f"{URL}/save-cases/{case['id']}/{action}", body)
        assert (response.status_code, response.json()["error"]["code"]) == (409, "save_case_closed"), action
    assert not Refund.objects.exists()


@pytest.mark.parametrize("role", ["advisor", "consultant", "cs_supervisor", "dean", "hq_admin"])
def test_only_the_principal_fails_a_case(package, api_as, role):
    case = open_case(api_as("advisor"), package, regular=False).json()
    response = api_as(role).post(f"{URL}/save-cases/{case['id']}/fail")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")
    assert SaveCase.objects.get().status == "open"


def test_the_principal_fails_a_case_only_at_the_last_stage(package, api_as):
    advisor, principal = api_as("advisor"), api_as("principal")
    case = open_case(advisor, package).json()
    early = principal.post(f"{URL}/save-cases/{case['id']}/fail")
    assert (early.status_code, early.json()["error"]["code"]) == (409, "save_stage_not_final")
    advisor.post(f"{URL}/save-cases/{case['id']}/escalate")
    advisor.post(f"{URL}/save-cases/{case['id']}/escalate")
    failed = principal.post(f"{URL}/save-cases/{case['id']}/fail", {"note": "家长坚持退费"})
    assert failed.status_code == 200
    body = failed.json()
    assert body["status"] == "failed"
    assert body["refund"]["status"] == "draft"
    assert body["refund"]["next_step"] == "confirm-lessons"
    refund = Refund.objects.get()
    assert (refund.save_case_id, refund.package_id, refund.is_fixed) == (case["id"], package.pk, False)
    again = principal.post(f"{URL}/save-cases/{case['id']}/fail")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "save_case_closed")
    assert principal.get(f"{URL}/save-cases/{case['id']}").json()["refund"]["id"] == refund.pk


def test_a_package_in_the_refund_flow_cannot_open_another_case(package, make_staff, api_as):
    drafted_refund(package, principal=make_staff("principal"))
    response = open_case(api_as("advisor"), package)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "refund_exists")


def test_an_expired_package_is_not_refunded(package, make_staff):
    expired_day = datetime.combine(package.valid_until + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)
    with pytest.raises(Conflict) as refused:
        save_case_open(package=package, by=make_staff("advisor"), reason="要求退费", at=expired_day)
    assert refused.value.code == "package_expired"
    assert not SaveCase.objects.exists()
    on_the_last_day = expired_day - timedelta(hours=1)
    assert save_case_open(package=package, by=make_staff("advisor"), reason="要求退费", at=on_the_last_day).is_open


def test_meeting_notes_are_kept_in_order_with_who_and_the_stage(package, api_as):
    advisor = api_as("advisor")
    case = open_case(advisor, package).json()
    note = advisor.post(f"{URL}/save-cases/{case['id']}/notes", {"text": "电话沟通：家长对进度不满"})
    assert note.status_code == 201
    assert (note.json()["kind"], note.json()["stage"], note.json()["by"]) == ("note", 1, advisor.staff.username)
    assert advisor.post(f"{URL}/save-cases/{case['id']}/notes", {"text": "  "}).status_code == 422
    entries = advisor.get(f"{URL}/save-cases/{case['id']}").json()["entries"]
    assert [(e["kind"], e["text"]) for e in entries][-1] == ("note", "电话沟通：家长对进度不满")


def test_the_record_of_a_case_is_append_only(package, make_staff):
    case = save_case_open(package=package, by=make_staff("advisor"), reason="要求退费")
    entry = case.entries.get()
    entry.text = "改写"
    assert_written_once(entry)


def test_services_refuse_like_the_api(package, make_staff):
    advisor, principal = make_staff("advisor"), make_staff("principal")
    case = save_case_open(package=package, by=advisor, reason="要求退费")
    with pytest.raises(Forbidden):
        save_case_fail(case=case, by=advisor)
    with pytest.raises(Conflict) as stage:
        save_case_fail(case=case, by=principal)
    assert stage.value.code == "save_stage_not_final"
    save_case_escalate(case=case, by=advisor)
    save_case_escalate(case=case, by=advisor)
    with pytest.raises(Conflict) as top:
        save_case_escalate(case=case, by=advisor)
    assert top.value.code == "save_stage_max"
    refund = save_case_fail(case=case, by=principal)
    assert refund.status == "draft"
