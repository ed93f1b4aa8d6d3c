"""Instalments, other money and receipt numbers per campus without gaps."""

from decimal import Decimal

import pytest
from django.db import transaction

from billing.errors import BillingError
from billing.models import Payment, ReceiptCounter
from billing.services import payment_record, payment_record_other
from core.errors import Conflict, InvalidInput

from .helpers import make_student, sell

pytestmark = pytest.mark.django_db


def test_a_sale_with_money_gets_receipt_one_and_instalments_follow(student, desk):
    package = sell(student, desk, price="12000.00", paid="6000.00")
    first = package.payments.get()
    assert (first.receipt_no, first.amount, first.purpose) == (1, Decimal("6000.00"), "package")
    second = payment_record(package=package, amount=Decimal("2500.50"), by=desk, method="wechat")
    assert second.receipt_no == 2 and second.receipt_number == "BJ01-000002"
    package.refresh_from_db()
    assert package.paid == Decimal("8500.50") and package.balance_due == Decimal("3499.50")


def test_a_sale_with_nothing_paid_takes_no_receipt_number(student, desk):
    sell(student, desk, paid="0.00")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-1.00", "3000.01"])
def test_an_amount_outside_0_to_the_balance_due_is_refused(student, desk, amount):
    package = sell(student, desk, price="6000.00", paid="3000.00")
    with pytest.raises(InvalidInput) as caught:
        payment_record(package=package, amount=Decimal(amount), by=desk)
    assert "amount" in caught.value.fields
    package.refresh_from_db()
    assert package.paid == Decimal("3000.00") and Payment.objects.count() == 1


def test_a_paid_up_package_takes_no_more_money(student, desk):
    package = sell(student, desk)
    with pytest.raises(InvalidInput):
        payment_record(package=package, amount=Decimal("0.01"), by=desk)


def test_numbers_are_per_campus(campus, other_campus, student, desk, make_staff):
    sell(student, desk)
    other_desk = make_staff("front_desk", campus=other_campus)
    there = sell(make_student(other_campus), other_desk)
    assert there.payments.get().receipt_no == 1
    assert payment_record_other(campus=campus, student=student, purpose="card_deposit", amount="20", by=desk).receipt_no == 2


def test_a_refused_payment_gives_its_number_back(student, desk):
    package = sell(student, desk, price="6000.00", paid="3000.00")
    with pytest.raises(RuntimeError), transaction.atomic():
        payment_record(package=package, amount=Decimal("100.00"), by=desk)
        raise RuntimeError("the caller's transaction fails after the payment")
    assert payment_record(package=package, amount=Decimal("100.00"), by=desk).receipt_no == 2
    assert ReceiptCounter.objects.get(campus=package.campus).last_number == 2


def test_card_money_and_its_refund(campus, student, desk):
    deposit = payment_record_other(campus=campus, student=student, purpose="card_deposit", amount=Decimal("20"), by=desk)
    fee = payment_record_other(campus=campus, student=student, purpose="card_fee", amount=Decimal("20.00"), by=desk)
    back = payment_record_other(
        campus=campus, student=student, purpose="card_deposit_refund", amount=Decimal("20.00"), by=desk
    )
    assert [p.amount for p in (deposit, fee, back)] == [Decimal("20.00"), Decimal("20.00"), Decimal("-20.00")]
    assert back.is_outgoing and [p.receipt_no for p in (deposit, fee, back)] == [1, 2, 3]
    # a negative amount given for a refund means the same
    assert payment_record_other(
        campus=campus, student=student, purpose="card_deposit_refund", amount=Decimal("-20"), by=desk
    ).amount == Decimal("-20.00")


@pytest.mark.parametrize(
    ("purpose", "amount", "field"),
    [("card_deposit", "0", "amount"), ("card_fee", "-20", "amount"), ("package", "20", "purpose"), ("tip", "5", "purpose")],
)
def test_other_money_is_checked(campus, student, desk, purpose, amount, field):
    with pytest.raises(InvalidInput) as caught:
        payment_record_other(campus=campus, student=student, purpose=purpose, amount=Decimal(amount), by=desk)
    assert field in caught.value.fields
    assert not Payment.objects.exists()


def test_a_student_of_another_campus_is_refused(other_campus, student, desk):
    with pytest.raises(InvalidInput):
        payment_record_other(campus=other_campus, student=student, purpose="card_fee", amount="20", by=desk)


def test_a_refunded_package_takes_no_instalment(student, desk):
    from billing.services import package_refund

    package = sell(student, desk, price="6000.00", paid="3000.00")
    package_refund(package=package, amount=Decimal("0"), by=desk)
    with pytest.raises(Conflict) as caught:
        payment_record(package=package, amount=Decimal("10"), by=desk)
    assert caught.value.code == BillingError.PACKAGE_REFUNDED


def test_the_payment_due_list(campus, student, desk):
    from billing.selectors import packages_payment_due
    from billing.services import package_deduct

    from .helpers import local

    deposit = sell(student, desk, lessons=10, price="3000.00", paid="1000.00", course="定金")
    near_gate = sell(student, desk, lessons=10, price="3000.00", paid="1500.00", course="半款将到")
    far = sell(student, desk, lessons=10, price="3000.00", paid="1500.00", course="半款未到")
    sell(student, desk, course="全款")
    for _ in range(3):  # the gate is at 5 used: 3 is within two lessons of it
        package_deduct(package=near_gate, at=local(2026, 11, 1), by=desk)
    package_deduct(package=far, at=local(2026, 11, 1), by=desk)
    assert set(packages_payment_due(campus)) == {deposit, near_gate}
