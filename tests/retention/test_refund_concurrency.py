"""Races on PostgreSQL with real threads and committed transactions: the refund row lock
makes two payments of one refund pay once, and two principals failing one case draft one
refund (SQLite serialises writers, so these run on PostgreSQL only)."""

import pytest

from billing.models import LedgerEntry, Payment
from core.errors import Conflict
from retention.models import Refund, SaveCase
from retention.services import refund_pay, save_case_fail, save_case_open
from tests.billing.test_concurrency import race
from tests.factories import drafted_refund, signed_refund, sold_package

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_payments_of_one_refund_at_once_pay_once(campus, make_staff):
    team = {role: make_staff(role) for role in ("front_desk", "dean", "advisor", "principal", "finance")}
    package = sold_package(campus, team["front_desk"], lessons=10, price="3000.00", used=2)
    refund = signed_refund(drafted_refund(package, principal=team["principal"]), team, until="pay")
    cashiers = [team["finance"], make_staff("finance")]

    results, errors = race(2, lambda i: refund_pay(refund=Refund.objects.get(pk=refund.pk), by=cashiers[i]))

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict) and errors[0].code == "refund_step_order"
    assert Payment.objects.filter(package=package, purpose="package_refund").count() == 1
    assert LedgerEntry.objects.filter(package=package, kind="refunded").count() == 1
    refund.refresh_from_db()
    assert (refund.status, refund.signatures.filter(step="pay").count()) == ("paid", 1)


def test_two_principals_failing_one_case_at_once_draft_one_refund(campus, make_staff):
    principals = [make_staff("principal"), make_staff("principal")]
    package = sold_package(campus, make_staff("front_desk"), used=1)
    case = save_case_open(package=package, by=principals[0], reason="要求退费", regular=False)

    results, errors = race(2, lambda i: save_case_fail(case=SaveCase.objects.get(pk=case.pk), by=principals[i]))

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict) and errors[0].code == "save_case_closed"
    assert Refund.objects.filter(package=package).count() == 1


def test_two_cases_opened_at_once_on_one_package_leave_one_open(campus, make_staff):
    advisors = [make_staff("advisor"), make_staff("consultant")]
    package = sold_package(campus, make_staff("front_desk"))

    results, errors = race(2, lambda i: save_case_open(package=package, by=advisors[i], reason="要求退费"))

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict) and errors[0].code == "save_case_open"
    assert SaveCase.objects.filter(package=package, status="open").count() == 1
