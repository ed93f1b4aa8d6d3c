"""API.md § Packages and § Swipes: the payment plan fixed at sale, the usable window
from valid_from to valid_until, and the choice of package only among those of the
check-in's kind (1-on-1 or group, main or practice)."""

from datetime import date
from decimal import Decimal

import pytest

from billing.errors import BillingError
from billing.models import LessonPackage
from billing.services import package_deduct, package_for_checkin, payment_record
from core.errors import Conflict

from .helpers import local, sell

pytestmark = pytest.mark.django_db

NOON = local(2026, 11, 20, 12)


def refused_checkin(student, **kwargs) -> Conflict:
    with pytest.raises(Conflict) as caught:
        package_for_checkin(student=student, at=NOON, **kwargs)
    return caught.value


# --- the usable window ---------------------------------------------------------------------


def test_a_lesson_before_valid_from_is_refused_as_not_yet_valid(student, desk):
    package = sell(student, desk, valid_from=date(2026, 11, 21), valid_until=date(2027, 11, 20))
    with pytest.raises(Conflict) as caught:
        package_deduct(package=package, at=NOON, by=desk)
    assert caught.value.code == BillingError.PACKAGE_EXPIRED
    assert "2026-11-21" in caught.value.message and "起" in caught.value.message
    # the first day of validity is usable, from midnight in Shanghai
    package_deduct(package=package, at=local(2026, 11, 21, 0, 1), by=desk)


def test_the_fallback_skips_a_package_not_yet_valid(student, desk):
    sell(student, desk, valid_from=date(2026, 12, 1), valid_until=date(2027, 1, 31))
    current = sell(student, desk, valid_from=date(2026, 1, 1), valid_until=date(2027, 12, 31))
    assert package_for_checkin(student=student, at=NOON) == current


def test_only_a_package_not_yet_valid_answers_package_expired(student, desk):
    sell(student, desk, valid_from=date(2026, 12, 1), valid_until=date(2027, 1, 31))
    assert refused_checkin(student).code == BillingError.PACKAGE_EXPIRED


# --- the check-in's kind -------------------------------------------------------------------


def test_a_one_on_one_check_in_never_uses_a_group_package_that_expires_sooner(student, desk):
    sell(student, desk, kind="group", course="乐理大课", valid_until=date(2026, 12, 31))
    one_on_one = sell(student, desk, valid_until=date(2027, 12, 31))
    assert package_for_checkin(student=student, at=NOON) == one_on_one


def test_a_group_check_in_uses_only_a_group_package(student, desk):
    sell(student, desk, valid_until=date(2026, 12, 31))
    group = sell(student, desk, kind="group", course="乐理大课", valid_until=date(2027, 12, 31))
    assert package_for_checkin(student=student, at=NOON, kind="group") == group


def test_a_practice_check_in_with_only_a_main_package_is_no_package(student, desk):
    sell(student, desk)
    refusal = refused_checkin(student, lesson_kind="practice")
    assert refusal.code == BillingError.NO_PACKAGE
    assert "陪练" in refusal.message


def test_a_main_check_in_never_uses_a_practice_package(student, desk):
    sell(student, desk, lesson_kind="practice", course="钢琴陪练", valid_until=date(2026, 12, 31))
    main = sell(student, desk, valid_until=date(2027, 12, 31))
    assert package_for_checkin(student=student, at=NOON) == main
    practice = package_for_checkin(student=student, at=NOON, lesson_kind="practice")
    assert practice.lesson_kind == "practice"


def test_refusals_are_judged_among_packages_of_the_kind_only(student, desk):
    # a used-up practice package does not hide that the main one waits for money
    practice = sell(student, desk, lessons=1, lesson_kind="practice", course="钢琴陪练")
    package_deduct(package=practice, at=NOON, by=desk)
    sell(student, desk, price="3000.00", paid="100.00")
    assert refused_checkin(student).code == BillingError.PAYMENT_DUE
    assert refused_checkin(student, lesson_kind="practice").code == BillingError.NO_LESSONS_LEFT


# --- payment plans fixed at sale -----------------------------------------------------------


def test_a_deposit_paid_to_60_percent_stays_a_deposit_and_unusable(student, desk):
    package = sell(student, desk, price="3000.00", paid="600.00")
    payment_record(package=package, amount=Decimal("1200.00"), by=desk)
    package.refresh_from_db()
    assert (package.paid, package.payment_plan) == (Decimal("1800.00"), "deposit")
    with pytest.raises(Conflict) as caught:
        package_deduct(package=package, at=NOON, by=desk)
    assert caught.value.code == BillingError.PAYMENT_DUE
    payment_record(package=package, amount=Decimal("1200.00"), by=desk)
    package.refresh_from_db()
    assert package.payment_plan == "full"
    package_deduct(package=package, at=NOON, by=desk)


def test_a_half_plan_paid_in_instalments_stays_half_until_the_balance_is_paid(student, desk):
    package = sell(student, desk, price="3000.00", paid="1500.00")
    payment_record(package=package, amount=Decimal("1000.00"), by=desk)
    package.refresh_from_db()
    assert package.payment_plan == "half"
    payment_record(package=package, amount=Decimal("500.00"), by=desk)
    package.refresh_from_db()
    assert package.payment_plan == "full"


def test_a_deposit_plan_may_be_chosen_with_more_than_half_paid(student, desk):
    package = sell(student, desk, price="3000.00", paid="2000.00", payment_plan="deposit")
    assert LessonPackage.objects.get(pk=package.pk).payment_plan == "deposit"
    with pytest.raises(Conflict) as caught:
        package_deduct(package=package, at=NOON, by=desk)
    assert caught.value.code == BillingError.PAYMENT_DUE


def test_who_sold_a_half_plan_is_on_the_record(student, desk):
    package = sell(student, desk, price="3000.00", paid="1500.00", payment_plan="half")
    assert (package.payment_plan, package.created_by) == ("half", desk)
