"""Odd text is bad input, not a 500: a lone UTF-16 surrogate or a control character in any
string, a body nested too deep to parse, a body of the API that is not JSON."""

import json

import pytest

from core.roles import Role
from students.models import Assessment, Guardian, Lead, ReceptionEntry, Student

from .bad_input_world import GUARDIANS, World, a_student, build_world

pytestmark = pytest.mark.django_db

ODD = {
    "a lone high surrogate": "\ud800x",
    "a lone low surrogate": "张\udfff三",
    "a bell": "张\x07三",
    "an escape sequence": "\x1b[2J张三",
    "a delete": "张三\x7f",
    "a C1 control": "张\x85三",
    "a vertical tab": "张\x0b三",
}


@pytest.fixture
def world(db) -> World:
    return build_world()


def every_string_field(w: World, text: str) -> list[tuple[str, str, str, str, dict]]:
    """(role, method, path, field, body) for a string of every kind of record the API stores."""
    student = w.student
    guardian = student.guardians.first()
    lead = Lead.objects.filter(campus=w.campus).first()
    assessment = Assessment.objects.create(student=student, subject="数学", taken_at=lead.created_at,
                                           analysis_due=lead.created_at, created_by=w.staff[Role.CONSULTANT])
    lesson = {"student_id": student.pk, "teacher": "teacher", "subject": "钢琴",
              "starts_at": "2026-12-20T10:00:00+08:00", "ends_at": "2026-12-20T11:00:00+08:00"}
    package = {"course": "钢琴", "kind": "one_on_one", "lessons": 10, "price": "100.00", "paid": "100.00",
               "valid_from": "2026-12-01", "valid_until": "2027-12-01"}
    return [
        (Role.FRONT_DESK, "post", "/api/v1/students", "name", a_student(name=text)),
        (Role.FRONT_DESK, "post", "/api/v1/students", "guardians.1.name",
         a_student(guardians=[GUARDIANS[0], {**GUARDIANS[1], "name": text}])),
        (Role.FRONT_DESK, "patch", f"/api/v1/students/{student.pk}", "notes", {"notes": text}),
        (Role.FRONT_DESK, "post", f"/api/v1/students/{student.pk}/guardians", "name",
         {"name": text, "relation": "grandparent", "phone": "13900000077"}),
        (Role.FRONT_DESK, "patch", f"/api/v1/guardians/{guardian.pk}", "relation", {"relation": text}),
        (Role.FRONT_DESK, "post", "/api/v1/leads", "name", {"name": text, "phone": "13700000001", "source": "walk_in"}),
        (Role.FRONT_DESK, "patch", f"/api/v1/leads/{lead.pk}", "next_step", {"next_step": text}),
        (Role.FRONT_DESK, "post", "/api/v1/reception-entries", "summary",
         {"channel": "visit", "category": "course", "summary": text}),
        (Role.FRONT_DESK, "post", "/api/v1/lessons", "room", {**lesson, "room": text}),
        (Role.FRONT_DESK, "post", "/api/v1/group-classes", "name", {"name": text, "subject": "数学", "teacher": "teacher"}),
        (Role.CONSULTANT, "post", "/api/v1/assessments", "subject",
         {"student_id": student.pk, "subject": text, "taken_at": "2026-11-30T10:00:00+08:00"}),
        (Role.CONSULTANT, "post", f"/api/v1/assessments/{assessment.pk}/analysis", "analysis",
         {"analysis": text, "teaching_plan": "练习"}),
        (Role.CONSULTANT, "post", f"/api/v1/leads/{lead.pk}/trials", "subject",
         {"teacher": "teacher", "subject": text, "starts_at": "2026-12-20T10:00:00+08:00"}),
        (Role.CS_SUPERVISOR, "post", f"/api/v1/students/{student.pk}/advisor", "note", {"advisor": "advisor", "note": text}),
        (Role.CS_SUPERVISOR, "post", f"/api/v1/students/{student.pk}/advisor", "advisor", {"advisor": text}),
        (Role.FRONT_DESK, "post", f"/api/v1/students/{student.pk}/packages", "course", {**package, "course": text}),
        (Role.FRONT_DESK, "post", "/api/v1/swipes", "card", {"swipe_id": "odd-1", "card": text}),
    ]


