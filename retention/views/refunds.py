"""The refund pages (Chinese): the list, one application with its steps and the form of
the step whose turn it is, the printable application, the reasons analysis with its chart
and Excel export, and the campus's refund settings. Thin: parse a form, call a service,
show its refusal beside the field."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import xlsx
from core.decorators import staff_required
from core.errors import DomainError
from core.forms import DomainErrorForm
from core.models import Campus
from core.roles import Role
from core.scoping import get_scoped_or_404, scope

from .. import services
from ..analysis import Group, refund_analysis
from ..exports import refund_analysis_xlsx
from ..models import Refund, RefundReason, RefundStep
from ..pdf import pdf_response, refund_application_pdf
from ..roles import ROLES, may


class ParentSignForm(DomainErrorForm):
    reason = forms.CharField(
        label=gettext_lazy("退费原因（家长本人填写，照录原话）"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    signed_by = forms.CharField(label=gettext_lazy("家长签名"), max_length=50)
    category = forms.ModelChoiceField(
        label=gettext_lazy("原因分类"), queryset=RefundReason.objects.none(), required=False,
        empty_label=gettext_lazy("（请选择）"),
    )

    def __init__(self, *args, campus: Campus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = services.refund_reasons_for(campus)


class DocumentsForm(DomainErrorForm):
    contract = forms.ChoiceField(label=gettext_lazy("合同"), choices=Refund.Returned.choices)
    receipt = forms.ChoiceField(label=gettext_lazy("收据"), choices=Refund.Returned.choices)
    invoice = forms.ChoiceField(label=gettext_lazy("发票"), choices=Refund.Invoice.choices)
    tax_deduction = forms.DecimalField(
        label=gettext_lazy("遗失发票扣税（元，与财务核对）"), max_digits=12, decimal_places=2, initial=Decimal("0.00"),
        required=False,
    )


def _refunds() -> QuerySet[Refund]:
    return Refund.objects.select_related(
        "campus", "student", "package__subject", "category", "advisor__user", "teacher__user", "payment__campus",
        "save_case",
    )


def _scoped_refund(request: HttpRequest, refund_id: int) -> Refund:
    return get_scoped_or_404(request, _refunds(), refund_id)


@staff_required(*ROLES["refunds"])
def refund_list(request: HttpRequest) -> HttpResponse:
    """退费: the campus's applications, those waiting on the caller first."""
    status = request.GET.get("status", "")
    refunds = scope(request, _refunds())
    if status in Refund.Status.values:
        refunds = refunds.filter(status=status)
    page = Paginator(refunds, 50).get_page(request.GET.get("page"))
    waiting = [
        r for r in scope(request, _refunds()).exclude(status=Refund.Status.PAID)
        if (step := services.refund_next_step(r)) and services.refund_step_allowed(r, step, request.staff)
    ]
    return render(
        request,
        "retention/refund_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Refund.Status.choices,
            "waiting": waiting,
            "can_analyse": may(request.staff, "refund_analysis"),
            "can_keep": may(request.staff, "refund_settings"),
        },
    )


def _step_form(refund: Refund, step: str | None, data: Any = None) -> DomainErrorForm | None:
    if step == RefundStep.PARENT_SIGN:
        return ParentSignForm(data, campus=refund.campus)
    if step == RefundStep.DOCUMENTS:
        return DocumentsForm(data)
    return None


def _refund_page(request: HttpRequest, refund: Refund, form: DomainErrorForm | None = None, status: int = 200) -> HttpResponse:
    step = services.refund_next_step(refund)
    my_turn = step is not None and services.refund_step_allowed(refund, step, request.staff)
    signed = {s.step: s for s in refund.signatures.select_related("signed_by__user")}
    steps = [
        {
            "step": s,
            "label": s.label,
            "role": Role(services.refund_step_role(refund, s)).label,
            "signature": signed.get(s),
            "current": s == step,
        }
        for s in RefundStep
    ]
    return render(
        request,
        "retention/refund.html",
        {
            "refund": refund,
            "quote": services.refund_current_quote(refund),
            "steps": steps,
            "step": step,
            "step_label": RefundStep(step).label if step else "",
            "step_role": Role(services.refund_step_role(refund, step)).label if step else "",
            "my_turn": my_turn,
            "form": form or (_step_form(refund, step) if my_turn else None),
            "handler": Role(services.refund_handler_role(refund)).label,
        },
        status=status,
    )


