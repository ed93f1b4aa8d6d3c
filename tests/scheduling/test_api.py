from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from scheduling.models import Lesson
from tests.factories import StudentFactory

from .helpers import make_teacher

pytestmark = pytest.mark.django_db


def iso(value) -> str:
    return timezone.localtime(value).isoformat()


@pytest.fixture
def start():
    # three days ahead at 10:00 local: far from the 24-hour notice line
    day = timezone.localdate() + timedelta(days=3)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10, 0))


@pytest.fixture
def teacher(campus):
    return make_teacher(campus, "Piano", "数学", user__username="t_zheng")


@pytest.fixture
def student(campus):
    return StudentFactory(campus=campus, name="王小明")


@pytest.fixture
def desk(api_as):
    return api_as(Role.FRONT_DESK)


def body(student, start, **extra) -> dict:
    return {"student_id": student.pk, "teacher": "t_zheng", "subject": "Piano",
            "starts_at": iso(start), "ends_at": iso(start + timedelta(hours=1)), **extra}


def test_front_desk_books_a_lesson(desk, teacher, student, start):
    response = desk.post("/api/v1/lessons", body(student, start, room="A101"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "scheduled"
    assert data["lesson_kind"] == "main"
    assert (data["teacher"], data["subject"], data["room"], data["student_id"]) == ("t_zheng", "Piano", "A101", student.pk)
    assert data["starts_at"] == iso(start)
    assert data["starts_at"].endswith("+08:00")


@pytest.mark.parametrize("role", [Role.DEAN, Role.ADVISOR])
def test_dean_and_advisor_book_too(api_as, role, teacher, student, start):
    assert api_as(role).post("/api/v1/lessons", body(student, start)).status_code == 201


def test_a_practice_lesson_without_room(desk, teacher, student, start):
    response = desk.post("/api/v1/lessons", body(student, start, lesson_kind="practice"))
    assert response.status_code == 201
    assert (response.json()["lesson_kind"], response.json()["room"]) == ("practice", None)


def test_conflicts_are_409_naming_the_fields(desk, teacher, student, start, campus):
    assert desk.post("/api/v1/lessons", body(student, start, room="A101")).status_code == 201
    other = StudentFactory(campus=campus)
    response = desk.post("/api/v1/lessons", body(other, start + timedelta(minutes=59), room="A101"))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "schedule_conflict"
    assert set(error["fields"]) == {"teacher", "room"}
    # back to back is fine
    assert desk.post("/api/v1/lessons", body(other, start + timedelta(hours=1), room="A101")).status_code == 201


def test_wrong_subject_is_422(desk, teacher, student, start):
    response = desk.post("/api/v1/lessons", body(student, start, subject="小提琴"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "wrong_subject"
    assert "subject" in response.json()["error"]["fields"]
    assert not Lesson.objects.exists()


def test_malformed_body_is_422(desk, teacher, student, start):
    response = desk.post("/api/v1/lessons", {"student_id": student.pk, "teacher": "t_zheng"})
    assert response.status_code == 422
    assert {"subject", "starts_at", "ends_at"} <= set(response.json()["error"]["fields"])
    response = desk.post("/api/v1/lessons", body(student, start, ends_at=iso(start - timedelta(hours=1))))
    assert response.status_code == 422
    assert "ends_at" in response.json()["error"]["fields"]


def test_unknown_teacher_is_422(desk, teacher, student, start):
    response = desk.post("/api/v1/lessons", body(student, start, teacher="nobody"))
    assert response.status_code == 422
    assert "teacher" in response.json()["error"]["fields"]


def test_no_token_is_401(client, teacher, student, start):
    assert client.post("/api/v1/lessons", body(student, start), content_type="application/json").status_code == 401


@pytest.mark.parametrize("role", [Role.TEACHER, Role.FINANCE, Role.CONSULTANT])
def test_other_roles_are_403(api_as, role, teacher, student, start):
    response = api_as(role).post("/api/v1/lessons", body(student, start))
    assert response.status_code == 403
    assert not Lesson.objects.exists()


def test_a_student_of_another_campus_is_404(desk, teacher, other_campus, start):
    response = desk.post("/api/v1/lessons", body(StudentFactory(campus=other_campus), start))
    assert response.status_code == 404


def test_a_lesson_of_another_campus_is_404(api_as, desk, teacher, student, start, other_campus):
    lesson_id = desk.post("/api/v1/lessons", body(student, start)).json()["id"]
    stranger = api_as(Role.FRONT_DESK, campus=other_campus)
    assert stranger.post(f"/api/v1/lessons/{lesson_id}/leave", {"reason": "病"}).status_code == 404
    assert stranger.post(f"/api/v1/lessons/{lesson_id}/reschedule",
                         {"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=1))}).status_code == 404
    assert stranger.get(f"/api/v1/lessons/{lesson_id}").status_code == 404
    assert stranger.get("/api/v1/lessons").json()["count"] == 0
    assert Lesson.objects.get().status == "scheduled"


def test_leave_with_and_without_a_days_notice(desk, teacher, student, campus):
    soon = timezone.now() + timedelta(hours=5)
    later = timezone.now() + timedelta(days=2)
    late_id = desk.post("/api/v1/lessons", body(student, soon)).json()["id"]
    early_id = desk.post("/api/v1/lessons", body(student, later)).json()["id"]
    response = desk.post(f"/api/v1/lessons/{late_id}/leave", {"reason": "发烧"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["late_notice"]) == ("leave", True)
    response = desk.post(f"/api/v1/lessons/{early_id}/leave", {"reason": "考试"})
    assert (response.json()["status"], response.json()["late_notice"]) == ("leave", False)
    assert desk.post(f"/api/v1/lessons/{early_id}/leave", {"reason": "考试"}).status_code == 409


def test_leave_without_reason_is_422(desk, teacher, student, start):
    lesson_id = desk.post("/api/v1/lessons", body(student, start)).json()["id"]
    response = desk.post(f"/api/v1/lessons/{lesson_id}/leave", {})
    assert response.status_code == 422
    assert "reason" in response.json()["error"]["fields"]


def test_reschedule_and_reschedule_into_a_conflict(desk, teacher, student, start, campus):
    lesson_id = desk.post("/api/v1/lessons", body(student, start)).json()["id"]
    desk.post("/api/v1/lessons", body(StudentFactory(campus=campus), start + timedelta(days=1)))
    new_start = start + timedelta(hours=2)
    response = desk.post(f"/api/v1/lessons/{lesson_id}/reschedule",
                         {"starts_at": iso(new_start), "ends_at": iso(new_start + timedelta(hours=1))})
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["starts_at"]) == (lesson_id, iso(new_start))
    clash = start + timedelta(days=1, minutes=30)
    response = desk.post(f"/api/v1/lessons/{lesson_id}/reschedule",
                         {"starts_at": iso(clash), "ends_at": iso(clash + timedelta(hours=1))})
    assert response.status_code == 409
    assert response.json()["error"]["fields"].keys() == {"teacher"}
    assert desk.get(f"/api/v1/lessons/{lesson_id}").json()["starts_at"] == iso(new_start)


def test_list_filters_by_range_teacher_and_student(desk, teacher, student, start, campus):
    desk.post("/api/v1/lessons", body(student, start))
    desk.post("/api/v1/lessons", body(student, start + timedelta(days=7)))
    other = make_teacher(campus, "Piano", user__username="t_li")
    desk.post("/api/v1/lessons", body(StudentFactory(campus=campus), start, teacher="t_li"))
    day = timezone.localtime(start).date()
    listing = desk.get("/api/v1/lessons", {"from": day.isoformat(), "to": day.isoformat()}).json()
    assert listing["count"] == 2
    assert desk.get("/api/v1/lessons", {"teacher": "t_zheng"}).json()["count"] == 2
    assert desk.get("/api/v1/lessons", {"student": student.pk}).json()["count"] == 2
    assert desk.get("/api/v1/lessons", {"teacher": other.username, "from": day.isoformat()}).json()["count"] == 1
    assert desk.get("/api/v1/lessons", {"from": "yesterday"}).status_code == 422


def test_a_teacher_lists_only_their_own_lessons(api_as, desk, teacher, student, start, campus):
    desk.post("/api/v1/lessons", body(student, start))
    make_teacher(campus, "Piano", user__username="t_li")
    desk.post("/api/v1/lessons", body(StudentFactory(campus=campus), start, teacher="t_li"))
    assert api_as(teacher).get("/api/v1/lessons").json()["count"] == 1


def test_a_series_reports_each_week(desk, teacher, student, start):
    desk.post("/api/v1/lessons", body(student, start + timedelta(weeks=1)))
    response = desk.post("/api/v1/lesson-series", body(student, start, weeks=4))
    assert response.status_code == 201
    data = response.json()
    assert (data["booked"], data["skipped"]) == (3, 1)
    assert [bool(o["conflicts"]) for o in data["occurrences"]] == [False, True, False, False]


def test_a_teacher_of_another_campus_is_404_and_an_unknown_one_422(desk, student, start, other_campus):
    make_teacher(other_campus, "Piano", user__username="t_far")
    response = desk.post("/api/v1/lessons", body(student, start, teacher="t_far"))
    assert response.status_code == 404
    assert "teacher" in response.json()["error"]["fields"]
    assert desk.post("/api/v1/lessons", body(student, start, teacher="ghost")).status_code == 422
    assert not Lesson.objects.exists()


def test_the_subject_name_is_matched_without_case(desk, teacher, student, start):
    response = desk.post("/api/v1/lessons", body(student, start, subject="piano"))
    assert response.status_code == 201
    assert response.json()["subject"] == "Piano"


def test_cancel_then_makeup_through_the_api(desk, teacher, student, start):
    lesson_id = desk.post("/api/v1/lessons", body(student, start)).json()["id"]
    assert desk.post(f"/api/v1/lessons/{lesson_id}/makeup", {
        "starts_at": iso(start + timedelta(days=1)), "ends_at": iso(start + timedelta(days=1, hours=1))}).status_code == 409
    response = desk.post(f"/api/v1/lessons/{lesson_id}/cancel", {"reason": "教员生病"})
    assert response.json()["status"] == "cancelled"
    response = desk.post(f"/api/v1/lessons/{lesson_id}/makeup", {
        "starts_at": iso(start + timedelta(days=1)), "ends_at": iso(start + timedelta(days=1, hours=1))})
    assert response.status_code == 201
    assert response.json()["makeup_for"] == lesson_id
    changes = desk.get(f"/api/v1/lessons/{lesson_id}").json()["changes"]
    assert [c["kind"] for c in changes] == ["cancel"]


def test_teacher_changes_are_counted_per_student_and_subject(desk, teacher, student, start, campus):
    desk.post("/api/v1/lessons", body(student, start))
    make_teacher(campus, "Piano", user__username="t_li")
    response = desk.post("/api/v1/teacher-changes", {"student_id": student.pk, "subject": "Piano", "teacher": "t_li",
                                                     "requested_by": "parent", "reason": "风格不合"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["from_teacher"], data["to_teacher"], data["lessons_moved"], data["changes_in_subject"]) == (
        "t_zheng", "t_li", 1, 1)
    assert desk.get("/api/v1/lessons", {"student": student.pk}).json()["items"][0]["teacher"] == "t_li"
    assert desk.post("/api/v1/teacher-changes", {"student_id": student.pk, "subject": "Piano", "teacher": "t_zheng",
                                                 "requested_by": "grandma", "reason": "x"}).status_code == 422
    listing = desk.get("/api/v1/teacher-changes", {"student": student.pk}).json()
    assert listing["count"] == 1


def test_teacher_matches_through_the_api(desk, teacher, campus):
    make_teacher(campus, "数学", user__username="t_math")
    response = desk.get("/api/v1/teachers/matches", {"subject": "Piano"})
    assert [m["teacher"] for m in response.json()["items"]] == ["t_zheng"]


def test_the_lesson_list_costs_the_same_queries_for_many_lessons(desk, teacher, student, start, campus):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk.post("/api/v1/lessons", body(student, start, room="A101"))
    desk.get("/api/v1/lessons")  # the token's last_used_at is written once
    with CaptureQueriesContext(connection) as one:
        assert desk.get("/api/v1/lessons").json()["count"] == 1
    for i in range(1, 6):
        desk.post("/api/v1/lessons", body(StudentFactory(campus=campus), start + timedelta(hours=i), room=f"B{i}"))
    with CaptureQueriesContext(connection) as six:
        assert desk.get("/api/v1/lessons").json()["count"] == 6
    # token lookup, count, the page of lessons with student, teacher, subject, room joined
    assert len(six) == len(one) <= 4
