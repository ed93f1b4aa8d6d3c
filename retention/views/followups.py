"""The pages of the follow-up log (Chinese): the log with its filters, the log form, and
the advisor's day (工作台) — every call due today, each logged in one step from the list.
Thin: parse a form, call a service or a selector, show a refusal beside its field."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import staff_required
from core.errors import DomainError, Forbidden
from core.models import Staff
from core.roles import Role
from core.scoping import get_scoped_or_404, scope
from students.models import Student
from students.selectors import scoped_student_or_404

from .. import selectors, services
from ..models import FollowUp
from ..roles import ROLES
from .forms_followups import FollowUpFilterForm, FollowUpForm, QuickFollowUpForm


def refused(request: HttpRequest, message: str) -> HttpResponse:
    """The 403 page saying why."""
    return render(request, "403.html", {"message": message}, status=403)


def _posted_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@staff_required(*ROLES["follow_ups"])
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """回访记录: the campus's follow-ups, filtered by who called, kind, dates and student."""
    campus_id = None if request.staff.sees_all_campuses else request.campus.pk
    form = FollowUpFilterForm(request.GET or None, campus_id=campus_id)
    follow_ups = selectors.follow_up_list(scope(request, FollowUp.objects.all()), **form.filters())
    page = Paginator(follow_ups, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "retention/followup_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


def _after_logging(request: HttpRequest, student: Student) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("students:detail", args=[student.pk]) + "?tab=followups"


@staff_required(*ROLES["log"])
def follow_up_new(request: HttpRequest, student_id: int) -> HttpResponse:
    """登记回访 for one student: every refusal beside its field, nothing saved."""
    student = scoped_student_or_404(request, student_id)
    try:
        services.check_may_follow_up(student=student, by=request.staff)
    except Forbidden as exc:
        return refused(request, exc.message)
    kind = request.GET.get("kind")
    form = FollowUpForm(request.POST or None, initial={"kind": kind} if kind in FollowUp.Kind.values else {})
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_log(student=student, by=request.staff, **form.service_kwargs())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("已登记 %(name)s 的回访") % {"name": student.name})
            return redirect(_after_logging(request, student))
    return render(
        request,
        "retention/followup_form.html",
        {"student": student, "form": form, "recent": selectors.follow_ups_of(student)[:5],
         "next": request.GET.get("next", "")},
        status=422 if request.method == "POST" else 200,
    )


# --- the advisor's day (工作台) ------------------------------------------------------------


# cards a page: each carries its own form, and an advisor may hold two hundred families
DAY_PAGE_SIZE = 20


def _quick_form(row: selectors.DueStudent, data: Any = None) -> QuickFollowUpForm:
    return QuickFollowUpForm(data, initial={"kind": row.first.kind, "student": row.student.pk}, prefix_id=row.student.pk)


def _whose_day(request: HttpRequest, advisor_id: Any) -> Staff | None:
    """The advisor whose list is shown: oneself, or for a supervisor the advisor asked for
    (None: the team overview)."""
    if request.staff.role == Role.ADVISOR:
        return request.staff
    pk = _posted_id(advisor_id)
    if pk is None:
        return None
    return get_scoped_or_404(request, selectors.advisors_of(None), pk)


def _cards(rows: list[selectors.DueStudent], bound: tuple[int, QuickFollowUpForm] | None = None) -> list[dict]:
    cards = []
    for row in rows:
        form = bound[1] if bound and bound[0] == row.student.pk else _quick_form(row)
        cards.append({"row": row, "form": form})
    return cards


def _day_page(
    request: HttpRequest, whose: Staff | None, bound: tuple[int, QuickFollowUpForm] | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    if whose is None:
        advisors = selectors.advisors_of(None if request.staff.sees_all_campuses else request.campus)
        return render(
            request, "retention/day_team.html",
            {"today": timezone.localdate(now), "loads": selectors.advisor_loads(advisors, now)},
        )
    rows = selectors.due_items_for(whose, at=now)
    number = request.GET.get("page")
    if bound:  # the page holding the card whose form came back with errors
        number = next((i for i, r in enumerate(rows) if r.student.pk == bound[0]), 0) // DAY_PAGE_SIZE + 1
    page = Paginator(rows, DAY_PAGE_SIZE).get_page(number)
    mine = whose.pk == request.staff.pk
    return render(
        request,
        "retention/day.html",
        {
            "today": timezone.localdate(now),
            "whose": whose,
            "mine": mine,
            "cards": _cards(page.object_list, bound),
            "page": page,
            "query": "" if mine else f"advisor={whose.pk}",
            "due": len(rows),
            "overdue": sum(1 for r in rows if r.days_late > 0),
        },
        status=status,
    )


@staff_required(*ROLES["day"])
def day(request: HttpRequest) -> HttpResponse:
    """工作台: an advisor's calls due today, late ones first, each with its one-step form;
    a supervisor's overview of how late each advisor runs, and any advisor's list."""
    return _day_page(request, _whose_day(request, request.GET.get("advisor")))


@require_POST
@staff_required(*ROLES["day"])
def day_log(request: HttpRequest) -> HttpResponse:
    """Log the call of one card of the day. With htmx the card is swapped: gone when
    nothing more is owed, else showing what is still owed; a refusal shows beside its field."""
    whose = _whose_day(request, request.POST.get("advisor"))
    student = scoped_student_or_404(request, _posted_id(request.POST.get("student")))
    form = QuickFollowUpForm(request.POST, prefix_id=student.pk)
    logged = False
    if form.is_valid():
        try:
            services.follow_up_log(student=student, by=request.staff, **form.service_kwargs())
            logged = True
        except Forbidden as exc:
            return refused(request, exc.message)
        except DomainError as exc:
            form.add_domain_error(exc)
    day_url = reverse("retention:day") + (f"?advisor={whose.pk}" if whose and whose != request.staff else "")
    if logged and not request.htmx:
        messages.success(request, _("已登记 %(name)s 的回访") % {"name": student.name})
        return redirect(day_url)
    if not request.htmx:
        return _day_page(request, whose, bound=(student.pk, form), status=422)
    remaining = selectors.due_students(Student.objects.filter(pk=student.pk), timezone.now())
    context: dict[str, Any] = {
        "whose": whose, "mine": whose == request.staff, "logged": logged, "student": student
    }
    if remaining:
        row = remaining[0]
        context["card"] = {"row": row, "form": _quick_form(row) if logged else form}
    if whose is not None:
        rows = selectors.due_items_for(whose)
        context.update(count=len(rows), overdue=sum(1 for r in rows if r.days_late > 0))
    return render(request, "retention/day_item.html", context)