@staff_required(*ROLES["refunds"])
def refund_detail(request: HttpRequest, refund_id: int) -> HttpResponse:
    return _refund_page(request, _scoped_refund(request, refund_id))


@require_POST
@staff_required(*ROLES["refunds"])
def refund_step(request: HttpRequest, refund_id: int) -> HttpResponse:
    """Sign the step named in the form. The service decides whether it is this person's
    step and its turn; a refusal is shown on the page and nothing changes."""
    refund = _scoped_refund(request, refund_id)
    step = request.POST.get("step", "")
    if step not in RefundStep.values:
        messages.error(request, _("未知的步骤"))
        return redirect("retention:refund", refund_id=refund.pk)
    form = _step_form(refund, step, request.POST)
    if form is not None and not form.is_valid():
        return _refund_page(request, refund, form=form, status=422)
    try:
        _sign(request, refund, step, form.cleaned_data if form is not None else {})
    except DomainError as exc:
        if form is not None and exc.status == 422:
            form.add_domain_error(exc)
            return _refund_page(request, refund, form=form, status=422)
        messages.error(request, exc.message)
        return _refund_page(request, _scoped_refund(request, refund_id), status=exc.status)
    messages.success(request, _("已签字：%(step)s") % {"step": RefundStep(step).label})
    return redirect("retention:refund", refund_id=refund.pk)


def _sign(request: HttpRequest, refund: Refund, step: str, data: dict[str, Any]) -> None:
    by = request.staff
    if step == RefundStep.CONFIRM_LESSONS:
        services.refund_confirm_lessons(refund=refund, by=by)
    elif step == RefundStep.PARENT_SIGN:
        category = data.get("category")
        services.refund_parent_sign(
            refund=refund, by=by, reason=data["reason"], signed_by=data["signed_by"],
            category=category.pk if category else None,
        )
    elif step == RefundStep.DOCUMENTS:
        services.refund_documents(
            refund=refund, by=by, contract=data["contract"], receipt=data["receipt"], invoice=data["invoice"],
            tax_deduction=data.get("tax_deduction") or Decimal("0.00"),
        )
    elif step == RefundStep.APPROVE:
        services.refund_approve(refund=refund, by=by)
    else:
        services.refund_pay(refund=refund, by=by)


