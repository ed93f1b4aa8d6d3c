"""The roster pages: the student list as an Excel file, and an Excel roster imported
(upload → preview every bad row and why → confirm)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core import xlsx
from core.decorators import staff_required
from core.errors import DomainError
from core.scoping import scope

from .. import roster, selectors
from ..models import Student
from ..roles import ROLES
from . import opens_files

IMPORT_SESSION_KEY = "students_roster_import"
EXPORT_LIMIT = 100_000


@staff_required(*ROLES["export"])
def student_export(request: HttpRequest) -> HttpResponse:
    """The list as it is filtered on screen (?q=), as an Excel file."""
    students = selectors.student_list(
        scope(request, Student.objects.all()),
        request.GET.get("q", ""),
        advisor=request.GET.get("advisor", ""),
        viewer=request.staff,
    )
    content = roster.export_workbook(students[:EXPORT_LIMIT])
    return xlsx.download(content, f"students-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@opens_files
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
