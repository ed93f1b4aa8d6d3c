"""A teacher's card at the reader (API.md § Swipes): clock in or out, by choice or
alternating, and a second swipe within 60 seconds is the same swipe."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cardreader.models import Swipe
from cardreader.services import card_issue_teacher
from core.roles import Role
from scheduling.models import TeacherClock

from .helpers import swipe

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(make_staff, desk):
    teacher = make_staff(Role.TEACHER)
    card_issue_teacher(teacher=teacher, card_number="0000001234", chip_uid="", by=desk)
    return teacher


def morning():
    return timezone.localtime(timezone.now() - timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)


def test_a_second_swipe_of_a_teacher_card_within_60_seconds_is_a_duplicate_not_a_clock_out(reader, teacher):
    first = swipe(reader[1], "0000001234", at=morning())
    again = swipe(reader[1], "0000001234", at=morning() + timedelta(seconds=60))
    assert first.json()["result"] == "clock_in"
    assert again.status_code == 409, again.content
    assert again.json()["error"]["code"] == "duplicate_swipe"
    assert TeacherClock.objects.filter(teacher=teacher).count() == 1
    assert Swipe.objects.filter(code="duplicate_swipe").count() == 1


def test_a_teacher_swipe_61_seconds_later_clocks_out(reader, teacher):
    assert swipe(reader[1], "0000001234", at=morning()).json()["result"] == "clock_in"
    assert swipe(reader[1], "0000001234", at=morning() + timedelta(seconds=61)).json()["result"] == "clock_out"


def test_the_teacher_chooses_in_or_out_and_a_bare_swipe_alternates_from_the_latest(reader, teacher):
    results = [
        swipe(reader[1], "0000001234", at=morning() + timedelta(hours=h), **extra).json()["result"]
        for h, extra in ((0, {"clock": "out"}), (1, {}), (2, {"clock": "in"}), (3, {}))
    ]
    assert results == ["clock_out", "clock_in", "clock_in", "clock_out"]
    assert list(TeacherClock.objects.filter(teacher=teacher).values_list("kind", flat=True)) == [
        "out", "in", "in", "out"
    ]


def test_a_clock_other_than_in_or_out_is_422(reader, teacher):
    response = swipe(reader[1], "0000001234", clock="lunch")
    assert response.status_code == 422
    assert "clock" in response.json()["error"]["fields"]
    assert not TeacherClock.objects.exists()
