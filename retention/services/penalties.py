"""Staff penalties (辅导中期 §1–8): charging an incident under a rule's ladder, by hand or
by the audit; voiding one; the rules' edits; a person's monthly statement signed off.

The ladder: a person's n-th non-voided incident of a rule, in order of `occurred_on` (then
of entry), takes the rule's n-th step, the last step repeating. A fine brings the joint
incidents of the rule (the person's supervisor, the campus principal) with the same rule
code; a warning or a transfer talk never does.

Restating: an incident voided, or entered with a date before incidents already recorded,
moves every later incident of that person and rule on the ladder. Those are restated in
place — level and amount recomputed under the rule version each was charged under; the
old values stay in the incident's history (django-simple-history) — and their joint
incidents follow: voided (reason 阶梯重算) when the incident is no longer a fine or its
amounts changed, charged anew when it becomes one."""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.errors import Conflict, Forbidden, InvalidInput
from core.models import Campus, Staff
from core.money import MAX_AMOUNT, ZERO, money
from core.roles import Role
from core.text import clean_text

from ..errors import RetentionError
from ..models import Incident, Level, RuleCode, StaffRule, StaffStatement
from ..roles import may

RESTATED = "阶梯重算"
WITH_MAIN = "随主记录作废"
# how far back an incident may be dated by hand
MANUAL_BACK = timedelta(days=366)


def rule_in_effect(code: str, campus: Campus | None, day: date) -> StaffRule | None:
    """The version of rule `code` in effect at `campus` on `day`: the campus's own latest
    version from on or before that day, else the chain's."""
    versions = StaffRule.objects.filter(code=code, effective_from__lte=day).order_by("-effective_from", "-pk")
    own = versions.filter(campus=campus).first() if campus is not None else None
    return own or versions.filter(campus__isnull=True).first()


def rules_in_effect(campus: Campus | None, day: date) -> list[StaffRule]:
    """Every rule as it stands at `campus` on `day`, in the order of RuleCode."""
    found = (rule_in_effect(code, campus, day) for code in RuleCode.values)
    return [rule for rule in found if rule is not None]


def _primary(staff: Staff, code: str) -> QuerySet[Incident]:
    return Incident.objects.filter(staff=staff, rule_code=code, joint_of__isnull=True, voided_at__isnull=True)


def _step_amount(rule: StaffRule, index: int, value: Decimal | None) -> tuple[str, Decimal]:
    step = rule.step(index)
    amount = step.get("amount")
    if amount is None:
        return step["level"], money(value if value is not None else ZERO)
    return step["level"], money(amount)


def supervisor_of(staff: Staff) -> Staff | None:
    """Who is jointly liable as the person's supervisor (主管连带): their own supervisor,
    else the campus's CS supervisor; never the person themself."""
    if staff.supervisor_id and staff.supervisor_id != staff.pk:
        return staff.supervisor
    return (
        Staff.objects.filter(campus_id=staff.campus_id, role=Role.CS_SUPERVISOR, user__is_active=True)
        .exclude(pk=staff.pk)
        .order_by("pk")
        .first()
    )


def principal_of(staff: Staff) -> Staff | None:
    """The campus principal (分校长连带), never the person themself."""
    return (
        Staff.objects.filter(campus_id=staff.campus_id, role=Role.PRINCIPAL, user__is_active=True)
        .exclude(pk=staff.pk)
        .order_by("pk")
        .first()
    )


def _joint_rows(incident: Incident, liable: tuple[Staff | None, Staff | None], by: Staff | None) -> list[Incident]:
    """The joint incidents (unsaved) that accompany a fine: same rule, day, student and
    period, for the person's supervisor and principal (`liable`, as `_liable` finds them)."""
    if incident.level != Level.FINE:
        return []
    rule = incident.rule
    return [
        Incident(
            campus_id=incident.campus_id, staff=person, rule=rule, rule_code=incident.rule_code, level=Level.FINE,
            amount=money(amount), occurred_on=incident.occurred_on, source=incident.source,
            student_id=incident.student_id, subject_id=incident.subject_id, period=incident.period,
            joint_of=incident, note=incident.note, created_by=by,
        )
        for amount, person in ((rule.supervisor_amount, liable[0]), (rule.principal_amount, liable[1]))
        if person is not None and amount > 0
    ]


