"""/api/v1 § Packages and payments: fields, codes and statuses of API.md, and refusals."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from billing.models import LedgerEntry, LessonPackage, Payment

from .helpers import make_student

pytestmark = pytest.mark.django_db

BODY = {
    "course": "钢琴一对一",
    "kind": "one_on_one",
    "lessons": 40,
    "bonus_lessons": 4,
    "price": "12000.00",
    "paid": "12000.00",
    "valid_from": "2026-09-01",
    "valid_until": "2027-08-31",
}


@pytest.fixture
def desk(api_as):
    return api_as("front_desk")


def buy(client, student, **changes):
    return client.post(f"/api/v1/students/{student.pk}/packages", {**BODY, **changes})


def test_selling_a_package_answers_the_contract_fields(desk, student):
    response = buy(desk, student, paid="6000.00")
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == LessonPackage.objects.get().pk
    assert {k: body[k] for k in ("lessons_used", "lessons_left", "balance_due", "status", "payment_plan")} == {
        "lessons_used": 0,
        "lessons_left": 44,
        "balance_due": "6000.00",
        "status": "active",
        "payment_plan": "half",
    }
    assert body["price"] == "12000.00" and body["paid"] == "6000.00" and body["bonus_lessons"] == 4
    assert body["created_at"].endswith("+08:00")


@pytest.mark.parametrize(
    ("changes", "plan"), [({"paid": "12000.00"}, "full"), ({"paid": "5999.99"}, "deposit"), ({"paid": "0.00"}, "deposit")]
)
def test_the_payment_plan_follows_the_amount_paid(desk, student, changes, plan):
    assert buy(desk, student, **changes).json()["payment_plan"] == plan


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lessons", 0),
        ("bonus_lessons", -1),
        ("price", "0.00"),
        ("price", "-5.00"),
        ("paid", "-0.01"),
        ("paid", "12000.01"),
        ("valid_until", "2026-08-31"),
        ("kind", "online"),
        ("price", "12.345"),
        ("valid_from", "not a date"),
    ],
)
def test_bad_terms_are_refused_with_the_field_and_nothing_is_made(desk, student, field, value):
    response = buy(desk, student, **{field: value})
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert field in error["fields"] and error["message"]
    assert not LessonPackage.objects.exists() and not Payment.objects.exists()


def test_a_json_number_is_accepted_as_an_amount(desk, student):
    assert buy(desk, student, price=12000.5).status_code == 201


def test_a_missing_field_is_422(desk, student):
    body = dict(BODY)
    del body["price"]
    response = desk.post(f"/api/v1/students/{student.pk}/packages", body)
    assert response.status_code == 422 and "price" in response.json()["error"]["fields"]


def test_without_a_token_it_is_401(student):
    response = Client().post(f"/api/v1/students/{student.pk}/packages", BODY, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize("role", ["teacher", "dean", "finance", "cs_supervisor"])
def test_roles_that_do_not_sell_are_refused(api_as, student, role):
    assert buy(api_as(role), student).status_code == 403
    assert not LessonPackage.objects.exists()


@pytest.mark.parametrize("role", ["front_desk", "consultant", "advisor", "principal", "hq_admin"])
def test_roles_that_sell(api_as, student, role):
    assert buy(api_as(role), student).status_code == 201


def test_another_campus_is_not_found(api_as, other_campus, student):
    stranger = api_as("front_desk", campus=other_campus)
    assert buy(stranger, student).status_code == 404
    package_id = buy(api_as("front_desk"), student).json()["id"]
    assert stranger.get(f"/api/v1/packages/{package_id}").status_code == 404
    assert stranger.post(f"/api/v1/packages/{package_id}/payments", {"amount": "1.00"}).status_code == 404
    assert stranger.post(f"/api/v1/packages/{package_id}/deductions", {"reason": "x"}).status_code == 404


def test_unknown_ids_are_404(desk):
    assert desk.get("/api/v1/packages/999999").status_code == 404
    assert buy(desk, type("S", (), {"pk": 999999})()).status_code == 404


def test_reading_a_package(desk, student, api_as):
    package_id = buy(desk, student).json()["id"]
    body = api_as("teacher").get(f"/api/v1/packages/{package_id}").json()
    assert body["id"] == package_id and body["lessons_left"] == 44 and body["status"] == "active"


def test_an_instalment_then_the_package_is_paid_up(desk, student):
    package_id = buy(desk, student, paid="6000.00").json()["id"]
    response = desk.post(f"/api/v1/packages/{package_id}/payments", {"amount": "6000.00"})
    assert response.status_code == 201
    body = response.json()
    assert body["amount"] == "6000.00" and body["receipt_number"] == "BJ01-000002"
    package = desk.get(f"/api/v1/packages/{package_id}").json()
    assert (package["balance_due"], package["payment_plan"], package["paid"]) == ("0.00", "full", "12000.00")


@pytest.mark.parametrize("amount", ["0.00", "-1.00", "6000.01", "abc", None])
def test_an_instalment_outside_0_to_the_balance_due_is_422(desk, student, amount):
    package_id = buy(desk, student, paid="6000.00").json()["id"]
    response = desk.post(f"/api/v1/packages/{package_id}/payments", {"amount": amount})
    assert response.status_code == 422
    assert "amount" in response.json()["error"]["fields"]
    assert Payment.objects.count() == 1


def test_a_teacher_takes_no_money(api_as, desk, student):
    package_id = buy(desk, student, paid="6000.00").json()["id"]
    assert api_as("teacher").post(f"/api/v1/packages/{package_id}/payments", {"amount": "1.00"}).status_code == 403


def test_a_manual_deduction_needs_a_reason_and_is_on_record(desk, student):
    package_id = buy(desk, student).json()["id"]
    assert desk.post(f"/api/v1/packages/{package_id}/deductions", {}).status_code == 422
    blank = desk.post(f"/api/v1/packages/{package_id}/deductions", {"reason": "   "})
    assert blank.status_code == 422 and "reason" in blank.json()["error"]["fields"]
    response = desk.post(f"/api/v1/packages/{package_id}/deductions", {"reason": "忘带卡"})
    assert response.status_code == 201
    body = response.json()
    assert (body["lessons_left"], body["kind"], body["lessons"], body["reason"]) == (43, "used", -1, "忘带卡")
    entry = LedgerEntry.objects.get(kind="used")
    assert entry.created_by == desk.staff and entry.reason == "忘带卡"


def test_manual_deductions_have_no_one_minute_guard(desk, student):
    package_id = buy(desk, student).json()["id"]
    for _ in range(3):
        assert desk.post(f"/api/v1/packages/{package_id}/deductions", {"reason": "补扣"}).status_code == 201


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"paid": "1000.00"}, "payment_due"),
        ({"lessons": 1, "bonus_lessons": 0}, "no_lessons_left"),
        ({"valid_from": "2020-01-01", "valid_until": "2020-12-31"}, "package_expired"),
    ],
)
def test_a_manual_deduction_follows_the_swipe_rules(desk, student, changes, code):
    package_id = buy(desk, student, **changes).json()["id"]
    if code == "no_lessons_left":
        assert desk.post(f"/api/v1/packages/{package_id}/deductions", {"reason": "第一次"}).status_code == 201
    response = desk.post(f"/api/v1/packages/{package_id}/deductions", {"reason": "手工"})
    assert response.status_code == 409 and response.json()["error"]["code"] == code


def test_a_half_paid_package_stops_at_half_the_lessons(desk, student):
    package_id = buy(desk, student, lessons=4, bonus_lessons=0, paid="6000.00").json()["id"]
    for _ in range(2):
        assert desk.post(f"/api/v1/packages/{package_id}/deductions", {"reason": "x"}).status_code == 201
    refused = desk.post(f"/api/v1/packages/{package_id}/deductions", {"reason": "x"})
    assert refused.json()["error"]["code"] == "payment_due"


@pytest.mark.parametrize("role", ["advisor", "teacher", "finance"])
def test_only_the_front_desk_deducts_by_hand(api_as, desk, student, role):
    package_id = buy(desk, student).json()["id"]
    assert api_as(role).post(f"/api/v1/packages/{package_id}/deductions", {"reason": "x"}).status_code == 403


def test_the_status_of_an_expired_package(desk, student):
    yesterday = timezone.localdate() - timedelta(days=1)
    body = buy(desk, student, valid_from=str(yesterday - timedelta(days=30)), valid_until=str(yesterday)).json()
    assert body["status"] == "expired"


def test_payment_records_by_student_and_date(desk, student, campus):
    other = make_student(campus)
    buy(desk, student)
    buy(desk, other, paid="7000.00")
    today = timezone.localdate()
    listing = desk.get("/api/v1/payments", {"student": student.pk, "from": str(today), "to": str(today)}).json()
    assert listing["count"] == 1 and listing["items"][0]["amount"] == "12000.00"
    assert desk.get("/api/v1/payments", {"from": str(today + timedelta(days=1))}).json()["count"] == 0
    assert desk.get("/api/v1/payments", {"course": "钢琴"}).json()["count"] == 2


@pytest.mark.parametrize(
    ("plan", "paid", "status", "answer"),
    [
        ("full", "12000.00", 201, "full"),
        ("full", "11999.99", 422, None),
        ("half", "6000.00", 201, "half"),
        ("half", "5999.99", 422, None),
        ("deposit", "0.00", 201, "deposit"),
        ("deposit", "9000.00", 201, "deposit"),
        ("monthly", "6000.00", 422, None),
    ],
)
def test_the_payment_plan_given_at_sale_must_match_what_is_paid(desk, student, plan, paid, status, answer):
    response = buy(desk, student, paid=paid, payment_plan=plan)
    assert response.status_code == status, response.content
    if answer is None:
        assert "payment_plan" in response.json()["error"]["fields"]
        assert not LessonPackage.objects.exists()
    else:
        assert response.json()["payment_plan"] == answer


def test_a_deposit_paid_past_half_by_instalments_stays_a_deposit(desk, student):
    package_id = buy(desk, student, paid="3000.00").json()["id"]
    assert desk.post(f"/api/v1/packages/{package_id}/payments", {"amount": "4000.00"}).status_code == 201
    assert desk.get(f"/api/v1/packages/{package_id}").json()["payment_plan"] == "deposit"
    refused = desk.post(f"/api/v1/packages/{package_id}/deductions", {"reason": "补课"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "payment_due")
    desk.post(f"/api/v1/packages/{package_id}/payments", {"amount": "5000.00"})
    assert desk.get(f"/api/v1/packages/{package_id}").json()["payment_plan"] == "full"


@pytest.mark.parametrize(("given", "lesson_kind"), [({}, "main"), ({"lesson_kind": "practice"}, "practice")])
def test_a_package_is_sold_for_main_lessons_or_practice(desk, student, given, lesson_kind):
    response = buy(desk, student, **given)
    assert response.status_code == 201
    assert response.json()["lesson_kind"] == lesson_kind


def test_a_lesson_kind_other_than_main_or_practice_is_422(desk, student):
    response = buy(desk, student, lesson_kind="nap")
    assert response.status_code == 422
    assert "lesson_kind" in response.json()["error"]["fields"]
