"""Order saving (挽单): open a case on a parent's refund request, note each talk, escalate
through the three stages, close it saved or — the principal, at the last stage — failed,
which drafts the refund. Each action locks the case row (the package's when opening)."""

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import LessonPackage
from core.errors import Conflict, Forbidden, InvalidInput
from core.models import Staff
from core.roles import Role
from core.text import clean_text

from ..errors import RetentionError
from ..models import Refund, SaveCase, SaveCaseEntry
from ..models.saving import FIRST_STAGE, LAST_STAGE
from ..roles import may
from .refunds import owns_family, refund_draft, refuse

NOTE_MAX = 2000
REASON_MAX = 500

# The save group (挽单小组) of the seed: CS supervisor, dean, principal.
SAVE_GROUP = (Role.CS_SUPERVISOR, Role.DEAN, Role.PRINCIPAL)


def save_case_can_act(case: SaveCase, staff: Staff) -> bool:
    """Escalate, note a talk, close as saved: the save group of the campus, hq_admin, or the
    advisor or consultant who owns the family."""
    if staff.role == Role.HQ_ADMIN:
        return True
    if staff.campus_id != case.campus_id:
        return False
    return staff.role in SAVE_GROUP or owns_family(case.student, staff)


def save_case_can_fail(case: SaveCase, staff: Staff) -> bool:
    return staff.role == Role.PRINCIPAL and staff.campus_id == case.campus_id


def _text(value: Any, field: str, *, max_length: int, required: bool) -> str:
    errors: dict[str, str] = {}
    value = clean_text(value, field, errors, max_length=max_length, required=required)
    refuse(errors)
    return value


def _entry(case: SaveCase, kind: str, by: Staff, at: datetime, text: str = "") -> SaveCaseEntry:
    return SaveCaseEntry.objects.create(case=case, kind=kind, stage=case.stage, text=text, at=at, by=by)


@transaction.atomic
def save_case_open(
    *, package: LessonPackage, by: Staff, reason: str, regular: bool = True, at: datetime | None = None
) -> SaveCase:
    """A parent asked for a refund: the case opens with its ten-day window (deadline = the
    day ten days after). A regular request starts at stage 1; a non-regular one goes to
    the principal at once (stage 3). One open case per package."""
    if not may(by, "save_case_open") or (not by.sees_all_campuses and by.campus_id != package.campus_id):
        raise Forbidden("班主任、教育顾问、客服主管或校长上报挽单")
    reason = _text(reason, "reason", max_length=REASON_MAX, required=True)
    if not isinstance(regular, bool):
        raise InvalidInput("输入有误：regular 应为 true 或 false", {"regular": "应为 true 或 false"})
    at = at or timezone.now()
    locked = LessonPackage.objects.select_for_update(of=("self",)).select_related("campus", "student").get(pk=package.pk)
    if locked.refunded_at is not None:
        raise Conflict(RetentionError.PACKAGE_REFUNDED, "该课时包已退费")
    if locked.is_expired_on(timezone.localdate(at)):
        # the agreement: lessons left after the validity are void and not refunded
        raise Conflict(RetentionError.PACKAGE_EXPIRED, "该课时包已过有效期，剩余课时作废，不予退费")
    if Refund.objects.filter(package=locked).exists():
        raise Conflict(RetentionError.REFUND_EXISTS, "该课时包已进入退费流程")
    if SaveCase.objects.filter(package=locked, status=SaveCase.Status.OPEN).exists():
        raise Conflict(RetentionError.SAVE_CASE_OPEN, "该课时包已有进行中的挽单")
    try:
        with transaction.atomic():
            case = SaveCase.objects.create(
                campus=locked.campus,
                package=locked,
                student=locked.student,
                reason=reason,
                regular=regular,
                stage=FIRST_STAGE if regular else LAST_STAGE,
                opened_at=at,
                deadline=SaveCase.deadline_for(at),
                opened_by=by,
            )
    except IntegrityError:
        raise Conflict(RetentionError.SAVE_CASE_OPEN, "该课时包已有进行中的挽单")
    _entry(case, SaveCaseEntry.Kind.OPENED, by, at, reason if regular else f"非常规退费，直接上报校长：{reason}")
    return case


