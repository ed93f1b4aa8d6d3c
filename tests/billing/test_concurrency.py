"""Races on PostgreSQL with real threads and committed transactions: the row locks of
package_deduct and of the receipt counter are what keep the balance exact and the
receipt numbers gapless (SQLite serialises writers, so these run on PostgreSQL only)."""

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from billing.models import LedgerEntry, Payment
from billing.selectors import ledger_mismatches
from billing.services import package_deduct, package_for_checkin, payment_record, payment_record_other
from core.errors import Conflict

from .helpers import local, make_student, sell

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(count: int, work: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    """Run `work(i)` in `count` threads released together; each uses its own connection."""
    barrier = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            outcome = work(i)
            with lock:
                results.append(outcome)
        except BaseException as exc:  # noqa: BLE001 — the test inspects what each thread met
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def test_two_deductions_racing_for_the_last_lesson_take_it_once(campus, make_staff):
    desk = make_staff("front_desk")
    package = sell(make_student(campus), desk, lessons=1)
    results, errors = race(2, lambda i: package_deduct(package=package, at=local(2026, 11, 20, 9), by=desk))
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict) and errors[0].code == "no_lessons_left"
    package.refresh_from_db()
    assert (package.lessons_left, package.lessons_used) == (0, 1)
    assert LedgerEntry.objects.filter(package=package, kind="used").count() == 1


def test_many_deductions_at_once_leave_an_exact_balance(campus, make_staff):
    desk = make_staff("front_desk")
    package = sell(make_student(campus), desk, lessons=5, bonus=1)
    results, errors = race(8, lambda i: package_deduct(package=package, at=local(2026, 11, 20, 9), by=desk))
    assert len(results) == 6 and len(errors) == 2
    assert all(isinstance(e, Conflict) for e in errors)
    package.refresh_from_db()
    assert (package.lessons_left, package.lessons_used) == (0, 6)
    balances = sorted(LedgerEntry.objects.filter(package=package, kind="used").values_list("balance_after", flat=True))
    assert balances == [0, 1, 2, 3, 4, 5]
    assert ledger_mismatches() == (1, [])


def test_receipt_numbers_stay_gapless_under_concurrent_payments(campus, make_staff):
    desk = make_staff("front_desk")
    student = make_student(campus)
    package = sell(student, desk, price="10000.00", paid="5000.00")  # receipt 1

    def pay(i: int) -> Payment:
        if i % 2:
            return payment_record(package=package, amount=Decimal("100.00"), by=desk)
        return payment_record_other(campus=campus, student=student, purpose="card_fee", amount="20", by=desk)

    results, errors = race(10, pay)
    assert errors == []
    numbers = sorted(Payment.objects.filter(campus=campus).values_list("receipt_no", flat=True))
    assert numbers == list(range(1, 12))
    package.refresh_from_db()
    assert package.paid == Decimal("5500.00")


def test_two_check_ins_of_one_student_take_one_lesson_from_each_package(campus, make_staff):
    # package_for_checkin locks the student's packages, so the second check-in sees the
    # first package used up and takes the next one instead of being refused
    desk = make_staff("front_desk")
    student = make_student(campus)
    first = sell(student, desk, lessons=1, valid_until=date(2027, 1, 31))
    second = sell(student, desk, lessons=1, valid_until=date(2027, 6, 30))
    at = local(2026, 11, 20, 9)

    def check_in(i: int) -> int:
        with transaction.atomic():
            package = package_for_checkin(student=student, at=at)
            package_deduct(package=package, at=at, by=desk)
            return package.pk

    results, errors = race(2, check_in)
    assert errors == []
    assert sorted(results) == sorted([first.pk, second.pk])


def test_the_first_receipts_of_a_new_campus_at_once_are_numbered_without_a_gap(other_campus, make_staff):
    desk = make_staff("front_desk", campus=other_campus)
    student = make_student(other_campus)
    results, errors = race(
        6,
        lambda i: payment_record_other(campus=other_campus, student=student, purpose="card_fee", amount="20", by=desk),
    )
    assert errors == []
    assert sorted(p.receipt_no for p in results) == [1, 2, 3, 4, 5, 6]
