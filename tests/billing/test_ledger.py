"""The lesson ledger: append-only, balances never below zero (the database says so too),
caches equal to the ledger, and check_ledger catching a cache that is not."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.errors import BillingError
from billing.models import LedgerEntry, LessonPackage
from billing.selectors import ledger_mismatches
from billing.services import ledger_reverse, package_deduct, package_expire, package_refund
from core.errors import Conflict, InvalidInput
from tests.factories import assert_written_once

from .helpers import local, make_student, sell

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(campus, desk):
    return sell(make_student(campus), desk, lessons=5, bonus=2, valid_until=date(2026, 12, 31))


def assert_ledger_matches(package: LessonPackage) -> None:
    package.refresh_from_db()
    entries = LedgerEntry.objects.filter(package=package)
    assert package.lessons_left == entries.aggregate(s=Sum("lessons"))["s"]
    used = entries.filter(kind="used").count()
    unused = entries.filter(kind="reversal", reverses__kind="used").count()
    assert package.lessons_used == used - unused
    assert entries.order_by("pk").last().balance_after == package.lessons_left


def test_a_sale_writes_bought_and_bonus_entries(package):
    kinds = list(package.ledger.order_by("pk").values_list("kind", "lessons", "balance_after"))
    assert kinds == [("bought", 5, 5), ("bonus", 2, 7)]
    assert_ledger_matches(package)


def test_the_caches_follow_every_kind_of_movement(package, desk, make_staff):
    first = package_deduct(package=package, at=local(2026, 11, 1), by=desk)
    package_deduct(package=package, at=local(2026, 11, 2), by=desk, reason="忘带卡")
    assert_ledger_matches(package)
    ledger_reverse(entry=first, by=make_staff("principal"), reason="老师请假，误扣")
    assert_ledger_matches(package)
    assert package.lessons_used == 1
    package_expire(package=package, at=local(2027, 1, 1))
    assert_ledger_matches(package)
    assert package.lessons_left == 0 and package.status_on(date(2027, 1, 1)) == "expired"


def test_a_reversal_is_a_new_entry_and_is_made_once(package, desk):
    used = package_deduct(package=package, at=local(2026, 11, 1), by=desk)
    reversal = ledger_reverse(entry=used, by=desk, reason="误扣")
    assert (reversal.kind, reversal.lessons, reversal.reverses) == ("reversal", 1, used)
    used.refresh_from_db()
    assert used.lessons == -1  # the original stays as it was
    with pytest.raises(Conflict) as caught:
        ledger_reverse(entry=used, by=desk, reason="再次")
    assert caught.value.code == BillingError.ALREADY_REVERSED
    with pytest.raises(Conflict):
        ledger_reverse(entry=reversal, by=desk, reason="冲正的冲正")


def test_a_reversal_needs_a_reason(package, desk):
    used = package_deduct(package=package, at=local(2026, 11, 1), by=desk)
    with pytest.raises(InvalidInput):
        ledger_reverse(entry=used, by=desk, reason="  ")


def test_bought_entries_are_not_reversible(package, desk):
    with pytest.raises(Conflict) as caught:
        ledger_reverse(entry=package.ledger.get(kind="bought"), by=desk, reason="x")
    assert caught.value.code == BillingError.NOT_REVERSIBLE


def test_entries_cannot_be_edited_or_deleted(package):
    entry = package.ledger.first()
    entry.reason = "改过"
    assert_written_once(entry)


def test_a_queryset_can_neither_update_nor_delete_entries(package):
    with pytest.raises(ValueError):
        LedgerEntry.objects.filter(package=package).update(reason="改过")
    with pytest.raises(ValueError):
        package.ledger.all().delete()
    assert list(package.ledger.values_list("reason", flat=True)) == ["购买课时", "赠送课时"]


def test_a_staff_member_who_wrote_entries_cannot_be_deleted(package, desk):
    with pytest.raises(ProtectedError) as caught:
        desk.delete()
    assert {type(obj) for obj in caught.value.protected_objects} == {LedgerEntry}
    assert package.ledger.filter(created_by=desk).count() == 2


def test_the_database_refuses_a_negative_balance(package):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            package=package, kind="used", lessons=-1, balance_after=-1, occurred_at=local(2026, 11, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonPackage.objects.filter(pk=package.pk).update(lessons_left=-1)


def test_expiring_is_safe_to_run_twice_and_refuses_a_valid_package(package):
    with pytest.raises(Conflict) as caught:
        package_expire(package=package, at=local(2026, 12, 31, 23))
    assert caught.value.code == BillingError.NOT_EXPIRED
    assert package_expire(package=package, at=local(2027, 1, 1)).lessons == -7
    assert package_expire(package=package, at=local(2027, 1, 2)) is None
    assert package.ledger.filter(kind="expired").count() == 1


def test_a_refund_takes_the_lessons_left_and_records_the_money(package, desk):
    package_deduct(package=package, at=local(2026, 11, 1), by=desk)
    package_refund(package=package, amount=Decimal("1200.00"), by=desk)
    assert_ledger_matches(package)
    assert package.lessons_left == 0 and package.status == "refunded"
    refund = package.payments.get(purpose="package_refund")
    assert refund.amount == Decimal("-1200.00")


def test_check_ledger_passes_on_a_consistent_ledger(package, desk, capsys):
    package_deduct(package=package, at=local(2026, 11, 1), by=desk)
    call_command("check_ledger")
    assert capsys.readouterr().out.strip().endswith("1 packages checked")


@pytest.mark.ledger_tampered
def test_check_ledger_catches_a_tampered_cache(package, campus, desk, capsys):
    sell(make_student(campus), desk)
    LessonPackage.objects.filter(pk=package.pk).update(lessons_left=6)
    with pytest.raises(CommandError) as caught:
        call_command("check_ledger")
    assert "1 of 2 packages" in str(caught.value)
    err = capsys.readouterr().err
    assert f"package {package.pk}" in err and "lessons_left 6 ≠ ledger 7" in err


@pytest.mark.ledger_tampered
def test_check_ledger_catches_a_tampered_used_count(package, capsys):
    LessonPackage.objects.filter(pk=package.pk).update(lessons_used=3)
    with pytest.raises(CommandError):
        call_command("check_ledger")
    assert "lessons_used 3 ≠ ledger 0" in capsys.readouterr().err


@pytest.mark.ledger_tampered
def test_check_ledger_exits_with_status_1_as_manage_py_runs_it(package, monkeypatch):
    from billing.management.commands.check_ledger import Command

    LessonPackage.objects.filter(pk=package.pk).update(lessons_left=1)
    # manage.py closes the connections when a command ends; the test's transaction must survive
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as caught:
        Command().run_from_argv(["manage.py", "check_ledger"])
    assert caught.value.code == 1


def test_a_deduction_adds_no_history_row_to_the_package(package, desk):
    before = package.history.count()
    package_deduct(package=package, at=local(2026, 11, 1), by=desk)
    assert package.history.count() == before


OPERATIONS = st.lists(
    st.sampled_from(["deduct", "deduct", "deduct", "reverse_last_use", "reverse_bonus", "expire", "refund"]),
    max_size=15,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lessons=st.integers(1, 6), bonus=st.integers(0, 3), operations=OPERATIONS)
def test_any_sequence_of_movements_keeps_the_caches_equal_to_the_ledger(campus, desk, lessons, bonus, operations):
    package = sell(make_student(campus), desk, lessons=lessons, bonus=bonus, valid_until=date(2026, 12, 31))
    for op in operations:
        try:
            if op == "deduct":
                package_deduct(package=package, at=local(2026, 11, 1), by=desk)
            elif op == "reverse_last_use":
                last = package.ledger.filter(kind="used", reversed_by__isnull=True).order_by("-pk").first()
                if last is not None:
                    ledger_reverse(entry=last, by=desk, reason="误扣")
            elif op == "reverse_bonus" and bonus:
                ledger_reverse(entry=package.ledger.get(kind="bonus"), by=desk, reason="取消赠送")
            elif op == "expire":
                package_expire(package=package, at=local(2027, 1, 1))
            elif op == "refund":
                package_refund(package=package, amount=Decimal("0"), by=desk)
        except Conflict:
            pass  # a refused movement changes nothing; the invariant below must still hold
        assert_ledger_matches(package)
        assert package.lessons_left >= 0
    assert ledger_mismatches()[1] == []


def test_the_expiry_job_writes_off_each_expired_package_once(campus, desk):
    student = make_student(campus)
    expired = sell(student, desk, valid_until=date(2026, 10, 31))
    sell(student, desk, valid_until=date(2026, 11, 30))  # still valid on 1 November
    used_up = sell(student, desk, lessons=1, valid_until=date(2026, 10, 31))
    package_deduct(package=used_up, at=local(2026, 10, 1), by=desk)
    from billing.services import packages_expire_due

    assert packages_expire_due(at=local(2026, 11, 1)) == 1
    assert packages_expire_due(at=local(2026, 11, 1)) == 0
    expired.refresh_from_db()
    assert expired.lessons_left == 0 and expired.ledger.filter(kind="expired").count() == 1


def test_a_sale_taken_over_from_the_old_software_keeps_its_date(campus, desk):
    sold = local(2026, 3, 1, 15)
    package = sell(make_student(campus), desk, bonus=1, paid="1000.00", sold_at=sold)
    assert set(package.ledger.values_list("occurred_at", flat=True)) == {sold}
    assert package.payments.get().paid_at == sold
    with pytest.raises(InvalidInput):
        sell(make_student(campus), desk, sold_at=local(2099, 1, 1))