@staff_required(*ROLES["refunds"])
def refund_pdf(request: HttpRequest, refund_id: int) -> HttpResponse:
    refund = _scoped_refund(request, refund_id)
    return pdf_response(refund_application_pdf(refund), f"refund-{refund.pk}.pdf")


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("从"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("到"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


CHART_ROW = 30  # px per bar


def chart(groups: list[Group]) -> dict[str, Any]:
    """A horizontal bar chart of amounts for an inline SVG: each bar's share of the largest."""
    largest = max((g.amount for g in groups), default=Decimal(0)) or Decimal(1)
    bars = [
        {
            "group": g,
            "y": i * CHART_ROW,
            "text_y": i * CHART_ROW + 19,
            "width": f"{(g.amount / largest * 100):.1f}" if g.amount > 0 else "0.5",
        }
        for i, g in enumerate(groups)
    ]
    return {"bars": bars, "height": max(len(groups), 1) * CHART_ROW}


@staff_required(*ROLES["refund_analysis"])
def refund_analysis_page(request: HttpRequest) -> HttpResponse:
    """退费原因分析: the paid refunds of a period (default: the last twelve months) by reason,
    advisor, teacher and month, as charts and tables; export to Excel."""
    today = timezone.localdate()
    if "date_from" in request.GET or "date_to" in request.GET:
        form = PeriodForm(request.GET)
        data = form.cleaned_data if form.is_valid() else {}
    else:
        data = {"date_from": today - timedelta(days=365), "date_to": today}
        form = PeriodForm(initial=data)
    report = refund_analysis(
        scope(request, Refund.objects.all()), date_from=data.get("date_from"), date_to=data.get("date_to")
    )
    if request.GET.get("export") == "xlsx":
        return xlsx.download(refund_analysis_xlsx(report), f"refund-analysis-{today:%Y%m%d}.xlsx")
    query = request.GET.copy() if ("date_from" in request.GET or "date_to" in request.GET) else QueryDict(mutable=True)
    query.pop("export", None)
    if not query:
        query.update({k: f"{v:%Y-%m-%d}" for k, v in data.items()})
    breakdowns = [
        (_("按退费原因"), _("退费原因"), report.by_reason),
        (_("按班主任"), _("班主任"), report.by_advisor),
        (_("按任课教员"), _("任课教员"), report.by_teacher),
        (_("按月份"), _("月份"), report.by_month),
    ]
    return render(
        request,
        "retention/refund_analysis.html",
        {
            "form": form,
            "report": report,
            "breakdowns": [{"title": t, "column": c, "groups": g, "chart": chart(g)} for t, c, g in breakdowns],
            "query": query.urlencode(),
        },
    )


class FeeForm(DomainErrorForm):
    management_fee = forms.DecimalField(label=gettext_lazy("综合管理费（元）"), max_digits=12, decimal_places=2)


class ReasonForm(DomainErrorForm):
    name = forms.CharField(label=gettext_lazy("新的退费原因"), max_length=50)


def _settings_campus(request: HttpRequest) -> Campus:
    # hq_admin picks the campus; everyone else keeps their own
    if request.staff.role == Role.HQ_ADMIN and request.GET.get("campus"):
        found = Campus.objects.filter(code=request.GET["campus"]).first()
        if found is None:
            raise Http404
        return found
    return request.staff.campus


@staff_required(*ROLES["refund_settings"])
def refund_settings(request: HttpRequest) -> HttpResponse:
    """退费设置: the campus's management fee and the refund reason categories."""
    campus = _settings_campus(request)
    action = request.POST.get("action") if request.method == "POST" else None
    fee_form = FeeForm(
        request.POST if action == "fee" else None, initial={"management_fee": services.campus_management_fee(campus)}
    )
    reason_form = ReasonForm(request.POST if action == "add_reason" else None)
    form = {"fee": fee_form, "add_reason": reason_form}.get(action or "")
    if action in ("rename", "toggle"):
        return _reason_change(request, campus, action)
    done = form.submit(lambda data: _settings_action(request, campus, action, data)) if form is not None else None
    if done:
        messages.success(request, done)
        return redirect(request.get_full_path())
    return render(
        request,
        "retention/refund_settings.html",
        {
            "campus": campus,
            "campuses": Campus.objects.all() if request.staff.role == Role.HQ_ADMIN else [],
            "fee_form": fee_form,
            "reason_form": reason_form,
            "reasons": services.refund_reasons_for(campus, active_only=False).select_related("campus"),
            "is_hq": request.staff.role == Role.HQ_ADMIN,
        },
        status=422 if form is not None else 200,
    )


def _settings_action(request: HttpRequest, campus: Campus, action: str | None, data: dict[str, Any]) -> str:
    if action == "fee":
        row = services.campus_refund_fee_set(campus=campus, fee=data["management_fee"], by=request.staff)
        return _("综合管理费已设为 ¥%(fee)s") % {"fee": f"{row.management_fee:.2f}"}
    # hq_admin adds to the shared list; a principal to their campus's own
    owner = None if request.staff.role == Role.HQ_ADMIN else campus
    reason = services.refund_reason_create(campus=owner, name=data["name"], by=request.staff)
    return _("已添加退费原因“%(name)s”") % {"name": reason.name}


def _reason_change(request: HttpRequest, campus: Campus, action: str) -> HttpResponse:
    reason = services.refund_reasons_for(campus, active_only=False).filter(pk=request.POST.get("reason") or 0).first()
    if reason is None:
        raise Http404
    try:
        if action == "rename":
            services.refund_reason_update(reason=reason, by=request.staff, name=request.POST.get("name", ""))
        else:
            services.refund_reason_update(reason=reason, by=request.staff, is_active=not reason.is_active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存"))
    return redirect(request.get_full_path())