def _liable(staff: Staff) -> tuple[Staff | None, Staff | None]:
    """Who answers jointly for the person's fines: (supervisor, principal)."""
    return supervisor_of(staff), principal_of(staff)


def _joint_for(incident: Incident, by: Staff | None) -> list[Incident]:
    """The joint incidents of a fine, created."""
    if incident.level != Level.FINE:
        return []
    rows = _joint_rows(incident, _liable(incident.staff), by)
    for row in rows:
        row.save()
    return rows


def _void_joint(incident: Incident, by: Staff | None, reason: str) -> None:
    incident.joint.filter(voided_at__isnull=True).update(voided_at=timezone.now(), voided_by=by, void_reason=reason)


def _restate(staff: Staff, code: str, by: Staff | None) -> list[Incident]:
    """Walk the person's ladder of `code` from the start and restate what moved; returns
    the joint incidents charged anew."""
    created: list[Incident] = []
    for index, incident in enumerate(_primary(staff, code).select_related("rule").order_by("occurred_on", "pk")):
        value = incident.amount if incident.rule.step(index).get("amount") is None else None
        level, amount = _step_amount(incident.rule, index, value)
        if (level, amount) == (incident.level, incident.amount):
            continue
        _void_joint(incident, by, RESTATED)
        incident.level, incident.amount = level, amount
        incident.save(update_fields=["level", "amount"])
        created += _joint_for(incident, by)
    return created


def _lock_person(staff: Staff) -> None:
    # one ladder of a person is moved at a time
    Staff.objects.select_for_update().filter(pk=staff.pk).first()


def _on_ladder(
    *, staff: Staff, rule: StaffRule, index: int, occurred_on: date, source: str, by: Staff | None,
    value: Decimal | None, **fields: Any,
) -> Incident:
    """The person's incident (unsaved) at step `index` of their ladder of `rule`: its level
    and amount from that step (`value`: the amount of a valued rule)."""
    level, amount = _step_amount(rule, index, value)
    return Incident(
        campus_id=staff.campus_id, staff=staff, rule=rule, rule_code=rule.code, level=level, amount=amount,
        occurred_on=occurred_on, source=source, created_by=by, **fields,
    )


def incident_charge(
    *,
    staff: Staff,
    rule: StaffRule,
    occurred_on: date,
    source: str,
    by: Staff | None,
    student_id: int | None = None,
    subject_id: int | None = None,
    period: str = "",
    audit_key: str = "",
    note: str = "",
    value: Decimal | None = None,
) -> list[Incident]:
    """Charge `staff` one incident of `rule` (its step from their ladder) and its joint
    incidents; returns every incident created (the person's first). Call inside a
    transaction that locked the person (`_lock_person`)."""
    incident = _on_ladder(
        staff=staff, rule=rule, index=_primary(staff, rule.code).filter(occurred_on__lte=occurred_on).count(),
        occurred_on=occurred_on, source=source, by=by, value=value, student_id=student_id, subject_id=subject_id,
        period=period, audit_key=audit_key, note=note,
    )
    incident.save()
    created = [incident, *_joint_for(incident, by)]
    if _primary(staff, rule.code).filter(occurred_on__gt=occurred_on).exists():
        created += _restate(staff, rule.code, by)
    return created


@dataclass(frozen=True)
class AuditCharge:
    """What the audit found against a person: a rule broken on a day, keyed by rule, person,
    student, subject and period (`audit_key`) so that it is charged once."""

    staff: Staff
    rule_code: str
    occurred_on: date
    audit_key: str
    student_id: int | None = None
    subject_id: int | None = None
    period: str = ""
    value: Decimal | None = None
    note: str = ""


