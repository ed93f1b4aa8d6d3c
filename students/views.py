"""Pages of students/: the student list and search, the student file, the new-student form
and the hand-over. Thin: parse the form, call a service, show its message beside the field
it names. Leads and the reception log are in views_leads.py, files and the lobby round in
views_extra.py."""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.decorators import staff_required
from core.errors import DomainError
from core.roles import Role

from . import selectors, services
from .models import AdvisorAssignment, Guardian, Student

VIEW_ROLES = (
    Role.FRONT_DESK,
    Role.ADVISOR,
    Role.CONSULTANT,
    Role.CS_SUPERVISOR,
    Role.PRINCIPAL,
    Role.DEAN,
    Role.FINANCE,
    Role.TEACHER,
)
STUDENT_FIELDS = ["name", "gender", "birthday", "address", "learning_type", "profile", *services.STUDENT_TEXT_FIELDS]
MAX_GUARDIAN_ROWS = 4
PAGE_SIZE = 50


def scoped(request: HttpRequest, queryset: QuerySet, campus_field: str = "campus") -> QuerySet:
    if request.staff.role == Role.HQ_ADMIN:
        return queryset
    return queryset.filter(**{campus_field: request.campus})


def get_or_404(request: HttpRequest, queryset: QuerySet, pk: int, campus_field: str = "campus") -> Any:
    found = scoped(request, queryset, campus_field).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def posted_id(request: HttpRequest, name: str) -> int:
    """An id from a form field; anything but a plain number is no id (0 matches nothing)."""
    value = request.POST.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else 0


def _date(value: str) -> Any:
    """A date from a form, or the text itself so the service names it as wrong."""
    try:
        return parse_date(value.strip()) or value
    except ValueError:
        return value


def parse_local_datetime(value: str) -> datetime | None:
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def student_form_data(post: Any) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """The new-student form as the service's arguments: fields, guardian rows, advisor."""
    data: dict[str, Any] = {name: post.get(name, "") for name in STUDENT_FIELDS}
    data["birthday"] = _date(data["birthday"])
    rows = []
    primary = post.get("primary", "0")
    for i in range(MAX_GUARDIAN_ROWS):
        row = {key: post.get(f"g{i}_{key}", "").strip() for key in ("name", "relation", "phone")}
        if i >= 2 and not any(row.values()):
            continue
        row["is_primary"] = primary == str(i)
        rows.append(row)
    return data, rows, post.get("advisor", "").strip()


def guardian_rows(rows: list[dict[str, Any]], errors: dict[str, str]) -> list[dict[str, Any]]:
    """Guardian rows for the template, each with the errors of its own fields."""
    while len(rows) < 2:
        rows.append({"name": "", "relation": "", "phone": "", "is_primary": not rows})
    return [
        {**row, "i": i, "errors": {k.split(".")[2]: v for k, v in errors.items() if k.startswith(f"guardians.{i}.")}}
        for i, row in enumerate(rows)
    ]


# --- list and search ------------------------------------------------------------------


@staff_required(*VIEW_ROLES)
def student_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    advisor = request.GET.get("advisor", "")
    students = selectors.student_list(
        scoped(request, Student.objects.all()), q, advisor=advisor, viewer=request.staff
    )
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "advisor": advisor,
        "advisors": selectors.advisors_of(request.campus.pk),
        "is_advisor": request.staff.role == Role.ADVISOR,
    }
    if request.htmx:
        return render(request, "students/_rows.html", context)
    return render(request, "students/list.html", context)


# --- the student file -------------------------------------------------------------------


def student_form_context(request: HttpRequest, values: dict, rows: list, advisor: str, errors: dict) -> dict[str, Any]:
    return {
        "values": values,
        "rows": guardian_rows(rows, errors),
        "advisor": advisor,
        "errors": errors,
        "advisors": selectors.advisors_of(request.campus.pk),
        "genders": Student.Gender.choices,
        "learning_types": Student.LearningType.choices,
        "profiles": Student.Profile.choices,
        "relations": Guardian.Relation.choices,
    }


@staff_required(*services.CREATE_ROLES)
def student_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "students/new.html", student_form_context(request, {}, [], "", {}))
    data, rows, advisor = student_form_data(request.POST)
    try:
        student = services.student_create(
            campus=request.campus, by=request.staff, data=data, guardians=rows, advisor=advisor or None
        )
    except DomainError as exc:
        values = {**request.POST.dict()}
        context = student_form_context(request, values, rows, advisor, exc.fields)
        context["message"] = exc.message
        return render(request, "students/new.html", context, status=422)
    messages.success(request, f"已为 {student.name} 建立学员档案")
    return redirect("students:detail", pk=student.pk)


