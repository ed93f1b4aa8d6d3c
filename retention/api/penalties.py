"""/api/v1 endpoints of staff penalties (API.md § Staff rules and KPIs). Thin: parse, check
the role and the campus, call a service.

Who reads (retention/roles.py): everyone their own incidents (`penalties`); the CS
supervisor and the principal the campus's (`penalties_campus`), hq_admin every campus.
Recording by hand: cs_supervisor, principal (`penalty_record`); voiding: the principal."""

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from core.apikit import ERRORS, TEXT, fields_of, paginate, require_allowed, scope
from core.apikit import get_scoped_or_404 as get_scoped
from core.errors import Forbidden, InvalidInput, NotFound
from core.models import Staff

from .. import services
from ..models import Incident, StaffRule
from ..roles import ROLES, may

router = Router(tags=["penalties"])


class IncidentIn(Schema):
    staff: TEXT = None
    rule: TEXT = None
    occurred_on: TEXT = None
    note: TEXT = None
    amount: TEXT = None


class VoidIn(Schema):
    reason: TEXT = None


class IncidentOut(Schema):
    id: int
    staff: str
    staff_name: str
    rule: str
    rule_name: str
    level: str
    amount: str
    occurred_on: date
    source: str
    student_id: int | None
    student: str | None
    subject: str | None
    period: str
    joint_of: int | None
    note: str
    voided: bool
    voided_at: datetime | None
    void_reason: str
    created_at: datetime


class IncidentCreated(IncidentOut):
    joint: list[IncidentOut]


class IncidentList(Schema):
    items: list[IncidentOut]
    count: int


class RuleOut(Schema):
    code: str
    name: str
    campus: str | None
    steps: list[dict[str, Any]]
    supervisor_amount: str
    principal_amount: str
    effective_from: date


def incident_out(i: Incident) -> dict[str, Any]:
    return fields_of(
        IncidentOut,
        i,
        staff=i.staff.username,
        staff_name=i.staff.display_name,
        rule=i.rule_code,
        rule_name=i.rule.name,
        amount=f"{i.amount:.2f}",
        student=i.student.name if i.student_id else None,
        subject=i.subject.name if i.subject_id else None,
        joint_of=i.joint_of_id,
        voided=i.voided_at is not None,
    )


def rule_out(rule: StaffRule) -> dict[str, Any]:
    return fields_of(
        RuleOut,
        rule,
        campus=rule.campus.code if rule.campus_id else None,
        supervisor_amount=f"{rule.supervisor_amount:.2f}",
        principal_amount=f"{rule.principal_amount:.2f}",
    )


def incidents() -> QuerySet[Incident]:
    return Incident.objects.select_related("staff__user", "rule", "student", "subject")


def month_range(value: str) -> tuple[date, date]:
    try:
        first = datetime.strptime(value.strip(), "%Y-%m").date()
    except ValueError:
        raise InvalidInput("月份格式为 YYYY-MM", {"month": "月份格式为 YYYY-MM"})
    if not 2000 <= first.year <= 9000:
        raise InvalidInput("月份不合理", {"month": "月份不合理"})
    return first, (first + timedelta(days=32)).replace(day=1)


@router.get("/penalties", response={200: IncidentList, **ERRORS})
def list_penalties(
    request: HttpRequest,
    staff: str | None = None,
    month: str | None = None,
    include_voided: bool = False,
    limit: int | None = None,
    offset: int | None = None,
):
    """Incidents by person and month, in ladder order (occurred_on). Voided ones only with
    `include_voided=true`."""
    caller = require_allowed(request, ROLES["penalties"])
    found = scope(request, incidents())
    if staff:
        person = Staff.objects.filter(user__username=staff.strip()).first()
        if person is None:
            raise InvalidInput("无此员工", {"staff": "无此员工"})
        if not caller.sees_all_campuses and person.campus_id != caller.campus_id:
            raise NotFound()
        if person != caller and not may(caller, "penalties_campus"):
            raise Forbidden("只能查看本人的处罚记录")
        found = found.filter(staff=person)
    elif not may(caller, "penalties_campus"):
        found = found.filter(staff=caller)
    if month:
        first, following = month_range(month)
        found = found.filter(occurred_on__gte=first, occurred_on__lt=following)
    if not include_voided:
        found = found.filter(voided_at__isnull=True)
    return paginate(found.order_by("occurred_on", "pk"), limit, offset, out=incident_out)


@router.post("/penalties", response={201: IncidentCreated, **ERRORS})
def record_penalty(request: HttpRequest, payload: IncidentIn):
    """An incident by hand; the level and amount follow from the rule's ladder and the
    person's earlier incidents. The joint incidents of a fine come back in `joint`."""
    by = require_allowed(request, ROLES["penalty_record"])
    created = services.incident_record(by=by, **payload.model_dump())
    main, *joint = (incidents().get(pk=i.pk) for i in created)
    return Status(201, incident_out(main) | {"joint": [incident_out(i) for i in joint]})


@router.get("/penalties/{incident_id}", response={200: IncidentOut, **ERRORS})
def get_penalty(request: HttpRequest, incident_id: int):
    caller = require_allowed(request, ROLES["penalties"])
    incident = get_scoped(request, incidents(), incident_id)
    if incident.staff_id != caller.pk and not may(caller, "penalties_campus"):
        raise Forbidden("只能查看本人的处罚记录")
    return incident_out(incident)


@router.post("/penalties/{incident_id}/void", response={200: IncidentOut, **ERRORS})
def void_penalty(request: HttpRequest, incident_id: int, payload: VoidIn):
    """The principal voids an incident with a reason; later ones of the ladder are restated."""
    by = require_allowed(request, ROLES["penalty_void"])
    incident = get_scoped(request, incidents(), incident_id)
    services.incident_void(incident=incident, by=by, reason=payload.reason)
    return incident_out(incidents().get(pk=incident.pk))


@router.get("/staff-rules", response={200: list[RuleOut], **ERRORS})
def list_staff_rules(request: HttpRequest, on: date | None = None):
    """The rules as they stand at the caller's campus on `on` (default today)."""
    caller = require_allowed(request, ROLES["penalties"])
    return [rule_out(r) for r in services.rules_in_effect(caller.campus, on or timezone.localdate())]
