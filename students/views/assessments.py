"""The assessment form (测评) of a lead's page and of a student's file: record a test, or
write the analysis and teaching plan of one."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.decorators import staff_required
from core.errors import DomainError

from .. import services
from ..contributions import ASSESSMENTS_TAB
from ..forms import form_datetime, posted_id, refusal_text
from ..models import Assessment, Lead, Student
from ..roles import ROLES
from ..selectors import scoped_student_or_404


def assessment_form_submit(
    request: HttpRequest, *, assessments: QuerySet[Assessment], lead: Lead | None = None, student: Student | None = None
) -> Assessment:
    """The posted form as a service call: `action=analysis` analyses one of `assessments`
    (another is a 404), anything else records a new test of `lead` or `student`. Raises
    the service's DomainError."""
    if request.POST.get("action") == "analysis":
        assessment = assessments.filter(pk=posted_id(request, "assessment")).first()
        if assessment is None:
            raise Http404
        return services.assessment_analyse(
            assessment=assessment,
            by=request.staff,
            analysis=request.POST.get("analysis", ""),
            teaching_plan=request.POST.get("teaching_plan", ""),
        )
    return services.assessment_record(
        by=request.staff,
        lead=lead,
        student=student,
        subject=request.POST.get("subject", ""),
        taken_at=form_datetime(request.POST.get("taken_at", "")),
        score=request.POST.get("score", ""),
    )


@require_POST
@staff_required(*ROLES["assess"])
def student_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """An assessment test of an enrolled student, or the analysis of one."""
    student = scoped_student_or_404(request, pk)
    try:
        assessment_form_submit(request, assessments=student.entry_assessments.all(), student=student)
        messages.success(request, "已保存")
    except DomainError as exc:
        messages.error(request, refusal_text(exc))
    return redirect(reverse("students:detail", args=[student.pk]) + f"?tab={ASSESSMENTS_TAB}")
