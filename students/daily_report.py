"""Students' part of the front desk's daily report (core/reports.py): new leads and new
student files of the day."""

from datetime import date

from django.utils.translation import gettext as _

from core.dates import day_bounds
from core.models import Campus
from core.reports import ReportSection

from .models import Lead, Student


def sections(campus: Campus, day: date) -> list[ReportSection]:
    start, end = day_bounds(day)
    return [
        ReportSection(
            title=_("招生"),
            order=50,
            rows=[
                (_("新增咨询（线索）"), Lead.objects.filter(campus=campus, created_at__gte=start, created_at__lt=end).count()),
                (_("新建学员档案"), Student.objects.filter(campus=campus, created_at__gte=start, created_at__lt=end).count()),
            ],
        )
    ]
