"""Pages of students/ that produce or read files (Excel roster, the printable student file)
and the front desk's hourly lobby round."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from core.decorators import staff_required
from core.errors import DomainError
from core.roles import Role

from . import roster, selectors, services
from .models import Guardian, HygieneFinding, HygieneRound, Student
from .views import VIEW_ROLES, get_or_404, posted_id, scoped

IMPORT_SESSION_KEY = "students_roster_import"
EXPORT_LIMIT = 100_000


@staff_required(*VIEW_ROLES)
def student_export(request: HttpRequest) -> HttpResponse:
    """The list as it is filtered on screen (?q=), as an Excel file."""
    students = selectors.student_list(
        scoped(request, Student.objects.all()),
        request.GET.get("q", ""),
        advisor=request.GET.get("advisor", ""),
        viewer=request.staff,
    )
    content = roster.export_workbook(students[:EXPORT_LIMIT].iterator(chunk_size=1000))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="students-{stamp}.xlsx"'
    return response


@staff_required(*services.CREATE_ROLES)
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (every bad row and why) → confirm. Nothing is saved before confirming."""
    context: dict[str, Any] = {"columns": [label for _key, label in roster.COLUMNS]}
    if request.method == "POST" and request.POST.get("step") == "confirm":
        rows = request.session.get(IMPORT_SESSION_KEY)
        if not rows:
            messages.error(request, "请先上传文件并预览")
            return redirect("students:import")
        only_valid = request.POST.get("only_valid") == "1"
        try:
            saved, skipped = roster.roster_import_confirm(
                campus=request.campus, by=request.staff, rows=rows, only_valid=only_valid
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("students:import")
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(request, f"已导入 {saved} 名学员" + (f"，跳过 {skipped} 行有误的数据" if skipped else ""))
        return redirect("students:list")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "请选择 Excel 文件"
            return render(request, "students/import.html", context, status=422)
        try:
            rows = roster.read_roster(upload.read(roster.MAX_BYTES + 1))
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "students/import.html", context, status=422)
        checked = roster.preview(campus=request.campus, rows=rows)
        request.session[IMPORT_SESSION_KEY] = rows
        context.update(
            rows=checked,
            good=sum(1 for r in checked if not r["problems"]),
            bad=sum(1 for r in checked if r["problems"]),
        )
    return render(request, "students/import.html", context)


def render_student_pdf(student: Student) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    labels = dict(Guardian.Relation.choices)
    guardians = list(student.guardians.all())
    for g in guardians:
        g.relation_label = labels.get(g.relation, g.relation)
    html = render_to_string(
        "students/file_pdf.html",
        {
            "student": student,
            "guardians": guardians,
            "printed_at": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()


@staff_required(*VIEW_ROLES)
def student_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The student file (学员档案) for the parent to check and sign."""
    student = get_or_404(request, Student.objects.select_related("campus", "advisor__user"), pk)
    response = HttpResponse(render_student_pdf(student), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="student-{student.pk}.pdf"'
    return response


@staff_required(Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.PRINCIPAL)
def duty_log(request: HttpRequest) -> HttpResponse:
    """The hourly lobby safety and hygiene round (安全卫生巡查记录表)."""
    errors: dict[str, str] = {}
    if request.method == "POST" and request.POST.get("action") == "close":
        finding = get_or_404(request, HygieneFinding.objects.all(), posted_id(request, "finding"), "round__campus")
        try:
            services.hygiene_finding_close(finding=finding, by=request.staff, fix_note=request.POST.get("fix_note", ""))
            messages.success(request, f"{finding.area} 的问题已整改关闭")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("students:duty")
    if request.method == "POST":
        findings = []
        for i, item in enumerate(services.LOBBY_STANDARD):
            if request.POST.get(f"fail_{i}"):
                findings.append(
                    {
                        "area": item["area"],
                        "problem": request.POST.get(f"problem_{i}", ""),
                        "department": request.POST.get(f"department_{i}", item["department"]),
                    }
                )
        try:
            round_ = services.hygiene_round_record(
                campus=request.campus, by=request.staff, findings=findings, note=request.POST.get("note", "")
            )
            messages.success(
                request, "巡查已记录：全部合格" if round_.all_ok else f"巡查已记录，{len(findings)} 处问题已通知责任部门"
            )
            return redirect("students:duty")
        except DomainError as exc:
            # the service numbers the failed areas; the page shows them against the checklist
            failed = [i for i in range(len(services.LOBBY_STANDARD)) if request.POST.get(f"fail_{i}")]
            for key, reason in exc.fields.items():
                if key.startswith("findings."):
                    errors[str(failed[int(key.split(".")[1])])] = reason
            messages.error(request, exc.message)
    today = timezone.localdate()
    rounds = scoped(request, HygieneRound.objects.select_related("checked_by__user").prefetch_related("findings"))
    open_findings = scoped(
        request, HygieneFinding.objects.filter(status=HygieneFinding.Status.OPEN).select_related("round"),
        "round__campus",
    )
    checklist = [
        {**item, "i": i, "error": errors.get(str(i)), "failed": bool(request.POST.get(f"fail_{i}")) if errors else False,
         "problem": request.POST.get(f"problem_{i}", "") if errors else ""}
        for i, item in enumerate(services.LOBBY_STANDARD)
    ]
    return render(
        request,
        "students/duty.html",
        {
            "checklist": checklist,
            "departments": services.DEPARTMENTS,
            "rounds": rounds.filter(checked_at__date__gte=today - timedelta(days=6))[:60],
            "open_findings": open_findings,
            "today_count": rounds.filter(checked_at__date=today).count(),
            "last_round": selectors.last_round(request.campus.pk),
        },
        status=422 if errors else 200,
    )
