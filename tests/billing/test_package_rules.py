"""package_deduct and package_for_checkin: the payment gates, expiry at the given time,
the order of refusals, and the choice of package at a check-in."""

from datetime import UTC, date
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.errors import BillingError
from billing.models import LedgerEntry
from billing.services import (
    package_deduct,
    package_for_checkin,
    package_refund,
    payment_record,
)
from core.errors import Conflict

from .helpers import local, make_student, sell

pytestmark = pytest.mark.django_db

NOON = local(2026, 11, 20, 12)


def refused(package, at=NOON, **kwargs) -> str:
    with pytest.raises(Conflict) as caught:
        package_deduct(package=package, at=at, by=kwargs.pop("by", None), **kwargs)
    return caught.value.code


def test_a_paid_package_gives_one_lesson_per_deduction(student, desk):
    package = sell(student, desk, lessons=3, bonus=1)
    entry = package_deduct(package=package, at=NOON, by=desk, reason="")
    assert (entry.kind, entry.lessons, entry.balance_after) == ("used", -1, 3)
    package.refresh_from_db()
    assert (package.lessons_used, package.lessons_left) == (1, 3)
    assert entry.created_by == desk and entry.occurred_at == NOON


def test_bonus_lessons_are_used_after_the_bought_ones_and_then_none_are_left(student, desk):
    package = sell(student, desk, lessons=2, bonus=1)
    for _ in range(3):
        package_deduct(package=package, at=NOON, by=desk)
    assert refused(package) == BillingError.NO_LESSONS_LEFT
    package.refresh_from_db()
    assert (package.lessons_used, package.lessons_left, package.status) == (3, 0, "used_up")


def test_deposit_only_gives_no_lesson_until_paid_in_full(student, desk):
    package = sell(student, desk, lessons=10, price="3000.00", paid="1000.00")
    assert package.payment_plan == "deposit"
    assert refused(package) == BillingError.PAYMENT_DUE
    payment_record(package=package, amount=Decimal("1000.00"), by=desk)
    # 2000 of 3000: the plan was fixed at sale, a deposit stays a deposit until paid in full
    assert package.payment_plan == "deposit"
    assert refused(package) == BillingError.PAYMENT_DUE
    payment_record(package=package, amount=Decimal("1000.00"), by=desk)
    assert package.payment_plan == "full"
    package_deduct(package=package, at=NOON, by=desk)
    assert package.lessons_used == 1


def test_a_deposit_raised_to_just_under_half_still_refuses(student, desk):
    package = sell(student, desk, lessons=10, price="3000.00", paid="1000.00")
    payment_record(package=package, amount=Decimal("499.99"), by=desk)
    assert package.payment_plan == "deposit"
    assert refused(package) == BillingError.PAYMENT_DUE
    assert not LedgerEntry.objects.filter(package=package, kind="used").exists()


def test_half_paid_is_usable_while_fewer_than_half_the_bought_lessons_are_used(student, desk):
    package = sell(student, desk, lessons=10, bonus=4, price="3000.00", paid="1500.00")
    assert package.payment_plan == "half"
    for _ in range(5):
        package_deduct(package=package, at=NOON, by=desk)
    # 5 used of 10 bought: the rest is due before the sixth (bonus lessons do not count)
    assert refused(package) == BillingError.PAYMENT_DUE
    payment_record(package=package, amount=Decimal("1500.00"), by=desk)
    package_deduct(package=package, at=NOON, by=desk)
    package.refresh_from_db()
    assert (package.lessons_used, package.lessons_left, package.payment_plan) == (6, 8, "full")


def test_half_paid_with_an_odd_number_of_lessons_rounds_the_half_up(student, desk):
    package = sell(student, desk, lessons=5, price="1000.00", paid="500.00")
    for _ in range(3):  # 0, 1, 2 used: each × 2 < 5
        package_deduct(package=package, at=NOON, by=desk)
    assert refused(package) == BillingError.PAYMENT_DUE


def test_expiry_is_judged_at_the_given_time_in_shanghai(student, desk):
    package = sell(student, desk, valid_from=date(2026, 1, 1), valid_until=date(2026, 11, 20))
    # 23:59 on the last day in Shanghai is 15:59 UTC: still valid
    package_deduct(package=package, at=local(2026, 11, 20, 23, 59), by=desk)
    # 00:30 the next day in Shanghai is still 20 November in UTC: expired all the same
    late = local(2026, 11, 21, 0, 30)
    assert late.astimezone(UTC).date() == date(2026, 11, 20)
    assert refused(package, at=late) == BillingError.PACKAGE_EXPIRED


def test_a_replayed_swipe_before_the_expiry_is_judged_at_its_own_time(student, desk):
    package = sell(student, desk, valid_from=date(2026, 1, 1), valid_until=date(2026, 1, 31))
    package_deduct(package=package, at=local(2026, 1, 31, 18), by=desk)
    assert refused(package, at=local(2026, 2, 1, 9)) == BillingError.PACKAGE_EXPIRED


