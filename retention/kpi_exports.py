"""Excel export of the KPI dashboard (openpyxl, through `core.xlsx`): the month's five KPIs
figure by figure, their twelve-month trends, the advisors compared, then a sheet per KPI
with the students behind it — the rows of `retention.kpis` the page shows."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from core import xlsx
from core.models import Staff

from . import kpis
from .exports import MONEY_FORMAT, _header, _row

RATE_FORMAT = "0.0%"


def _cell(value: Any) -> Any:
    """A figure as a cell: numbers stay numbers (a rate a fraction shown as a percentage),
    a moment its local date, a list its items."""
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d}"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value


def _formats(sheet: Any, names: list[str], first_column: int) -> None:
    """Number formats of the last row: rates as percentages, money with two places."""
    for offset, name in enumerate(names):
        cell = sheet.cell(row=sheet.max_row, column=first_column + offset)
        if name == "rate":
            cell.number_format = RATE_FORMAT
        elif isinstance(cell.value, Decimal | float):
            cell.number_format = MONEY_FORMAT


def _headlines(sheet: Any, label: str, row: dict[str, kpis.Kpi]) -> None:
    xlsx.append(sheet, [label, *(_cell(row[key].headline) for key in kpis.KEYS)])
    _formats(sheet, [kpis.DEFINITIONS[key].headline for key in kpis.KEYS], 2)


def kpi_xlsx(
    month: date, advisor: Staff | None, current: dict[str, kpis.Kpi], trend: dict[str, list[kpis.Kpi]],
    compare: list[dict[str, Any]], *, names: dict[int, tuple[str, str]],
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "五大指标"
    whose = advisor.display_name if advisor is not None else "全校区"
    _header(sheet, [f"{month:%Y-%m} {whose}", "项目", "数值"], [20, 16, 14])
    for key, kpi in current.items():
        d = kpis.DEFINITIONS[key]
        for name, label, _hits in d.figures:
            _row(sheet, [str(d.label), str(label), _cell(kpi.figures[name])])
            _formats(sheet, [name], 3)
    labels = [str(kpis.DEFINITIONS[key].label) for key in kpis.KEYS]
    sheet = book.create_sheet("十二个月趋势")
    _header(sheet, ["月份", *labels], [10, 12, 12, 12, 12, 12])
    for i, month_of in enumerate(kpis.trend_months(month)):
        _headlines(sheet, f"{month_of:%Y-%m}", {key: series[i] for key, series in trend.items()})
    if compare:
        sheet = book.create_sheet("班主任对比")
        _header(sheet, ["班主任", *labels], [16, 12, 12, 12, 12, 12])
        for row in compare:
            _headlines(sheet, row["name"], row["kpis"])
    for key, kpi in current.items():
        d = kpis.DEFINITIONS[key]
        sheet = book.create_sheet(str(d.label))
        columns = [c for c, _label in d.columns]
        _header(sheet, ["学员", "班主任", "计入分子", *(str(label) for _c, label in d.columns)], [14, 14, 10, 16, 16, 16])
        for r in kpi.rows:
            name, advisor_name = names.get(r.student_id, ("", ""))
            xlsx.append(sheet, [name, advisor_name, "是" if r.hit else "", *(_cell(r.values.get(c)) for c in columns)])
            _formats(sheet, columns, 4)
    return xlsx.to_bytes(book)
