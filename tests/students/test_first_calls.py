"""The first call to the parent after a hand-over: its due date rule, ticking it by hand or
when another app logs the call (`student_first_call_made`). The call on the advisor's
to-do list is retention's: tests/retention/test_contributions.py."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.dashboard import todos_for
from core.errors import InvalidInput
from core.roles import Role
from students import services
from students.models import AdvisorAssignment

from .helpers import make_student

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def handed_over(campus, make_staff):
    advisor = make_staff(Role.ADVISOR)
    student = make_student(campus, make_staff(), name="王小明")
    assignment = services.student_assign_advisor(student=student, advisor=advisor, by=make_staff(Role.CS_SUPERVISOR))
    return advisor, student, assignment


def test_the_first_call_is_due_the_local_day_after_the_hand_over():
    late_evening = datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI)
    assert services.first_call_due(late_evening).isoformat() == "2026-03-02"
    # 16:30 UTC on 1 March is already 2 March in Shanghai
    assert services.first_call_due(datetime(2026, 3, 1, 16, 30, tzinfo=ZoneInfo("UTC"))).isoformat() == "2026-03-03"


def test_a_call_logged_after_the_hand_over_ticks_it_off_with_who_and_when(handed_over):
    advisor, student, assignment = handed_over
    at = timezone.now()
    ticked = services.student_first_call_made(student=student, at=at, by=advisor)
    assert ticked == assignment
    assignment.refresh_from_db()
    assert assignment.first_call_done_at == at and assignment.first_call_done_by == advisor
    assert todos_for(advisor) == []


def test_a_call_from_before_the_hand_over_or_a_second_one_changes_nothing(handed_over):
    advisor, student, assignment = handed_over
    before = assignment.assigned_at - timedelta(minutes=1)
    assert services.student_first_call_made(student=student, at=before, by=advisor) is None
    assert AdvisorAssignment.objects.get().first_call_done_at is None
    first = timezone.now()
    services.student_first_call_made(student=student, at=first, by=advisor)
    assert services.student_first_call_made(student=student, at=timezone.now(), by=advisor) is None
    assert AdvisorAssignment.objects.get().first_call_done_at == first


def test_a_call_in_the_future_or_without_a_time_zone_is_refused(handed_over):
    advisor, student, _assignment = handed_over
    for at in (timezone.now() + timedelta(hours=1), datetime(2026, 1, 1, 9, 0)):
        with pytest.raises(InvalidInput) as refused:
            services.student_first_call_made(student=student, at=at, by=advisor)
        assert "at" in refused.value.fields
    assert AdvisorAssignment.objects.get().first_call_done_at is None


def test_a_student_without_an_open_hand_over_has_nothing_to_tick(campus, make_staff):
    student = make_student(campus, make_staff())
    assert services.student_first_call_made(student=student, at=timezone.now(), by=make_staff()) is None


def test_the_ticked_off_call_by_hand_records_who(handed_over):
    advisor, _student, assignment = handed_over
    services.assignment_first_call_done(assignment=assignment, by=advisor)
    assignment.refresh_from_db()
    assert assignment.first_call_done_by == advisor and assignment.first_call_done_at is not None
