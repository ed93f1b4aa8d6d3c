import json
from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from core.services import subject_get_or_create
from students.models import AdvisorAssignment, Guardian, Lead, Student

from .helpers import guardians, make_student, student_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/students"


def assert_refused(response, status: int, *fields: str) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] and error["message"]
    for field in fields:
        assert field in error["fields"], error
    return error


@pytest.mark.parametrize(
    "role", [Role.FRONT_DESK, Role.ADVISOR, Role.CONSULTANT, Role.CS_SUPERVISOR, Role.PRINCIPAL]
)
def test_each_desk_role_opens_a_file(api_as, campus, role):
    response = api_as(role).post(URL, student_body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] == Student.objects.get().pk
    assert body["campus"] == campus.code and body["advisor"] is None
    assert body["name"] == "张三" and body["gender"] == "M" and body["birthday"] == "2014-03-02"
    assert [(g["phone"], g["is_primary"], g["relation"]) for g in body["guardians"]] == [
        ("13800000001", True, "mother"),
        ("13800000002", False, "father"),
    ]


@pytest.mark.parametrize("role", [Role.DEAN, Role.FINANCE, Role.TEACHER, Role.HQ_ADMIN])
def test_other_roles_may_not_open_a_file(api_as, role):
    response = api_as(role).post(URL, student_body())
    assert_refused(response, 403)
    assert not Student.objects.exists()


