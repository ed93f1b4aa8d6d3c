"""Two audits of the same day at once, and two entries by hand of one person's rule at once
(PostgreSQL, threads): each period charged once, and the ladder never takes one step twice."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from retention.models import Incident
from retention.services import incident_record, run_audit
from tests.students.test_postgres import run_together

from .followup_makers import at, make_student


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_audits_at_once_charge_each_period_once(campus, make_staff, supervisor):
    advisor = make_staff(Role.ADVISOR, supervisor=supervisor)
    for _ in range(3):
        make_student(campus, advisor, since=at("2026-03-02"))
    run_together(lambda: run_audit(day=date(2026, 3, 18)), lambda: run_audit(day=date(2026, 3, 19)))
    # three students without a contact in 9–15 March: a warning, then two fines with their joint ones
    assert Incident.objects.filter(rule_code="weekly_contact", joint_of=None).count() == 3
    assert Incident.objects.filter(rule_code="weekly_contact").count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_entries_at_once_take_two_steps_of_the_ladder(person, supervisor, principal):
    day = timezone.localdate() - timedelta(days=1)
    run_together(
        lambda: incident_record(by=supervisor, staff=person.username, rule="not_notified", occurred_on=day),
        lambda: incident_record(by=principal, staff=person.username, rule="not_notified", occurred_on=day),
    )
    assert sorted(Incident.objects.filter(staff=person).values_list("level", flat=True)) == ["fine", "warning"]