def stored() -> tuple[int, ...]:
    from billing.models import LessonPackage
    from cardreader.models import Swipe
    from scheduling.models import GroupClass, Lesson
    from students.models import AdvisorAssignment

    models = (Student, Guardian, Lead, ReceptionEntry, Assessment, Lesson, GroupClass, LessonPackage, Swipe,
              AdvisorAssignment)
    return tuple(m.objects.count() for m in models)


@pytest.mark.parametrize("what", sorted(ODD))
def test_odd_text_in_any_string_is_422_naming_the_field_and_changes_nothing(world, what):
    for role, method, path, field, body in every_string_field(world, ODD[what]):
        before = stored()
        response = getattr(world.api[role], method)(path, body)
        assert response.status_code == 422, (what, path, response.status_code, response.content[:300])
        error = response.json()["error"]
        assert error["code"] == "invalid" and field in error["fields"], (what, path, error)
        assert stored() == before, (what, path)


def test_a_surrogate_in_a_key_is_refused_without_echoing_it(world):
    response = world.api[Role.FRONT_DESK].post("/api/v1/students", {**a_student(), "na\ud800me": "x"})
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["na?me"]


def test_tab_and_newline_are_text(world):
    api = world.api[Role.FRONT_DESK]
    notes = "第一行\n第二行\t缩进\r\n第三行"
    response = api.patch(f"/api/v1/students/{world.student.pk}", {"notes": notes, "school": "实验\t小学"})
    assert response.status_code == 200, response.content
    assert Student.objects.get(pk=world.student.pk).notes == notes.strip()


def test_a_control_character_in_a_page_form_is_a_400_naming_the_field(world):
    page = world.page(Role.FRONT_DESK)
    form = {"name": "张\x07三", "gender": "M", "birthday": "2015-01-01", "address": "北京", "primary": "0",
            "g0_name": "母", "g0_relation": "mother", "g0_phone": "13600000001",
            "g1_name": "父", "g1_relation": "father", "g1_phone": "13600000002"}
    before = Student.objects.count()
    response = page.post("/students/new/", form)
    assert response.status_code == 400
    assert "“name”含有控制字符" in response.content.decode()
    assert Student.objects.count() == before


def test_a_control_character_in_a_query_is_a_400(world):
    response = world.page(Role.FRONT_DESK).get("/students/", {"q": "\x1b[2J"})
    assert response.status_code == 400
    assert world.api[Role.FRONT_DESK].get("/api/v1/students", {"q": "\x07"}).status_code == 422


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 100000 + '"\\u0000"' + "]" * 100000,
        "[" * 100000,
        '{"a":' * 50 + "1" + "}" * 50,
    ],
    ids=["100000 brackets with a NUL", "100000 brackets", "50 nested objects"],
)
def test_a_body_nested_too_deep_is_400(world, raw):
    response = world.api[Role.FRONT_DESK].post("/api/v1/students", raw=raw)
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"]["code"] == "bad_request"


def test_a_body_that_is_not_json_is_415(world):
    api = world.api[Role.FRONT_DESK]
    form = api.client.post("/api/v1/students", {"name": "张三"}, headers=api.headers)
    assert form.status_code == 415
    assert form.json()["error"]["code"] == "unsupported_media_type"
    text = api.client.post("/api/v1/students", json.dumps(a_student()), content_type="text/plain",
                           headers=api.headers)
    assert text.status_code == 415
    patch = api.client.patch(f"/api/v1/students/{world.student.pk}", "name=x",
                             content_type="application/x-www-form-urlencoded", headers=api.headers)
    assert patch.status_code == 415
    assert not Student.objects.filter(name="张三").exists()


def test_a_post_without_a_body_is_not_415(world):
    guardian = world.student.guardians.filter(is_primary=False).first()
    response = world.api[Role.FRONT_DESK].client.post(
        f"/api/v1/guardians/{guardian.pk}/primary", headers=world.api[Role.FRONT_DESK].headers
    )
    assert response.status_code == 200, response.content
