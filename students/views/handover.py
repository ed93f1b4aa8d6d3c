"""The hand-over page (接档): a supervisor gives a student to an advisor; the advisor ticks
off the first call to the parent."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.decorators import staff_required
from core.errors import DomainError
from core.scoping import get_scoped_or_404, scope

from .. import selectors, services
from ..forms import posted_id
from ..models import AdvisorAssignment, Student
from ..roles import ROLES


@staff_required(*ROLES["handover"])
def handover(request: HttpRequest) -> HttpResponse:
    advisors = selectors.advisors_of(request.campus.pk)
    if request.method == "POST":
        student = selectors.scoped_student_or_404(request, posted_id(request, "student"))
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
    students = scope(request, Student.objects.select_related("advisor__user"))
    if show == "unassigned":
        students = students.filter(advisor__isnull=True)
    recent = scope(
        request, AdvisorAssignment.objects.select_related("student", "advisor__user", "assigned_by__user"),
        "student__campus",
    )[:30]
    return render(
        request,
        "students/handover.html",
        {"students": students.order_by("created_at")[:200], "advisors": advisors, "show": show, "recent": recent},
    )


@require_POST
@staff_required(*ROLES["first_call"])
def first_call_done(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_scoped_or_404(request, AdvisorAssignment.objects.all(), pk, "student__campus")
    try:
        services.assignment_first_call_done(assignment=assignment, by=request.staff)
        messages.success(request, "已登记首次回访")
    except DomainError as exc:
        messages.error(request, exc.message)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("home")
    return redirect(target)
