"""Payments (instalments and other money) and receipts (收据) numbered per campus without
gaps: the campus's ReceiptCounter row is locked (SELECT … FOR UPDATE) in the payment's
transaction, so a rolled-back payment gives its number back."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput
from core.models import Campus, Staff
from core.money import money
from students.models import Student

from ..errors import BillingError
from ..models import LessonPackage, Payment, ReceiptCounter
from .ledger import MAX_TEXT, _copy_caches, _lock, refusal_error


def receipt_number_take(*, campus: Campus) -> int:
    """The campus's next receipt number. Must run inside the payment's transaction: the
    counter row stays locked until it commits, and a rollback gives the number back, so
    the numbers have no gaps."""
    counter, _created = ReceiptCounter.objects.get_or_create(campus=campus)
    counter = ReceiptCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _payment_store(payment: Payment) -> Payment:
    """Store `payment` under its campus's next receipt number; paid now unless dated."""
    payment.receipt_no = receipt_number_take(campus=payment.campus)
    payment.note = payment.note[:MAX_TEXT]
    payment.paid_at = payment.paid_at or timezone.now()
    payment.save()
    return payment


def _amount(value: Decimal | int | str | None) -> Decimal:
    try:
        return money(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput("金额格式不正确", {"amount": "格式不正确"}, code=BillingError.INVALID_AMOUNT)


@transaction.atomic
def payment_record(
    *, package: LessonPackage, amount: Decimal, by: Staff, method: str = Payment.Method.CASH, note: str = ""
) -> Payment:
    """Take an instalment on a package (补交学费) with its receipt. Locks the package.
    422 unless 0 < amount ≤ the balance due; 409 on a refunded package."""
    amount = _amount(amount)
    if method not in Payment.Method.values:
        raise InvalidInput("支付方式不正确", {"method": "不正确"})
    if amount <= 0:
        raise InvalidInput("收款金额必须大于 0", {"amount": "必须大于 0"}, code=BillingError.INVALID_AMOUNT)
    locked = _lock(package)
    if locked.refunded_at is not None:
        raise refusal_error(BillingError.PACKAGE_REFUNDED)
    if amount > locked.balance_due:
        raise InvalidInput(
            f"收款金额不能超过欠费 ¥{locked.balance_due:.2f}",
            {"amount": f"不能超过欠费 {locked.balance_due:.2f}"},
            code=BillingError.INVALID_AMOUNT,
        )
    locked.paid = locked.paid + amount
    if locked.balance_due == 0:
        # the one change a plan knows: paid in full; a deposit paid in part stays a deposit
        locked.plan = LessonPackage.Plan.FULL
    locked.save(update_fields=["paid", "plan"])
    note = note or ("补齐尾款" if locked.balance_due == 0 else "分期付款")
    payment = _payment_store(
        Payment(
            campus=locked.campus, student=locked.student, package=locked, purpose=Payment.Purpose.PACKAGE,
            amount=amount, method=method, note=note, created_by=by,
        )
    )
    _copy_caches(package, locked)
    return payment


OTHER_PURPOSES = frozenset(Payment.Purpose.values) - {Payment.Purpose.PACKAGE, Payment.Purpose.PACKAGE_REFUND}


@transaction.atomic
def payment_record_other(
    *,
    campus: Campus,
    student: Student | None,
    purpose: str,
    amount: Decimal,
    by: Staff | None,
    note: str = "",
    method: str = Payment.Method.CASH,
    at: datetime | None = None,
) -> Payment:
    """Money that is not a package's: card deposit (押金) and fee (工本费), a deposit given
    back, a goods sale, other. `amount` is the sum of money moved, > 0; purposes that pay
    money out (card_deposit_refund) are stored negative (a negative amount given for them
    is taken as meant). Every one gets a receipt number."""
    if purpose not in OTHER_PURPOSES:
        raise InvalidInput("收费项目不正确", {"purpose": "不正确"}, code=BillingError.INVALID_PURPOSE)
    if method not in Payment.Method.values:
        raise InvalidInput("支付方式不正确", {"method": "不正确"})
    amount = _amount(amount)
    if purpose in Payment.OUTGOING:
        amount = -abs(amount)
    if amount == 0 or (purpose not in Payment.OUTGOING and amount < 0):
        raise InvalidInput("金额必须大于 0", {"amount": "必须大于 0"}, code=BillingError.INVALID_AMOUNT)
    if student is not None and student.campus_id != campus.pk:
        raise InvalidInput("学员不属于该校区", {"student": "不属于该校区"})
    return _payment_store(
        Payment(
            campus=campus, student=student, purpose=purpose, amount=amount, method=method, note=note, paid_at=at,
            created_by=by,
        )
    )
