"""Pages of the student file: the list and its search, the new-student form, the file with
its tabs, editing, the family, the phone check and the printable file.

The tabs of the file are the ones registered at `core.contributions.student_tabs` (students
registers 家庭 and 档案记录 itself, in students/contributions.py), each followed by the
sections other apps add to it: this page never names what another app keeps."""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.contributions import StudentFilePart, StudentTab, student_tab_sections, student_tabs
from core.decorators import staff_required
from core.errors import DomainError
from core.roles import Role
from core.scoping import get_scoped_or_404, scope

from .. import selectors, services
from ..forms import (
    STUDENT_FIELDS,
    posted_id,
    refusal_text,
    student_choices,
    student_fields,
    student_form_context,
    student_form_data,
)
from ..models import Guardian, Student
from ..picker import picker_label
from ..roles import ROLES
from . import PAGE_SIZE, opens_files

# --- list and search ------------------------------------------------------------------


@staff_required(*ROLES["view"])
def student_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    advisor = request.GET.get("advisor", "")
    students = selectors.student_list(
        scope(request, Student.objects.all()), q, advisor=advisor, viewer=request.staff
    )
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "advisor": advisor,
        "advisors": selectors.advisors_of(request.campus.pk),
        "is_advisor": request.staff.role == Role.ADVISOR,
        "show_phones": selectors.shows_phones(request.staff),
        "can_export": services.may(request.staff, "export"),
    }
    if request.htmx:
        return render(request, "students/_rows.html", context)
    return render(request, "students/list.html", context)


PICK_LIMIT = 10


@staff_required(*ROLES["view"])
def student_pick(request: HttpRequest) -> JsonResponse:
    """The student picker's matches for ?q= (students/picker.py): the student search box's
    search, of the caller's campus and, for a teacher, of their own students only."""
    q = request.GET.get("q", "").strip()
    items = []
    if q:
        students = selectors.student_list(scope(request, Student.objects.all()), q, viewer=request.staff)
        for student in students[:PICK_LIMIT]:
            hint = " · ".join(part for part in (student.grade, student.school) if part)
            items.append({"id": student.pk, "label": picker_label(student), "name": student.name,
                          "number": student.number, "hint": hint})
    return JsonResponse({"items": items})


# --- the student file -------------------------------------------------------------------


def opened_student(request: HttpRequest, queryset: QuerySet[Student], pk: int) -> Student:
    """The student `pk` of the caller's campus (else 404) whom the caller may open: a
    teacher, only a student they teach (else 403, `selectors.visible_students`)."""
    student = get_scoped_or_404(request, queryset, pk)
    if not selectors.visible_students(Student.objects.filter(pk=student.pk), request.staff).exists():
        raise PermissionDenied("教员只能查看自己所教学员的档案")
    return student


def new_file_posted(
    request: HttpRequest, open_file: Callable[..., Student], done: str, **context: Any
) -> HttpResponse:
    """The new-student form (also a lead's 报名) posted: the file `open_file` opens from its
    fields, family and advisor, then the file with `done` (`{name}`: the student's); or the
    form again with the refusal beside its fields."""
    data, rows, advisor = student_form_data(request.POST)
    try:
        student = open_file(data=data, guardians=rows, advisor=advisor or None)
    except DomainError as exc:
        form = student_form_context(request, request.POST.dict(), rows, advisor, exc.fields)
        return render(request, "students/new.html", {**form, **context, "message": exc.message}, status=422)
    messages.success(request, done.format(name=student.name))
    return redirect("students:detail", pk=student.pk)


@opens_files
def student_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "students/new.html", student_form_context(request, {}, [], "", {}))
    return new_file_posted(
        request, partial(services.student_create, campus=request.campus, by=request.staff), "已为 {name} 建立学员档案"
    )


def render_part(request: HttpRequest, student: Student, part: StudentFilePart) -> str:
    """One tab's or section's template, with the student and what its context function adds."""
    return render_to_string(part.template, {"student": student, **part.context(request, student)}, request=request)


def file_tabs(request: HttpRequest, student: Student) -> list[StudentTab]:
    return [tab for tab in student_tabs.items() if tab.shown_to(request, student)]


