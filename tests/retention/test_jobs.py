"""Retention's jobs on worked weeks (retention/jobs.py), judged at explicit moments (March
2026: the hand-over on Monday the 2nd): each asks the rule the advisor's day asks, finds
what is due, leaves what is not, and creates nothing on a second run."""

from datetime import date

import pytest

from core.models import Message
from core.roles import Role
from retention.services import save_case_open
from tests.core.job_runs import message_keys, run_twice, todo_keys
from tests.factories import sold_package

from .followup_makers import at, book, log, make_student, make_teacher, sell, use

pytestmark = pytest.mark.django_db

HANDOVER = at("2026-03-02", "15:00")


def test_the_first_call_after_a_hand_over_is_the_advisors_to_do_from_the_next_day(campus, advisor, make_staff):
    student = make_student(campus, advisor, name="张子涵", since=HANDOVER)
    called = make_student(campus, advisor, name="李四", since=HANDOVER)
    log(called, advisor, "first_call", at("2026-03-02", "18:00"))
    assert run_twice("first_calls", at("2026-03-02", "20:00")) == 0
    assert run_twice("first_calls", at("2026-03-03", "09:00")) == 1
    assert todo_keys(assignee=advisor) == {f"first_call:{student.pk}"}


def test_the_24_hour_first_lesson_confirmation(campus, advisor):
    teacher = make_teacher(campus, "钢琴")
    student = make_student(campus, advisor, name="张子涵", since=HANDOVER)
    later = make_student(campus, advisor, name="李四", since=HANDOVER)
    book(student, teacher, at("2026-03-05", "10:00"))
    book(later, teacher, at("2026-03-07", "10:00"))
    assert run_twice("first_lesson_confirm", at("2026-03-04", "11:05")) == 1
    assert todo_keys(assignee=advisor) == {f"pre_first_lesson:{student.pk}"}


def test_a_package_running_low_is_a_renewal_to_do_for_the_advisor(campus, advisor, desk):
    low = make_student(campus, advisor, name="张子涵", since=HANDOVER)
    plenty = make_student(campus, advisor, name="李四", since=HANDOVER)
    use(sell(low, desk, lessons=10), 7, at("2026-03-03", "10:00"))  # 3 of 10 left: 30%
    use(sell(plenty, desk, lessons=10), 6, at("2026-03-03", "10:00"))
    assert run_twice("renewals", at("2026-03-04", "08:20")) == 1
    assert todo_keys(assignee=advisor) == {f"renewal:{low.pk}"}


def test_follow_ups_due_message_the_advisor_and_late_ones_go_to_the_supervisor(campus, advisor, make_staff):
    quiet = make_staff(Role.ADVISOR)
    make_student(campus, advisor, name="张子涵", since=HANDOVER)
    supervisor = campus.staff.get(role=Role.CS_SUPERVISOR)
    on_time = at("2026-03-03", "08:30")
    assert run_twice("follow_ups_due", on_time) == 1
    assert message_keys() == {f"follow_ups_due:{advisor.pk}:2026-03-03"}
    assert todo_keys(assignee=supervisor) == set()
    assert run_twice("follow_ups_due", at("2026-03-05", "08:30")) == 2  # two days late now
    assert todo_keys(assignee=supervisor) == {f"follow_ups_late:{advisor.pk}"}
    assert not Message.objects.filter(key__contains=f":{quiet.pk}:").exists()


def test_save_cases_near_or_past_their_deadline_go_to_the_supervisors(campus, desk, make_staff):
    principal = make_staff(Role.PRINCIPAL)
    supervisor = make_staff(Role.CS_SUPERVISOR)
    near = save_case_open(package=sold_package(campus, desk), by=principal, reason="家长要求退费",
                          at=at("2026-03-02", "10:00"))
    fresh = save_case_open(package=sold_package(campus, desk), by=principal, reason="家长要求退费",
                           at=at("2026-03-09", "10:00"))
    assert near.deadline == date(2026, 3, 12) and fresh.deadline > near.deadline
    assert run_twice("save_cases", at("2026-03-10", "08:40")) == 2
    for person in (principal, supervisor):
        assert todo_keys(assignee=person) == {f"save_case:{near.pk}:near"}
    assert run_twice("save_cases", at("2026-03-13", "08:40")) == 2  # past it: told again
    assert todo_keys(assignee=principal) == {f"save_case:{near.pk}:near", f"save_case:{near.pk}:overdue"}


def test_the_nightly_penalty_audit_is_run_audit_for_that_day(campus, make_staff):
    """The job and `manage.py run_audit --date` are one service: the week of 9–15 March
    without a contact is charged on the night of the 18th, once."""
    from retention.models import Incident

    supervisor = make_staff(Role.CS_SUPERVISOR)
    advisor = make_staff(Role.ADVISOR, supervisor=supervisor)
    make_student(campus, advisor, name="张子涵", since=HANDOVER)
    assert run_twice("penalty_audit", at("2026-03-18", "02:30")) == 1
    incident = Incident.objects.get()
    assert (incident.staff, incident.rule_code, incident.level, str(incident.occurred_on)) == (
        advisor, "weekly_contact", "warning", "2026-03-15"
    )


def test_monday_draws_the_spot_check_sample_of_the_week_just_ended(campus, advisor):
    from retention.models import SpotCheck

    student = make_student(campus, advisor, name="张子涵", since=HANDOVER)
    for day in ("2026-03-09", "2026-03-11", "2026-03-12", "2026-03-13"):
        log(student, advisor, "regular", at(day))
    log(student, advisor, "regular", at("2026-03-16"))  # this week: not drawn yet
    assert run_twice("spot_checks", at("2026-03-16", "07:00")) == 3
    assert set(SpotCheck.objects.values_list("week", flat=True)) == {date(2026, 3, 9)}
