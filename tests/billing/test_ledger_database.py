"""PostgreSQL itself keeps the ledger append-only and its balances chained (the triggers of
billing migration 0004): raw SQL that goes around the services is refused, while every
service still writes. Committed transactions (transaction=True), as in production."""

from datetime import date
from decimal import Decimal

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from billing.models import LedgerEntry, LessonPackage
from billing.selectors import ledger_mismatches
from billing.services import ledger_reverse, package_deduct, package_expire, package_refund

from .helpers import local, make_student, sell

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

COLUMNS = "package_id, kind, lessons, balance_after, occurred_at, reason, created_at"


@pytest.fixture
def package(campus, desk) -> LessonPackage:
    return sell(make_student(campus), desk, lessons=5, bonus=2)  # bought +5 → 5, bonus +2 → 7


def rows(package: LessonPackage) -> list[tuple]:
    return list(LedgerEntry.objects.filter(package=package).order_by("pk").values_list("pk", "kind", "lessons", "balance_after", "reason"))


def raw(sql: str, params: tuple = ()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def raw_insert(package_id: int, lessons: int, balance_after: int, *, pk: int | None = None) -> None:
    columns, values = COLUMNS, "%s, 'used', %s, %s, now(), 'psql', now()"
    params: tuple = (package_id, lessons, balance_after)
    if pk is not None:
        columns, values, params = f"id, {columns}", f"%s, {values}", (pk, *params)
    raw(f"INSERT INTO billing_ledgerentry ({columns}) VALUES ({values})", params)


def refused(caught: pytest.ExceptionInfo, error: type[psycopg.Error]) -> str:
    assert isinstance(caught.value.__cause__, error)
    return str(caught.value)


def test_the_database_refuses_to_update_an_entry(package):
    before = rows(package)
    last = before[-1][0]
    with pytest.raises(IntegrityError) as caught:
        raw("UPDATE billing_ledgerentry SET lessons = 20, balance_after = 25 WHERE id = %s", (last,))
    assert "append-only" in refused(caught, psycopg.errors.RestrictViolation)
    with pytest.raises(IntegrityError):
        raw("UPDATE billing_ledgerentry SET reason = 'changed' WHERE package_id = %s", (package.pk,))
    assert rows(package) == before


def test_the_database_refuses_to_delete_an_entry(package):
    before = rows(package)
    with pytest.raises(IntegrityError) as caught:
        raw("DELETE FROM billing_ledgerentry WHERE id = %s", (before[-1][0],))
    assert "append-only" in refused(caught, psycopg.errors.RestrictViolation)
    assert rows(package) == before


@pytest.mark.parametrize("balance_after", [7, 5, 0, 8])
def test_the_database_refuses_a_balance_that_does_not_follow_the_last_one(package, balance_after):
    before = rows(package)
    with pytest.raises(IntegrityError) as caught:
        raw_insert(package.pk, -1, balance_after)  # the last balance is 7: only 6 follows
    assert "is not the previous balance 7 plus lessons -1" in refused(caught, psycopg.errors.CheckViolation)
    assert rows(package) == before


def test_the_first_entry_of_a_package_starts_from_zero(campus, desk, package):
    empty = LessonPackage.objects.create(
        campus=campus, student=package.student, course="数学", kind="group", lessons=4, price="800.00",
        paid="800.00", valid_from=date(2026, 1, 1), valid_until=date(2027, 1, 1), lessons_left=4,
        sold_at=local(2026, 1, 1),
    )
    insert = f"INSERT INTO billing_ledgerentry ({COLUMNS}) VALUES (%s, 'bought', 4, %s, %s, '', now())"
    with pytest.raises(IntegrityError):
        raw(insert, (empty.pk, 8, empty.sold_at))
    raw(insert, (empty.pk, 4, empty.sold_at))
    assert [row[1:4] for row in rows(empty)] == [("bought", 4, 4)]


def test_the_database_refuses_an_entry_placed_before_the_last_one(package):
    before = rows(package)
    with pytest.raises(IntegrityError) as caught:
        raw_insert(package.pk, -1, 6, pk=before[0][0] - 1)  # the right balance, in the wrong place
    assert "comes before its last entry" in refused(caught, psycopg.errors.CheckViolation)
    assert rows(package) == before


def test_the_database_accepts_a_balance_that_follows_the_last_one(package):
    raw_insert(package.pk, -1, 6)
    assert [row[1:4] for row in rows(package)][-1] == ("used", -1, 6)
    # a writer outside the services that also moves the caches leaves a consistent ledger
    raw("UPDATE billing_lessonpackage SET lessons_left = 6, lessons_used = 1 WHERE id = %s", (package.pk,))
    assert ledger_mismatches() == (1, [])


def test_every_service_still_writes_the_ledger(campus, desk, make_staff, package):
    used = package_deduct(package=package, at=local(2026, 11, 1), by=desk)
    package_deduct(package=package, at=local(2026, 11, 2), by=desk, reason="忘带卡")
    ledger_reverse(entry=used, by=make_staff("principal"), reason="老师请假，误扣")
    package_expire(package=package, at=local(2029, 1, 2))
    refunded = sell(make_student(campus), desk, lessons=8)
    package_deduct(package=refunded, at=local(2026, 11, 1), by=desk)
    package_refund(package=refunded, amount=Decimal("1000.00"), by=desk)
    assert [row[1:4] for row in rows(package)] == [
        ("bought", 5, 5), ("bonus", 2, 7), ("used", -1, 6), ("used", -1, 5), ("reversal", 1, 6), ("expired", -6, 0),
    ]
    assert [row[1:4] for row in rows(refunded)] == [("bought", 8, 8), ("used", -1, 7), ("refunded", -7, 0)]
    assert ledger_mismatches() == (2, [])
