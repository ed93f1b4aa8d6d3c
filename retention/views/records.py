"""The pages of the monthly records (Chinese): the month of my students, one student's
month with a form for each record, and what is missing this month. Teachers see the
students they teach, advisors their own students, the dean / CS supervisor / principal
the campus. Thin: parse a form, call a service, show a refusal beside its field."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.decorators import staff_required
from core.errors import DomainError, Forbidden
from core.models import Staff, Subject
from core.roles import Role
from core.scoping import scope
from students.models import Student
from students.selectors import scoped_student_or_404

from .. import selectors, services
from ..models import Homework, MonthlyAssessment
from ..roles import ROLES, may
from .followups import refused
from .forms_records import (
    AssessmentForm,
    GrowthForm,
    HomeworkCheckForm,
    HomeworkForm,
    PlanForm,
    SummaryForm,
    SurveyForm,
    month_param,
)


def _month(request: HttpRequest) -> date:
    return month_param(request.GET.get("month"), timezone.localdate())


def _month_nav(month: date) -> dict[str, date]:
    return {"month": month, "prev": (month - timedelta(days=1)).replace(day=1),
            "next": (month + timedelta(days=32)).replace(day=1)}


def _mine(request: HttpRequest) -> Any:
    return scope(request, selectors.record_students_for(request.staff))


@staff_required(*ROLES["records"])
def record_list(request: HttpRequest) -> HttpResponse:
    """月度记录: each of my students with lessons this month, and how far their month is."""
    month = _month(request)
    rows = selectors.month_overview(_mine(request), month)
    can_see_missing = may(request.staff, "records_missing")
    return render(
        request, "retention/record_list.html", {**_month_nav(month), "rows": rows, "can_see_missing": can_see_missing}
    )


@staff_required(*ROLES["records_missing"])
def record_missing(request: HttpRequest) -> HttpResponse:
    """月度缺漏: per advisor or for the campus, the students whose month lacks an assessment,
    the plan or a growth record."""
    month = _month(request)
    students = _mine(request)
    advisors = scope(request, selectors.advisors_of(None))
    wanted = request.GET.get("advisor", "")
    advisor = advisors.filter(pk=wanted).first() if wanted.isdigit() and len(wanted) < 12 else None
    if advisor is not None:
        students = students.filter(advisor=advisor)
    rows = selectors.records_missing(students, month)
    extra = f"&advisor={advisor.pk}" if advisor else ""
    totals = {
        "assessments": sum(len(r.assessments_missing) for r in rows),
        "plans": sum(1 for r in rows if r.plan_missing),
        "growth": sum(r.growth_missing for r in rows),
    }
    return render(
        request,
        "retention/record_missing.html",
        {**_month_nav(month), "rows": rows, "totals": totals, "advisor": advisor, "extra": extra,
         "advisors": advisors if request.staff.role != Role.ADVISOR else []},
    )


# --- one student's month --------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A form of the student's month page: who may use it, and the service it calls."""

    roles: frozenset[str]
    form: Callable[..., forms.Form] | None
    act: Callable[[HttpRequest, Student, date, Any], Any]
    done: Any  # a lazy message, translated when shown


def _subjects(staff: Staff) -> Any:
    return staff.subjects.all() if staff.role == Role.TEACHER else Subject.objects.all()


def _posted(model: type, student: Student, pk: Any) -> Any:
    found = model.objects.filter(student=student, pk=pk).first() if str(pk or "").isdigit() else None
    if found is None:
        raise Http404
    return found


def _assessment(request: HttpRequest, student: Student, month: date, data: dict) -> Any:
    return services.monthly_assessment_record(
        student=student, subject=data["subject"], month=month, score=data["score"], analysis=data["analysis"],
        by=request.staff,
    )


def _share(request: HttpRequest, student: Student, month: date, data: dict) -> Any:
    assessment = _posted(MonthlyAssessment, student, request.POST.get("assessment"))
    return services.monthly_assessment_share(assessment=assessment, by=request.staff)


def _plan(request: HttpRequest, student: Student, month: date, data: dict) -> Any:
    return services.learning_plan_record(student=student, month=month, content=data["content"], by=request.staff)


def _growth(request: HttpRequest, student: Student, month: date, data: dict) -> Any:
    return services.growth_record_add(student=student, on=data["on"], content=data["content"], by=request.staff)


def _homework(request: HttpRequest, student: Student, month: date, data: dict) -> Any:
    return services.homework_set(
        student=student, subject=data["subject"], content=data["content"], due_on=data["due_on"], by=request.staff
    )


def _check(request: HttpRequest, student: Student, month: date, data: dict) -> Any:
    homework = _posted(Homework, student, data["homework"])
    return services.homework_check(homework=homework, result=data["result"], note=data["check_note"], by=request.staff)


def _show(request: HttpRequest, student: Student, month: date, data: dict) -> Any:
    homework = _posted(Homework, student, request.POST.get("homework"))
    return services.homework_show_parent(homework=homework, by=request.staff)


