"""Which package a swipe uses (API.md § Swipes): usable from valid_from to valid_until,
only among packages of the check-in's kind, and the payment plan fixed at sale."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import LedgerEntry
from billing.services import payment_record

from .helpers import a_package, a_student_with_card, swipe

pytestmark = pytest.mark.django_db


def test_a_swipe_before_valid_from_is_refused_as_not_yet_valid(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    tomorrow = timezone.localdate() + timedelta(days=1)
    a_package(student, desk, valid_from=tomorrow, valid_until=tomorrow + timedelta(days=300))
    response = swipe(reader[1], "0012345678")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "package_expired"
    assert tomorrow.isoformat() in response.json()["error"]["message"]
    assert not LedgerEntry.objects.filter(kind="used").exists()


@pytest.mark.parametrize(
    "other_kind", [{"kind": "group", "course": "乐理大课"}, {"lesson_kind": "practice", "course": "钢琴陪练"}]
)
def test_a_1_on_1_main_swipe_never_uses_a_package_of_another_kind_expiring_sooner(campus, desk, reader, other_kind):
    student, _card = a_student_with_card(campus, desk)
    today = timezone.localdate()
    a_package(student, desk, valid_until=today + timedelta(days=20), **other_kind)
    main = a_package(student, desk, valid_until=today + timedelta(days=200))
    assert swipe(reader[1], "0012345678").json()["package_id"] == main.pk


def test_a_practice_swipe_with_only_a_main_package_uses_nothing(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk)
    response = swipe(reader[1], "0012345678", lesson_kind="practice")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_package"
    assert not LedgerEntry.objects.filter(kind="used").exists()




def test_a_deposit_package_paid_to_60_percent_is_still_payment_due(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk, price="1000.00", paid="200.00")
    payment_record(package=package, amount=Decimal("400.00"), by=desk)
    response = swipe(reader[1], "0012345678")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "payment_due"
