"""Scheduling's part of the front desk's daily report (core/reports.py): the day's
check-ins (签到), by the card and by hand."""

from datetime import date

from django.db.models import Count
from django.utils.translation import gettext as _

from core.dates import day_bounds
from core.models import Campus
from core.reports import ReportSection

from .models import Attendance


def sections(campus: Campus, day: date) -> list[ReportSection]:
    start, end = day_bounds(day)
    by_source = dict(
        Attendance.objects.filter(campus=campus, checked_in_at__gte=start, checked_in_at__lt=end)
        .values_list("source").annotate(n=Count("pk")).order_by()
    )
    rows = [(_("签到人次"), sum(by_source.values()))]
    rows += [(_("其中%(source)s") % {"source": label}, by_source.get(value, 0)) for value, label in Attendance.Source.choices]
    return [ReportSection(title=_("签到"), order=10, rows=rows)]
