"""`generate_chain`: a small chain, written by COPY, is right by construction — the ledger
agrees with every package, the timetable double-books nobody, and the pages read it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from billing.models import LedgerEntry, LessonPackage, Payment
from billing.selectors import ledger_mismatches
from billing.services import packages_expire_due
from cardreader.models import Card
from cardreader.services import swipe_record
from core.models import Campus, Staff
from core.roles import Role
from retention.models import FollowUp, Incident
from retention.selectors import month_overview
from retention.services import judged_month, run_audit
from scheduling.models import Attendance, Lesson
from students.models import Guardian, Student

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_a_small_chain_is_whole_and_its_ledger_agrees():
    out = StringIO()
    call_command("generate_chain", "--campuses", "2", "--students", "100", stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("chain ready: 2 campuses, 100 students")

    assert Campus.objects.filter(code__startswith="chain").count() == 2
    assert Student.objects.count() == 100
    assert Guardian.objects.filter(is_primary=True).count() == 100
    assert Card.objects.filter(status=Card.Status.ACTIVE).count() == 100
    assert LessonPackage.objects.count() == 200
    assert ledger_mismatches()[1] == []
    # one attendance for each lesson used in the last four weeks, each on its ledger entry
    recent = Attendance.objects.select_related("ledger_entry", "lesson")
    assert recent.count() == 400
    assert all(a.ledger_entry.kind == LedgerEntry.Kind.USED and a.lesson.package_id == a.package_id for a in recent)
    # nobody is in two places at once
    assert not Lesson.objects.values("teacher", "starts_at").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not Lesson.objects.values("student", "starts_at").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert FollowUp.objects.count() == 900  # the call after the first lesson, then eight weekly ones
    assert Payment.objects.count() == 300  # two packages and a card deposit each
    # the ids' sequences moved past the rows: the services still write
    student = Student.objects.order_by("pk").first()  # the first of its campus: its package did not lapse
    desk = Staff.objects.filter(campus=student.campus, role=Role.FRONT_DESK).first()
    card = Card.objects.get(student=student)
    answer = swipe_record(campus=student.campus, swipe_id="chain-1", card=card.card_number, by=desk)
    assert answer.body["result"] == "checked_in", answer.body
    assert ledger_mismatches()[1] == []


@pytest.mark.postgres
def test_a_chains_night_finds_the_few_months_not_recorded_and_packages_lapsed():
    call_command("generate_chain", "--campuses", "1", "--students", "200", stdout=StringIO())
    month = judged_month(timezone.localdate())
    rows = month_overview(Student.objects.all(), month.first)
    missing = sum(len(row.assessments_missing) + (1 if row.plan_missing else 0) for row in rows)
    assert rows and missing < len(rows) * 2 // 10
    run_audit()
    monthly = Incident.objects.filter(rule_code__in=["monthly_assessment", "monthly_plan"], joint_of=None)
    assert monthly.count() == missing
    # every hundredth student's package lapsed with lessons left: the night writes them off
    assert packages_expire_due() == 2
    assert packages_expire_due() == 0


def test_generate_chain_needs_postgresql_or_says_why(settings):
    from django.db import connection

    if connection.vendor == "postgresql":
        with pytest.raises(CommandError, match="--campuses"):
            call_command("generate_chain", "--campuses", "0", stdout=StringIO())
    else:
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("generate_chain", stdout=StringIO())
