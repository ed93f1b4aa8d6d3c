"""/api/v1 endpoints of the follow-up log (API.md § Follow-ups). Thin: parse, check the
role and the campus, call a service or a selector.

Roles (retention/roles.py, the table the pages read too): logging a contact (`log`; an
advisor for their own students only), reading a student's log (`read`: any staff member of
the campus), the list of families due a contact (`day`: an advisor sees their own students,
cs_supervisor and principal the campus, hq_admin every campus)."""

from datetime import datetime
from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from core.apikit import ERRORS, TEXT, fields_of, paginate, require_allowed, scope, username_of
from students.selectors import scoped_student_or_404

from .. import selectors, services
from ..models import FollowUp
from ..roles import ROLES

router = Router(tags=["follow-ups"])


class FollowUpIn(Schema):
    contact: TEXT = None
    channel: TEXT = None
    kind: TEXT = None
    summary: TEXT = None
    satisfaction: int | None = None
    contacted_at: datetime | None = None


class FollowUpOut(Schema):
    id: int
    campus: str
    student_id: int
    student: str
    by: str
    by_name: str
    contact: str
    channel: str
    kind: str
    summary: str
    satisfaction: int | None
    contacted_at: datetime
    created_at: datetime


class FollowUpList(Schema):
    items: list[FollowUpOut]
    count: int


class DueOut(Schema):
    id: int
    name: str
    advisor: str | None
    last_contact_at: datetime | None


class DueList(Schema):
    items: list[DueOut]
    count: int


def follow_up_out(f: FollowUp) -> dict[str, Any]:
    return fields_of(
        FollowUpOut, f, campus=f.campus.code, student=f.student.name, by=f.by.username, by_name=f.by.display_name
    )


def _follow_ups():
    return FollowUp.objects.select_related("campus", "student", "by__user")


@router.post("/students/{student_id}/follow-ups", response={201: FollowUpOut, **ERRORS})
def log_follow_up(request: HttpRequest, student_id: int, payload: FollowUpIn):
    by = require_allowed(request, ROLES["log"])
    student = scoped_student_or_404(request, student_id)
    follow_up = services.follow_up_log(student=student, by=by, **payload.model_dump())
    return Status(201, follow_up_out(_follow_ups().get(pk=follow_up.pk)))


@router.get("/students/{student_id}/follow-ups", response={200: FollowUpList, **ERRORS})
def list_follow_ups(request: HttpRequest, student_id: int, limit: int | None = None, offset: int | None = None):
    require_allowed(request, ROLES["read"])
    student = scoped_student_or_404(request, student_id)
    return paginate(selectors.follow_ups_of(student).select_related("campus", "student"), limit, offset, out=follow_up_out)


@router.get("/follow-ups/due", response={200: DueList, **ERRORS})
def follow_ups_due(request: HttpRequest, limit: int | None = None, offset: int | None = None):
    """Students with no contact other than a schedule notice in the last 7 days (today and
    the six days before), a student never contacted included; oldest contact first."""
    staff = require_allowed(request, ROLES["day"])
    students = scope(request, selectors.students_followed_by(staff))
    due = (
        selectors.students_without_contact(students, timezone.now())
        .select_related("advisor__user")
        .order_by(F("last_contact_at").asc(nulls_first=True), "name", "pk")
    )
    return paginate(due, limit, offset, out=lambda s: fields_of(DueOut, s, advisor=username_of(s.advisor)))