def _close(case: SaveCase, locked: SaveCase, status: str, by: Staff, at: datetime) -> None:
    locked.status, locked.closed_at, locked.closed_by = status, at, by
    locked.save(update_fields=["status", "closed_at", "closed_by"])
    case.status, case.closed_at, case.closed_by = status, at, by


def _lock_open(case: SaveCase, by: Staff, *, allowed: bool, who: str) -> SaveCase:
    locked = SaveCase.objects.select_related("student", "campus", "package").select_for_update(of=("self",)).get(
        pk=case.pk
    )
    if not allowed:
        raise Forbidden(who)
    if not locked.is_open:
        raise Conflict(RetentionError.SAVE_CASE_CLOSED, f"该挽单已结案（{locked.get_status_display()}）")
    return locked


_ACTORS = "负责该家庭的班主任或教育顾问，或挽单小组（客服主管、教务长、校长）"


@transaction.atomic
def save_case_escalate(*, case: SaveCase, by: Staff, note: str = "", at: datetime | None = None) -> SaveCase:
    """The stage failed: up to the next (stage 1 → the meeting → the principal). Past 3 → 409."""
    note = _text(note, "note", max_length=NOTE_MAX, required=False)
    locked = _lock_open(case, by, allowed=save_case_can_act(case, by), who=f"只有{_ACTORS}可以升级挽单")
    if locked.stage >= LAST_STAGE:
        raise Conflict(RetentionError.SAVE_STAGE_MAX, "已上报校长（第 3 阶段），不能再升级")
    locked.stage += 1
    locked.save(update_fields=["stage"])
    case.stage = locked.stage
    _entry(locked, SaveCaseEntry.Kind.ESCALATED, by, at or timezone.now(), note)
    return locked


@transaction.atomic
def save_case_note(*, case: SaveCase, by: Staff, text: str, at: datetime | None = None) -> SaveCaseEntry:
    """沟通记录: what was said at a talk or meeting of the current stage."""
    text = _text(text, "text", max_length=NOTE_MAX, required=True)
    locked = _lock_open(case, by, allowed=save_case_can_act(case, by), who=f"只有{_ACTORS}可以记录")
    return _entry(locked, SaveCaseEntry.Kind.NOTE, by, at or timezone.now(), text)


@transaction.atomic
def save_case_mark_saved(*, case: SaveCase, by: Staff, note: str = "", at: datetime | None = None) -> SaveCase:
    """挽单成功: the family stays; the case closes."""
    note = _text(note, "note", max_length=NOTE_MAX, required=False)
    at = at or timezone.now()
    locked = _lock_open(case, by, allowed=save_case_can_act(case, by), who=f"只有{_ACTORS}可以结案")
    _close(case, locked, SaveCase.Status.SAVED, by, at)
    _entry(locked, SaveCaseEntry.Kind.SAVED, by, at, note)
    return locked


@transaction.atomic
def save_case_fail(*, case: SaveCase, by: Staff, note: str = "", at: datetime | None = None) -> Refund:
    """挽单失败: the principal closes a stage-3 case and the refund application is drafted."""
    note = _text(note, "note", max_length=NOTE_MAX, required=False)
    at = at or timezone.now()
    locked = _lock_open(case, by, allowed=save_case_can_fail(case, by), who="只有校长可以确认挽单失败")
    if locked.stage < LAST_STAGE:
        raise Conflict(RetentionError.SAVE_STAGE_NOT_FINAL, "须上报校长（第 3 阶段）后才能确认挽单失败")
    package = LessonPackage.objects.select_for_update(of=("self",)).select_related("campus", "student__advisor").get(
        pk=locked.package_id
    )
    _close(case, locked, SaveCase.Status.FAILED, by, at)
    _entry(locked, SaveCaseEntry.Kind.FAILED, by, at, note)
    return refund_draft(package=package, by=by, save_case=locked, at=at)
