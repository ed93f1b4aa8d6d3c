"""The KPI pages (五大指标, Chinese): the dashboard of a month — the five figures, their
twelve-month trends and the comparison of the campus's advisors, as inline SVG built here
(no script, no style attribute: the CSP allows neither) — the drill-down to the students
behind every number, and the Excel export. Every figure comes from `retention.kpis`, the
selectors GET /api/v1/kpis reads too."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import xlsx
from core.decorators import staff_required
from core.errors import Forbidden, InvalidInput
from core.models import Staff
from core.roles import Role
from students.models import Student

from .. import kpis
from ..kpi_exports import kpi_xlsx
from ..roles import ROLES
from .followups import refused

# the trend chart's drawing area, in the SVG's own units (it scales to its card)
TREND_WIDTH, TREND_HEIGHT, TREND_LEFT, TREND_TOP, TREND_BOTTOM = 360, 150, 8, 14, 118
BAR_ROW = 30  # px per advisor in a comparison chart


def display(value: Any, name: str = "") -> str:
    """A figure as the pages and the export's text show it."""
    if value is None:
        return "—"
    if name == "rate":
        return kpis.percent(value)
    if isinstance(value, Decimal):
        return f"¥{value:.2f}"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d}"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _ratio(value: Decimal | int | None, largest: Decimal | int) -> Decimal:
    return Decimal(value or 0) / Decimal(largest or 1)


def trend_chart(series: list[kpis.Kpi]) -> dict[str, Any]:
    """Twelve months of a KPI's headline: a line for a rate, bars for a count."""
    d = kpis.DEFINITIONS[series[0].key]
    values = [k.headline for k in series]
    is_rate = d.headline == "rate"
    largest = max([v for v in values if v is not None] + ([Decimal(1)] if is_rate else [1]))
    step = (TREND_WIDTH - 2 * TREND_LEFT) / len(series)
    span = TREND_BOTTOM - TREND_TOP
    points = []
    for i, (kpi, value) in enumerate(zip(series, values, strict=True)):
        x = TREND_LEFT + step * i + step / 2
        height = float(_ratio(value, largest)) * span
        points.append({
            "x": f"{x:.1f}", "y": f"{TREND_BOTTOM - height:.1f}", "height": f"{max(height, 0.5):.1f}",
            "bar_x": f"{x - step * 0.35:.1f}", "bar_width": f"{step * 0.7:.1f}",
            "value": value, "text": display(value, d.headline), "month": kpi.month, "label": f"{kpi.month.month}",
            "present": value is not None,
        })
    line = " ".join(f"{p['x']},{p['y']}" for p in points if p["present"])
    return {
        "is_rate": is_rate, "points": points, "line": line, "width": TREND_WIDTH, "height": TREND_HEIGHT,
        "label_y": TREND_BOTTOM + 16, "base_y": TREND_BOTTOM,
    }


