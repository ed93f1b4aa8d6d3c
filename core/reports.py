"""The front desk's daily report (日报表) of a campus day: check-ins, lessons used,
payments by method, card deposits and fees, goods sold, new leads and students.

Each app answers for its own figures in `<app>/daily_report.py`, `sections(campus, day)
-> list[ReportSection]` (found by core.discovery, like the landing panels): core knows
none of their models. The page (`/reports/daily/`), its Excel file and the end-of-day job
(`daily_report`, filing a `DailyReport` row with the file) all read `daily_report()`."""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from openpyxl import Workbook

from . import xlsx
from .dates import local_day
from .discovery import app_modules
from .models import Campus, DailyReport
from .roles import Role

# who reads the report: its page, its menu entry
REPORT_READERS = frozenset({Role.FRONT_DESK, Role.PRINCIPAL, Role.FINANCE})


@dataclass
class ReportSection:
    """One part of the report: a title and its lines (label, value); a money value is a
    Decimal, a count an int."""

    title: str
    order: int
    rows: list[tuple[str, Any]] = field(default_factory=list)


def daily_report(campus: Campus, day: date) -> list[ReportSection]:
    sections = [s for module in app_modules("daily_report") for s in module.sections(campus, day)]
    return sorted(sections, key=lambda s: s.order)


def _plain(value: Any) -> Any:
    return f"{value:.2f}" if isinstance(value, Decimal) else value


def report_data(sections: list[ReportSection]) -> list[dict]:
    """The report as JSON (money as its two-place text)."""
    return [{**asdict(s), "rows": [[label, _plain(value)] for label, value in s.rows]} for s in sections]


def report_xlsx(campus: Campus, day: date, sections: list[ReportSection]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "日报表"
    xlsx.append(sheet, [f"{campus.name} 日报表", day.isoformat()])
    for section in sections:
        xlsx.append(sheet, [])
        xlsx.append(sheet, [section.title])
        for label, value in section.rows:
            xlsx.append(sheet, [label, float(value) if isinstance(value, Decimal) else value])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 16
    return xlsx.to_bytes(book)


def report_filename(campus: Campus, day: date) -> str:
    return f"daily-report-{campus.code}-{day:%Y%m%d}.xlsx"


def daily_report_file(*, campus: Campus, day: date) -> DailyReport | None:
    """File the report of `campus` for `day` (the figures and the Excel file). Filed once:
    None when it is already on file."""
    if DailyReport.objects.filter(campus=campus, day=day).exists():
        return None
    sections = daily_report(campus, day)
    try:
        with transaction.atomic():
            report = DailyReport(campus=campus, day=day, data=report_data(sections))
            report.file.save(report_filename(campus, day), ContentFile(report_xlsx(campus, day, sections)), save=False)
            report.save()
    except IntegrityError:  # filed at the same moment by another worker
        return None
    return report


def daily_reports_file(at: datetime) -> int:
    """The end-of-day job: every campus's report of the day of `at`."""
    day = local_day(at)
    return sum(daily_report_file(campus=campus, day=day) is not None for campus in Campus.objects.all())