def _summary(request: HttpRequest, student: Student, month: date, data: dict) -> Any:
    return services.teacher_summary_write(
        student=student, subject=data["subject"], kind=data["kind"], content=data["content"], by=request.staff,
        month=data["month"], period_start=data["period_start"], period_end=data["period_end"],
    )


def _survey(request: HttpRequest, student: Student, month: date, data: dict) -> Any:
    return services.survey_record(
        student=student, month=month, respondent=data["respondent"], scores=data["scores"],
        comment=data["comment"], by=request.staff,
    )


ACTIONS: dict[str, Action] = {
    "assessment": Action(ROLES["assess"], AssessmentForm, _assessment, gettext_lazy("已登记月测评")),
    "share_assessment": Action(ROLES["share_assessment"], None, _share, gettext_lazy("已记录告知家长")),
    "plan": Action(ROLES["plan"], PlanForm, _plan, gettext_lazy("已保存学习计划")),
    "growth": Action(ROLES["growth"], GrowthForm, _growth, gettext_lazy("已保存成长记录")),
    "homework": Action(ROLES["set_homework"], HomeworkForm, _homework, gettext_lazy("已布置作业")),
    "check_homework": Action(ROLES["check_homework"], HomeworkCheckForm, _check, gettext_lazy("已登记作业检查")),
    "show_homework": Action(ROLES["show_homework"], None, _show, gettext_lazy("已记录告知家长")),
    "summary": Action(ROLES["summarise"], SummaryForm, _summary, gettext_lazy("已保存教员总结")),
    "survey": Action(ROLES["survey"], SurveyForm, _survey, gettext_lazy("已登记满意度调查")),
}


def _new_form(name: str, request: HttpRequest, month: date, data: Any = None) -> forms.Form | None:
    action = ACTIONS[name]
    if action.form is None:
        return None
    if action.form is SurveyForm:
        return SurveyForm(data, questions=services.survey_questions_ensure())
    today = timezone.localdate()
    # a record of the month on the page, dated today when the page is this month's
    initial = {"month": f"{month:%Y-%m}", "on": today if month == today.replace(day=1) else month}
    if action.form in (AssessmentForm, HomeworkForm, SummaryForm):
        return action.form(data, subjects=_subjects(request.staff), initial=initial)
    return action.form(data, initial=initial)


def _allowed(request: HttpRequest, student: Student) -> set[str]:
    return {
        name for name, action in ACTIONS.items()
        if services.may_keep_records(student=student, by=request.staff, roles=action.roles)
    }


@staff_required(*ROLES["records"])
def record_student(request: HttpRequest, student_id: int) -> HttpResponse:
    """One student's month: assessments, plan, growth records, homework, teachers'
    summaries and the survey, each with its form for who may write it."""
    student = scoped_student_or_404(request, student_id)
    if not _mine(request).filter(pk=student.pk).exists():
        return refused(request, _("%(name)s 不是您的学员") % {"name": student.name})
    month = _month(request)
    allowed = _allowed(request, student)
    bound: tuple[str, forms.Form | None] | None = None
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in allowed:
            return refused(request, _("您的角色不能登记此项记录"))
        form = _new_form(name, request, month, request.POST)
        if form is None or form.is_valid():
            data = dict(form.cleaned_data) if form is not None else {}
            if isinstance(form, SurveyForm):
                data["scores"] = form.scores()
            try:
                ACTIONS[name].act(request, student, month, data)
            except Forbidden as exc:
                return refused(request, exc.message)
            except DomainError as exc:
                if form is None:
                    messages.error(request, exc.message)
                    return redirect(_student_url(student, month))
                form.add_domain_error(exc)
            else:
                messages.success(request, ACTIONS[name].done)
                return redirect(_student_url(student, month))
        bound = (name, form)
    page_forms = {name: _new_form(name, request, month) for name in allowed}
    if bound is not None:
        page_forms[bound[0]] = bound[1]
    records = selectors.student_month(student, month)
    return render(
        request,
        "retention/record_student.html",
        {
            **_month_nav(month),
            **records,
            "student": student,
            "forms": page_forms,
            "allowed": allowed,
            "homework_rows": _homework_rows(records["homework"], "check_homework" in allowed, bound),
        },
        status=422 if bound else 200,
    )


def _homework_rows(
    homework: list[Homework], can_check: bool, bound: tuple[str, forms.Form | None] | None
) -> list[tuple[Homework, forms.Form | None]]:
    """Each homework with its check form (the refused one keeps what was typed)."""
    rows = []
    for item in homework:
        form = None
        if can_check and item.checked_at is None:
            form = HomeworkCheckForm(initial={"homework": item.pk}, auto_id=f"hw{item.pk}_%s")
            if bound and bound[0] == "check_homework" and str(bound[1]["homework"].value()) == str(item.pk):
                form = bound[1]
        rows.append((item, form))
    return rows


def _student_url(student: Student, month: date) -> str:
    return reverse("retention:record_student", args=[student.pk]) + f"?month={month:%Y-%m}"
