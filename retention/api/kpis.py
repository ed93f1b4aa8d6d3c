"""GET /api/v1/kpis (API.md § Staff rules and KPIs): the five KPIs of a month, for the
campus or one advisor. Thin: parse, check the role, read `retention.kpis` — the selectors
the dashboard reads too."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from core.apikit import ERRORS, require_allowed

from .. import kpis
from ..roles import ROLES

router = Router(tags=["KPIs"])


@router.get("/kpis", response={200: dict, **ERRORS}, summary="The five KPIs of a month (campus or advisor)")
def kpi_month(request: HttpRequest, month: str | None = None, advisor: str | None = None):
    """`month` YYYY-MM (default this month); `advisor` a username or staff id (an advisor:
    their own figures whatever is asked). Rates are decimal strings with four places
    ("0.8500" = 85%), null when there is nothing to divide by; money has two places."""
    staff = require_allowed(request, ROLES["kpis"])
    chosen = kpis.parse_month(month, timezone.localdate())
    students, _advisor = kpis.kpi_students(staff, advisor)
    return {key: kpis.figures_json(kpi) for key, kpi in kpis.month_kpis(students, chosen).items()}
