"""The staff-rule pages (Chinese): a person's incidents by month with the supervisors' entry
by hand and the principal's void; the monthly statement (PDF, Excel) and its sign-off; the
rules and their edit; the CS supervisor's weekly spot-check. Thin: parse a form, call a
service, show its refusal beside the field."""

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import xlsx
from core.decorators import staff_required
from core.errors import DomainError
from core.forms import DomainErrorForm
from core.models import Campus, Staff
from core.roles import Role
from core.scoping import get_scoped_or_404, scope

from .. import services
from ..models import Incident, Level, RuleCode, SpotCheck, StaffRule, StaffStatement
from ..pdf import pdf_response, staff_statement_pdf
from ..roles import ROLES, may
from ..services.penalties import month_incidents, month_total
from .forms_records import DATE


class IncidentForm(DomainErrorForm):
    staff = forms.ModelChoiceField(label=gettext_lazy("员工"), queryset=Staff.objects.none())
    rule = forms.ChoiceField(label=gettext_lazy("规则"), choices=RuleCode.choices)
    occurred_on = forms.DateField(label=gettext_lazy("发生日期"), widget=DATE)
    amount = forms.DecimalField(
        label=gettext_lazy("金额（仅课时上超：超出课时的费用）"), required=False, max_digits=12, decimal_places=2
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=500, required=False)

    def __init__(self, *args, campus: Campus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = (
            Staff.objects.filter(campus=campus, user__is_active=True).exclude(role=Role.HQ_ADMIN).select_related("user")
        )
        self.fields["staff"].label_from_instance = lambda s: f"{s.display_name}（{s.get_role_display()}）"


class RuleForm(DomainErrorForm):
    effective_from = forms.DateField(label=gettext_lazy("生效日期"), widget=DATE)
    steps = forms.CharField(
        label=gettext_lazy("处罚阶梯（每行一步：警告 / 罚款 金额 / 谈话转岗；课时上超的罚款不写金额）"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    supervisor_amount = forms.DecimalField(label=gettext_lazy("主管连带（元）"), max_digits=12, decimal_places=2)
    principal_amount = forms.DecimalField(label=gettext_lazy("校长连带（元）"), max_digits=12, decimal_places=2)
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)


LEVEL_WORDS = {"警告": Level.WARNING, "罚款": Level.FINE, "谈话转岗": Level.TRANSFER_TALK,
               "warning": Level.WARNING, "fine": Level.FINE, "transfer_talk": Level.TRANSFER_TALK}


def steps_text(steps: list[dict]) -> str:
    words = {Level.WARNING: "警告", Level.FINE: "罚款", Level.TRANSFER_TALK: "谈话转岗"}
    return "\n".join(
        f"{words[s['level']]} {s['amount']}" if s["level"] == Level.FINE and s.get("amount") else words[s["level"]]
        for s in steps
    )


def parse_steps(text: str) -> list[dict]:
    steps = []
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        level = LEVEL_WORDS.get(parts[0], parts[0])
        steps.append({"level": level, "amount": parts[1] if len(parts) > 1 else None})
    return steps


def _month(request: HttpRequest) -> date:
    try:
        return datetime.strptime(request.GET.get("month", "")[:7], "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def _person(request: HttpRequest) -> Staff:
    """Whose incidents: the caller's own, or for the supervisors anyone of the campus."""
    wanted = request.GET.get("staff", "")
    if not wanted or not wanted.isdigit() or int(wanted) == request.staff.pk:
        return request.staff
    if not may(request.staff, "penalties_campus"):
        raise PermissionDenied(_("只能查看本人的处罚记录"))
    return get_scoped_or_404(request, Staff.objects.select_related("user", "campus"), wanted)


def _month_links(month: date) -> dict[str, str]:
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return {"previous": f"{previous:%Y-%m}", "following": f"{following:%Y-%m}", "month": f"{month:%Y-%m}"}


@staff_required(*ROLES["penalties"])
def penalty_list(request: HttpRequest) -> HttpResponse:
    """处罚记录: one person's incidents of a month (voided ones struck through), the campus's
    people with their totals for the supervisors, the entry form and the voids."""
    month, person = _month(request), _person(request)
    campus_wide = may(request.staff, "penalties_campus")
    form = IncidentForm(
        request.POST or None, campus=person.campus,
        initial={"staff": person.pk, "occurred_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if not may(request.staff, "penalty_record"):
            raise PermissionDenied(_("只有客服主管或校长可以登记处罚"))
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.incident_record(
                    by=request.staff, staff=data["staff"], rule=data["rule"], occurred_on=data["occurred_on"],
                    note=data["note"], amount=data["amount"],
                )
                main = created[0]
                messages.success(request, _("已登记：%(name)s %(level)s %(amount)s 元") % {
                    "name": main.staff.display_name, "level": main.get_level_display(), "amount": main.amount})
                query = urlencode({"staff": main.staff_id, "month": f"{main.occurred_on:%Y-%m}"})
                return redirect(f"{reverse('retention:penalties')}?{query}")
            except DomainError as exc:
                form.add_domain_error(exc)
    incidents = month_incidents(person, month)
    people = []
    if campus_wide:
        totals: dict[int, Any] = {}
        for incident in scope(request, Incident.objects.filter(
            occurred_on__gte=month, occurred_on__lt=(month + timedelta(days=32)).replace(day=1), voided_at__isnull=True
        )).select_related("staff__user"):
            row = totals.setdefault(incident.staff_id, {"staff": incident.staff, "count": 0, "total": 0})
            row["count"] += 1
            row["total"] += incident.amount
        people = sorted(totals.values(), key=lambda r: r["staff"].username)
    return render(
        request,
        "retention/penalty_list.html",
        {
            "person": person, "incidents": incidents, "total": month_total(incidents), "people": people,
            "form": form if may(request.staff, "penalty_record") else None,
            "can_void": may(request.staff, "penalty_void"), "campus_wide": campus_wide,
            "statement": StaffStatement.objects.filter(staff=person, month=month).first(), **_month_links(month),
        },
        status=status,
    )


@require_POST
@staff_required(*ROLES["penalty_void"])
def penalty_void(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_scoped_or_404(request, Incident.objects.select_related("staff"), incident_id)
    try:
        services.incident_void(incident=incident, by=request.staff, reason=request.POST.get("reason", ""))
        messages.success(request, _("已作废，之后的记录已按阶梯重算"))
    except DomainError as exc:
        messages.error(request, exc.message)
    query = urlencode({"staff": incident.staff_id, "month": f"{incident.occurred_on:%Y-%m}"})
    return redirect(f"{reverse('retention:penalties')}?{query}")


def _statement(request: HttpRequest) -> dict[str, Any]:
    month, person = _month(request), _person(request)
    incidents = month_incidents(person, month)
    return {
        "center_name": settings.CENTER_NAME, "person": person, "month": month, "incidents": incidents,
        "total": month_total(incidents), "statement": StaffStatement.objects.filter(staff=person, month=month)
        .select_related("signed_by__user").first(), "printed_at": timezone.localtime(),
    }


@staff_required(*ROLES["penalties"])
def statement(request: HttpRequest) -> HttpResponse:
    """月度处罚确认单: a person's month, the principal's sign-off."""
    context = _statement(request)
    if request.method == "POST":
        if not may(request.staff, "statement_sign_off"):
            raise PermissionDenied(_("只有校长可以确认月度处罚"))
        try:
            services.staff_statement_sign_off(staff=context["person"], month=context["month"], by=request.staff)
            messages.success(request, _("已签字确认"))
        except DomainError as exc:
            messages.error(request, exc.message)
        query = urlencode({"staff": context["person"].pk, "month": f"{context['month']:%Y-%m}"})
        return redirect(f"{reverse('retention:statement')}?{query}")
    query = urlencode({"staff": context["person"].pk, "month": f"{context['month']:%Y-%m}"})
    return render(
        request, "retention/statement.html",
        context | {"query": query, "can_sign": may(request.staff, "statement_sign_off"), **_month_links(context["month"])},
    )


@staff_required(*ROLES["penalties"])
def statement_pdf(request: HttpRequest) -> HttpResponse:
    context = _statement(request)
    return pdf_response(staff_statement_pdf(context), f"statement-{context['person'].username}-{context['month']:%Y-%m}.pdf")


@staff_required(*ROLES["penalties"])
def statement_xlsx(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    context = _statement(request)
    book = Workbook()
    sheet = book.active
    sheet.title = f"{context['month']:%Y-%m}"
    xlsx.append(sheet, [f"{context['person'].display_name} {context['month']:%Y-%m} 处罚确认单"])
    xlsx.append(sheet, ["日期", "规则", "处罚", "金额（元）", "来源", "学员", "科目", "期间", "连带于", "说明", "作废"])
    for i in context["incidents"]:
        xlsx.append(sheet, [
            f"{i.occurred_on:%Y-%m-%d}", i.rule.name, i.get_level_display(), i.amount, i.get_source_display(),
            i.student.name if i.student_id else "", i.subject.name if i.subject_id else "", i.period,
            i.joint_of.staff.display_name if i.joint_of_id else "", i.note,
            f"{i.void_reason}" if i.voided_at else "",
        ])
    xlsx.append(sheet, ["合计", "", "", context["total"]])
    if context["statement"]:
        s = context["statement"]
        xlsx.append(sheet, ["校长确认", s.signed_by.display_name, f"{timezone.localtime(s.signed_at):%Y-%m-%d %H:%M}"])
    return xlsx.download(
        xlsx.to_bytes(book), f"statement-{context['person'].username}-{context['month']:%Y-%m}.xlsx"
    )


# --- the rules ---------------------------------------------------------------------------


def _rule_campus(request: HttpRequest) -> Campus | None:
    """Which rules a page shows and edits: hq_admin the chain's (or a campus's with
    ?campus=code), everyone else their campus's."""
    if request.staff.sees_all_campuses:
        code = request.GET.get("campus", "")
        return Campus.objects.filter(code=code).first() if code else None
    return request.staff.campus


@staff_required(*ROLES["staff_rules"])
def rule_list(request: HttpRequest) -> HttpResponse:
    """员工规则: every rule as it stands today, with its ladder and joint liability."""
    campus = _rule_campus(request)
    today = timezone.localdate()
    rules = services.rules_in_effect(campus, today)
    return render(
        request, "retention/rule_list.html",
        {"rules": [{"rule": r, "steps": steps_text(r.steps)} for r in rules], "campus": campus,
         "can_edit": may(request.staff, "staff_rule_edit"), "today": today},
    )


@staff_required(*ROLES["staff_rule_edit"])
def rule_edit(request: HttpRequest, code: str) -> HttpResponse:
    """A new version of a rule from a date on (today or later)."""
    if code not in RuleCode.values:
        raise Http404
    campus = _rule_campus(request)
    current = services.rule_in_effect(code, campus, timezone.localdate())
    form = RuleForm(request.POST or None, initial={
        "effective_from": timezone.localdate(), "steps": steps_text(current.steps),
        "supervisor_amount": current.supervisor_amount, "principal_amount": current.principal_amount,
    })
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.staff_rule_edit(
                    by=request.staff, code=code, campus=campus, effective_from=data["effective_from"],
                    steps=parse_steps(data["steps"]), supervisor_amount=data["supervisor_amount"],
                    principal_amount=data["principal_amount"], note=data["note"],
                )
                messages.success(request, _("规则已保存，自生效日期起适用"))
                return redirect(reverse("retention:staff_rules") + (f"?campus={campus.code}" if campus and request.staff.sees_all_campuses else ""))
            except DomainError as exc:
                form.add_domain_error(exc)
    versions = StaffRule.objects.filter(code=code, campus=campus).order_by("-effective_from")
    return render(request, "retention/rule_edit.html",
                  {"form": form, "rule": current, "campus": campus, "versions": versions}, status=status)


# --- the spot-check -----------------------------------------------------------------------


def _week(request: HttpRequest) -> date:
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate() - timedelta(days=7)
    return services.week_of(day)


@staff_required(*ROLES["spot_checks"])
def spot_checks(request: HttpRequest) -> HttpResponse:
    """回访抽检: the week's sample (the last full week by default), each to mark 属实 / 不实."""
    week = _week(request)
    campus = request.staff.campus
    if request.method == "POST":
        if "draw" in request.POST:
            drawn = services.spot_checks_draw(campus=campus, week=week, by=request.staff)
            messages.success(request, _("已抽取 %(n)s 条回访") % {"n": drawn})
        else:
            check = get_scoped_or_404(request, SpotCheck.objects.all(), request.POST.get("check", ""))
            try:
                services.spot_check_mark(check=check, result=request.POST.get("result", ""), by=request.staff,
                                         note=request.POST.get("note", ""))
                messages.success(request, _("已记录抽检结果"))
            except DomainError as exc:
                messages.error(request, exc.message)
        return redirect(f"{reverse('retention:spot_checks')}?week={week:%Y-%m-%d}")
    return render(
        request, "retention/spot_checks.html",
        {"checks": services.spot_checks_of(campus, week), "week": week, "week_end": week + timedelta(days=6),
         "previous": week - timedelta(days=7), "following": week + timedelta(days=7)},
    )