def audit_charge(*, charges: Sequence[AuditCharge], by: Staff | None) -> int:
    """The audit's charges, in bulk: a charge whose `audit_key` was charged already (voided
    or not) is skipped, as is one whose rule is not in effect at the person's campus on its
    day; the rest become incidents on each person's ladder (as `incident_charge` would
    charge them one by one, in the order given) with their joint incidents. Each person's
    charges are one transaction with the person locked. Returns how many incidents were
    created, joint ones included."""
    charged = _charged_keys([c.audit_key for c in charges])
    by_person: dict[int, list[AuditCharge]] = defaultdict(list)
    for charge in charges:
        if charge.audit_key not in charged:
            by_person[charge.staff.pk].append(charge)
    rules: dict[tuple[str, int, date], StaffRule | None] = {}
    created = 0
    for person_charges in (by_person[pk] for pk in sorted(by_person)):
        created += _charge_person(person_charges, rules, by)
    return created


KEYS_AT_ONCE = 5000  # audit keys asked for in one query


def _charged_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), KEYS_AT_ONCE):
        found.update(
            Incident.objects.filter(audit_key__in=keys[start:start + KEYS_AT_ONCE]).values_list("audit_key", flat=True)
        )
    return found


@transaction.atomic
def _charge_person(charges: list[AuditCharge], rules: dict, by: Staff | None) -> int:
    staff = charges[0].staff
    _lock_person(staff)
    charged = _charged_keys([c.audit_key for c in charges])  # again, now that the person is locked
    by_rule: dict[str, list[tuple[AuditCharge, StaffRule]]] = defaultdict(list)
    for charge in charges:
        key = (charge.rule_code, staff.campus_id, charge.occurred_on)
        if key not in rules:
            rules[key] = rule_in_effect(charge.rule_code, staff.campus, charge.occurred_on)
        if charge.audit_key not in charged and rules[key] is not None:
            by_rule[charge.rule_code].append((charge, rules[key]))
            charged.add(charge.audit_key)
    if not by_rule:
        return 0
    primary: list[Incident] = []
    restate: list[str] = []
    for code, found in by_rule.items():
        found.sort(key=lambda pair: pair[0].occurred_on)
        earlier = sorted(_primary(staff, code).values_list("occurred_on", flat=True))
        for n, (charge, rule) in enumerate(found):
            primary.append(_on_ladder(
                staff=staff, rule=rule, index=bisect_right(earlier, charge.occurred_on) + n,
                occurred_on=charge.occurred_on, source=Incident.Source.AUDIT, by=by, value=charge.value,
                student_id=charge.student_id, subject_id=charge.subject_id, period=charge.period,
                audit_key=charge.audit_key, note=charge.note,
            ))
        if earlier and earlier[-1] > found[0][0].occurred_on:
            restate.append(code)
    user = by.user if by is not None else None
    bulk_create_with_history(primary, Incident, default_user=user)
    liable = _liable(staff) if any(i.level == Level.FINE for i in primary) else (None, None)
    joint = [row for incident in primary for row in _joint_rows(incident, liable, by)]
    if joint:
        bulk_create_with_history(joint, Incident, default_user=user)
    created = len(primary) + len(joint)
    for code in restate:
        created += len(_restate(staff, code, by))
    return created


def check_may(by: Staff, action: str, message: str) -> None:
    if not may(by, action):
        raise Forbidden(message)


def _find_staff(value: Any, by: Staff, errors: dict[str, str]) -> Staff | None:
    if isinstance(value, Staff):
        found = value
    elif isinstance(value, str) and value.strip():
        found = Staff.objects.select_related("campus", "user").filter(user__username=value.strip()).first()
    else:
        errors["staff"] = "请选择员工"
        return None
    if found is None or (not by.sees_all_campuses and found.campus_id != by.campus_id):
        errors["staff"] = "本校区无此员工"
        return None
    if found.role == Role.HQ_ADMIN:
        errors["staff"] = "总部账号不计处罚"
        return None
    return found


def _clean_day(value: Any, errors: dict[str, str]) -> date | None:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            errors["occurred_on"] = "日期格式为 YYYY-MM-DD"
            return None
    if not isinstance(value, date):
        errors["occurred_on"] = "请填写发生日期"
        return None
    today = timezone.localdate()
    if value > today:
        errors["occurred_on"] = "不能晚于今天"
    elif value < today - MANUAL_BACK:
        errors["occurred_on"] = "只能登记一年内的事项"
    return value


