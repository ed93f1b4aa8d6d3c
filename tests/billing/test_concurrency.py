"""Races on PostgreSQL with real threads and committed transactions: the row locks of
package_deduct and of the receipt counter are what keep the balance exact and the
receipt numbers gapless (SQLite serialises writers, so these run on PostgreSQL only)."""

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from billing.models import LedgerEntry, Payment
from billing.selectors import ledger_mismatches
from billing.services import package_deduct, payment_record, payment_record_other
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