def test_no_or_a_bad_token_is_401(client, db):
    assert client.post(URL, json.dumps(student_body()), content_type="application/json").status_code == 401
    assert client.get(URL, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get(f"{URL}/1").status_code == 401


def test_the_advisor_named_takes_the_student_over(api_as, make_staff):
    advisor = make_staff(Role.ADVISOR)
    response = api_as("front_desk").post(URL, student_body(advisor=advisor.user.username))
    assert response.status_code == 201
    assert response.json()["advisor"] == advisor.user.username
    assignment = AdvisorAssignment.objects.get()
    assert assignment.advisor == advisor
    assert assignment.first_call_due == timezone.localdate() + timedelta(days=1)


def test_an_advisor_of_another_campus_or_role_is_refused(api_as, make_staff, other_campus):
    api = api_as("front_desk")
    for who in (make_staff(Role.ADVISOR, campus=other_campus), make_staff(Role.TEACHER)):
        assert_refused(api.post(URL, student_body(advisor=who.user.username)), 422, "advisor")
    assert_refused(api.post(URL, student_body(advisor="ghost")), 422, "advisor")
    assert not Student.objects.exists()


def two_primaries() -> list[dict]:
    rows = guardians()
    rows[1]["is_primary"] = True
    return rows


def no_primary() -> list[dict]:
    rows = guardians()
    rows[0]["is_primary"] = False
    return rows


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"gender": "X"}, "gender"),
        ({"gender": "m"}, "gender"),
        ({"birthday": "2999-01-01"}, "birthday"),
        ({"birthday": "not a date"}, "birthday"),
        ({"birthday": "2014-02-30"}, "birthday"),
        ({"address": ""}, "address"),
        ({"address": "x" * 100_000}, "address"),
        ({"name": "张" * 10_000}, "name"),
        ({"name": 12}, "name"),
        ({"name": "张\u0000三"}, "name"),
        ({"guardians": []}, "guardians"),
        ({"guardians": guardians()[:1]}, "guardians"),
        ({"guardians": "13800000001"}, "guardians"),
        ({"guardians": [1, 2]}, "guardians.0.phone"),
        ({"guardians": guardians() + [{"phone": f"139{i:08d}"} for i in range(2000)]}, "guardians"),
        ({"guardians": guardians("13800000001", "13800000001")}, "guardians.1.phone"),
        ({"guardians": guardians("1380000000", "13800000002")}, "guardians.0.phone"),
        ({"guardians": guardians("23800000001", "13800000002")}, "guardians.0.phone"),
        ({"guardians": guardians(13800000001, "13800000002")}, "guardians.0.phone"),
        ({"guardians": two_primaries()}, "guardians"),
        ({"guardians": no_primary()}, "guardians"),
        ({"learning_type": "genius"}, "learning_type"),
        ({"advisor": 7}, "advisor"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_saves_nothing(api_as, overrides, field):
    response = api_as("front_desk").post(URL, student_body(**overrides))
    assert_refused(response, 422, field)
    assert not Student.objects.exists() and not Guardian.objects.exists()


def test_a_null_is_primary_counts_as_not_primary(api_as):
    rows = guardians()
    rows[1]["is_primary"] = None
    assert api_as("front_desk").post(URL, student_body(guardians=rows)).status_code == 201


def test_missing_fields_are_each_named(api_as):
    response = api_as("front_desk").post(URL, {})
    error = assert_refused(response, 422, "name", "gender", "birthday", "address", "guardians")
    assert error["code"] == "invalid"


@pytest.mark.parametrize(
    "raw", ["{not json", "", "[]", "null", "42", '"text"', '{"name": "a"', "\u00ff\u00fe"]
)
def test_a_malformed_body_is_refused_without_a_500(api_as, raw):
    response = api_as("front_desk").post(URL, raw=raw.encode() if isinstance(raw, str) else raw)
    assert response.status_code in (400, 422), response.content
    assert "error" in response.json()
    assert not Student.objects.exists()


def test_a_birthday_of_today_is_refused(api_as):
    today = timezone.localdate().isoformat()
    error = assert_refused(api_as("front_desk").post(URL, student_body(birthday=today)), 422, "birthday")
    assert "出生日期" in error["message"]


def test_the_message_names_every_bad_field_in_words(api_as):
    body = student_body(address="", guardians=guardians("13800000001", "13800000001"))
    error = assert_refused(api_as("front_desk").post(URL, body), 422, "address", "guardians.1.phone")
    assert "家庭住址" in error["message"] and "第 2 位家长的电话" in error["message"]


def test_get_shows_the_student_with_cards_and_packages(api_as, campus):
    api = api_as("front_desk")
    student = make_student(campus, api.staff)
    response = api.get(f"{URL}/{student.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == student.pk and body["campus"] == campus.code
    assert body["cards"] == [] and body["packages"] == []
    assert len(body["guardians"]) == 2


def test_another_campus_is_404_and_invisible_in_search(api_as, campus, other_campus, make_staff):
    theirs = make_student(
        other_campus, make_staff(campus=other_campus), name="别校学生", phones=("13900000001", "13900000002")
    )
    api = api_as("front_desk")
    assert_refused(api.get(f"{URL}/{theirs.pk}"), 404)
    assert_refused(api.patch(f"{URL}/{theirs.pk}", {"grade": "初二"}), 404)
    assert api.get(URL, {"q": "别校"}).json() == {"items": [], "count": 0}
    assert api.get(URL, {"q": "13900000001"}).json()["count"] == 0
    assert api.get(URL).json()["count"] == 0


def test_unknown_and_absurd_ids_are_404(api_as):
    api = api_as("front_desk")
    assert api.get(f"{URL}/999999").status_code == 404
    assert api.get(f"{URL}/99999999999999999999").status_code in (404, 422)
    assert api.get(f"{URL}/abc").status_code in (404, 422)


def test_hq_admin_sees_every_campus(api_as, campus, other_campus, make_staff):
    theirs = make_student(other_campus, make_staff(campus=other_campus))
    assert api_as(Role.HQ_ADMIN).get(f"{URL}/{theirs.pk}").status_code == 200


def test_search_by_name_phone_and_prefix(api_as, campus):
    api = api_as("front_desk")
    zhang = make_student(campus, api.staff, name="张小明", phones=("13811112222", "13833334444"))
    make_student(campus, api.staff, name="李小红", phones=("13955556666", "13977778888"))

    def ids(q: str) -> list[int]:
        body = api.get(URL, {"q": q}).json()
        assert body["count"] == len(body["items"])
        return [item["id"] for item in body["items"]]

    assert ids("小明") == [zhang.pk]
    assert ids("13833334444") == [zhang.pk]
    assert ids("1383333") == [zhang.pk]
    assert ids("138 3333 4444") == [zhang.pk]
    assert len(ids("小")) == 2
    assert ids("nobody") == []
    nul = api.get(URL, {"q": "小明\x00"})  # PostgreSQL text cannot hold it: refused everywhere
    assert nul.status_code == 422 and "q" in nul.json()["error"]["fields"]
    assert ids("明" * 5000) == []
    assert len(ids("")) == 2


def test_a_student_with_two_matching_phones_is_listed_once(api_as, campus):
    api = api_as("front_desk")
    make_student(campus, api.staff, name="王一", phones=("13811110001", "13811110002"))
    body = api.get(URL, {"q": "138111100"}).json()
    assert body["count"] == 1 and len(body["items"]) == 1


def test_the_list_is_paginated(api_as, campus):
    api = api_as("front_desk")
    for i in range(5):
        make_student(campus, api.staff, name=f"学员{i}", phones=(f"1380000010{i}", f"1380000020{i}"))
    body = api.get(URL, {"limit": 2, "offset": 1}).json()
    assert body["count"] == 5 and len(body["items"]) == 2
    assert api.get(URL, {"limit": 5000}).json()["count"] == 5
    assert len(api.get(URL, {"limit": -3}).json()["items"]) == 0


def test_a_reader_token_cannot_read_students(api_as, campus, client):
    from core.services import api_token_issue

    _reader, token = api_token_issue(campus=campus, staff=None, name="前台读卡器")
    response = client.get(URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_patch_updates_under_the_same_rules(api_as, campus):
    api = api_as("front_desk")
    student = make_student(campus, api.staff)
    response = api.patch(f"{URL}/{student.pk}", {"grade": "初二", "goals": "数学 120"})
    assert response.status_code == 200 and response.json()["grade"] == "初二"
    assert_refused(api.patch(f"{URL}/{student.pk}", {"birthday": "2999-01-01"}), 422, "birthday")
    assert_refused(api_as("teacher").patch(f"{URL}/{student.pk}", {"grade": "初三"}), 403)
    student.refresh_from_db()
    assert student.grade == "初二"


def test_guardians_through_the_api(api_as, campus):
    api = api_as("front_desk")
    student = make_student(campus, api.staff)
    response = api.post(
        f"{URL}/{student.pk}/guardians", {"name": "奶奶", "relation": "grandparent", "phone": "13900000009"}
    )
    assert response.status_code == 201
    new_id = response.json()["id"]
    assert_refused(api.post(f"{URL}/{student.pk}/guardians", {"phone": "13900000009"}), 422, "phone")
    assert_refused(
        api.post(f"{URL}/{student.pk}/guardians", {"phone": None, "is_primary": None}), 422, "phone"
    )
    assert api.post(f"/api/v1/guardians/{new_id}/primary").json()["is_primary"] is True
    old_primary = student.guardians.get(phone="13800000001")
    assert api.delete(f"/api/v1/guardians/{old_primary.pk}").status_code == 204
    last = student.guardians.get(phone="13800000002")
    assert_refused(api.delete(f"/api/v1/guardians/{last.pk}"), 409)


def test_hand_over_through_the_api(api_as, campus, make_staff, other_campus):
    student = make_student(campus, make_staff())
    advisor = make_staff(Role.ADVISOR)
    assert_refused(
        api_as("front_desk").post(f"{URL}/{student.pk}/advisor", {"advisor": advisor.user.username}), 403
    )
    supervisor = api_as(Role.CS_SUPERVISOR)
    elsewhere = make_staff(Role.ADVISOR, campus=other_campus)
    assert_refused(
        supervisor.post(f"{URL}/{student.pk}/advisor", {"advisor": elsewhere.user.username}), 422, "advisor"
    )
    response = supervisor.post(f"{URL}/{student.pk}/advisor", {"advisor": advisor.user.username})
    assert response.status_code == 201
    assert response.json()["first_call_due"] == (timezone.localdate() + timedelta(days=1)).isoformat()
    assert_refused(supervisor.post(f"{URL}/{student.pk}/advisor", {"advisor": advisor.user.username}), 409)
    history = supervisor.get(f"{URL}/{student.pk}/advisor-history").json()
    assert [h["advisor"] for h in history] == [advisor.user.username]
    first_call = f"/api/v1/advisor-assignments/{history[0]['id']}/first-call"
    assert_refused(api_as(Role.ADVISOR).post(first_call), 403)
    assert api_as(advisor).post(first_call).json()["first_call_done_at"]
    assert_refused(api_as(advisor).post(first_call), 409)
    assert [s["id"] for s in api_as(advisor).get(URL, {"advisor": "mine"}).json()["items"]] == [student.pk]
    assert api_as(advisor).get(URL, {"advisor": "none"}).json()["count"] == 0
    assert api_as("front_desk").get(URL + f"/{student.pk}").json()["advisor"] == advisor.user.username


def test_leads_and_conversion_through_the_api(api_as, campus):
    api = api_as("front_desk")
    family = make_student(campus, api.staff, name="老学员")
    assert_refused(
        api.post("/api/v1/leads", {"name": "新", "phone": "137", "source": "tv"}), 422, "phone", "source"
    )
    assert_refused(
        api.post("/api/v1/leads", {"name": "新", "phone": "13700000001", "source": "referral"}),
        422,
        "referred_by",
    )
    response = api.post(
        "/api/v1/leads",
        {"name": "新同学", "phone": "13700000001", "source": "referral", "referred_by": family.pk},
    )
    assert response.status_code == 201
    lead_id = response.json()["id"]
    assert api.get("/api/v1/leads").json()["count"] == 1
    body = student_body(name="新同学", guardians=guardians("13700000001", "13700000002"))
    converted = api.post(f"/api/v1/leads/{lead_id}/convert", body)
    assert converted.status_code == 201
    assert converted.json()["referred_by"] == family.pk
    assert Lead.objects.get().status == "converted"
    assert_refused(api.post(f"/api/v1/leads/{lead_id}/convert", body), 409)


def test_leads_of_another_campus_are_404(api_as, other_campus, make_staff):
    from students.services import lead_create

    theirs = lead_create(
        campus=other_campus,
        by=make_staff(campus=other_campus),
        data={"name": "x", "phone": "13700000001", "source": "phone"},
    )
    assert api_as("front_desk").get(f"/api/v1/leads/{theirs.pk}").status_code == 404


def test_reception_log_through_the_api(api_as):
    api = api_as("front_desk")
    assert_refused(api.post("/api/v1/reception-entries", {"channel": "visit"}), 422, "category", "summary")
    response = api.post(
        "/api/v1/reception-entries", {"channel": "phone", "category": "consult", "summary": "问钢琴价格"}
    )
    assert response.status_code == 201
    assert api.get("/api/v1/reception-entries").json()["count"] == 1


def test_trials_and_assessments_through_the_api(api_as, make_staff):
    api = api_as("consultant")
    teacher = make_staff(Role.TEACHER)
    teacher.subjects.set([subject_get_or_create(name="钢琴")])
    lead_id = api.post("/api/v1/leads", {"name": "小周", "phone": "13700000009", "source": "online"}).json()[
        "id"
    ]
    starts = (timezone.now() + timedelta(days=1)).isoformat()
    assert_refused(
        api.post(
            f"/api/v1/leads/{lead_id}/trials", {"teacher": "ghost", "subject": "钢琴", "starts_at": starts}
        ),
        422,
        "teacher",
    )
    trial = api.post(
        f"/api/v1/leads/{lead_id}/trials",
        {"teacher": teacher.user.username, "subject": "钢琴", "starts_at": starts, "minutes": 60},
    )
    assert trial.status_code == 201 and trial.json()["minutes"] == 40
    taken = (timezone.now() - timedelta(hours=1)).isoformat()
    assessment = api.post("/api/v1/assessments", {"lead_id": lead_id, "subject": "数学", "taken_at": taken})
    assert assessment.status_code == 201
    assessment_id = assessment.json()["id"]
    assert_refused(
        api.post(f"/api/v1/assessments/{assessment_id}/analysis", {"analysis": "x"}), 422, "teaching_plan"
    )
    done = api.post(
        f"/api/v1/assessments/{assessment_id}/analysis", {"analysis": "基础薄弱", "teaching_plan": "每周两次"}
    )
    assert done.status_code == 200 and done.json()["analysed_at"]
    assert api.get(f"/api/v1/leads/{lead_id}").json()["status"] == "assessed"


def test_assessments_of_another_campus_are_404(api_as, make_staff, other_campus):
    from students.services import assessment_record, lead_create

    theirs = make_staff(Role.CONSULTANT, campus=other_campus)
    lead = lead_create(
        campus=other_campus, by=theirs, data={"name": "x", "phone": "13700000001", "source": "phone"}
    )
    assessment = assessment_record(by=theirs, lead=lead, subject="数学", taken_at=timezone.now())
    response = api_as("consultant").post(
        f"/api/v1/assessments/{assessment.pk}/analysis", {"analysis": "a", "teaching_plan": "b"}
    )
    assert_refused(response, 404)
    assessment.refresh_from_db()
    assert assessment.analysed_at is None


def test_the_list_costs_the_same_few_queries_for_any_number_of_students(
    api_as, campus, django_assert_max_num_queries
):
    api = api_as("front_desk")
    for i in range(20):
        make_student(campus, api.staff, name=f"学员{i}", phones=(f"1380000{i:04d}", f"1390000{i:04d}"))
    api.get(URL)  # the token's last use is written once a minute; keep it out of the count
    # token, count, the page of students with campus and advisor, their guardians (+ card lookup subquery inline)
    with django_assert_max_num_queries(4):
        body = api.get(URL, {"q": "1380000"}).json()
    assert body["count"] == 20


def test_changes_through_the_api_are_on_record_with_who_made_them(api_as, campus):
    api = api_as("front_desk")
    student_id = api.post(URL, student_body()).json()["id"]
    api.patch(f"{URL}/{student_id}", {"grade": "初三"})
    student = Student.objects.get(pk=student_id)
    assert [(h.history_type, h.history_user) for h in student.history.order_by("history_id")] == [
        ("+", api.staff.user),
        ("~", api.staff.user),
    ]
    father = student.guardians.get(phone="13800000002")
    api.post(f"/api/v1/guardians/{father.pk}/primary")
    mother = student.guardians.get(phone="13800000001")
    assert mother.history.latest().history_user == api.staff.user and not mother.history.latest().is_primary
