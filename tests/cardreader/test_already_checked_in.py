"""already_checked_in (API.md § Swipes): a child who swipes on arriving and again on leaving
loses one lesson, not two."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from cardreader.models import Swipe
from core.roles import Role
from scheduling.models import Attendance
from scheduling.services import checkin_manual

from .helpers import a_lesson, a_package, a_student_with_card, checked_in, swipe, used

pytestmark = pytest.mark.django_db


def test_a_second_swipe_on_leaving_is_already_checked_in_and_deducts_nothing(campus, desk, reader):
    arrived = timezone.now() - timedelta(hours=3)
    package = checked_in(campus, desk, reader[1], at=arrived)

    response = swipe(reader[1], "0012345678", at=arrived + timedelta(minutes=90))

    assert response.status_code == 409, response.content
    body = response.json()
    assert body["error"]["code"] == "already_checked_in"
    assert f"{timezone.localtime(arrived):%H:%M}" in body["error"]["message"]
    assert "手工扣课" in body["error"]["message"]
    assert body["student"]["id"] == package.student_id
    assert body["earlier_checkin"]["attendance_id"] == Attendance.objects.get().pk
    assert used(package) == 1
    assert Swipe.objects.filter(code="already_checked_in", http_status=409).count() == 1


def test_the_desk_can_still_deduct_a_real_second_lesson_by_hand(campus, desk, reader):
    arrived = timezone.now() - timedelta(minutes=30)
    package = checked_in(campus, desk, reader[1], at=arrived)
    assert swipe(reader[1], "0012345678").json()["error"]["code"] == "already_checked_in"

    checkin_manual(package=package, by=desk, reason="连上两节课")

    assert used(package) == 2


@pytest.mark.parametrize(("minutes", "code"), [(119, "already_checked_in"), (120, None), (-119, None)])
def test_the_repeat_window_runs_two_hours_back_from_swiped_at(campus, desk, reader, minutes, code):
    first = timezone.now() - timedelta(hours=4)
    package = checked_in(campus, desk, reader[1], at=first)
    # a negative offset: a swipe dated before the check-in, which no earlier check-in explains
    response = swipe(reader[1], "0012345678", at=first + timedelta(minutes=minutes))
    if code is None:
        assert response.status_code == 201, response.content
        assert used(package) == 2
    else:
        assert response.json()["error"]["code"] == code
        assert used(package) == 1


def test_within_60_seconds_the_answer_stays_duplicate_swipe(campus, desk, reader):
    first = timezone.now() - timedelta(minutes=10)
    checked_in(campus, desk, reader[1], at=first)
    assert swipe(reader[1], "0012345678", at=first + timedelta(seconds=60)).json()["error"]["code"] == "duplicate_swipe"
    assert swipe(reader[1], "0012345678", at=first + timedelta(seconds=61)).json()["error"]["code"] == (
        "already_checked_in"
    )


def test_a_check_in_of_the_other_lesson_kind_is_another_visit(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    main = a_package(student, desk)
    practice = a_package(student, desk, lesson_kind="practice", course="钢琴陪练")
    first = timezone.now() - timedelta(minutes=30)
    assert swipe(reader[1], "0012345678", at=first, lesson_kind="main").status_code == 201
    assert swipe(reader[1], "0012345678", lesson_kind="practice").status_code == 201
    assert (used(main), used(practice)) == (1, 1)


@pytest.mark.parametrize(
    ("window", "ago", "again"),
    [
        (30, timedelta(hours=2), [(timedelta(minutes=29), 409), (timedelta(minutes=45), 201)]),
        # a campus without a repeat window: only the 60-second guard stands in the way
        (0, timedelta(minutes=10), [(timedelta(seconds=61), 201)]),
    ],
    ids=["a 30-minute window", "no window"],
)
def test_the_window_is_a_campus_setting(campus, desk, reader, window, ago, again):
    campus.repeat_window_minutes = window
    campus.save()
    first = timezone.now() - ago
    package = checked_in(campus, desk, reader[1], at=first)
    for later, status in again:
        assert swipe(reader[1], "0012345678", at=first + later).status_code == status
    assert used(package) == 2


def test_a_scheduled_lesson_already_checked_in_is_not_charged_again(campus, desk, reader, make_staff):
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk)
    teacher = make_staff(Role.TEACHER)
    starts = timezone.now() - timedelta(minutes=20)
    lesson = a_lesson(student, desk, teacher, starts, package=package)
    checkin_manual(package=package, by=desk, reason="忘带卡", at=starts - timedelta(minutes=5), lesson=lesson)

    response = swipe(reader[1], "0012345678")

    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "already_checked_in"
    assert "本节课" in response.json()["error"]["message"]
    assert used(package) == 1


def test_a_scheduled_lesson_is_charged_even_soon_after_a_check_in_without_one(campus, desk, reader, make_staff):
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk)
    teacher = make_staff(Role.TEACHER)
    starts = timezone.now() + timedelta(minutes=10)
    lesson = a_lesson(student, desk, teacher, starts, package=package)
    assert swipe(reader[1], "0012345678", at=timezone.now() - timedelta(minutes=60)).status_code == 201

    response = swipe(reader[1], "0012345678")

    assert response.status_code == 201, response.content
    assert Attendance.objects.filter(lesson=lesson).count() == 1
    assert used(package) == 2


def test_a_refusal_of_already_checked_in_is_replayed_as_it_was(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk)
    assert swipe(reader[1], "0012345678", at=timezone.now() - timedelta(minutes=30)).status_code == 201
    swipe_id = str(uuid.uuid4())
    first = swipe(reader[1], "0012345678", swipe_id=swipe_id)
    again = swipe(reader[1], "0012345678", swipe_id=swipe_id)
    assert first.status_code == again.status_code == 409
    assert again.json() == first.json()
