"""Every action on lesson packages, the lesson ledger, payments and receipts.

Locks: a service that reads a package and then writes it takes the package row with
SELECT … FOR UPDATE first; a service that takes a receipt number locks the campus's
ReceiptCounter row. Everything runs inside one transaction, so a refused action (a
DomainError) leaves nothing behind. The goods shelf lives in `billing.goods`.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from core.models import Campus, Staff, Subject
from core.money import money
from students.models import Student

from .errors import BillingError
from .models import LedgerEntry, LessonPackage, Payment, ReceiptCounter

MANAGEMENT_FEE = Decimal("800.00")  # 管理费 kept on a refund (registration, assessment, file)
MAX_TEXT = 200

REFUSAL_MESSAGES: dict[str, str] = {
    BillingError.NO_PACKAGE: "该学员没有课时包，请先购买课时",
    BillingError.NO_LESSONS_LEFT: "课时已用完，请续费",
    BillingError.PACKAGE_EXPIRED: "课时包已过有效期",
    BillingError.PAYMENT_DUE: "尚有欠费，请先补交学费",
    BillingError.PACKAGE_REFUNDED: "课时包已退费",
}

# When a student has no usable package, the code that tells the front desk the most:
# a package that only waits for money first (pay and go), then one in validity but used
# up (renew), then one past its validity. Refunded packages are not looked at.
CHECKIN_REFUSAL_ORDER = (BillingError.PAYMENT_DUE, BillingError.NO_LESSONS_LEFT, BillingError.PACKAGE_EXPIRED)


def local_day(at: datetime) -> date:
    """The campus date (Asia/Shanghai) of an aware moment."""
    return timezone.localtime(at).date()


def lesson_refusal(package: LessonPackage, at: datetime) -> BillingError | None:
    """Why one lesson of `package` cannot be used at `at`, or None when it can.

    Checked in this order: refunded; expired (the local date of `at` is after valid_until —
    a lesson before valid_from is allowed, it is an early start, not an expiry); none left;
    the payment gates: deposit only (定金) → nothing until paid in full; half paid
    (家长经济困难) → while lessons used < half the lessons bought (bonus not counted)."""
    if package.refunded_at is not None:
        return BillingError.PACKAGE_REFUNDED
    if package.is_expired_on(local_day(at)):
        return BillingError.PACKAGE_EXPIRED
    if package.lessons_left <= 0:
        return BillingError.NO_LESSONS_LEFT
    plan = package.payment_plan
    if plan == LessonPackage.Plan.DEPOSIT:
        return BillingError.PAYMENT_DUE
    if plan == LessonPackage.Plan.HALF and package.lessons_used * 2 >= package.lessons:
        return BillingError.PAYMENT_DUE
    return None


def refusal_error(code: BillingError, package: LessonPackage | None = None) -> Conflict:
    message = REFUSAL_MESSAGES[code]
    if package is not None:
        if code == BillingError.PACKAGE_EXPIRED:
            message = f"课时包“{package.course}”已于 {package.valid_until:%Y-%m-%d} 过期"
        elif code == BillingError.PAYMENT_DUE:
            message = f"课时包“{package.course}”尚欠 ¥{package.balance_due:.2f}，请先补交"
        elif code == BillingError.NO_LESSONS_LEFT:
            message = f"课时包“{package.course}”课时已用完，请续费"
    return Conflict(code, message)


# --- Ledger ------------------------------------------------------------------------------


def _append(
    package: LessonPackage,
    *,
    kind: str,
    lessons: int,
    at: datetime,
    by: Staff | None,
    reason: str = "",
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    """Append one entry to a package the caller has locked, and move the caches with it."""
    balance = package.lessons_left + lessons
    if balance < 0:
        raise refusal_error(BillingError.NO_LESSONS_LEFT, package)
    entry = LedgerEntry.objects.create(
        package=package,
        kind=kind,
        lessons=lessons,
        balance_after=balance,
        occurred_at=at,
        reason=reason[:MAX_TEXT],
        reverses=reverses,
        created_by=by,
    )
    package.lessons_left = balance
    if kind == LedgerEntry.Kind.USED:
        package.lessons_used += 1
    elif reverses is not None and reverses.kind == LedgerEntry.Kind.USED:
        package.lessons_used -= 1
    package.save(update_fields=["lessons_left", "lessons_used"])
    return entry


def _lock(package: LessonPackage) -> LessonPackage:
    return LessonPackage.objects.select_for_update().select_related("campus", "student").get(pk=package.pk)


def _copy_caches(target: LessonPackage, source: LessonPackage) -> None:
    # The caller keeps its own instance; give it the values written under the lock.
    for field in ("lessons_left", "lessons_used", "paid", "refunded_at"):
        setattr(target, field, getattr(source, field))


@transaction.atomic
def package_deduct(
    *, package: LessonPackage, at: datetime, by: Staff | None, reason: str = "", check_rules: bool = True
) -> LedgerEntry:
    """Use one lesson of `package` at `at` (a swipe's time, a manual deduction's now).
    THE one place a lesson is used. Locks the package row (SELECT … FOR UPDATE) and judges
    `lesson_refusal` on the locked row, so two deductions racing cannot both take the last
    lesson. `check_rules=False` skips expiry and the payment gates (a correction ordered by
    the school); refunded packages and an empty balance are refused even then."""
    locked = _lock(package)
    code = lesson_refusal(locked, at)
    if code is not None and not check_rules and code in (BillingError.PACKAGE_EXPIRED, BillingError.PAYMENT_DUE):
        code = None
    if code is not None:
        raise refusal_error(code, locked)
    entry = _append(locked, kind=LedgerEntry.Kind.USED, lessons=-1, at=at, by=by, reason=reason.strip())
    _copy_caches(package, locked)
    return entry


def package_for_checkin(*, student: Student, at: datetime, preferred: LessonPackage | None = None) -> LessonPackage:
    """The package a check-in of `student` at `at` uses: `preferred` (the scheduled
    lesson's package) when it is the student's and usable, else the usable package that
    expires first (then the oldest). None usable → Conflict with the code of
    CHECKIN_REFUSAL_ORDER; no non-refunded package at all → no_package.

    Inside a transaction the student's packages are locked (in primary-key order), so the
    choice still holds when `package_deduct` runs in the same transaction."""
    packages: QuerySet[LessonPackage] = LessonPackage.objects.filter(student=student).order_by("pk")
    if transaction.get_connection().in_atomic_block:
        packages = packages.select_for_update()
    candidates = [p for p in packages if p.refunded_at is None]
    if not candidates:
        raise refusal_error(BillingError.NO_PACKAGE)
    refusals = {p.pk: lesson_refusal(p, at) for p in candidates}
    if preferred is not None and refusals.get(preferred.pk, BillingError.NO_PACKAGE) is None:
        return next(p for p in candidates if p.pk == preferred.pk)
    usable = sorted((p for p in candidates if refusals[p.pk] is None), key=lambda p: (p.valid_until, p.pk))
    if usable:
        return usable[0]
    for code in CHECKIN_REFUSAL_ORDER:
        refused = [p for p in candidates if refusals[p.pk] == code]
        if refused:
            # the most recent package of that kind is the one the family knows about
            return_package = max(refused, key=lambda p: (p.valid_until, p.pk))
            raise refusal_error(code, return_package)
    raise refusal_error(BillingError.NO_PACKAGE)


@transaction.atomic
def ledger_reverse(*, entry: LedgerEntry, by: Staff, reason: str, at: datetime | None = None) -> LedgerEntry:
    """Correct a ledger entry with a new one of the opposite sign (never an edit).
    Reversible: used (the lesson comes back), bonus (a bonus taken back, if still there),
    expired (the lessons come back, e.g. a validity extension). An entry is reversed at
    most once; a reversal, bought and refunded entries are not reversible."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("冲正必须填写原因", {"reason": "必填"})
    package = _lock(entry.package)
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.kind not in (LedgerEntry.Kind.USED, LedgerEntry.Kind.BONUS, LedgerEntry.Kind.EXPIRED):
        raise Conflict(BillingError.NOT_REVERSIBLE, f"“{entry.get_kind_display()}”记录不能冲正")
    if package.refunded_at is not None:
        raise refusal_error(BillingError.PACKAGE_REFUNDED)
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise Conflict(BillingError.ALREADY_REVERSED, "这条记录已经冲正过")
    reversal = _append(
        package,
        kind=LedgerEntry.Kind.REVERSAL,
        lessons=-entry.lessons,
        at=at or timezone.now(),
        by=by,
        reason=reason,
        reverses=entry,
    )
    _copy_caches(entry.package, package)
    return reversal


@transaction.atomic
def package_expire(*, package: LessonPackage, at: datetime | None = None, by: Staff | None = None) -> LedgerEntry | None:
    """Write off the lessons left of a package past its validity with an `expired` entry.
    Safe to run twice (the scheduled job does): nothing left → None. Not yet expired → 409."""
    at = at or timezone.now()
    locked = _lock(package)
    if locked.refunded_at is not None or locked.lessons_left == 0:
        return None
    if not locked.is_expired_on(local_day(at)):
        raise Conflict(BillingError.NOT_EXPIRED, f"课时包有效期至 {locked.valid_until:%Y-%m-%d}，尚未过期")
    entry = _append(
        locked, kind=LedgerEntry.Kind.EXPIRED, lessons=-locked.lessons_left, at=at, by=by, reason="有效期已过"
    )
    _copy_caches(package, locked)
    return entry


@transaction.atomic
def package_refund(
    *, package: LessonPackage, amount: Decimal, by: Staff, at: datetime | None = None, note: str = ""
) -> LessonPackage:
    """Close a package on a paid refund (退费): the lessons left go with a `refunded`
    entry (bonus lessons are forfeited with them), the package is marked refunded and the
    money paid back is recorded (a negative payment with its receipt). The refund flow
    (retention) computes `amount` and calls this at its `pay` step."""
    at = at or timezone.now()
    amount = money(amount)
    if amount < 0:
        raise InvalidInput("退费金额不能为负数", {"amount": "不能为负数"}, code=BillingError.INVALID_AMOUNT)
    locked = _lock(package)
    if locked.refunded_at is not None:
        raise refusal_error(BillingError.PACKAGE_REFUNDED)
    if amount > locked.paid:
        raise InvalidInput("退费金额不能超过已付金额", {"amount": "超过已付金额"}, code=BillingError.INVALID_AMOUNT)
    if locked.lessons_left > 0:
        _append(locked, kind=LedgerEntry.Kind.REFUNDED, lessons=-locked.lessons_left, at=at, by=by, reason=note or "退费")
    locked.refunded_at = at
    locked.save(update_fields=["refunded_at"])
    if amount > 0:
        _payment_create(
            campus=locked.campus,
            student=locked.student,
            package=locked,
            purpose=Payment.Purpose.PACKAGE_REFUND,
            amount=-amount,
            method=Payment.Method.TRANSFER,
            by=by,
            note=note,
            at=at,
        )
    _copy_caches(package, locked)
    return locked


# --- Packages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageTerms:
    course: str
    kind: str
    lessons: int
    bonus_lessons: int
    price: Decimal
    paid: Decimal
    valid_from: date
    valid_until: date


def package_validate(
    *,
    course: str,
    kind: str,
    lessons: int,
    bonus_lessons: int,
    price: Decimal,
    paid: Decimal,
    valid_from: date,
    valid_until: date,
) -> PackageTerms:
    """The sale's terms, or InvalidInput naming every bad field."""
    fields: dict[str, str] = {}
    course = (course or "").strip()
    if not course:
        fields["course"] = "请填写课程"
    elif len(course) > 100:
        fields["course"] = "课程名称最多 100 个字"
    if kind not in LessonPackage.Kind.values:
        fields["kind"] = "类型应为 one_on_one（一对一）或 group（大课）"
    if lessons is None or lessons < 1:
        fields["lessons"] = "购买课时至少 1 节"
    elif lessons > 10000:
        fields["lessons"] = "购买课时过多"
    if bonus_lessons is None or bonus_lessons < 0:
        fields["bonus_lessons"] = "赠送课时不能为负数"
    elif bonus_lessons > 10000:
        fields["bonus_lessons"] = "赠送课时过多"
    price = money(price) if price is not None else None
    paid = money(paid) if paid is not None else None
    if price is None or price <= 0:
        fields["price"] = "价格必须大于 0"
    if paid is None or paid < 0:
        fields["paid"] = "已付金额不能为负数"
    elif price is not None and price > 0 and paid > price:
        fields["paid"] = "已付金额不能超过价格"
    if valid_from is None:
        fields["valid_from"] = "请填写有效期起"
    if valid_until is None:
        fields["valid_until"] = "请填写有效期至"
    elif valid_from is not None and valid_until < valid_from:
        fields["valid_until"] = "有效期至不能早于有效期起"
    if fields:
        raise InvalidInput("课时包信息有误：" + "；".join(fields.values()), fields)
    return PackageTerms(course, kind, lessons, bonus_lessons, price, paid, valid_from, valid_until)


@transaction.atomic
def package_create(
    *,
    student: Student,
    course: str,
    kind: str,
    lessons: int,
    bonus_lessons: int,
    price: Decimal,
    paid: Decimal,
    valid_from: date,
    valid_until: date,
    by: Staff,
    subject: Subject | None = None,
    method: str = Payment.Method.CASH,
) -> LessonPackage:
    """Sell a package (课时包 / 充次): the `bought` and `bonus` ledger entries, and the
    first payment (with its receipt) when anything is paid now."""
    terms = package_validate(
        course=course,
        kind=kind,
        lessons=lessons,
        bonus_lessons=bonus_lessons,
        price=price,
        paid=paid,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if method not in Payment.Method.values:
        raise InvalidInput("支付方式不正确", {"method": "不正确"})
    now = timezone.now()
    package = LessonPackage.objects.create(
        campus=student.campus,
        student=student,
        course=terms.course,
        subject=subject,
        kind=terms.kind,
        lessons=terms.lessons,
        bonus_lessons=terms.bonus_lessons,
        price=terms.price,
        paid=terms.paid,
        valid_from=terms.valid_from,
        valid_until=terms.valid_until,
        created_by=by,
    )
    _append(package, kind=LedgerEntry.Kind.BOUGHT, lessons=terms.lessons, at=now, by=by, reason="购买课时")
    if terms.bonus_lessons:
        _append(package, kind=LedgerEntry.Kind.BONUS, lessons=terms.bonus_lessons, at=now, by=by, reason="赠送课时")
    if terms.paid > 0:
        _payment_create(
            campus=package.campus,
            student=student,
            package=package,
            purpose=Payment.Purpose.PACKAGE,
            amount=terms.paid,
            method=method,
            by=by,
            note="首付" if terms.paid < terms.price else "全款",
            at=now,
        )
    return package


# --- Payments and receipts ---------------------------------------------------------------


def receipt_number_take(*, campus: Campus) -> int:
    """The campus's next receipt number. Must run inside the payment's transaction: the
    counter row stays locked until it commits, and a rollback gives the number back, so
    the numbers have no gaps."""
    counter, _created = ReceiptCounter.objects.get_or_create(campus=campus)
    counter = ReceiptCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _payment_create(
    *,
    campus: Campus,
    student: Student | None,
    package: LessonPackage | None,
    purpose: str,
    amount: Decimal,
    method: str,
    by: Staff | None,
    note: str = "",
    at: datetime | None = None,
) -> Payment:
    return Payment.objects.create(
        campus=campus,
        student=student,
        package=package,
        purpose=purpose,
        amount=amount,
        method=method,
        receipt_no=receipt_number_take(campus=campus),
        note=note[:MAX_TEXT],
        paid_at=at or timezone.now(),
        created_by=by,
    )


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
    locked.save(update_fields=["paid"])
    payment = _payment_create(
        campus=locked.campus,
        student=locked.student,
        package=locked,
        purpose=Payment.Purpose.PACKAGE,
        amount=amount,
        method=method,
        by=by,
        note=note or ("补齐尾款" if locked.balance_due == 0 else "分期付款"),
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
    return _payment_create(
        campus=campus,
        student=student,
        package=None,
        purpose=purpose,
        amount=amount,
        method=method,
        by=by,
        note=note,
        at=at,
    )
