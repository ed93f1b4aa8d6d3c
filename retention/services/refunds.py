"""Refunds (退费): the quote, the application's five signed steps, the reasons and the
campus's management fee.

The quote: paid − lessons used (bonus ones included) × 100% of the unit price − the
campus's management fee − other deductions, never below zero; `used_amount` is billing's
(rounded once). Each step locks the refund row (SELECT … FOR UPDATE), checks the role
(403), then that it is the next step (409 `refund_step_order`: out of order or signed
already), then the input (422), and writes the step's fields, the new status and its
RefundSignature in one transaction. Lock order: the refund, then the package."""

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from billing.models import LessonPackage, Payment
from billing.pricing import MANAGEMENT_FEE, unit_price, used_amount
from billing.services import package_refund
from core.errors import Conflict, Forbidden, InvalidInput
from core.models import Campus, Staff
from core.money import MAX_AMOUNT, ZERO, money
from core.roles import Role
from core.text import clean_text
from scheduling.models import Attendance, Lesson
from students.models import Lead, Student

from ..errors import RetentionError
from ..models import CampusRefundFee, Refund, RefundReason, RefundSignature, RefundStep, SaveCase
from ..roles import may

REASON_MAX = 1000
PARENT_NAME_MAX = 50

# The status a refund must be in for each step, and the one the step leaves it in.
STEP_FLOW: dict[str, tuple[str, str]] = {
    RefundStep.CONFIRM_LESSONS: (Refund.Status.DRAFT, Refund.Status.LESSONS_CONFIRMED),
    RefundStep.PARENT_SIGN: (Refund.Status.LESSONS_CONFIRMED, Refund.Status.PARENT_SIGNED),
    RefundStep.DOCUMENTS: (Refund.Status.PARENT_SIGNED, Refund.Status.DOCUMENTS_COLLECTED),
    RefundStep.APPROVE: (Refund.Status.DOCUMENTS_COLLECTED, Refund.Status.APPROVED),
    RefundStep.PAY: (Refund.Status.APPROVED, Refund.Status.PAID),
}
# The one role of each fixed step; parent-sign and documents belong to the family's handler.
STEP_ROLES: dict[str, str] = {
    RefundStep.CONFIRM_LESSONS: Role.DEAN,
    RefundStep.APPROVE: Role.PRINCIPAL,
    RefundStep.PAY: Role.FINANCE,
}
HANDLER_STEPS = (RefundStep.PARENT_SIGN, RefundStep.DOCUMENTS)
# What the dean's confirmation copies from the quote onto the application.
QUOTE_FIELDS = ("price", "paid", "lessons", "bonus_lessons", "lessons_used", "unit_price", "used_amount", "management_fee")


# --- the quote -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundQuote:
    price: Decimal
    paid: Decimal
    lessons: int
    bonus_lessons: int
    lessons_used: int
    unit_price: Decimal
    used_amount: Decimal
    management_fee: Decimal
    other_deductions: Decimal
    refund_amount: Decimal

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def campus_management_fee(campus: Campus) -> Decimal:
    """The campus's fee (综合管理费), or billing's ¥800 when the campus has not set one."""
    row = CampusRefundFee.objects.filter(campus=campus).first()
    return row.management_fee if row is not None else MANAGEMENT_FEE


def _rest(paid: Decimal, used: Decimal, fee: Decimal, other: Decimal) -> Decimal:
    return max(ZERO, money(paid) - used - money(fee) - money(other))


def refund_quote(
    package: LessonPackage, *, management_fee: Decimal | None = None, other_deductions: Decimal = ZERO
) -> RefundQuote:
    """What refunding `package` now would pay back, line by line."""
    fee = campus_management_fee(package.campus) if management_fee is None else money(management_fee)
    used = used_amount(package.price, package.lessons, package.lessons_used)
    return RefundQuote(
        price=money(package.price),
        paid=money(package.paid),
        lessons=package.lessons,
        bonus_lessons=package.bonus_lessons,
        lessons_used=package.lessons_used,
        unit_price=unit_price(package.price, package.lessons),
        used_amount=used,
        management_fee=fee,
        other_deductions=money(other_deductions),
        refund_amount=_rest(package.paid, used, fee, other_deductions),
    )


