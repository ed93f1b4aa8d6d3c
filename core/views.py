from django import forms
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import xlsx
from .dashboard import panels_for
from .decorators import staff_required
from .errors import DomainError
from .reports import REPORT_READERS, daily_report, report_filename, report_xlsx
from .todos import todo_done
from .validation import date_problem


@staff_required()
def home(request: HttpRequest) -> HttpResponse:
    """The landing page of each role: their panels (to-dos, today's lessons, …)."""
    return render(request, "core/home.html", {"panels": panels_for(request.staff)})


@staff_required()
@require_POST
def todo_mark_done(request: HttpRequest, todo_id: int) -> HttpResponse:
    """完成: tick off one of one's own to-dos (someone else's is the 404 page)."""
    try:
        todo_done(todo_id=todo_id, by=request.staff)
    except DomainError as exc:
        return render(request, "404.html", {"reason": exc.message}, status=404)
    messages.success(request, _("待办已完成"))
    return redirect("home")


class ReportDayForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_day(self):
        day = self.cleaned_data.get("day")
        if day is not None and (problem := date_problem("record", day)):
            raise forms.ValidationError(problem)
        return day


@staff_required(*REPORT_READERS)
def daily_report_page(request: HttpRequest) -> HttpResponse:
    """日报表: the day's figures of the campus; `?export=xlsx` is the same as an Excel file."""
    form = ReportDayForm(request.GET or None)
    day = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["day"]:
        day = form.cleaned_data["day"]
    sections = daily_report(request.campus, day)
    if request.GET.get("export") == "xlsx" and not form.errors:
        return xlsx.download(report_xlsx(request.campus, day, sections), report_filename(request.campus, day))
    query = f"day={day:%Y-%m-%d}"
    return render(
        request, "core/daily_report.html",
        {"form": form, "day": day, "sections": sections, "export": True, "query": query},
    )


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
