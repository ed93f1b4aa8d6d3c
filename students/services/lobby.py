"""The front desk's hourly lobby round (安全卫生巡查记录表)."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict
from core.models import Campus, Staff
from core.text import clean_text

from ..errors import StudentError
from ..models import (
    HygieneFinding,
    HygieneRound,
)
from .policy import require_allowed
from .validation import refuse

# --- the hourly lobby round (安全卫生巡查记录表) ------------------------------------------

# The lobby standard of the front-desk manual (§一.2), area by area, with the department
# that puts a failure right.
LOBBY_STANDARD: list[dict[str, str]] = [
    {
        "area": "前台台面",
        "standard": "前台接待台面干净整洁无杂物，台面办公用品、各种记录本和资料夹摆放整齐，工作电脑无灰尘。",
        "department": "客服部",
    },
    {
        "area": "货架/杯架",
        "standard": "销售货架及销售物品摆放整齐，表面无灰尘；杯架架面无灰尘无异物，杯子摆放整齐。",
        "department": "客服部",
    },
    {
        "area": "厕所",
        "standard": "厕所无异味，地面无杂物、污渍、水印，便池及附件无污渍黄印，洗手池拖把池无污渍黄印。",
        "department": "后勤部",
    },
    {
        "area": "沙发/茶几/饮水机",
        "standard": "沙发整洁无杂物，茶几表面干净无灰尘，饮水机能正常加热，水量充足。",
        "department": "后勤部",
    },
    {
        "area": "大厅地面",
        "standard": "大厅地面无杂物、污渍、积水，整洁无异味，纸篓无溢出。",
        "department": "后勤部",
    },
]
LOBBY_AREAS = [item["area"] for item in LOBBY_STANDARD]
DEPARTMENTS = ["客服部", "后勤部", "教务部", "行政部", "安保"]


@transaction.atomic
def hygiene_round_record(
    *,
    campus: Campus,
    by: Staff,
    findings: Sequence[Mapping[str, str]],
    note: str = "",
    checked_at: datetime | None = None,
) -> HygieneRound:
    """One hourly round of the lobby: each failed area is a finding for its department."""
    require_allowed(by, "lobby")
    errors: dict[str, str] = {}
    note = clean_text(note, "note", errors, max_length=200)
    clean: list[dict[str, str]] = []
    for i, raw in enumerate(findings):
        area = raw.get("area")
        if area not in LOBBY_AREAS:
            errors[f"findings.{i}.area"] = "未知区域"
        problem = clean_text(
            raw.get("problem"), f"findings.{i}.problem", errors, max_length=200, required=True
        )
        department = raw.get("department") or next(
            (s["department"] for s in LOBBY_STANDARD if s["area"] == area), ""
        )
        if department not in DEPARTMENTS:
            errors[f"findings.{i}.department"] = "请选择责任部门"
        clean.append({"area": area, "problem": problem, "department": department})
    now = timezone.now()
    checked_at = checked_at or now
    if checked_at > now + timedelta(minutes=5):
        errors["checked_at"] = "巡查时间不能晚于现在"
    refuse(errors)
    round_ = HygieneRound.objects.create(
        campus=campus, checked_at=checked_at, checked_by=by, all_ok=not clean, note=note
    )
    HygieneFinding.objects.bulk_create([HygieneFinding(round=round_, **row) for row in clean])
    return round_


@transaction.atomic
def hygiene_finding_close(*, finding: HygieneFinding, by: Staff, fix_note: str = "") -> HygieneFinding:
    """The department has put the finding right."""
    finding = HygieneFinding.objects.select_for_update().get(pk=finding.pk)
    if finding.status == HygieneFinding.Status.CLOSED:
        raise Conflict(StudentError.FINDING_CLOSED, "该问题已整改关闭")
    errors: dict[str, str] = {}
    fix_note = clean_text(fix_note, "fix_note", errors, max_length=200)
    refuse(errors)
    finding.status = HygieneFinding.Status.CLOSED
    finding.closed_at = timezone.now()
    finding.closed_by = by
    finding.fix_note = fix_note
    finding.save(update_fields=["status", "closed_at", "closed_by", "fix_note"])
    return finding