@staff_required(*ROLES["view"])
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = opened_student(
        request, Student.objects.select_related("campus", "advisor__user", "referred_by").prefetch_related("guardians"), pk
    )
    tabs = file_tabs(request, student)
    # an unknown tab (or one of an app not installed) opens the first one
    tab = next((t for t in tabs if t.key == request.GET.get("tab")), tabs[0] if tabs else None)
    parts: list[StudentFilePart] = []
    if tab is not None:
        sections = [s for s in student_tab_sections.items() if s.tab == tab.key and s.shown_to(request, student)]
        parts = [tab, *sections]
    context: dict[str, Any] = {
        "student": student,
        "tabs": [(t.key, t.label) for t in tabs],
        "tab": tab.key if tab is not None else "",
        "parts": [render_part(request, student, part) for part in parts],
        "can_edit": services.may(request.staff, "edit"),
        "can_number": services.may(request.staff, "number"),
    }
    return render(request, "students/detail.html", context)


@staff_required(*ROLES["edit"])
def student_edit(request: HttpRequest, pk: int) -> HttpResponse:
    student = selectors.scoped_student_or_404(request, pk)
    context: dict[str, Any] = {"student": student, "errors": {}, **student_choices()}
    if request.method == "POST":
        try:
            services.student_update(student=student, by=request.staff, changes=student_fields(request.POST))
        except DomainError as exc:
            context.update(errors=exc.fields, message=exc.message, values=request.POST)
            return render(request, "students/edit.html", context, status=422)
        messages.success(request, "档案已保存")
        return redirect("students:detail", pk=student.pk)
    context["values"] = {name: getattr(student, name) for name in STUDENT_FIELDS}
    context["values"]["birthday"] = student.birthday.isoformat()
    return render(request, "students/edit.html", context)


@staff_required(*ROLES["number"])
def student_number(request: HttpRequest, pk: int) -> HttpResponse:
    """手动修改学生编号: the number, unique at the campus; the file's history keeps the old one."""
    student = selectors.scoped_student_or_404(request, pk)
    context: dict[str, Any] = {"student": student, "number": student.number}
    if request.method == "POST":
        context["number"] = request.POST.get("number", "")
        try:
            services.student_number_change(student=student, by=request.staff, number=context["number"])
        except DomainError as exc:
            context.update(error=exc.fields.get("number") or exc.message, message=exc.message)
            return render(request, "students/number.html", context, status=exc.status)
        messages.success(request, "学生编号已保存")
        return redirect("students:detail", pk=student.pk)
    return render(request, "students/number.html", context)


@require_POST
@staff_required(*ROLES["edit"])
def guardian_action(request: HttpRequest, pk: int) -> HttpResponse:
    student = selectors.scoped_student_or_404(request, pk)
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
        messages.error(request, refusal_text(exc))
    return redirect("students:detail", pk=student.pk)


@staff_required(*ROLES["edit"])
def phone_check(request: HttpRequest) -> HttpResponse:
    """As-you-type check of a guardian's phone: its format, and the families already using it
    (a sibling's file shares the parents' numbers)."""
    phone = services.normalize_phone(next(iter(request.GET.values()), ""))[:20]
    context: dict[str, Any] = {"phone": phone}
    problem = services.check_guardian_phone(phone, family={})[1] if phone else None
    if problem:
        context["error"] = problem
    elif phone:
        context["families"] = scope(
            request, Guardian.objects.filter(phone=phone).select_related("student"), "student__campus"
        )[:5]
    return render(request, "students/_phone_check.html", context)


def render_student_pdf(student: Student, *, phones: bool = True) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    html = render_to_string(
        "students/file_pdf.html",
        {
            "student": student, "guardians": list(student.guardians.all()), "printed_at": timezone.localtime(),
            "show_phones": phones,
        },
    )
    return HTML(string=html).write_pdf()


@staff_required(*ROLES["view"])
def student_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The student file (学员档案) for the parent to check and sign."""
    student = opened_student(request, Student.objects.select_related("campus", "advisor__user"), pk)
    response = HttpResponse(render_student_pdf(student, phones=selectors.shows_phones(request.staff)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="student-{student.pk}.pdf"'
    return response
