"""The CS supervisor's weekly spot-check (抽检): a sample of each advisor's logged
follow-ups; one found false no longer counts as the week's contact, charges
`falsified_record`, and the weekly rule then fires."""

from datetime import date
from decimal import Decimal

import pytest

from core.errors import Conflict, Forbidden, InvalidInput
from core.roles import Role
from retention.models import Incident, SpotCheck
from retention.services import run_audit, spot_check_mark, spot_checks_draw, spot_checks_of

from .followup_makers import at, log, make_student

pytestmark = pytest.mark.django_db

HANDOVER = at("2026-03-02", "15:00")


@pytest.fixture
def advisor(make_staff, supervisor):
    return make_staff(Role.ADVISOR, supervisor=supervisor)


def test_a_sample_of_each_advisors_follow_ups_once_a_week(campus, advisor, make_staff, settings):
    other = make_staff(Role.ADVISOR)
    mine = [make_student(campus, advisor, since=HANDOVER) for _ in range(5)]
    theirs = make_student(campus, other, since=HANDOVER)
    for i, student in enumerate(mine):
        log(student, advisor, "regular", at(f"2026-03-1{i}", "10:00"))
    log(mine[0], advisor, "schedule_notice", at("2026-03-10"))  # never drawn: not a contact
    log(theirs, other, "regular", at("2026-03-11"))
    log(theirs, other, "regular", at("2026-03-20"))  # another week
    assert spot_checks_draw(campus=campus, week=date(2026, 3, 12)) == 3 + 1
    checks = list(spot_checks_of(campus, date(2026, 3, 9)))
    assert sorted(c.advisor_id for c in checks) == sorted([advisor.pk] * 3 + [other.pk])
    assert all(c.week == date(2026, 3, 9) and c.follow_up.kind == "regular" for c in checks)
    assert spot_checks_draw(campus=campus, week=date(2026, 3, 9)) == 0  # drawn already
    settings.SPOT_CHECK_SAMPLE_SIZE = 1
    assert spot_checks_draw(campus=campus, week=date(2026, 3, 16)) == 1


def test_a_false_follow_up_charges_falsified_record_and_the_weekly_rule_fires(campus, advisor, supervisor):
    student = make_student(campus, advisor, since=HANDOVER)
    log(student, advisor, "regular", at("2026-03-11"))
    assert run_audit(day=date(2026, 3, 16)) == 0  # the week 9–15 March had its contact
    spot_checks_draw(campus=campus, week=date(2026, 3, 9))
    [check] = spot_checks_of(campus, date(2026, 3, 9))
    with pytest.raises(InvalidInput):
        spot_check_mark(check=check, result="false", by=supervisor, note="")  # say what the parent said
    spot_check_mark(check=check, result="false", by=supervisor, note="家长说本周没有接到电话")
    [falsified] = Incident.objects.filter(rule_code="falsified_record")
    assert (falsified.staff, falsified.level, falsified.amount, str(falsified.occurred_on)) == (
        advisor, "fine", Decimal("100.00"), "2026-03-11"
    )
    check.refresh_from_db()
    assert check.result == "false" and check.incident == falsified and check.checked_by == supervisor
    # the week is judged again: now nothing counts
    assert run_audit(day=date(2026, 3, 16)) == 1
    assert Incident.objects.filter(rule_code="weekly_contact").get().student == student
    with pytest.raises(Conflict):
        spot_check_mark(check=check, result="confirmed", by=supervisor)


def test_a_confirmed_follow_up_still_counts(campus, advisor, supervisor):
    student = make_student(campus, advisor, since=HANDOVER)
    log(student, advisor, "regular", at("2026-03-11"))
    spot_checks_draw(campus=campus, week=date(2026, 3, 9))
    [check] = spot_checks_of(campus, date(2026, 3, 9))
    spot_check_mark(check=check, result="confirmed", by=supervisor)
    assert run_audit(day=date(2026, 3, 16)) == 0
    assert SpotCheck.objects.get().result == "confirmed"


def test_who_may_mark(campus, advisor, make_staff, other_campus):
    student = make_student(campus, advisor, since=HANDOVER)
    log(student, advisor, "regular", at("2026-03-11"))
    spot_checks_draw(campus=campus, week=date(2026, 3, 9))
    [check] = spot_checks_of(campus, date(2026, 3, 9))
    with pytest.raises(Forbidden):
        spot_check_mark(check=check, result="confirmed", by=advisor)
    with pytest.raises(Forbidden):
        spot_check_mark(check=check, result="confirmed", by=make_staff(Role.CS_SUPERVISOR, campus=other_campus))
    with pytest.raises(InvalidInput):
        spot_check_mark(check=check, result="maybe", by=make_staff(Role.PRINCIPAL))
