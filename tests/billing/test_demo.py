"""The demo data of billing: made through the services, and made once."""

import pytest
from django.core.management import call_command

from billing.models import GoodsItem, LedgerEntry, LessonPackage, Payment
from billing.selectors import ledger_mismatches
from students.models import Student

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_demo_students_packages_once(capsys):
    call_command("seed_demo")
    packages = LessonPackage.objects.count()
    assert packages == min(4, Student.objects.count()) and GoodsItem.objects.count() == 4
    plans = {p.payment_plan for p in LessonPackage.objects.all()}
    assert "full" in plans
    counts = (packages, LedgerEntry.objects.count(), Payment.objects.count(), GoodsItem.objects.count())
    call_command("seed_demo")
    assert (LessonPackage.objects.count(), LedgerEntry.objects.count(), Payment.objects.count(), GoodsItem.objects.count()) == counts
    assert ledger_mismatches()[1] == []
    assert "billing: 0 packages, 0 shelf articles added" in capsys.readouterr().out
