"""booking_at: the lesson or group session a check-in is for, in one query, the same choice as
lesson_at and session_at."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Subject
from core.roles import Role
from scheduling.models import GroupSession, Lesson
from scheduling.selectors import booking_at, lesson_at, session_at
from scheduling.services import group_member_add, group_session_add, lesson_book
from tests.cardreader.helpers import a_package, a_student_with_card

from .helpers import make_teacher, music_theory_class

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    student, _card = a_student_with_card(campus, desk)
    return student, desk, timezone.now()


def a_lesson(campus, student, desk, starts, lesson_kind="main"):
    subject = Subject.objects.get_or_create(name="钢琴")[0]
    teacher = make_teacher(campus, "钢琴", user__username=f"t_{lesson_kind}_{starts:%H%M%S%f}")
    package = a_package(student, desk, lesson_kind=lesson_kind)
    return lesson_book(
        student=student, teacher=teacher, subject=subject, starts_at=starts, ends_at=starts + timedelta(hours=1),
        by=desk, package=package, lesson_kind=lesson_kind, send_notice=False,
    )


def a_session(campus, student, desk, starts):
    group = music_theory_class(campus, None)
    session = group_session_add(group=group, starts_at=starts, ends_at=starts + timedelta(hours=2), by=None)
    package = a_package(student, desk, kind="group", course="乐理大课")
    group_member_add(group=group, student=student, by=None, package=package)
    return session, package


def test_nothing_booked_is_none_in_one_query(setting, django_assert_num_queries):
    student, _desk, now = setting
    with django_assert_num_queries(1):
        assert booking_at(student=student, at=now) is None


def test_a_lesson_is_the_one_lesson_at_finds(campus, setting, django_assert_num_queries):
    student, desk, now = setting
    lesson = a_lesson(campus, student, desk, now - timedelta(minutes=10))

    with django_assert_num_queries(1):
        booked = booking_at(student=student, at=now)
        assert isinstance(booked, Lesson)
        assert (booked.pk, booked.starts_at, booked.lesson_kind, booked.checked_in) == (
            lesson.pk, lesson.starts_at, "main", False,
        )
        assert (booked.student_id, booked.package.pk) == (student.pk, lesson.package_id)
    assert booked.pk == lesson_at(student=student, at=now).pk
    # any other field still reads right (loaded when read)
    assert booked.ends_at == lesson.ends_at


def test_a_session_is_the_one_session_at_finds_with_its_class_and_package(campus, setting, django_assert_num_queries):
    student, desk, now = setting
    session, package = a_session(campus, student, desk, now - timedelta(minutes=10))

    with django_assert_num_queries(1):
        booked = booking_at(student=student, at=now)
        assert isinstance(booked, GroupSession)
        assert (booked.pk, booked.group_id, booked.group.name) == (session.pk, session.group_id, session.group.name)
        assert (booked.member_package_id, booked.checked_in) == (package.pk, False)
    found = session_at(student=student, at=now)
    assert (found.pk, found.member_package_id) == (booked.pk, booked.member_package_id)


def test_a_lesson_wins_over_a_session_and_practice_never_finds_a_session(campus, setting):
    student, desk, now = setting
    a_session(campus, student, desk, now - timedelta(minutes=100))  # till 20 minutes from now
    assert isinstance(booking_at(student=student, at=now, lesson_kind="main"), GroupSession)
    assert booking_at(student=student, at=now, lesson_kind="practice") is None

    # the next lesson's window (30 minutes early) meets the session's last minutes
    lesson = a_lesson(campus, student, desk, now + timedelta(minutes=20))
    assert lesson_at(student=student, at=now) == lesson
    assert booking_at(student=student, at=now) == lesson
    assert booking_at(student=student, at=now, lesson_kind="practice") is None
