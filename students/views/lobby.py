"""The front desk's hourly lobby round (安全卫生巡查记录表): the checklist of the lobby
standard, each failed area a finding routed to its department until it is closed."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core.decorators import staff_required
from core.errors import DomainError
from core.scoping import get_scoped_or_404, scope

from .. import selectors, services
from ..forms import posted_id
from ..models import HygieneFinding, HygieneRound
from ..roles import ROLES


@staff_required(*ROLES["lobby"])
def duty_log(request: HttpRequest) -> HttpResponse:
    """The hourly lobby safety and hygiene round (安全卫生巡查记录表)."""
    errors: dict[str, str] = {}
    if request.method == "POST" and request.POST.get("action") == "close":
        finding = get_scoped_or_404(request, HygieneFinding.objects.all(), posted_id(request, "finding"), "round__campus")
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
    rounds = scope(request, HygieneRound.objects.select_related("checked_by__user").prefetch_related("findings"))
    open_findings = scope(
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