def refund_fixed_quote(refund: Refund) -> RefundQuote | None:
    """The application's own figures, once the dean has confirmed the lessons."""
    if not refund.is_fixed:
        return None
    fixed = {name: getattr(refund, name) for name in QUOTE_FIELDS}
    return RefundQuote(**fixed, other_deductions=refund.other_deductions, refund_amount=refund.amount)


def refund_current_quote(refund: Refund) -> RefundQuote:
    """The fixed figures once confirmed; before that, what the package would give today."""
    return refund_fixed_quote(refund) or refund_quote(refund.package)


def package_quote(package: LessonPackage) -> RefundQuote:
    """A package's quote: its refund's fixed figures when there is one, else today's."""
    refund = Refund.objects.filter(package=package).first()
    fixed = refund_fixed_quote(refund) if refund is not None else None
    return fixed or refund_quote(package)


# --- who handles the family ----------------------------------------------------------------


def lead_consultant(student: Student) -> Staff | None:
    """The consultant the lead that became this student was with (负责顾问), if recorded."""
    lead = Lead.objects.filter(student=student).select_related("owner").first()
    if lead is not None and lead.owner is not None and lead.owner.role == Role.CONSULTANT:
        return lead.owner
    return None


def owns_family(student: Student, staff: Staff) -> bool:
    """The advisor or consultant who owns the family: the student's advisor (any advisor of
    the campus while the student has none); the consultant of the lead the student came
    from (any consultant of the campus when none is recorded)."""
    if staff.campus_id != student.campus_id:
        return False
    if staff.role == Role.ADVISOR:
        return student.advisor_id is None or student.advisor_id == staff.pk
    if staff.role == Role.CONSULTANT:
        consultant = lead_consultant(student)
        return consultant is None or consultant.pk == staff.pk
    return False


def refund_handler_role(refund: Refund) -> str:
    """已开课 (a lesson used) → the advisor; 未开课 → the consultant."""
    used = refund.lessons_used if refund.is_fixed else refund.package.lessons_used
    return Role.ADVISOR if used > 0 else Role.CONSULTANT


def refund_step_role(refund: Refund, step: str) -> str:
    """The role that signs `step` of this refund."""
    return refund_handler_role(refund) if step in HANDLER_STEPS else STEP_ROLES[step]


def refund_step_allowed(refund: Refund, step: str, staff: Staff) -> bool:
    if step in HANDLER_STEPS:
        return staff.role == refund_handler_role(refund) and owns_family(refund.student, staff)
    return staff.role == STEP_ROLES[step] and staff.campus_id == refund.campus_id


def refund_next_step(refund: Refund) -> str | None:
    return next((step for step, (before, _after) in STEP_FLOW.items() if before == refund.status), None)


# --- the steps -----------------------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


@transaction.atomic
def refund_draft(*, package: LessonPackage, by: Staff, save_case: SaveCase | None = None, at: datetime | None = None) -> Refund:
    """The refund application a failed save case starts (status draft). One per package;
    the caller holds the package's lock."""
    if package.refunded_at is not None:
        raise Conflict(RetentionError.PACKAGE_REFUNDED, "该课时包已退费")
    if Refund.objects.filter(package=package).exists():
        raise Conflict(RetentionError.REFUND_EXISTS, "该课时包已有退费申请")
    return Refund.objects.create(
        campus=package.campus,
        package=package,
        student=package.student,
        save_case=save_case,
        advisor=package.student.advisor,
        created_by=by,
        created_at=_now(at),
    )


def _begin(refund: Refund, step: str, by: Staff) -> Refund:
    """The refund locked for `step` by `by`: 403 for the wrong person, 409 out of order."""
    locked = Refund.objects.select_related("package", "student", "campus").select_for_update(of=("self",)).get(
        pk=refund.pk
    )
    if not refund_step_allowed(locked, step, by):
        raise Forbidden(_refusal_for_role(locked, step))
    expected = refund_next_step(locked)
    if expected != step:
        if locked.signatures.filter(step=step).exists():
            message = f"“{RefundStep(step).label}”已签字，不能修改"
        elif expected is None:
            message = "退费已完成，不能再办理"
        else:
            message = f"请先完成“{RefundStep(expected).label}”"
        raise Conflict(RetentionError.REFUND_STEP_ORDER, message)
    return locked


