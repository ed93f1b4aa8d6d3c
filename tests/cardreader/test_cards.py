"""Card lifecycle through the API (API.md § Cards): issue with the ¥20 deposit, report
lost, replace for a ¥20 fee with the deposit carried over, return with the deposit back."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from billing.models import Payment
from cardreader.models import Card
from cardreader.services import card_issue_teacher
from core.errors import Conflict
from core.roles import Role
from tests.factories import StudentFactory

from .helpers import a_package, a_reader, swipe

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_api(api_as):
    return api_as(Role.FRONT_DESK)


@pytest.fixture
def student(campus):
    return StudentFactory(campus=campus, name="李四")


def issue(client, student, number="0012345678", chip="04A1B2C3"):
    return client.post(f"/api/v1/students/{student.pk}/cards", {"card_number": number, "chip_uid": chip})


def only_once(client, path: str):
    """POST `path` twice: the first answer, a 200, is returned; the second is a 409."""
    first = client.post(path)
    assert first.status_code == 200
    assert client.post(path).status_code == 409
    return first


def payments(purpose: str) -> list[Decimal]:
    return list(Payment.objects.filter(purpose=purpose).values_list("amount", flat=True))


def test_issuing_a_card_takes_the_20_yuan_deposit(desk_api, student):
    response = issue(desk_api, student)
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("card_number", "chip_uid", "status", "deposit")} == {
        "card_number": "0012345678",
        "chip_uid": "04A1B2C3",
        "status": "active",
        "deposit": "20.00",
    }
    assert payments("card_deposit") == [Decimal("20.00")]
    card = Card.objects.get(pk=body["id"])
    assert (card.number_key, card.chip_key, card.issued_by) == ("00BC614E", "04A1B2C3", desk_api.staff)


def test_the_student_file_lists_the_card(desk_api, student):
    issue(desk_api, student)
    cards = desk_api.get(f"/api/v1/students/{student.pk}").json()["cards"]
    assert [c["card_number"] for c in cards] == ["0012345678"]


@pytest.mark.parametrize(
    ("number", "chip"),
    [
        ("0012345678", ""),  # the same number
        ("0000000001", "04a1b2c3"),  # the same chip, typed in lower case
        ("0000000001", "00BC614E"),  # the number as a chip (0012345678 = 0x00BC614E)
        ("0000000001", "FFBC614E"),  # a W26 reader could not tell it apart (same low 24 bits)
    ],
)
def test_a_number_or_chip_on_another_card_is_card_in_use(desk_api, student, campus, number, chip):
    issue(desk_api, student)
    other = StudentFactory(campus=campus)
    response = issue(desk_api, other, number, chip)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "card_in_use"
    assert not Card.objects.filter(student=other).exists()
    assert payments("card_deposit") == [Decimal("20.00")]


def test_a_card_of_another_campus_is_in_use_too(desk_api, student, make_staff, other_campus, api_as):
    issue(desk_api, student)
    stranger = api_as(Role.FRONT_DESK, campus=other_campus)
    response = issue(stranger, StudentFactory(campus=other_campus), "0012345678", "")
    assert response.json()["error"]["code"] == "card_in_use"


def test_the_chip_typed_as_a_decimal_number_is_the_same_card(desk_api, student, campus):
    issue(desk_api, student, number="0000000007", chip="04A1B2C3")
    other = StudentFactory(campus=campus)
    response = issue(desk_api, other, number=str(0x04A1B2C3).zfill(10), chip="")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "card_in_use"


def test_a_second_active_card_is_student_has_card(desk_api, student):
    issue(desk_api, student)
    response = issue(desk_api, student, "0000000002", "")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "student_has_card"
    assert payments("card_deposit") == [Decimal("20.00")]


def test_a_malformed_number_is_422(desk_api, student):
    response = issue(desk_api, student, number="卡号一", chip="")
    assert response.status_code == 422
    assert "card_number" in response.json()["error"]["fields"]
    assert issue(desk_api, student, number="", chip="").status_code == 422
    assert issue(desk_api, student, number="0012345678", chip="04A1B2C3!").status_code == 422
    assert Card.objects.count() == 0 and Payment.objects.count() == 0


@pytest.mark.parametrize("number", ["9000000001", "C-0001", "089,47544", "12345678901234"])
def test_numbers_in_other_shapes_are_kept_as_typed_and_matched(desk_api, student, number, campus):
    response = issue(desk_api, student, number=number, chip=None)
    assert response.status_code == 201, response.content
    assert (response.json()["card_number"], response.json()["chip_uid"]) == (number, "")
    a_package(student, desk_api.staff)
    assert swipe(a_reader(campus)[1], number).status_code == 201


def test_replacing_needs_the_card_reported_lost_first(desk_api, student):
    card_id = issue(desk_api, student).json()["id"]
    response = desk_api.post(
        f"/api/v1/cards/{card_id}/replace", {"card_number": "0000000002", "chip_uid": ""}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "card_not_lost"
    assert Card.objects.count() == 1


def test_lost_then_replaced_the_fee_is_taken_and_the_deposit_moves(desk_api, student):
    card_id = issue(desk_api, student).json()["id"]

    assert only_once(desk_api, f"/api/v1/cards/{card_id}/lost").json()["status"] == "lost"

    replaced = desk_api.post(
        f"/api/v1/cards/{card_id}/replace", {"card_number": "0000000002", "chip_uid": "0AFFFFFF"}
    )
    assert replaced.status_code == 201, replaced.content
    body = replaced.json()
    assert (body["status"], body["fee"], body["deposit"], body["replaces"]) == (
        "active",
        "20.00",
        "20.00",
        card_id,
    )
    assert payments("card_fee") == [Decimal("20.00")]
    assert Card.objects.get(pk=card_id).deposit == Decimal("0.00")

    twice = desk_api.post(f"/api/v1/cards/{card_id}/replace", {"card_number": "0000000003", "chip_uid": ""})
    assert twice.status_code == 409

    returned = desk_api.post(f"/api/v1/cards/{body['id']}/return")
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["deposit_refunded"]) == ("returned", "20.00")
    assert payments("card_deposit_refund") == [Decimal("-20.00")]


def test_a_replacement_cannot_reuse_a_number_in_use(desk_api, student, campus):
    issue(desk_api, StudentFactory(campus=campus), number="0000000099", chip="")
    card_id = issue(desk_api, student).json()["id"]
    desk_api.post(f"/api/v1/cards/{card_id}/lost")
    response = desk_api.post(
        f"/api/v1/cards/{card_id}/replace", {"card_number": "0000000099", "chip_uid": ""}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "card_in_use"
    assert payments("card_fee") == []


def test_returning_gives_the_deposit_back_once(desk_api, student):
    card_id = issue(desk_api, student).json()["id"]
    assert only_once(desk_api, f"/api/v1/cards/{card_id}/return").json()["deposit_refunded"] == "20.00"
    assert payments("card_deposit_refund") == [Decimal("-20.00")]


def test_a_returned_cards_number_may_be_issued_again(desk_api, student, campus):
    card_id = issue(desk_api, student).json()["id"]
    desk_api.post(f"/api/v1/cards/{card_id}/return")
    assert issue(desk_api, StudentFactory(campus=campus)).status_code == 201
    assert issue(desk_api, student, "0000000005", "").status_code == 201


def test_another_campuses_card_or_student_is_404(api_as, student, other_campus, desk_api):
    card_id = issue(desk_api, student).json()["id"]
    stranger = api_as(Role.FRONT_DESK, campus=other_campus)
    assert issue(stranger, student).status_code == 404
    for action in ("lost", "return"):
        assert stranger.post(f"/api/v1/cards/{card_id}/{action}").status_code == 404
    assert Card.objects.get(pk=card_id).status == "active"


def test_a_teacher_may_not_issue_cards(api_as, student):
    assert issue(api_as(Role.TEACHER), student).status_code == 403
    assert issue(api_as(Role.ADVISOR), student).status_code == 403


def test_teacher_cards_have_no_deposit(desk_api, make_staff):
    teacher = make_staff(Role.TEACHER)
    response = desk_api.post(
        "/api/v1/teacher-cards", {"teacher": teacher.username, "card_number": "0000004321", "chip_uid": ""}
    )
    assert response.status_code == 201, response.content
    assert response.json()["deposit"] == "0.00"
    assert Payment.objects.count() == 0
    with pytest.raises(Conflict):
        card_issue_teacher(teacher=teacher, card_number="0000004322", by=desk_api.staff)


def test_the_database_refuses_two_active_cards_for_one_student(desk_api, student):
    issue(desk_api, student)
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.create(
            campus=student.campus,
            student=student,
            card_number="1",
            number_key="00000001",
            issued_at="2026-01-01T00:00:00+08:00",
        )


def test_a_teacher_card_by_the_teachers_username_and_its_clock(
    desk_api, make_staff, campus, api_as, other_campus
):
    teacher = make_staff(Role.TEACHER)
    response = desk_api.post(f"/api/v1/teachers/{teacher.username}/cards", {"card_number": "0000004321"})
    assert response.status_code == 201, response.content
    assert swipe(a_reader(campus)[1], "0000004321").json()["result"] == "clock_in"
    stranger = api_as(Role.FRONT_DESK, campus=other_campus)
    assert (
        stranger.post(f"/api/v1/teachers/{teacher.username}/cards", {"card_number": "1"}).status_code == 404
    )
    assert desk_api.post("/api/v1/teachers/nobody/cards", {"card_number": "2"}).status_code == 404


@pytest.mark.parametrize(
    ("number", "chip"),
    [("abcdefghij", ""), ("12345", ""), ("123456789", ""), ("300,12345", ""), ("0012345678", "04A1B2G3")],
)
def test_a_number_no_reader_can_type_is_invalid_card(desk_api, student, number, chip):
    response = issue(desk_api, student, number=number, chip=chip)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "invalid_card"
    assert Card.objects.count() == 0 and Payment.objects.count() == 0


@pytest.mark.parametrize("number", ["0012345678", "04A1B2C3", "04:a1:b2:c3", "12345678", "089,47544", "04A1B2C3D4E5F6"])
def test_every_reader_format_may_be_issued(desk_api, student, number):
    assert issue(desk_api, student, number=number, chip="").status_code == 201


def test_a_lost_card_not_yet_replaced_blocks_a_new_card_until_it_is_replaced(desk_api, student):
    card_id = issue(desk_api, student).json()["id"]
    desk_api.post(f"/api/v1/cards/{card_id}/lost")

    response = issue(desk_api, student, "0000000002", "")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "student_has_card"
    assert "补卡" in response.json()["error"]["message"]
    assert payments("card_deposit") == [Decimal("20.00")]
    replaced = desk_api.post(f"/api/v1/cards/{card_id}/replace", {"card_number": "0000000002", "chip_uid": ""})
    assert replaced.status_code == 201


def test_a_lost_card_returned_lets_the_student_have_a_new_card(desk_api, student):
    card_id = issue(desk_api, student).json()["id"]
    desk_api.post(f"/api/v1/cards/{card_id}/lost")
    desk_api.post(f"/api/v1/cards/{card_id}/return")
    assert issue(desk_api, student, "0000000002", "").status_code == 201