def _clean_amount(value: Any, errors: dict[str, str]) -> Decimal | None:
    try:
        amount = money(str(value).strip())
    except (TypeError, ValueError, InvalidOperation):
        errors["amount"] = "请填写金额"
        return None
    if not ZERO < amount < MAX_AMOUNT:
        errors["amount"] = "金额应大于 0"
    return amount


def incident_record(
    *, by: Staff, staff: Any, rule: Any, occurred_on: Any, note: Any = "", amount: Any = None
) -> list[Incident]:
    """A supervisor's or principal's incident by hand (未通知到, 调课未通知, 服务冲突, …):
    level and amount from the rule's ladder and the person's earlier incidents of it. A
    rule whose fine is a value (课时上超) needs the `amount`. Returns the incident and its
    joint ones."""
    check_may(by, "penalty_record", "只有客服主管或校长可以登记处罚")
    errors: dict[str, str] = {}
    person = _find_staff(staff, by, errors)
    code = rule.code if isinstance(rule, StaffRule) else rule
    if code not in RuleCode.values:
        errors["rule"] = "无此规则"
    day = _clean_day(occurred_on, errors)
    text = clean_text(note, "note", errors, max_length=500)
    found = None
    if not errors:
        found = rule_in_effect(code, person.campus, day)
        if found is None:
            errors["rule"] = "该日期尚无此规则"
    value = None
    if found is not None and any(step.get("amount") is None for step in found.steps):
        value = _clean_amount(amount, errors)
    if errors:
        raise InvalidInput("处罚登记有误：" + "；".join(errors.values()), errors)
    with transaction.atomic():
        _lock_person(person)
        return incident_charge(
            staff=person, rule=found, occurred_on=day, source=Incident.Source.MANUAL, by=by, note=text, value=value
        )


def incident_void(*, incident: Incident, by: Staff, reason: Any) -> Incident:
    """A principal voids an incident, with a reason; it stays on record. Its joint
    incidents go with it, and the person's later incidents of the rule are restated."""
    check_may(by, "penalty_void", "只有校长可以作废处罚")
    errors: dict[str, str] = {}
    text = clean_text(reason, "reason", errors, max_length=200, required=True)
    if errors:
        raise InvalidInput("请填写作废原因", errors)
    with transaction.atomic():
        _lock_person(incident.staff)
        incident = Incident.objects.select_for_update().select_related("staff").get(pk=incident.pk)
        if incident.voided_at is not None:
            raise Conflict(RetentionError.INCIDENT_VOID, "该处罚已作废")
        incident.voided_at, incident.voided_by, incident.void_reason = timezone.now(), by, text
        incident.save(update_fields=["voided_at", "voided_by", "void_reason"])
        if incident.joint_of_id is None:
            _void_joint(incident, by, WITH_MAIN)
            _restate(incident.staff, incident.rule_code, by)
    return incident


# --- the rules ---------------------------------------------------------------------------


# the one rule whose fine is the value the audit finds (课时上超), not a fixed amount
VALUE_FINED = frozenset({RuleCode.LESSONS_OVERUSED})


def _clean_steps(value: Any, errors: dict[str, str], *, valued: bool) -> list[dict]:
    if not isinstance(value, list) or not value or len(value) > 10:
        errors["steps"] = "处罚阶梯至少一步，至多十步"
        return []
    steps = []
    for step in value:
        level = step.get("level") if isinstance(step, dict) else None
        if level not in Level.values:
            errors["steps"] = "每一步应为 警告、罚款 或 谈话转岗"
            return []
        amount = step.get("amount")
        if level != Level.FINE:
            amount = "0.00"
        elif amount is None and not valued:
            errors["steps"] = "罚款须写金额"
            return []
        elif amount is not None:
            try:
                amount = money(str(amount).strip())
            except (ValueError, InvalidOperation):
                errors["steps"] = "罚款金额格式不正确"
                return []
            if not ZERO < amount < MAX_AMOUNT:
                errors["steps"] = "罚款金额应大于 0"
                return []
            amount = str(amount)
        steps.append({"level": level, "amount": amount})
    return steps


def _clean_joint(value: Any, field: str, errors: dict[str, str]) -> Decimal:
    try:
        amount = money(str(value if value not in (None, "") else "0").strip())
    except (ValueError, InvalidOperation):
        errors[field] = "金额格式不正确"
        return ZERO
    if not ZERO <= amount < MAX_AMOUNT:
        errors[field] = "金额不能为负"
    return amount