def _refusal_for_role(refund: Refund, step: str) -> str:
    if step in HANDLER_STEPS:
        who = "班主任" if refund_handler_role(refund) == Role.ADVISOR else "教育顾问"
        return f"此步骤由负责该家庭的{who}办理"
    return f"此步骤由{Role(STEP_ROLES[step]).label}办理"


def _finish(caller: Refund, locked: Refund, step: str, by: Staff, at: datetime, fields: list[str]) -> Refund:
    """Write the step's fields and the next status on the locked row, sign the step, and
    give the caller's instance the values written."""
    locked.status = STEP_FLOW[step][1]
    locked.save(update_fields=["status", *fields])
    RefundSignature.objects.create(refund=locked, step=step, signed_by=by, signer_name=by.display_name, signed_at=at)
    for field in ("status", *fields):
        setattr(caller, field, getattr(locked, field))
    return locked


def _lock_package(refund: Refund) -> LessonPackage:
    return LessonPackage.objects.select_for_update(of=("self",)).select_related("campus").get(pk=refund.package_id)


@transaction.atomic
def refund_confirm_lessons(*, refund: Refund, by: Staff, at: datetime | None = None) -> Refund:
    """教务长确认课时: the lessons used are confirmed and the amounts fixed from today's quote."""
    at = _now(at)
    locked = _begin(refund, RefundStep.CONFIRM_LESSONS, by)
    package = _lock_package(locked)
    if package.refunded_at is not None:
        raise Conflict(RetentionError.PACKAGE_REFUNDED, "该课时包已退费")
    quote = refund_quote(package)
    for field in QUOTE_FIELDS:
        setattr(locked, field, getattr(quote, field))
    locked.other_deductions = ZERO
    locked.amount = quote.refund_amount
    return _finish(refund, locked, RefundStep.CONFIRM_LESSONS, by, at, [*QUOTE_FIELDS, "other_deductions", "amount"])


def refuse(errors: dict[str, str]) -> None:
    """Raise the 422 naming every bad field, if there is any: nothing has been written."""
    if errors:
        raise InvalidInput("输入有误：" + "；".join(errors.values()), errors, code=RetentionError.INVALID)


def refund_reasons_for(campus: Campus, *, active_only: bool = True) -> QuerySet[RefundReason]:
    """The shared reasons and the campus's own."""
    reasons = RefundReason.objects.filter(Q(campus__isnull=True) | Q(campus=campus))
    return reasons.filter(is_active=True) if active_only else reasons


def refund_reason_find(campus: Campus, value: int | str | None) -> RefundReason | None:
    """A category given by id, code or name; None when not given; 422 when unknown."""
    if value is None or value == "":
        return None
    reasons = refund_reasons_for(campus)
    found = None
    if isinstance(value, int) and not isinstance(value, bool):
        found = reasons.filter(pk=value).first() if 0 < value < 2**31 else None
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.isdigit() and len(text) < 10:
            found = reasons.filter(pk=int(text)).first()
        found = found or reasons.filter(Q(code=text) | Q(name=text)).first()
    if found is None:
        raise InvalidInput("没有这个退费原因分类", {"category": "请选择列表中的原因分类"}, code=RetentionError.INVALID)
    return found


@transaction.atomic
def refund_parent_sign(
    *,
    refund: Refund,
    by: Staff,
    reason: str,
    signed_by: str,
    category: int | str | None = None,
    at: datetime | None = None,
) -> Refund:
    """家长签字: the parent checks the amounts, writes the reason in their own words and signs;
    the advisor (started) or consultant (not started) witnesses and records the category."""
    at = _now(at)
    locked = _begin(refund, RefundStep.PARENT_SIGN, by)
    errors: dict[str, str] = {}
    reason = clean_text(reason, "reason", errors, max_length=REASON_MAX, required=True)
    parent = clean_text(signed_by, "signed_by", errors, max_length=PARENT_NAME_MAX, required=True)
    try:
        found = refund_reason_find(locked.campus, category)
    except InvalidInput as exc:
        errors.update(exc.fields)
        found = None
    refuse(errors)
    locked.reason, locked.parent_name, locked.category = reason, parent, found
    return _finish(refund, locked, RefundStep.PARENT_SIGN, by, at, ["reason", "parent_name", "category"])