def comparison_chart(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """The advisors side by side on one KPI's headline: a horizontal bar each."""
    d = kpis.DEFINITIONS[key]
    values = [r["kpis"][key].headline for r in rows]
    largest = max([v for v in values if v is not None] + ([Decimal(1)] if d.headline == "rate" else [1]))
    bars = [
        {
            "name": r["name"], "y": i * BAR_ROW, "text_y": i * BAR_ROW + 19,
            "width": f"{max(float(_ratio(v, largest)) * 100, 0.5):.1f}", "text": display(v, d.headline),
        }
        for i, (r, v) in enumerate(zip(rows, values, strict=True))
    ]
    return {"key": key, "label": d.label, "bars": bars, "height": max(len(bars), 1) * BAR_ROW}


def _month(request: HttpRequest) -> date:
    """The month asked for; one the API would refuse (not YYYY-MM, in the future, before
    2000) is this month."""
    this_month = timezone.localdate().replace(day=1)
    try:
        return kpis.parse_month(request.GET.get("month"), this_month)
    except InvalidInput:
        return this_month


def _students(request: HttpRequest) -> tuple[Any, Staff | None] | HttpResponse:
    """Whose figures: an advisor their own (another advisor: the 403 page saying why); a
    supervisor the campus or an advisor of it (any other: 404, as another campus's object)."""
    try:
        return kpis.kpi_students(request.staff, request.GET.get("advisor"))
    except InvalidInput:
        raise Http404 from None
    except Forbidden as exc:
        return refused(request, exc.message)


def _query(month: date, advisor: Staff | None, **extra: str) -> str:
    query = {"month": f"{month:%Y-%m}"}
    if advisor is not None:
        query["advisor"] = advisor.user.username
    return urlencode({**query, **extra})


def _link(key: str, month: date, advisor: Staff | None, *, hits: bool = False) -> str:
    return f"{reverse('retention:kpi_students', args=[key])}?{_query(month, advisor, **({'hits': '1'} if hits else {}))}"


def _dashboard_link(month: date, advisor: Staff | None, **extra: str) -> str:
    return f"{reverse('retention:kpis')}?{_query(month, advisor, **extra)}"


def cards(current: dict[str, kpis.Kpi], advisor: Staff | None) -> list[dict[str, Any]]:
    """The five KPIs of the month, each figure with the link to the students behind it."""
    out = []
    for key, kpi in current.items():
        d = kpis.DEFINITIONS[key]
        figures = kpi.figures
        out.append({
            "key": key, "label": d.label,
            "figures": [
                {"name": name, "label": label, "text": display(figures[name], name),
                 "url": _link(key, kpi.month, advisor, hits=hits_only)}
                for name, label, hits_only in d.figures
            ],
        })
    return out


def comparison(staff: Staff, current: dict[str, kpis.Kpi], month: date) -> list[dict[str, Any]]:
    """Each advisor of the campus (and the students without one) on the five KPIs; one who
    has left only while some figure of the month is theirs."""
    rows = []
    for advisor in kpis.advisors_of(staff):
        mine = {key: kpi.of_advisor(advisor.pk) for key, kpi in current.items()}
        if not advisor.user.is_active and not any(kpi.rows for kpi in mine.values()):
            continue
        rows.append({"advisor": advisor, "name": advisor.display_name, "kpis": mine})
    if any(None in kpi.advisor_ids() for kpi in current.values()):
        rows.append({"advisor": None, "name": _("未分配班主任"), "kpis": {k: v.of_advisor(None) for k, v in current.items()}})
    for row in rows:
        row["cells"] = [
            {"text": display(row["kpis"][key].headline, kpis.DEFINITIONS[key].headline),
             "url": _link(key, month, row["advisor"]) if row["advisor"] is not None else ""}
            for key in kpis.KEYS
        ]
    return rows


@staff_required(*ROLES["kpis"])
def kpi_dashboard(request: HttpRequest) -> HttpResponse:
    """五大指标: the month's five KPIs (the campus, or one advisor), twelve months of each,
    and, for the campus, its advisors compared; every number opens its students."""
    month = _month(request)
    whose = _students(request)
    if isinstance(whose, HttpResponse):
        return whose
    students, advisor = whose
    trend = kpis.trends(students, month)
    # the month itself is the trends' last: computed once
    current = {key: series[-1] for key, series in trend.items()}
    compare = comparison(request.staff, current, month) if advisor is None else []
    if request.GET.get("export") == "xlsx":
        workbook = kpi_xlsx(month, advisor, current, trend, compare, names=_names(current))
        return xlsx.download(workbook, f"kpis-{month:%Y-%m}.xlsx")
    extra = f"&{urlencode({'advisor': advisor.user.username})}" if advisor is not None else ""
    return render(
        request,
        "retention/kpi_dashboard.html",
        {
            "month": month, "prev": kpis.previous_month(month), "next": kpis.next_month(month),
            "is_current": month == timezone.localdate().replace(day=1), "extra": extra,
            "advisor": advisor, "advisors": kpis.advisors_of(request.staff) if request.staff.role != Role.ADVISOR else [],
            "cards": cards(current, advisor),
            "trends": [{"label": kpis.DEFINITIONS[key].label, "chart": trend_chart(series)} for key, series in trend.items()],
            "compare": compare, "compare_charts": [comparison_chart(compare, key) for key in kpis.KEYS] if compare else [],
            "definitions": kpis.DEFINITIONS.values(),
            "export_url": _dashboard_link(month, advisor, export="xlsx"),
        },
    )


def _names(current: dict[str, kpis.Kpi]) -> dict[int, tuple[str, str]]:
    """Every student behind the month's figures: id → (name, advisor's name), one query."""
    ids = {r.student_id for kpi in current.values() for r in kpi.rows}
    found = Student.objects.filter(pk__in=ids).select_related("advisor__user")
    return {s.pk: (s.name, s.advisor.display_name if s.advisor_id else "") for s in found}


def drill_rows(kpi: kpis.Kpi, *, hits_only: bool) -> list[dict[str, Any]]:
    """The students behind `kpi` (only those counted in its numerator with `hits_only`),
    each with the KPI's own columns."""
    d = kpis.DEFINITIONS[kpi.key]
    chosen = [r for r in kpi.rows if r.hit or not hits_only]
    by_id = {s.pk: s for s in kpi.students(hits_only=hits_only).select_related("advisor__user")}
    return [
        {"student": by_id[r.student_id], "hit": r.hit, "cells": [display(r.values.get(c), c) for c, _label in d.columns]}
        for r in chosen
    ]


@staff_required(*ROLES["kpis"])
def kpi_students(request: HttpRequest, key: str) -> HttpResponse:
    """The students behind a KPI of a month: every one of them, or (`hits=1`) those its
    numerator counts — the rows the figure was summed from."""
    if key not in kpis.DEFINITIONS:
        raise Http404
    month = _month(request)
    whose = _students(request)
    if isinstance(whose, HttpResponse):
        return whose
    students, advisor = whose
    kpi = kpis.DEFINITIONS[key].compute(students, month)
    hits_only = request.GET.get("hits") == "1"
    d = kpis.DEFINITIONS[key]
    return render(
        request,
        "retention/kpi_students.html",
        {
            "definition": d, "month": month, "advisor": advisor, "hits_only": hits_only,
            "figures": [{"label": label, "text": display(kpi.figures[name], name)} for name, label, _h in d.figures],
            "columns": [label for _c, label in d.columns], "rows": drill_rows(kpi, hits_only=hits_only),
            "back": _dashboard_link(month, advisor),
            "all_url": _link(key, month, advisor), "hits_url": _link(key, month, advisor, hits=True),
        },
    )