TABS = [
    ("family", "家庭"),
    ("packages", "课时包"),
    ("lessons", "课程"),
    ("followups", "回访"),
    ("history", "档案记录"),
]


def _history(student: Student) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for record in student.history.select_related("history_user").order_by("-history_date")[:50]:
        kind = {"+": "建档", "~": "修改档案", "-": "删除"}[record.history_type]
        changes = ""
        if record.history_type == "~" and record.prev_record is not None:
            delta = record.diff_against(record.prev_record)
            changes = "、".join(str(Student._meta.get_field(c.field).verbose_name) for c in delta.changes)
        events.append({"at": record.history_date, "text": f"{kind} {changes}".strip(), "by": record.history_user})
    for a in student.advisor_assignments.select_related("advisor__user", "assigned_by__user"):
        events.append({"at": a.assigned_at, "text": f"接档：{a.advisor.display_name}（首次回访 {a.first_call_due}）",
                       "by": a.assigned_by})
    for e in student.reception_entries.all()[:50]:
        events.append({"at": e.occurred_at, "text": f"接待（{e.get_category_display()}）：{e.summary}", "by": e.created_by})
    return sorted(events, key=lambda e: e["at"], reverse=True)


@staff_required(*VIEW_ROLES)
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_or_404(
        request, Student.objects.select_related("campus", "advisor__user", "referred_by").prefetch_related("guardians"), pk
    )
    tab = request.GET.get("tab", "family")
    if tab not in dict(TABS):
        tab = "family"
    context: dict[str, Any] = {
        "student": student,
        "tab": tab,
        "tabs": TABS,
        "relations": Guardian.Relation.choices,
        "can_edit": request.staff.role in (*services.CREATE_ROLES, Role.HQ_ADMIN),
        "can_assess": request.staff.role in (*services.LEAD_ROLES, Role.TEACHER, Role.DEAN),
    }
    if tab == "family":
        labels = dict(Guardian.Relation.choices)
        context["guardians"] = list(student.guardians.all())
        for g in context["guardians"]:
            g.relation_label = labels.get(g.relation, g.relation)
        context["cards"] = selectors.student_cards(student)
        context["lead"] = getattr(student, "lead", None) if hasattr(student, "lead") else None
        context["referrals"] = student.referrals.all()
    elif tab == "packages":
        context["packages"] = selectors.student_packages(student)
    elif tab == "lessons":
        context["lessons"] = selectors.student_related(
            student, "lessons", "-starts_at", select=("teacher__user", "subject", "room")
        )
        context["attendances"] = selectors.student_related(
            student, "attendances", "-checked_in_at", select=("package",)
        )
        context["assessments"] = student.entry_assessments.all()
    elif tab == "followups":
        context["followups"] = selectors.student_related(student, "follow_ups", "-pk") or selectors.student_related(
            student, "followups", "-pk"
        )
    else:
        context["events"] = _history(student)
    return render(request, "students/detail.html", context)


@require_POST
@staff_required(*services.LEAD_ROLES, Role.TEACHER, Role.DEAN)
def student_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """An assessment test of an enrolled student, or the analysis of one."""
    student = get_or_404(request, Student.objects.all(), pk)
    try:
        if request.POST.get("action") == "analysis":
            assessment = student.entry_assessments.filter(pk=posted_id(request, "assessment")).first()
            if assessment is None:
                raise Http404
            services.assessment_analyse(
                assessment=assessment,
                by=request.staff,
                analysis=request.POST.get("analysis", ""),
                teaching_plan=request.POST.get("teaching_plan", ""),
            )
        else:
            services.assessment_record(
                by=request.staff,
                student=student,
                subject=request.POST.get("subject", ""),
                taken_at=parse_local_datetime(request.POST.get("taken_at", "")),
                score=request.POST.get("score", ""),
            )
        messages.success(request, "已保存")
    except DomainError as exc:
        detail = "；".join(exc.fields.values())
        messages.error(request, f"{exc.message}：{detail}" if detail and detail != exc.message else exc.message)
    return redirect(reverse("students:detail", args=[student.pk]) + "?tab=lessons")


