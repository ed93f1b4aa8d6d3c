"""The ladder of each rule (API.md § Staff rules): warning → fine → transfer talk, the last
step repeating, counted per person and rule in order of occurred_on; joint liability on
fines only; a void in the middle of a ladder; rule edits from their date on."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidInput
from core.roles import Role
from retention.models import Incident, RuleCode, StaffRule, StaffStatement
from retention.services import (
    incident_record,
    incident_void,
    rule_in_effect,
    staff_rule_edit,
    staff_statement_sign_off,
)

pytestmark = pytest.mark.django_db


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def ladder(person, code):
    return [
        (i.level, str(i.amount))
        for i in Incident.objects.filter(staff=person, rule_code=code, voided_at__isnull=True, joint_of__isnull=True)
    ]


def test_the_defaults_are_seeded_thirteen_rules():
    codes = set(StaffRule.objects.filter(campus__isnull=True).values_list("code", flat=True))
    assert codes == set(RuleCode.values) and len(codes) == 13
    rule = rule_in_effect(RuleCode.LESSONS_OVERUSED, None, timezone.localdate())
    assert (rule.supervisor_amount, rule.principal_amount) == (Decimal("50.00"), Decimal("50.00"))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (RuleCode.NOT_NOTIFIED, [("warning", "0.00"), ("fine", "50.00"), ("transfer_talk", "0.00"), ("transfer_talk", "0.00")]),
        (RuleCode.SERVICE_CONDUCT, [("warning", "0.00"), ("fine", "100.00"), ("transfer_talk", "0.00"), ("transfer_talk", "0.00")]),
        (RuleCode.WEEKLY_CONTACT, [("warning", "0.00"), ("fine", "10.00"), ("fine", "10.00"), ("fine", "10.00")]),
        (RuleCode.SCHEDULING_REFUND, [("fine", "100.00")] * 4),
        (RuleCode.FALSIFIED_RECORD, [("fine", "100.00"), ("transfer_talk", "0.00"), ("transfer_talk", "0.00"), ("transfer_talk", "0.00")]),
    ],
)
def test_the_ladder_of_a_rule_with_its_last_step_repeating(person, supervisor, code, expected):
    for n in (40, 30, 20, 10):
        incident_record(by=supervisor, staff=person.username, rule=code, occurred_on=days_ago(n), note="")
    assert ladder(person, code) == expected


def test_the_ladder_counts_per_person_and_rule(person, make_staff, supervisor):
    other = make_staff(Role.ADVISOR, supervisor=supervisor)
    incident_record(by=supervisor, staff=person.username, rule="not_notified", occurred_on=days_ago(5))
    [first_other] = incident_record(by=supervisor, staff=other.username, rule="not_notified", occurred_on=days_ago(4))
    [first_rule] = incident_record(by=supervisor, staff=person.username, rule="scheduling_error", occurred_on=days_ago(3))
    assert first_other.level == first_rule.level == "warning"


def test_joint_liability_accompanies_fines_only_with_the_same_rule(person, supervisor):
    [warning] = incident_record(by=supervisor, staff=person.username, rule="weekly_contact", occurred_on=days_ago(9))
    fine, joint = incident_record(by=supervisor, staff=person.username, rule="weekly_contact", occurred_on=days_ago(2))
    assert warning.level == "warning" and not warning.joint.exists()
    assert (fine.level, fine.amount) == ("fine", Decimal("10.00"))
    assert (joint.staff, joint.rule_code, joint.level, joint.amount, joint.joint_of) == (
        supervisor, "weekly_contact", "fine", Decimal("10.00"), fine
    )
    # a joint incident is not a step of the supervisor's own ladder
    [own] = incident_record(by=supervisor, staff=supervisor.username, rule="weekly_contact", occurred_on=days_ago(1))
    assert own.level == "warning"


def test_a_rule_without_joint_liability_has_no_joint_incident(person, supervisor):
    incident_record(by=supervisor, staff=person.username, rule="not_notified", occurred_on=days_ago(9))
    created = incident_record(by=supervisor, staff=person.username, rule="not_notified", occurred_on=days_ago(2))
    assert [i.level for i in created] == ["fine"]


def test_the_order_is_occurred_on_not_entry(person, supervisor):
    incident_record(by=supervisor, staff=person.username, rule="not_notified", occurred_on=days_ago(2))
    # an earlier incident entered later takes the first step; the later one is restated
    [earlier] = incident_record(by=supervisor, staff=person.username, rule="not_notified", occurred_on=days_ago(20))
    assert earlier.level == "warning"
    assert ladder(person, "not_notified") == [("warning", "0.00"), ("fine", "50.00")]


def test_a_void_in_the_middle_of_a_ladder_restates_the_later_ones(person, supervisor, principal):
    made = [
        incident_record(by=supervisor, staff=person.username, rule="weekly_contact", occurred_on=days_ago(n))
        for n in (30, 20, 10)
    ]
    warning, second, third = made[0][0], made[1][0], made[2][0]
    assert ladder(person, "weekly_contact") == [("warning", "0.00"), ("fine", "10.00"), ("fine", "10.00")]
    incident_void(incident=warning, by=principal, reason="家长已确认有沟通")
    # the second becomes the first: a warning, and its joint fine goes
    assert ladder(person, "weekly_contact") == [("warning", "0.00"), ("fine", "10.00")]
    second.refresh_from_db()
    assert second.level == "warning" and not second.joint.filter(voided_at__isnull=True).exists()
    assert second.history.count() >= 2  # the old values stay in its history
    third.refresh_from_db()
    assert third.joint.filter(voided_at__isnull=True).count() == 1
    warning.refresh_from_db()
    assert warning.void_reason == "家长已确认有沟通" and warning.voided_by == principal
    with pytest.raises(Conflict):
        incident_void(incident=warning, by=principal, reason="again")


def test_voiding_a_fine_voids_its_joint_incidents(person, supervisor, principal):
    [fine, joint] = incident_record(by=supervisor, staff=person.username, rule="scheduling_refund", occurred_on=days_ago(3))
    incident_void(incident=fine, by=principal, reason="退费原因更正")
    joint.refresh_from_db()
    assert joint.voided_at is not None


def test_lessons_overused_by_hand_needs_the_amount_and_charges_both_joint(person, supervisor, principal):
    with pytest.raises(InvalidInput) as refused:
        incident_record(by=supervisor, staff=person.username, rule="lessons_overused", occurred_on=days_ago(3))
    assert "amount" in refused.value.fields
    created = incident_record(
        by=supervisor, staff=person.username, rule="lessons_overused", occurred_on=days_ago(3), amount="300.00"
    )
    assert [(i.staff, i.amount) for i in created] == [
        (person, Decimal("300.00")), (supervisor, Decimal("50.00")), (principal, Decimal("50.00"))
    ]


def test_who_may_record_and_void(person, make_staff, supervisor, other_campus):
    for role in (Role.ADVISOR, Role.DEAN, Role.FINANCE, Role.TEACHER):
        with pytest.raises(Forbidden):
            incident_record(by=make_staff(role), staff=person.username, rule="not_notified", occurred_on=days_ago(1))
    [incident] = incident_record(by=supervisor, staff=person.username, rule="not_notified", occurred_on=days_ago(1))
    with pytest.raises(Forbidden):
        incident_void(incident=incident, by=supervisor, reason="x")
    stranger = make_staff(Role.ADVISOR, campus=other_campus)
    with pytest.raises(InvalidInput) as refused:
        incident_record(by=supervisor, staff=stranger.username, rule="not_notified", occurred_on=days_ago(1))
    assert "staff" in refused.value.fields


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"rule": "nonsense"}, "rule"),
        ({"occurred_on": "2026-13-01"}, "occurred_on"),
        ({"occurred_on": "tomorrow"}, "occurred_on"),
        ({"staff": "nobody"}, "staff"),
        ({"staff": None}, "staff"),
    ],
)
def test_bad_input_is_refused_naming_the_field(person, supervisor, fields, bad):
    data = {"staff": person.username, "rule": "not_notified", "occurred_on": str(days_ago(1))} | fields
    with pytest.raises(InvalidInput) as refused:
        incident_record(by=supervisor, **data)
    assert bad in refused.value.fields
    assert not Incident.objects.exists()


def test_a_future_date_is_refused(person, supervisor):
    with pytest.raises(InvalidInput):
        incident_record(by=supervisor, staff=person.username, rule="not_notified", occurred_on=days_ago(-1))


def test_a_rule_edit_applies_from_its_date_and_never_rewrites_the_past(person, supervisor, principal, campus):
    [old] = incident_record(by=supervisor, staff=person.username, rule="service_conduct", occurred_on=days_ago(10))
    staff_rule_edit(
        by=principal, code="service_conduct", campus=campus, effective_from=timezone.localdate(),
        steps=[{"level": "fine", "amount": "200.00"}], supervisor_amount="20.00", principal_amount="0",
    )
    old.refresh_from_db()
    assert (old.level, old.amount) == ("warning", Decimal("0.00"))
    [before] = incident_record(by=supervisor, staff=person.username, rule="service_conduct", occurred_on=days_ago(5))
    assert (before.level, before.amount) == ("fine", Decimal("100.00"))  # the old version, then
    today = incident_record(by=supervisor, staff=person.username, rule="service_conduct", occurred_on=days_ago(0))
    assert [(i.staff, i.amount) for i in today] == [(person, Decimal("200.00")), (supervisor, Decimal("20.00"))]
    # another campus still has the chain's rule
    assert rule_in_effect("service_conduct", None, timezone.localdate()).steps[0]["level"] == "warning"


def test_rule_edits_by_role(principal, supervisor, campus, other_campus, make_staff):
    edit = {"code": "not_notified", "effective_from": timezone.localdate(), "steps": [{"level": "warning"}],
            "supervisor_amount": "0", "principal_amount": "0"}
    with pytest.raises(Forbidden):
        staff_rule_edit(by=supervisor, campus=campus, **edit)
    with pytest.raises(Forbidden):
        staff_rule_edit(by=principal, campus=None, **edit)
    with pytest.raises(Forbidden):
        staff_rule_edit(by=principal, campus=other_campus, **edit)
    hq = make_staff(Role.HQ_ADMIN)
    version = staff_rule_edit(by=hq, campus=None, **edit)
    assert version.campus is None and version.history.count() == 1
    with pytest.raises(InvalidInput) as refused:
        staff_rule_edit(by=hq, campus=None, **(edit | {"effective_from": days_ago(1), "steps": []}))
    assert set(refused.value.fields) == {"effective_from", "steps"}
    # a fine without its amount is the over-used lessons' rule only
    with pytest.raises(InvalidInput) as refused:
        staff_rule_edit(by=hq, campus=None, **(edit | {"steps": [{"level": "fine"}]}))
    assert "steps" in refused.value.fields
    valued = staff_rule_edit(by=hq, campus=None, **(edit | {"code": "lessons_overused", "steps": [{"level": "fine"}]}))
    assert valued.steps == [{"level": "fine", "amount": None}]


def test_the_statement_is_signed_off_once_by_the_principal(person, supervisor, principal):
    incident_record(by=supervisor, staff=person.username, rule="not_notified", occurred_on=days_ago(0))
    incident_record(by=supervisor, staff=person.username, rule="not_notified", occurred_on=days_ago(0))
    with pytest.raises(Forbidden):
        staff_statement_sign_off(staff=person, month=timezone.localdate(), by=supervisor)
    statement = staff_statement_sign_off(staff=person, month=timezone.localdate(), by=principal)
    assert (statement.total, statement.incidents) == (Decimal("50.00"), 2)
    with pytest.raises(Conflict):
        staff_statement_sign_off(staff=person, month=timezone.localdate(), by=principal)
    assert StaffStatement.objects.count() == 1