def test_expired_wins_over_payment_due_and_none_left(student, desk):
    package = sell(student, desk, lessons=1, paid="0.00", valid_until=date(2026, 6, 30))
    assert refused(package, at=local(2026, 7, 1)) == BillingError.PACKAGE_EXPIRED


def test_a_refunded_package_is_refused_even_without_the_rules(student, desk):
    package = sell(student, desk)
    package_refund(package=package, amount=Decimal("1000.00"), by=desk)
    assert refused(package) == BillingError.PACKAGE_REFUNDED
    assert refused(package, check_rules=False) == BillingError.PACKAGE_REFUNDED


def test_without_the_rules_expiry_and_payment_are_not_judged_but_the_balance_is(student, desk):
    package = sell(student, desk, lessons=1, paid="0.00", valid_until=date(2026, 6, 30))
    package_deduct(package=package, at=local(2026, 7, 1), by=desk, reason="校长批准补扣", check_rules=False)
    assert refused(package, at=local(2026, 7, 1), check_rules=False) == BillingError.NO_LESSONS_LEFT


def test_a_refusal_changes_nothing(student, desk):
    package = sell(student, desk, paid="0.00")
    before = list(LedgerEntry.objects.filter(package=package).values_list("pk", flat=True))
    refused(package)
    package.refresh_from_db()
    assert package.lessons_used == 0 and package.lessons_left == 10
    assert list(LedgerEntry.objects.filter(package=package).values_list("pk", flat=True)) == before


def test_status_order(student, desk):
    package = sell(student, desk, lessons=1, valid_until=date(2026, 6, 30))
    assert package.status_on(date(2026, 6, 30)) == "active"
    assert package.status_on(date(2026, 7, 1)) == "expired"
    package_deduct(package=package, at=local(2026, 6, 30), by=desk)
    assert package.status_on(date(2026, 7, 1)) == "used_up"  # every lesson was used before it expired
    package.refunded_at = timezone.now()
    assert package.status_on(date(2026, 6, 1)) == "refunded"
    assert not sell(student, desk).is_started and package.is_started


# --- the choice of package at a check-in ---------------------------------------------------


def test_no_package_at_all(student):
    with pytest.raises(Conflict) as caught:
        package_for_checkin(student=student, at=NOON)
    assert caught.value.code == BillingError.NO_PACKAGE


def test_only_refunded_packages_count_as_no_package(student, desk):
    package_refund(package=sell(student, desk), amount=Decimal("0"), by=desk)
    with pytest.raises(Conflict) as caught:
        package_for_checkin(student=student, at=NOON)
    assert caught.value.code == BillingError.NO_PACKAGE


def test_the_usable_package_that_expires_first_is_chosen(student, desk):
    later = sell(student, desk, valid_until=date(2027, 6, 30))
    sooner = sell(student, desk, valid_until=date(2027, 1, 31))
    sell(student, desk, valid_until=date(2026, 12, 31), paid="0.00")  # sooner still, but not paid
    assert package_for_checkin(student=student, at=NOON) == sooner
    assert package_for_checkin(student=student, at=NOON, preferred=later) == later


def test_an_unusable_preferred_package_falls_back_to_a_usable_one(student, desk):
    unpaid = sell(student, desk, paid="0.00")
    usable = sell(student, desk, valid_until=date(2029, 1, 1))
    assert package_for_checkin(student=student, at=NOON, preferred=unpaid) == usable


def test_another_students_package_is_never_preferred(campus, student, desk):
    other = sell(make_student(campus), desk, valid_until=date(2026, 12, 1))
    own = sell(student, desk)
    assert package_for_checkin(student=student, at=NOON, preferred=other) == own


@pytest.mark.parametrize(
    ("packages", "code"),
    [
        # (paid, lessons used up?, expired?)
        ([("0.00", False, False), ("3000.00", True, False), ("3000.00", False, True)], BillingError.PAYMENT_DUE),
        ([("3000.00", True, False), ("3000.00", False, True)], BillingError.NO_LESSONS_LEFT),
        ([("3000.00", False, True)], BillingError.PACKAGE_EXPIRED),
        ([("0.00", False, True)], BillingError.PACKAGE_EXPIRED),
    ],
)
def test_with_nothing_usable_the_most_telling_code_is_given(student, desk, packages, code):
    for paid, used_up, expired in packages:
        package = sell(
            student, desk, lessons=1, paid=paid, valid_until=date(2026, 10, 31) if expired else date(2027, 10, 31)
        )
        if used_up:
            package_deduct(package=package, at=local(2026, 10, 1), by=desk)
    with pytest.raises(Conflict) as caught:
        package_for_checkin(student=student, at=NOON)
    assert caught.value.code == code


def test_a_naive_time_is_taken_as_campus_time(student, desk):
    from datetime import datetime

    package = sell(student, desk, valid_until=date(2026, 11, 20))
    entry = package_deduct(package=package, at=datetime(2026, 11, 20, 23, 30), by=desk)
    assert entry.occurred_at == local(2026, 11, 20, 23, 30)
    assert refused(package, at=datetime(2026, 11, 21, 0, 5)) == BillingError.PACKAGE_EXPIRED