@staff_required(*services.CREATE_ROLES)
def student_edit(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_or_404(request, Student.objects.all(), pk)
    context: dict[str, Any] = {
        "student": student,
        "errors": {},
        "genders": Student.Gender.choices,
        "learning_types": Student.LearningType.choices,
        "profiles": Student.Profile.choices,
    }
    if request.method == "POST":
        changes = {name: request.POST.get(name, "") for name in STUDENT_FIELDS}
        changes["birthday"] = _date(changes["birthday"])
        try:
            services.student_update(student=student, by=request.staff, changes=changes)
        except DomainError as exc:
            context.update(errors=exc.fields, message=exc.message, values=request.POST)
            return render(request, "students/edit.html", context, status=422)
        messages.success(request, "档案已保存")
        return redirect("students:detail", pk=student.pk)
    context["values"] = {name: getattr(student, name) for name in STUDENT_FIELDS}
    context["values"]["birthday"] = student.birthday.isoformat()
    return render(request, "students/edit.html", context)


@require_POST
@staff_required(*services.CREATE_ROLES)
def guardian_action(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_or_404(request, Student.objects.all(), pk)
    action = request.POST.get("action")
    guardian = None
    if action in ("primary", "remove"):
        guardian = student.guardians.filter(pk=posted_id(request, "guardian")).first()
        if guardian is None:
            raise Http404
    try:
        if action == "add":
            services.guardian_add(
                student=student,
                by=request.staff,
                name=request.POST.get("name", ""),
                relation=request.POST.get("relation", ""),
                phone=request.POST.get("phone", ""),
            )
            messages.success(request, "已添加家长")
        elif action == "primary":
            services.guardian_set_primary(guardian=guardian, by=request.staff)
            messages.success(request, f"{guardian.name} 已设为主要决策人")
        elif action == "remove":
            services.guardian_remove(guardian=guardian, by=request.staff)
            messages.success(request, "已删除")
    except DomainError as exc:
        detail = "；".join(exc.fields.values()) if exc.fields else ""
        messages.error(request, f"{exc.message}{'：' + detail if detail and detail != exc.message else ''}")
    return redirect("students:detail", pk=student.pk)


# --- hand-over (接档) -------------------------------------------------------------------


@staff_required(Role.CS_SUPERVISOR, Role.PRINCIPAL)
def handover(request: HttpRequest) -> HttpResponse:
    advisors = selectors.advisors_of(request.campus.pk)
    if request.method == "POST":
        student = get_or_404(request, Student.objects.all(), posted_id(request, "student"))
        advisor = advisors.filter(pk=posted_id(request, "advisor")).first()
        if advisor is None:
            messages.error(request, "请选择本校区的班主任")
        else:
            try:
                a = services.student_assign_advisor(
                    student=student, advisor=advisor, by=request.staff, note=request.POST.get("note", "")
                )
                messages.success(
                    request, f"{student.name} 已移交给 {advisor.display_name}，首次回访须在 {a.first_call_due} 前完成"
                )
            except DomainError as exc:
                messages.error(request, exc.message)
        return redirect("students:handover")
    show = request.GET.get("show", "unassigned")
    students = scoped(request, Student.objects.select_related("advisor__user"))
    if show == "unassigned":
        students = students.filter(advisor__isnull=True)
    recent = scoped(
        request, AdvisorAssignment.objects.select_related("student", "advisor__user", "assigned_by__user"),
        "student__campus",
    )[:30]
    return render(
        request,
        "students/handover.html",
        {"students": students.order_by("created_at")[:200], "advisors": advisors, "show": show, "recent": recent},
    )


@require_POST
@staff_required(Role.ADVISOR, Role.CS_SUPERVISOR, Role.PRINCIPAL)
def first_call_done(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_or_404(request, AdvisorAssignment.objects.all(), pk, "student__campus")
    try:
        services.assignment_first_call_done(assignment=assignment, by=request.staff)
        messages.success(request, "已登记首次回访")
    except DomainError as exc:
        messages.error(request, exc.message)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("home")
    return redirect(target)


@staff_required(*services.CREATE_ROLES)
def phone_check(request: HttpRequest) -> HttpResponse:
    """As-you-type check of a guardian's phone: its format, and the families already using it
    (a sibling's file shares the parents' numbers)."""
    phone = services.normalize_phone(next(iter(request.GET.values()), ""))[:20]
    context: dict[str, Any] = {"phone": phone}
    if phone and not services.MOBILE.match(phone):
        context["error"] = "请填写 11 位手机号（1 开头）"
    elif phone:
        context["families"] = scoped(
            request, Guardian.objects.filter(phone=phone).select_related("student"), "student__campus"
        )[:5]
    return render(request, "students/_phone_check.html", context)