def staff_rule_edit(
    *,
    by: Staff,
    code: str,
    campus: Campus | None,
    effective_from: Any,
    steps: Any,
    supervisor_amount: Any,
    principal_amount: Any,
    name: Any = None,
    note: Any = "",
) -> StaffRule:
    """A new version of rule `code` from `effective_from` on (today or later), for
    `campus` (a principal: their own campus only) or the chain (`campus` None: hq_admin).
    Incidents already charged keep the version they were charged under."""
    check_may(by, "staff_rule_edit", "只有校长或总部可以修改规则")
    if campus is None and by.role != Role.HQ_ADMIN:
        raise Forbidden("全校通用规则只有总部可以修改")
    if campus is not None and not by.sees_all_campuses and campus.pk != by.campus_id:
        raise Forbidden("只能修改本校区的规则")
    errors: dict[str, str] = {}
    if code not in RuleCode.values:
        errors["code"] = "无此规则"
    if isinstance(effective_from, str):
        try:
            effective_from = date.fromisoformat(effective_from.strip())
        except ValueError:
            errors["effective_from"] = "日期格式为 YYYY-MM-DD"
    today = timezone.localdate()
    if "effective_from" not in errors:
        if not isinstance(effective_from, date):
            errors["effective_from"] = "请填写生效日期"
        elif not today <= effective_from <= today + timedelta(days=366):
            errors["effective_from"] = "生效日期应在今天起一年内（不改写已发生的处罚）"
    cleaned = _clean_steps(steps, errors, valued=code in VALUE_FINED)
    supervisor = _clean_joint(supervisor_amount, "supervisor_amount", errors)
    principal = _clean_joint(principal_amount, "principal_amount", errors)
    text = clean_text(note, "note", errors, max_length=200)
    title = clean_text(name, "name", errors, max_length=100) if name else ""
    if errors:
        raise InvalidInput("规则修改有误：" + "；".join(errors.values()), errors)
    with transaction.atomic():
        current = rule_in_effect(code, campus, effective_from)
        version, _created = StaffRule.objects.select_for_update().update_or_create(
            campus=campus, code=code, effective_from=effective_from,
            defaults={
                "name": title or (current.name if current else RuleCode(code).label),
                "steps": cleaned, "supervisor_amount": supervisor, "principal_amount": principal,
                "note": text, "changed_by": by,
            },
        )
    return version


# --- the monthly statement ----------------------------------------------------------------


def month_incidents(staff: Staff, month: date) -> QuerySet[Incident]:
    """A person's incidents of `month` (voided ones included), in ladder order."""
    start = month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return (
        Incident.objects.filter(staff=staff, occurred_on__gte=start, occurred_on__lt=end)
        .select_related("rule", "student", "subject", "joint_of__staff__user", "voided_by__user")
        .order_by("occurred_on", "pk")
    )


def month_total(incidents: QuerySet[Incident]) -> Decimal:
    return money(incidents.filter(voided_at__isnull=True).aggregate(total=Sum("amount"))["total"] or ZERO)


def staff_statement_sign_off(*, staff: Staff, month: date, by: Staff) -> StaffStatement:
    """The principal signs a person's statement of a month that has ended: the total and
    the number of incidents at that moment, once."""
    check_may(by, "statement_sign_off", "只有校长可以确认月度处罚")
    if not by.sees_all_campuses and staff.campus_id != by.campus_id:
        raise Forbidden("只能确认本校区员工")
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise InvalidInput("不能确认将来的月份", {"month": "不能是将来的月份"})
    with transaction.atomic():
        _lock_person(staff)
        if StaffStatement.objects.filter(staff=staff, month=month).exists():
            raise Conflict(RetentionError.STATEMENT_SIGNED, "该月已确认")
        incidents = month_incidents(staff, month)
        return StaffStatement.objects.create(
            campus_id=staff.campus_id, staff=staff, month=month, total=month_total(incidents),
            incidents=incidents.filter(voided_at__isnull=True).count(), signed_by=by, signed_at=timezone.now(),
        )
