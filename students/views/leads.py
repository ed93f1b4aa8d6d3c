"""Pages of leads (意向客户登记表): the board by status with the registration form, a lead's
page with its trial lessons and assessments, and 报名 (the lead becomes a student)."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.decorators import staff_required
from core.errors import DomainError, InvalidInput
from core.models import Staff
from core.roles import Role
from core.scoping import get_scoped_or_404, scope

from .. import selectors, services
from ..forms import form_datetime, lead_form_data, posted_id, student_form_context
from ..models import Lead, Student, TrialLesson
from ..roles import ROLES
from . import opens_files
from .assessments import assessment_form_submit
from .students import new_file_posted

# --- leads ------------------------------------------------------------------------------


@staff_required(*ROLES["leads"])
def lead_board(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        try:
            lead = services.lead_create(
                campus=request.campus, by=request.staff, data=lead_form_data(request, scope(request, Student.objects.all()))
            )
            messages.success(request, f"已登记意向客户 {lead.name}")
            return redirect("students:leads")
        except DomainError as exc:
            errors, values = exc.fields, request.POST
            messages.error(request, exc.message)
    board = selectors.leads_by_status(scope(request, Lead.objects.all()))
    columns = [(value, label, board[value]) for value, label in Lead.Status.choices]
    return render(
        request,
        "students/leads.html",
        {"columns": columns, "errors": errors, "values": values, "sources": Lead.Source.choices},
        status=422 if errors else 200,
    )


@staff_required(*ROLES["leads"])
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_scoped_or_404(request, Lead.objects.select_related("referred_by", "student"), pk)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "update":
                changes = {n: request.POST.get(n, "") for n in ("status", "needs", "next_step", "course")}
                services.lead_update(lead=lead, by=request.staff, changes=changes)
            elif action == "trial":
                teacher = Staff.objects.filter(
                    pk=posted_id(request, "teacher"), campus=lead.campus, role=Role.TEACHER
                ).first()
                if teacher is None:
                    raise InvalidInput("请选择本校区的教员", {"teacher": "请选择教员"})
                minutes = request.POST.get("minutes", "")
                services.trial_book(
                    lead=lead,
                    by=request.staff,
                    teacher=teacher,
                    subject=request.POST.get("subject", ""),
                    starts_at=form_datetime(request.POST.get("starts_at", "")),
                    minutes=int(minutes) if minutes.isdigit() else None,
                )
            elif action == "trial_outcome":
                trial = TrialLesson.objects.filter(lead=lead, pk=posted_id(request, "trial")).first()
                if trial is None:
                    raise Http404
                services.trial_record_outcome(
                    trial=trial, by=request.staff, status=request.POST.get("status", ""),
                    feedback=request.POST.get("feedback", ""),
                )
            elif action in ("assessment", "analysis"):
                assessment_form_submit(request, assessments=lead.assessments.all(), lead=lead)
            messages.success(request, "已保存")
            return redirect("students:lead", pk=lead.pk)
        except DomainError as exc:
            errors = exc.fields
            status = exc.status  # 409 for a trial over the teacher's timetable, as the API answers
            messages.error(request, exc.message)
    return render(
        request,
        "students/lead.html",
        {
            "lead": lead,
            "errors": errors,
            "statuses": [c for c in Lead.Status.choices if c[0] != Lead.Status.CONVERTED],
            "teachers": Staff.objects.filter(campus=lead.campus, role=Role.TEACHER).select_related("user"),
            "trials": lead.trials.select_related("teacher__user"),
            "trial_outcomes": [c for c in TrialLesson.Status.choices if c[0] != TrialLesson.Status.BOOKED],
            "assessments": lead.assessments.all(),
            "entries": lead.reception_entries.all(),
        },
        status=status,
    )


@opens_files
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_scoped_or_404(request, Lead.objects.all(), pk)
    if lead.student_id:
        return redirect("students:detail", pk=lead.student_id)
    if request.method != "POST":
        rows = [{"name": lead.contact_name, "relation": "", "phone": lead.phone, "is_primary": True}]
        context = student_form_context(request, {"name": lead.name}, rows, "", {})
        context["lead"] = lead
        return render(request, "students/new.html", context)
    return new_file_posted(
        request, partial(services.lead_convert, lead=lead, by=request.staff), "{name} 已报名，学员档案已建立", lead=lead
    )
