"""A swipe at a group class's session (API.md § Swipes): the group package of that class,
the attendance on the session, never a 1-on-1 package, and once per session."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import LedgerEntry
from core.errors import InvalidInput
from core.roles import Role
from scheduling.models import Attendance
from scheduling.services import group_member_add, group_session_add
from tests.scheduling.helpers import music_theory_class

from .helpers import a_package, a_student_with_card, swipe, used

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(campus, make_staff):
    return music_theory_class(campus, make_staff(Role.DEAN))


def a_session(group, starts):
    return group_session_add(group=group, starts_at=starts, ends_at=starts + timedelta(hours=2), by=None)


def test_a_swipe_at_a_session_uses_the_group_package_not_a_1_on_1_one_expiring_sooner(campus, desk, reader, group):
    student, _card = a_student_with_card(campus, desk)
    today = timezone.localdate()
    one_on_one = a_package(student, desk, valid_until=today + timedelta(days=10))
    group_package = a_package(student, desk, kind="group", course="乐理大课", valid_until=today + timedelta(days=300))
    group_member_add(group=group, student=student, by=None)
    session = a_session(group, timezone.now() + timedelta(minutes=20))

    response = swipe(reader[1], "0012345678")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["package_id"] == group_package.pk
    assert body["session"]["id"] == session.pk and body["lesson"] is None
    attendance = Attendance.objects.get()
    assert (attendance.session, attendance.lesson) == (session, None)
    assert used(one_on_one) == 0


def test_the_package_linked_to_the_class_is_the_one_used(campus, desk, reader, group):
    student, _card = a_student_with_card(campus, desk)
    today = timezone.localdate()
    a_package(student, desk, kind="group", course="书法大课", valid_until=today + timedelta(days=20))
    for_this_class = a_package(student, desk, kind="group", course="乐理大课", valid_until=today + timedelta(days=300))
    group_member_add(group=group, student=student, by=None, package=for_this_class)
    a_session(group, timezone.now() - timedelta(minutes=10))

    assert swipe(reader[1], "0012345678").json()["package_id"] == for_this_class.pk


def test_the_class_package_used_up_is_refused_not_replaced_by_another(campus, desk, reader, group):
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk, kind="group", course="书法大课")
    for_this_class = a_package(student, desk, kind="group", course="乐理大课", price="1000.00", paid="100.00")
    group_member_add(group=group, student=student, by=None, package=for_this_class)
    a_session(group, timezone.now() - timedelta(minutes=10))

    response = swipe(reader[1], "0012345678")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "payment_due"
    assert not LedgerEntry.objects.filter(kind="used").exists()


def test_a_session_is_charged_once_even_long_after_the_first_swipe(campus, desk, reader, group):
    campus.repeat_window_minutes = 0  # only the session's own check-in stands in the way
    campus.save()
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk, kind="group", course="乐理大课")
    group_member_add(group=group, student=student, by=None)
    starts = timezone.now() - timedelta(minutes=100)
    a_session(group, starts)
    assert swipe(reader[1], "0012345678", at=starts - timedelta(minutes=5)).status_code == 201

    response = swipe(reader[1], "0012345678")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_checked_in"
    assert used(package) == 1


def test_a_member_without_a_group_package_is_no_package_even_with_a_1_on_1_one(campus, desk, reader, group):
    student, _card = a_student_with_card(campus, desk)
    one_on_one = a_package(student, desk)
    group_member_add(group=group, student=student, by=None)
    a_session(group, timezone.now())

    response = swipe(reader[1], "0012345678")

    assert response.json()["error"]["code"] == "no_package"
    assert used(one_on_one) == 0


def test_a_swipe_outside_any_session_is_a_1_on_1_check_in(campus, desk, reader, group):
    student, _card = a_student_with_card(campus, desk)
    one_on_one = a_package(student, desk)
    a_package(student, desk, kind="group", course="乐理大课")
    group_member_add(group=group, student=student, by=None)
    a_session(group, timezone.now() + timedelta(hours=3))

    assert swipe(reader[1], "0012345678").json()["package_id"] == one_on_one.pk


def test_a_package_of_another_kind_cannot_be_linked_to_a_class(campus, desk, group):
    student, _card = a_student_with_card(campus, desk)
    with pytest.raises(InvalidInput):
        group_member_add(group=group, student=student, by=None, package=a_package(student, desk))
