"""Paying a refund: billing closes the package (a `refunded` ledger entry for the lessons
left, bonus ones with them), the money goes out as a negative payment with its receipt,
the ledger still proves out and the student's card deposit is not touched."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from billing.models import LedgerEntry, Payment
from billing.selectors import ledger_mismatches
from cardreader.services import card_issue
from retention.models import Refund
from tests.factories import drafted_refund, signed_refund, sold_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_staff) -> dict:
    return {role: make_staff(role) for role in ("dean", "advisor", "consultant", "principal", "finance")}


def test_paying_closes_the_package_through_billing(campus, desk, team):
    package = sold_package(campus, desk, lessons=10, bonus=2, price="3000.00", used=3)
    card = card_issue(student=package.student, card_number="0012345678", by=desk)
    refund = signed_refund(drafted_refund(package, principal=team["principal"]), team)

    package.refresh_from_db()
    assert (package.status, package.lessons_left, package.lessons_used) == ("refunded", 0, 3)
    refunded = LedgerEntry.objects.get(package=package, kind="refunded")
    assert (refunded.lessons, refunded.balance_after) == (-9, 0)  # 7 bought + 2 bonus left
    assert refund.status == "paid" and refund.paid_at is not None
    assert refund.amount == Decimal("1300.00")  # 3000 − 900 − 800
    out = Payment.objects.get(package=package, purpose="package_refund")
    assert (out.amount, out.created_by) == (Decimal("-1300.00"), team["finance"])
    assert refund.payment == out
    assert ledger_mismatches()[1] == []
    stdout = StringIO()
    call_command("check_ledger", stdout=stdout)
    assert "ledger ok" in stdout.getvalue()
    # the card and its ¥20 deposit are the family's own business, not this package's
    card.refresh_from_db()
    assert (card.status, card.deposit) == ("active", Decimal("20.00"))
    assert not Payment.objects.filter(purpose="card_deposit_refund").exists()


def test_paying_does_not_change_the_amount(campus, desk, team):
    refund = drafted_refund(sold_package(campus, desk, lessons=3, price="7000.00", used=2), principal=team["principal"])
    paid = signed_refund(refund, team, tax="33.33")
    assert (paid.amount, paid.other_deductions) == (Decimal("1500.00"), Decimal("33.33"))
    refund = Refund.objects.get()
    assert refund.amount == Decimal("1500.00")
    assert Payment.objects.get(purpose="package_refund").amount == Decimal("-1500.00")


def test_a_refund_of_nothing_closes_the_package_without_a_payment(campus, desk, team):
    package = sold_package(campus, desk, lessons=10, price="1000.00", used=5)
    refund = signed_refund(drafted_refund(package, principal=team["principal"]), team)
    package.refresh_from_db()
    assert (refund.amount, refund.payment, package.status) == (Decimal("0.00"), None, "refunded")
    assert not Payment.objects.filter(purpose="package_refund").exists()
    assert LedgerEntry.objects.filter(package=package, kind="refunded").count() == 1


def test_a_refunded_package_cannot_be_used_or_saved_again(campus, desk, team, api_as):
    package = sold_package(campus, desk, used=1)
    signed_refund(drafted_refund(package, principal=team["principal"]), team)
    response = api_as("advisor").post(f"/api/v1/packages/{package.pk}/save-cases", {"reason": "再退一次"})
    assert (response.status_code, response.json()["error"]["code"]) == (409, "package_refunded")
    swipe = api_as("front_desk").post(f"/api/v1/packages/{package.pk}/deductions", {"reason": "上课"})
    assert swipe.status_code == 409


def test_the_paid_refund_names_its_receipt(campus, desk, team, api_as):
    refund = signed_refund(drafted_refund(sold_package(campus, desk, used=1), principal=team["principal"]), team)
    body = api_as("finance").get(f"/api/v1/refunds/{refund.pk}").json()
    assert body["receipt_number"] == refund.payment.receipt_number
    assert body["receipt_number"].startswith("BJ01-")
