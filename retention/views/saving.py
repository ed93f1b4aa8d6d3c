"""The order-saving pages (挽单, Chinese): the save group's list of the campus's open cases
(overdue ones flagged, days left), opening a case on a package, and a case's page with its
stages, meeting notes and the actions of the caller's role."""

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import LessonPackage
from billing.selectors import scoped_package_or_404
from core.decorators import staff_required
from core.errors import DomainError
from core.forms import DomainErrorForm
from core.scoping import get_scoped_or_404, scope
from students.models import Student

from .. import services
from ..models import Refund, SaveCase
from ..models.saving import LAST_STAGE
from ..roles import ROLES, may


class OpenCaseForm(DomainErrorForm):
    reason = forms.CharField(
        label=gettext_lazy("家长的退费诉求"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    regular = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[("yes", gettext_lazy("常规退费（第 1 阶段：班主任/顾问沟通）")), ("no", gettext_lazy("非常规退费（直接上报校长）"))],
        widget=forms.RadioSelect,
        initial="yes",
    )


class NoteForm(DomainErrorForm):
    text = forms.CharField(label=gettext_lazy("沟通记录"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(DomainErrorForm):
    note = forms.CharField(
        label=gettext_lazy("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _cases() -> QuerySet[SaveCase]:
    return SaveCase.objects.select_related("campus", "student__advisor__user", "package", "opened_by__user")


def _scoped_case(request: HttpRequest, case_id: int) -> SaveCase:
    return get_scoped_or_404(request, _cases(), case_id)


def _package_search(request: HttpRequest, q: str) -> list[Student]:
    """Students of the campus by name or guardian phone, with their packages not refunded."""
    q = q.strip()
    if not q:
        return []
    students = (
        scope(request, Student.objects.all())
        .filter(Q(name__icontains=q) | Q(guardians__phone__contains=q))
        .distinct()
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "packages",
                queryset=LessonPackage.objects.filter(refunded_at__isnull=True).order_by("valid_until", "pk"),
                to_attr="open_packages",
            )
        )
    )
    return list(students[:20])


@staff_required(*ROLES["save_cases"])
def save_case_list(request: HttpRequest) -> HttpResponse:
    """挽单: every open case of the campus, the nearest deadline first; closed ones on request."""
    show = request.GET.get("show", "open")
    cases = scope(request, _cases())
    if show == "closed":
        cases = cases.exclude(status=SaveCase.Status.OPEN).order_by("-closed_at", "-pk")[:100]
    else:
        cases = cases.filter(status=SaveCase.Status.OPEN).order_by("deadline", "pk")
    today = timezone.localdate()
    q = request.GET.get("q", "")
    can_open = may(request.staff, "save_case_open")
    return render(
        request,
        "retention/save_case_list.html",
        {
            "rows": [
                {"case": c, "days_left": c.days_left(today), "late_by": -c.days_left(today), "overdue": c.is_overdue(today)}
                for c in cases
            ],
            "show": show,
            "q": q,
            "can_open": can_open,
            "found": _package_search(request, q) if can_open else [],
        },
    )


@staff_required(*ROLES["save_case_open"])
def save_case_new(request: HttpRequest, package_id: int) -> HttpResponse:
    """上报挽单 on one package: the parent's request, regular or not; the quote beside it."""
    package = scoped_package_or_404(request, package_id)
    form = OpenCaseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                case = services.save_case_open(
                    package=package, by=request.staff, reason=form.cleaned_data["reason"],
                    regular=form.cleaned_data["regular"] == "yes",
                )
            except DomainError as exc:
                form.add_domain_error(exc)
                status = exc.status
            else:
                messages.success(request, _("已上报挽单，截止 %(day)s") % {"day": f"{case.deadline:%Y-%m-%d}"})
                return redirect("retention:save_case", case_id=case.pk)
    return render(
        request,
        "retention/save_case_new.html",
        {"package": package, "form": form, "quote": services.package_quote(package)},
        status=status,
    )


def _case_page(request: HttpRequest, case: SaveCase, forms_: dict[str, DomainErrorForm] | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    entries = list(case.entries.select_related("by__user"))
    can_act = case.is_open and services.save_case_can_act(case, request.staff)
    stages = [
        {
            "number": number,
            "label": label,
            "current": case.is_open and number == case.stage,
            "reached": number <= case.stage,
            "entries": [e for e in entries if e.stage == number],
        }
        for number, label in SaveCase.STAGE_LABELS.items()
    ]
    given = forms_ or {}
    return render(
        request,
        "retention/save_case.html",
        {
            "case": case,
            "stages": stages,
            "days_left": case.days_left(today),
            "late_by": -case.days_left(today),
            "overdue": case.is_overdue(today),
            "can_act": can_act,
            "can_escalate": can_act and case.stage < LAST_STAGE,
            "can_fail": case.is_open and case.stage == LAST_STAGE and services.save_case_can_fail(case, request.staff),
            "note_form": given.get("note") or NoteForm(),
            "close_form": given.get("saved") or CloseForm(),
            "refund": Refund.objects.filter(save_case=case).first(),
            "quote": services.package_quote(case.package),
        },
        status=status,
    )


@staff_required(*ROLES["save_cases"])
def save_case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """A case: its stages and notes, the deadline, and the actions of the caller's role.
    POST `action`: note, escalate, saved, fail."""
    case = _scoped_case(request, case_id)
    if request.method != "POST":
        return _case_page(request, case)
    action = request.POST.get("action", "")
    form: DomainErrorForm | None = {"note": NoteForm, "saved": CloseForm, "escalate": CloseForm, "fail": CloseForm}.get(
        action, lambda _data: None
    )(request.POST)
    if form is None:
        messages.error(request, _("未知的操作"))
        return redirect("retention:save_case", case_id=case.pk)
    if not form.is_valid():
        return _case_page(request, case, {action: form}, status=422)
    try:
        done = _act(request, case, action, form.cleaned_data)
    except DomainError as exc:
        if exc.status == 422:
            form.add_domain_error(exc)
            return _case_page(request, case, {action: form}, status=422)
        messages.error(request, exc.message)
        return _case_page(request, _scoped_case(request, case_id), status=exc.status)
    messages.success(request, done)
    if action == "fail":
        return redirect("retention:refund", refund_id=Refund.objects.get(save_case=case).pk)
    return redirect("retention:save_case", case_id=case.pk)


def _act(request: HttpRequest, case: SaveCase, action: str, data: dict[str, Any]) -> str:
    by = request.staff
    if action == "note":
        services.save_case_note(case=case, by=by, text=data["text"])
        return _("已记录")
    if action == "escalate":
        services.save_case_escalate(case=case, by=by, note=data.get("note", ""))
        return _("已升级到第 %(stage)s 阶段：%(label)s") % {"stage": case.stage, "label": case.stage_label}
    if action == "saved":
        services.save_case_mark_saved(case=case, by=by, note=data.get("note", ""))
        return _("挽单成功，已结案")
    services.save_case_fail(case=case, by=by, note=data.get("note", ""))
    return _("挽单失败，已生成退费申请，请教务长确认课时")