def _amount(value: Any, field: str, errors: dict[str, str]) -> Decimal:
    """A sum of yuan ≥ 0 with at most two decimals (a string, an int or a Decimal)."""
    if value is None or value == "":
        return ZERO
    try:
        if isinstance(value, float | bool):
            raise ValueError
        amount = Decimal(str(value).strip())
        if not amount.is_finite() or abs(amount) >= MAX_AMOUNT or amount != money(amount):
            raise ValueError
    except (ArithmeticError, ValueError):
        errors[field] = "金额格式不正确（最多两位小数）"
        return ZERO
    if amount < 0:
        errors[field] = "不能为负数"
    return money(amount)


@transaction.atomic
def refund_documents(
    *,
    refund: Refund,
    by: Staff,
    contract: str,
    receipt: str,
    invoice: str,
    tax_deduction: Decimal | str = ZERO,
    at: datetime | None = None,
) -> Refund:
    """收回单据: the contract and the receipt (or a signed declaration of loss), the invoice if
    one was issued. A lost invoice costs the tax confirmed with finance: it becomes the
    other deductions and lowers the amount, never below zero."""
    at = _now(at)
    locked = _begin(refund, RefundStep.DOCUMENTS, by)
    errors: dict[str, str] = {}
    if contract not in Refund.Returned.values:
        errors["contract"] = "应为 returned（已收回）或 lost_declared（遗失，已签声明）"
    if receipt not in Refund.Returned.values:
        errors["receipt"] = "应为 returned（已收回）或 lost_declared（遗失，已签声明）"
    if invoice not in Refund.Invoice.values:
        errors["invoice"] = "应为 none（未开）、returned（已收回）或 lost_declared（遗失，已签声明）"
    tax = _amount(tax_deduction, "tax_deduction", errors)
    if "tax_deduction" not in errors and tax > 0 and invoice != Refund.Invoice.LOST_DECLARED:
        errors["tax_deduction"] = "只有遗失发票才扣税"
    refuse(errors)
    locked.contract, locked.receipt, locked.invoice = contract, receipt, invoice
    locked.tax_deduction = tax
    locked.other_deductions = tax
    locked.amount = _rest(locked.paid, locked.used_amount, locked.management_fee, tax)
    fields = ["contract", "receipt", "invoice", "tax_deduction", "other_deductions", "amount"]
    return _finish(refund, locked, RefundStep.DOCUMENTS, by, at, fields)


@transaction.atomic
def refund_approve(*, refund: Refund, by: Staff, at: datetime | None = None) -> Refund:
    """校长审批."""
    at = _now(at)
    locked = _begin(refund, RefundStep.APPROVE, by)
    return _finish(refund, locked, RefundStep.APPROVE, by, at, [])


def package_main_teacher(package: LessonPackage) -> Staff | None:
    """The teacher of most of the package's lessons: its check-ins first, else the lessons
    booked on it; a tie goes to the teacher of the earlier first lesson."""
    taught = (
        Attendance.objects.filter(package=package, lesson__isnull=False)
        .values("lesson__teacher")
        .annotate(n=Count("pk"))
        .order_by("-n", "lesson__teacher")
    )
    row = taught.first()
    if row is not None:
        return Staff.objects.filter(pk=row["lesson__teacher"]).first()
    booked = (
        Lesson.objects.filter(package=package)
        .exclude(status=Lesson.Status.CANCELLED)
        .values("teacher")
        .annotate(n=Count("pk"))
        .order_by("-n", "teacher")
    )
    row = booked.first()
    return Staff.objects.filter(pk=row["teacher"]).first() if row is not None else None


