"""Each rule's condition is stated once (scheduling/rules.py) and every caller asks it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.roles import Role
from core.services import subject_get_or_create
from scheduling.rules import NOTICE, is_late_notice, notice_deadline
from scheduling.services import lesson_book, lesson_cancel, lesson_leave, lesson_reschedule
from tests.factories import StudentFactory

from .helpers import at, make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(campus, make_staff):
    return lesson_book(
        student=StudentFactory(campus=campus), teacher=make_teacher(campus, "钢琴"),
        subject=subject_get_or_create(name="钢琴"), starts_at=at("2026-12-10", "10:00"),
        ends_at=at("2026-12-10", "11:00"), by=make_staff(Role.FRONT_DESK),
    )


def test_a_day_before_the_start_is_on_time_a_moment_later_is_late(lesson):
    assert notice_deadline(lesson) == lesson.starts_at - NOTICE == at("2026-12-09", "10:00")
    assert not is_late_notice(lesson, at("2026-12-09", "10:00"))
    assert is_late_notice(lesson, at("2026-12-09", "10:00") + timedelta(seconds=1))


@pytest.mark.parametrize("change", ["leave", "reschedule", "cancel"])
@pytest.mark.parametrize(("when", "late"), [(at("2026-12-09", "10:00"), False), (at("2026-12-09", "10:01"), True)])
def test_every_change_marks_late_notice_by_the_same_rule(lesson, make_staff, change, when, late):
    by = make_staff(Role.FRONT_DESK)
    if change == "leave":
        done = lesson_leave(lesson=lesson, reason="生病", by=by, now=when)
    elif change == "reschedule":
        done = lesson_reschedule(
            lesson=lesson, starts_at=at("2026-12-11", "10:00"), ends_at=at("2026-12-11", "11:00"), by=by, now=when
        )
    else:
        done = lesson_cancel(lesson=lesson, reason="教员请假", by=by, now=when)
    assert done.changes.get().late_notice is late
    if change != "cancel":  # a cancelled lesson is not held: only its change record keeps the notice
        assert done.late_notice is late


def test_the_leave_page_warns_by_the_same_rule(lesson, make_staff):
    client = Client()
    client.force_login(make_staff(Role.FRONT_DESK).user)
    page = client.get(f"/schedule/lessons/{lesson.pk}/leave/")
    assert page.status_code == 200 and page.context["notice_line"] == notice_deadline(lesson)
    assert page.context["late"] is is_late_notice(lesson, timezone.now())
