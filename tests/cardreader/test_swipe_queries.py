"""A swipe is one short transaction with a fixed number of queries (no N+1)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Subject
from core.roles import Role
from scheduling.services import group_member_add, group_session_add, lesson_book
from tests.scheduling.helpers import make_teacher, music_theory_class

from .helpers import a_package, a_reader, a_student_with_card, swipe

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_and_student(campus, make_staff):
    """A reader whose token was just used (its last_used_at is fresh: not written again)
    and a student with a card and a package."""
    desk = make_staff(Role.FRONT_DESK)
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk)
    other, _other_card = a_student_with_card(campus, desk, number="0000000002", chip="", name="李四")
    a_package(other, desk)
    _reader, client = a_reader(campus)
    swipe(client, "0000000002")
    return client, student, desk


def test_a_successful_swipe_runs_13_queries(client_and_student, django_assert_num_queries):
    client, _student, _desk = client_and_student

    # The test runs inside a transaction: the swipe's BEGIN … COMMIT are a savepoint and
    # its release here, the same round trips. No other savepoint: the check-in and the
    # deduction run in the swipe's own transaction.
    with django_assert_num_queries(13):
        # 1 the token with its staff, campus and reader (core auth)
        # 2 the swipe_id looked up: a replay answers here
        # 3 BEGIN
        # 4 the card, locked (FOR UPDATE), with its student
        # 5 the repeat guard: an accepted swipe of this card within 60 s
        # 6 the lesson or group session the swipe is for (scheduling.booking_at): none
        # 7 a check-in of the same kind within the campus's repeat window (already_checked_in;
        #   the campus came with the token, its window with it)
        # 8 the student's packages, locked (billing.package_for_checkin); the deduction
        #   uses the package so locked
        # 9 INSERT the ledger entry (package_deduct)
        # 10 UPDATE the package's lessons_left / lessons_used
        # 11 INSERT the attendance (attendance_record)
        # 12 INSERT the swipe with its answer and links, claiming the swipe_id
        # 13 COMMIT
        response = swipe(client, "0012345678")
    assert response.status_code == 201


def test_a_swipe_for_a_scheduled_lesson_runs_12(client_and_student, campus, django_assert_num_queries):
    client, student, desk = client_and_student
    subject = Subject.objects.get_or_create(name="钢琴")[0]
    teacher = make_teacher(campus, "钢琴", user__username="t_piano")
    starts = timezone.now() - timedelta(minutes=10)
    lesson = lesson_book(
        student=student, teacher=teacher, subject=subject, starts_at=starts, ends_at=starts + timedelta(hours=1),
        by=desk, send_notice=False,
    )

    # 6 finds the lesson; 7 is then its own check-in (none yet: not asked)
    with django_assert_num_queries(12):
        response = swipe(client, "0012345678")
    assert response.status_code == 201, response.content
    assert response.json()["lesson"]["id"] == lesson.pk


def test_a_swipe_for_a_group_session_runs_14(client_and_student, campus, django_assert_num_queries):
    client, student, desk = client_and_student
    group = music_theory_class(campus, None)
    starts = timezone.now() - timedelta(minutes=10)
    session = group_session_add(group=group, starts_at=starts, ends_at=starts + timedelta(hours=2), by=None)
    package = a_package(student, desk, kind="group", course="乐理大课")
    group_member_add(group=group, student=student, by=None, package=package)

    # 6 finds the session with the class's package; 7 is not asked (not checked in);
    # 8 locks that package alone; the attendance's INSERT runs in a savepoint (a SAVEPOINT
    # and its RELEASE): the database's one-check-in-per-session constraint may refuse it
    with django_assert_num_queries(14):
        response = swipe(client, "0012345678")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["session"]["id"] == session.pk
    assert body["session"]["group"]["name"] == group.name
    assert body["package_id"] == package.pk
