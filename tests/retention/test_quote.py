"""The refund quote on worked examples: paid − lessons used (bonus included) × 100% of the
unit price − the campus's management fee − other deductions, never below zero."""

from decimal import Decimal

import pytest

from retention.models import CampusRefundFee
from retention.services import campus_refund_fee_set, refund_quote
from tests.factories import sold_package

pytestmark = pytest.mark.django_db


def test_seven_thousand_for_three_lessons_with_one_used(campus, desk):
    quote = refund_quote(sold_package(campus, desk, lessons=3, price="7000.00", used=1))
    assert quote.unit_price == Decimal("2333.33")
    assert quote.used_amount == Decimal("2333.33")
    assert quote.management_fee == Decimal("800.00")
    assert quote.refund_amount == Decimal("3866.67")  # 7000 − 2333.33 − 800


def test_two_of_three_used_is_rounded_once_not_twice_the_unit_price(campus, desk):
    quote = refund_quote(sold_package(campus, desk, lessons=3, price="7000.00", used=2))
    assert quote.used_amount == Decimal("4666.67")  # not 2 × 2333.33 = 4666.66
    assert quote.refund_amount == Decimal("1533.33")


def test_bonus_lessons_used_are_paid_at_the_unit_price_and_the_rest_is_forfeited(campus, desk):
    package = sold_package(campus, desk, lessons=10, bonus=2, price="3000.00", used=11)
    quote = refund_quote(package)
    assert (quote.lessons, quote.bonus_lessons, quote.lessons_used) == (10, 2, 11)
    assert quote.used_amount == Decimal("3300.00")  # price × 11 / 10
    assert quote.refund_amount == Decimal("0.00")


def test_a_half_paid_package_refunds_from_what_was_paid(campus, desk):
    package = sold_package(campus, desk, lessons=20, price="6000.00", paid="3000.00", used=4)
    quote = refund_quote(package)
    assert (quote.price, quote.paid) == (Decimal("6000.00"), Decimal("3000.00"))
    assert quote.used_amount == Decimal("1200.00")
    assert quote.refund_amount == Decimal("1000.00")  # 3000 − 1200 − 800


def test_a_fee_larger_than_what_is_left_gives_zero_never_a_negative_amount(campus, desk):
    quote = refund_quote(sold_package(campus, desk, lessons=10, price="1000.00", used=5))
    assert quote.used_amount == Decimal("500.00")
    assert quote.refund_amount == Decimal("0.00")


def test_a_package_not_started_keeps_only_the_fee(campus, desk):
    quote = refund_quote(sold_package(campus, desk, lessons=10, price="3000.00"))
    assert (quote.lessons_used, quote.used_amount, quote.refund_amount) == (0, Decimal("0.00"), Decimal("2200.00"))


def test_other_deductions_lower_the_amount(campus, desk):
    package = sold_package(campus, desk, lessons=10, price="3000.00", used=1)
    quote = refund_quote(package, other_deductions=Decimal("120.50"))
    assert quote.refund_amount == Decimal("1779.50")  # 3000 − 300 − 800 − 120.50


def test_a_campus_fee_other_than_800_is_used_and_shown(campus, make_staff, desk):
    campus_refund_fee_set(campus=campus, fee="500.00", by=make_staff("principal"))
    quote = refund_quote(sold_package(campus, desk, lessons=10, price="3000.00", used=1))
    assert quote.management_fee == Decimal("500.00")
    assert quote.refund_amount == Decimal("2200.00")


def test_the_fee_is_the_campus_own(campus, other_campus, make_staff, desk):
    CampusRefundFee.objects.create(campus=other_campus, management_fee=Decimal("100.00"))
    assert refund_quote(sold_package(campus, desk, used=0)).management_fee == Decimal("800.00")


def test_only_the_principal_of_the_campus_or_hq_sets_the_fee(campus, other_campus, make_staff):
    from core.errors import Forbidden, InvalidInput

    for role in ("advisor", "dean", "finance"):
        with pytest.raises(Forbidden):
            campus_refund_fee_set(campus=campus, fee="500.00", by=make_staff(role))
    with pytest.raises(Forbidden):
        campus_refund_fee_set(campus=campus, fee="500.00", by=make_staff("principal", campus=other_campus))
    with pytest.raises(InvalidInput):
        campus_refund_fee_set(campus=campus, fee="-1", by=make_staff("principal"))
    with pytest.raises(InvalidInput):
        campus_refund_fee_set(campus=campus, fee="1.234", by=make_staff("principal"))
    assert not CampusRefundFee.objects.exists()
    campus_refund_fee_set(campus=campus, fee="0", by=make_staff("hq_admin", campus=other_campus))
    assert CampusRefundFee.objects.get(campus=campus).management_fee == Decimal("0.00")


def test_the_quote_endpoint_gives_money_as_strings_with_two_places(campus, desk, api_as):
    package = sold_package(campus, desk, lessons=3, price="7000.00", used=2)
    response = api_as("advisor").get(f"/api/v1/packages/{package.pk}/refund-quote")
    assert response.status_code == 200
    assert response.json() == {
        "price": "7000.00",
        "paid": "7000.00",
        "lessons": 3,
        "bonus_lessons": 0,
        "lessons_used": 2,
        "unit_price": "2333.33",
        "used_amount": "4666.67",
        "management_fee": "800.00",
        "other_deductions": "0.00",
        "refund_amount": "1533.33",
    }


def test_the_quote_of_another_campus_package_is_not_found(campus, other_campus, make_staff, api_as):
    package = sold_package(other_campus, make_staff("front_desk", campus=other_campus))
    assert api_as("advisor").get(f"/api/v1/packages/{package.pk}/refund-quote").status_code == 404
    assert api_as("advisor").get("/api/v1/packages/999999/refund-quote").status_code == 404