@transaction.atomic
def refund_pay(*, refund: Refund, by: Staff, at: datetime | None = None) -> Refund:
    """财务付款: the approved amount is paid back through billing's `package_refund` (the
    `refunded` ledger entry for the lessons left, the package marked refunded, the outgoing
    payment with its receipt). The amount is the application's; paying never changes it.
    A lesson used after the dean's confirmation stops the payment until it is reversed."""
    at = _now(at)
    locked = _begin(refund, RefundStep.PAY, by)
    package = _lock_package(locked)
    if package.lessons_used != locked.lessons_used:
        raise Conflict(
            RetentionError.REFUND_LESSONS_CHANGED,
            f"教务长确认的已用课时为 {locked.lessons_used}，现为 {package.lessons_used}："
            "确认后又消课了，请先冲正该消课记录",
        )
    locked.teacher = package_main_teacher(package)
    package_refund(package=package, amount=locked.amount, by=by, at=at, note=f"退费申请 #{locked.pk}")
    locked.payment = (
        Payment.objects.filter(package=package, purpose=Payment.Purpose.PACKAGE_REFUND).order_by("-pk").first()
    )
    locked.paid_at = at
    return _finish(refund, locked, RefundStep.PAY, by, at, ["teacher", "payment", "paid_at"])


# --- reasons and the fee -------------------------------------------------------------------

def _check_reason_keeper(by: Staff, campus: Campus | None) -> None:
    # the shared list is headquarters'; a principal keeps their own campus's additions
    if by.role == Role.HQ_ADMIN:
        return
    if by.role != Role.PRINCIPAL or campus is None or campus.pk != by.campus_id:
        raise Forbidden("共用的退费原因由总部维护；校长可维护本校区增加的原因")


def _reason_name(name: Any, campus: Campus | None, exclude_pk: int | None = None) -> str:
    errors: dict[str, str] = {}
    name = clean_text(name, "name", errors, max_length=50, required=True)
    refuse(errors)
    clash = RefundReason.objects.filter(name=name).filter(
        Q(campus__isnull=True) | Q(campus=campus) if campus is not None else Q()
    )
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise InvalidInput("已有同名的退费原因", {"name": "已有同名的原因"}, code=RetentionError.INVALID)
    return name


@transaction.atomic
def refund_reason_create(*, campus: Campus | None, name: str, by: Staff) -> RefundReason:
    """A new category: shared (campus None, hq_admin) or the campus's own (its principal)."""
    _check_reason_keeper(by, campus)
    name = _reason_name(name, campus)
    reason = RefundReason(campus=campus, name=name, position=1000)
    reason._history_user = by.user
    reason.save()
    return reason


@transaction.atomic
def refund_reason_update(
    *, reason: RefundReason, by: Staff, name: str | None = None, is_active: bool | None = None
) -> RefundReason:
    """Rename a category or switch it on or off. Refunds keep the category they were given."""
    locked = RefundReason.objects.select_for_update(of=("self",)).select_related("campus").get(pk=reason.pk)
    _check_reason_keeper(by, locked.campus)
    if name is not None:
        locked.name = _reason_name(name, locked.campus, exclude_pk=locked.pk)
    if is_active is not None:
        locked.is_active = bool(is_active)
    locked._history_user = by.user
    locked.save()
    return locked


MAX_FEE = Decimal("100000.00")


@transaction.atomic
def campus_refund_fee_set(*, campus: Campus, fee: Decimal | str, by: Staff) -> CampusRefundFee:
    """Set the management fee a campus keeps on a refund: its principal, or hq_admin.
    Applications confirmed already keep the fee they were confirmed with."""
    if not may(by, "refund_settings") or (not by.sees_all_campuses and by.campus_id != campus.pk):
        raise Forbidden("综合管理费由校长或总部设置")
    errors: dict[str, str] = {}
    amount = _amount(fee, "management_fee", errors)
    if "management_fee" not in errors and amount > MAX_FEE:
        errors["management_fee"] = "不能超过 100000.00"
    refuse(errors)
    row, _created = CampusRefundFee.objects.select_for_update().get_or_create(campus=campus)
    row.management_fee = amount
    row.updated_by = by
    row._history_user = by.user
    row.save()
    return row
