"""POST /api/v1/swipes: every case of API.md § Swipes."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import LedgerEntry
from billing.services import package_deduct
from cardreader.models import Swipe
from cardreader.services import card_issue_teacher, card_report_lost, card_return, is_repeat_swipe
from core.roles import Role
from scheduling.models import Attendance, TeacherClock

from .helpers import a_lesson, a_package, a_reader, a_student_with_card, checked_in, swipe, used

pytestmark = pytest.mark.django_db


def test_a_swipe_checks_in_and_deducts_one_lesson(campus, desk, reader):
    student, card = a_student_with_card(campus, desk)
    package = a_package(student, desk, lessons=10)
    _reader, client = reader

    response = swipe(client, "0012345678", lesson_kind="main")

    assert response.status_code == 201, response.content
    body = response.json()
    attendance = Attendance.objects.get()
    assert body["result"] == "checked_in"
    assert body["student"] == {"id": student.pk, "name": "张三"}
    assert body["package_id"] == package.pk
    assert body["lessons_left"] == 9
    assert body["attendance_id"] == attendance.pk
    assert attendance.source == "swipe" and attendance.package == package
    row = Swipe.objects.get()
    assert (row.result, row.http_status, row.card, row.attendance, row.reader) == (
        "checked_in",
        201,
        card,
        attendance,
        _reader,
    )


def test_a_front_desk_token_may_swipe_but_another_role_may_not(campus, desk, api_as):
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk)
    assert swipe(api_as(Role.FRONT_DESK), "0012345678").status_code == 201
    response = swipe(api_as(Role.TEACHER), "04A1B2C3")
    assert response.status_code == 403
    assert Swipe.objects.count() == 1


def test_no_token_is_401(client):
    response = client.post("/api/v1/swipes", {"swipe_id": "x", "card": "1"}, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize("typed", ["0012345678", "04A1B2C3", "04a1b2c3", "00BC614E", " 0012345678 "])
def test_the_number_and_the_chip_match_in_any_format(campus, desk, reader, typed):
    student, _card = a_student_with_card(campus, desk, number="0012345678", chip="04A1B2C3")
    a_package(student, desk)
    response = swipe(reader[1], typed)
    assert response.status_code == 201, response.content
    assert response.json()["student"]["id"] == student.pk


def test_a_wiegand_26_text_matches_the_low_24_bits_of_the_card(campus, desk, reader):
    # facility 89, number 47544 → 0x59B9B8; the decimal reader types that UID as 0005880248
    student, _card = a_student_with_card(campus, desk, number="0005880248", chip="")
    a_package(student, desk)
    response = swipe(reader[1], "089,47544")
    assert response.status_code == 201, response.content
    assert response.json()["student"]["id"] == student.pk


def test_a_wiegand_26_text_matches_a_chip_uid(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk, number="0000000001", chip="1A59B9B8")
    a_package(student, desk)
    assert swipe(reader[1], "89,47544").status_code == 201


def test_the_same_swipe_id_again_answers_200_with_the_first_body_and_deducts_nothing(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk)
    swipe_id = str(uuid.uuid4())
    first = swipe(reader[1], "0012345678", swipe_id=swipe_id)
    later = swipe(reader[1], "0012345678", at=timezone.now() + timedelta(seconds=1), swipe_id=swipe_id)

    assert first.status_code == 201
    assert later.status_code == 200
    assert later.json() == first.json()
    assert used(package) == 1
    assert Swipe.objects.count() == 1


def test_a_replayed_refusal_gets_the_first_refusal(campus, desk, reader):
    swipe_id = str(uuid.uuid4())
    first = swipe(reader[1], "0099999999", swipe_id=swipe_id)
    student, _card = a_student_with_card(campus, desk, number="0099999999", chip="")
    a_package(student, desk)
    again = swipe(reader[1], "0099999999", swipe_id=swipe_id)
    assert first.status_code == again.status_code == 409
    assert again.json() == first.json()
    assert Attendance.objects.count() == 0


def _assert_refused(response, code: str, status: int = 409) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert LedgerEntry.objects.filter(kind="used").count() == 0
    assert Attendance.objects.count() == 0
    row = Swipe.objects.get()
    assert (row.result, row.code, row.http_status) == ("refused", code, status)


def test_an_unknown_card_is_refused_and_the_swipe_stored(campus, reader):
    _assert_refused(swipe(reader[1], "0000000042"), "unknown_card")


def test_garbage_is_an_unknown_card(campus, reader):
    _assert_refused(swipe(reader[1], "张三!!"), "unknown_card")


def test_a_card_of_another_campus_is_unknown_here(campus, other_campus, make_staff, reader):
    other_desk = make_staff(Role.FRONT_DESK, campus=other_campus)
    student, _card = a_student_with_card(other_campus, other_desk)
    a_package(student, other_desk)
    _assert_refused(swipe(reader[1], "0012345678"), "unknown_card")


def test_a_lost_card_is_refused(campus, desk, reader):
    student, card = a_student_with_card(campus, desk)
    a_package(student, desk)
    card_report_lost(card=card, by=desk)
    response = swipe(reader[1], "04A1B2C3")
    _assert_refused(response, "card_lost")
    assert response.json()["student"]["name"] == "张三"


def test_a_returned_card_is_refused(campus, desk, reader):
    student, card = a_student_with_card(campus, desk)
    a_package(student, desk)
    card_return(card=card, by=desk)
    _assert_refused(swipe(reader[1], "0012345678"), "card_returned")


def test_a_student_without_a_package_is_refused(campus, desk, reader):
    a_student_with_card(campus, desk)
    _assert_refused(swipe(reader[1], "0012345678"), "no_package")


def test_a_package_used_up_is_refused(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk, lessons=1)
    package_deduct(package=package, at=timezone.now() - timedelta(days=1), by=desk)
    response = swipe(reader[1], "0012345678")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_lessons_left"
    assert used(package) == 1


def test_an_expired_package_is_refused(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    today = timezone.localdate()
    a_package(student, desk, valid_from=today - timedelta(days=400), valid_until=today - timedelta(days=1))
    _assert_refused(swipe(reader[1], "0012345678"), "package_expired")


def test_a_deposit_only_package_is_payment_due(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk, price="1000.00", paid="100.00")
    _assert_refused(swipe(reader[1], "0012345678"), "payment_due")


def test_a_half_paid_package_is_usable_until_half_the_lessons_are_used(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk, lessons=2, price="1000.00", paid="500.00")
    start = timezone.now() - timedelta(hours=5)
    assert swipe(reader[1], "0012345678", at=start).status_code == 201
    # past the campus's repeat window: another visit, not the same one
    response = swipe(reader[1], "0012345678", at=start + timedelta(hours=3))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "payment_due"


def test_a_second_swipe_within_60_seconds_inclusive_is_a_duplicate(campus, desk, reader):
    first_at = timezone.now() - timedelta(minutes=10)
    package = checked_in(campus, desk, reader[1], at=first_at)
    response = swipe(reader[1], "04A1B2C3", at=first_at + timedelta(seconds=60))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_swipe"
    assert used(package) == 1
    assert Swipe.objects.filter(code="duplicate_swipe").count() == 1


def test_the_repeat_guard_is_one_rule_the_swipe_asks(campus, desk, reader):
    student, card = a_student_with_card(campus, desk)
    a_package(student, desk)
    first_at = timezone.now() - timedelta(minutes=10)
    assert not is_repeat_swipe(card=card, at=first_at)
    assert swipe(reader[1], "0012345678", at=first_at).status_code == 201
    for seconds, repeat in ((-60, True), (0, True), (60, True), (61, False), (-61, False)):
        assert is_repeat_swipe(card=card, at=first_at + timedelta(seconds=seconds)) is repeat, seconds


def test_the_repeat_guard_is_judged_at_swiped_at_also_for_an_earlier_replay(campus, desk, reader):
    # an offline queue replays a swipe made 30 s before one that already arrived
    at = timezone.now() - timedelta(hours=3)
    package = checked_in(campus, desk, reader[1], at=at)
    response = swipe(reader[1], "0012345678", at=at - timedelta(seconds=30))
    assert response.json()["error"]["code"] == "duplicate_swipe"
    assert used(package) == 1


def test_a_refused_swipe_does_not_arm_the_repeat_guard(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    at = timezone.now() - timedelta(minutes=5)
    assert swipe(reader[1], "0012345678", at=at).json()["error"]["code"] == "no_package"
    a_package(student, desk)
    assert swipe(reader[1], "0012345678", at=at + timedelta(seconds=10)).status_code == 201


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (-timedelta(days=7) + timedelta(seconds=30), True),
        (-timedelta(days=7) - timedelta(seconds=30), False),
        (timedelta(minutes=5) - timedelta(seconds=30), True),
        (timedelta(minutes=5) + timedelta(seconds=30), False),
    ],
)
def test_swiped_at_may_lie_7_days_back_and_5_minutes_ahead(campus, desk, reader, offset, accepted):
    student, _card = a_student_with_card(campus, desk)
    today = timezone.localdate()
    package = a_package(student, desk, valid_from=today - timedelta(days=30))
    response = swipe(reader[1], "0012345678", at=timezone.now() + offset)
    if accepted:
        assert response.status_code == 201, response.content
        assert used(package) == 1
    else:
        _assert_refused(response, "swiped_at_out_of_range", status=422)
        assert "swiped_at" in response.json()["error"]["fields"]


def test_rules_are_judged_at_swiped_at_a_swipe_before_expiry_replayed_after(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    yesterday = timezone.localdate() - timedelta(days=1)
    package = a_package(student, desk, valid_from=yesterday - timedelta(days=30), valid_until=yesterday)
    at = timezone.now() - timedelta(days=1)
    response = swipe(reader[1], "0012345678", at=at)
    assert response.status_code == 201, response.content
    assert LedgerEntry.objects.get(package=package, kind="used").occurred_at == at
    assert swipe(reader[1], "0012345678").json()["error"]["code"] == "package_expired"


@pytest.mark.parametrize(
    "body",
    [
        {"card": "0012345678"},
        {"swipe_id": "a", "card": ""},
        {"swipe_id": "", "card": "0012345678"},
        {"swipe_id": "a", "card": "0012345678", "swiped_at": "yesterday"},
        {"swipe_id": "a", "card": "0012345678", "lesson_kind": "nap"},
        {"swipe_id": "a" * 65, "card": "0012345678"},
    ],
)
def test_a_malformed_swipe_is_422_with_the_field(campus, reader, body):
    response = reader[1].post("/api/v1/swipes", body)
    assert response.status_code == 422
    assert response.json()["error"]["fields"]


def test_the_scheduled_lessons_package_is_used_before_the_one_expiring_first(
    campus, desk, reader, make_staff
):
    student, _card = a_student_with_card(campus, desk)
    today = timezone.localdate()
    expiring_first = a_package(student, desk, valid_until=today + timedelta(days=20), course="数学")
    piano = a_package(student, desk, valid_until=today + timedelta(days=200), course="钢琴")
    lesson = a_lesson(student, desk, make_staff(Role.TEACHER), timezone.now() + timedelta(minutes=10), package=piano)
    body = swipe(reader[1], "0012345678").json()
    assert body["package_id"] == piano.pk
    assert Attendance.objects.get().lesson == lesson
    assert used(expiring_first) == 0
    again = swipe(reader[1], "0012345678", at=timezone.now() + timedelta(seconds=30)).json()
    assert again["error"]["code"] == "duplicate_swipe"


def test_without_a_lesson_the_usable_package_expiring_first_is_used(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    today = timezone.localdate()
    a_package(student, desk, valid_until=today + timedelta(days=200))
    soon = a_package(student, desk, valid_until=today + timedelta(days=20))
    a_package(student, desk, valid_until=today + timedelta(days=10), price="1000.00", paid="10.00")
    assert swipe(reader[1], "0012345678").json()["package_id"] == soon.pk


def test_a_teacher_card_clocks_in_and_out_alternately_per_day(campus, desk, reader, make_staff):
    teacher = make_staff(Role.TEACHER)
    card_issue_teacher(teacher=teacher, card_number="0000001234", chip_uid="", by=desk)
    base = timezone.localtime(timezone.now() - timedelta(days=2)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    results = [swipe(reader[1], "0000001234", at=base + timedelta(hours=h)) for h in (0, 9, 10)]
    next_day = swipe(reader[1], "0000001234", at=base + timedelta(days=1))
    assert [r.status_code for r in results] == [201, 201, 201]
    assert [r.json()["result"] for r in results] == ["clock_in", "clock_out", "clock_in"]
    assert next_day.json()["result"] == "clock_in"
    assert TeacherClock.objects.filter(teacher=teacher).count() == 4
    assert LedgerEntry.objects.filter(kind="used").count() == 0


def test_low_lessons_and_money_due_come_as_warnings(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk, lessons=4, price="1000.00", paid="600.00")
    body = swipe(reader[1], "0012345678").json()
    assert body["lessons_left"] == 3
    assert {w["code"] for w in body["warnings"]} == {"renewal", "payment_due"}
    assert body["package"]["valid_until"] == (timezone.localdate() + timedelta(days=300)).isoformat()


def test_an_inactive_reader_is_refused(campus, reader):
    _reader, client = reader
    _reader.is_active = False
    _reader.save()
    assert swipe(client, "0012345678").status_code == 403


def test_attendance_lists_the_check_ins_with_package_and_time(campus, desk, reader, api_as, other_campus):
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk)
    at = timezone.now() - timedelta(days=2)
    swipe(reader[1], "0012345678", at=at)
    swipe(reader[1], "0012345678", at=timezone.now())
    client = api_as(Role.ADVISOR)
    everything = client.get(f"/api/v1/students/{student.pk}/attendance").json()
    assert everything["count"] == 2
    assert everything["items"][0]["package_id"] == package.pk
    assert everything["items"][0]["package"] == "钢琴一对一"
    day = timezone.localtime(at).date().isoformat()
    one = client.get(f"/api/v1/students/{student.pk}/attendance", {"from": day, "to": day}).json()
    assert one["count"] == 1
    assert one["items"][0]["checked_in_at"].startswith(day)
    stranger = api_as(Role.ADVISOR, campus=other_campus)
    assert stranger.get(f"/api/v1/students/{student.pk}/attendance").status_code == 404
    assert client.get(f"/api/v1/students/{student.pk}/attendance", {"from": "soon"}).status_code == 422


def test_a_student_of_another_campus_swiped_by_a_front_desk_token_is_unknown(
    campus, other_campus, desk, api_as
):
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk)
    response = swipe(api_as(Role.FRONT_DESK, campus=other_campus), "0012345678")
    assert response.json()["error"]["code"] == "unknown_card"


def test_a_swipe_id_of_another_campus_reveals_nothing(campus, other_campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk)
    swipe_id = str(uuid.uuid4())
    assert swipe(reader[1], "0012345678", swipe_id=swipe_id).status_code == 201
    response = swipe(a_reader(other_campus)[1], "0012345678", swipe_id=swipe_id)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "swipe_id_in_use"
    assert "张三" not in response.content.decode()


def test_a_practice_swipe_is_recorded_as_practice(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk, lesson_kind="practice")
    body = swipe(reader[1], "0012345678", lesson_kind="practice").json()
    attendance = Attendance.objects.get(pk=body["attendance_id"])
    assert attendance.lesson_kind == "practice"
    assert Swipe.objects.get().lesson_kind == "practice"
