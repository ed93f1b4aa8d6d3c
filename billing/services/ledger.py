"""The lesson ledger: the one place a lesson is used (`package_deduct`), the choice of
package at a check-in, reversals and expiry.

Locks: each service takes the package row with SELECT … FOR UPDATE before it reads the
balance it writes, inside one transaction; a refused action (a DomainError) leaves
nothing behind."""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.dates import aware, local_day
from core.errors import Conflict, InvalidInput
from core.models import Staff
from students.models import Student

from ..errors import BillingError
from ..models import LedgerEntry, LessonPackage

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


def lesson_refusal(package: LessonPackage, at: datetime) -> BillingError | None:
    """Why one lesson of `package` cannot be used at `at`, or None when it can.

    Checked in this order: refunded; outside the validity (package_expired: the local date
    of `at` is after valid_until, or before valid_from — not yet valid); none left;
    the payment gates: deposit only (定金) → nothing until paid in full; half paid
    (家长经济困难) → while lessons used < half the lessons bought (`half_plan_lessons`)."""
    if package.refunded_at is not None:
        return BillingError.PACKAGE_REFUNDED
    day = local_day(at)
    if package.is_expired_on(day) or day < package.valid_from:
        return BillingError.PACKAGE_EXPIRED
    if package.lessons_left <= 0:
        return BillingError.NO_LESSONS_LEFT
    plan = package.payment_plan
    if plan == LessonPackage.Plan.DEPOSIT:
        return BillingError.PAYMENT_DUE
    if plan == LessonPackage.Plan.HALF and package.lessons_used >= package.half_plan_lessons:
        return BillingError.PAYMENT_DUE
    return None


def refusal_error(code: BillingError, package: LessonPackage | None = None, at: datetime | None = None) -> Conflict:
    message = REFUSAL_MESSAGES[code]
    if package is not None:
        if code == BillingError.PACKAGE_EXPIRED and at is not None and local_day(at) < package.valid_from:
            message = f"课时包“{package.course}”自 {package.valid_from:%Y-%m-%d} 起才可使用"
        elif code == BillingError.PACKAGE_EXPIRED:
            message = f"课时包“{package.course}”已于 {package.valid_until:%Y-%m-%d} 过期"
        elif code == BillingError.PAYMENT_DUE:
            message = f"课时包“{package.course}”尚欠 ¥{package.balance_due:.2f}，请先补交"
        elif code == BillingError.NO_LESSONS_LEFT:
            message = f"课时包“{package.course}”课时已用完，请续费"
    error = Conflict(code, message)
    # the package refused, for the next step a page offers (补交 on that package's payment form)
    error.package_id = package.pk if package is not None else None  # type: ignore[attr-defined]
    return error


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
    at = aware(at)
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
        # a use dated before the one that reached the line first (a reader's buffered swipe)
        # is the package's reaching it now
        if balance <= package.renewal_line and (package.line_reached_at is None or at < package.line_reached_at):
            package.line_reached_at = at
    elif reverses is not None and reverses.kind == LedgerEntry.Kind.USED:
        package.lessons_used -= 1
    # update(), not save(): the caches are hot counters, kept out of the package's history
    # (the ledger is their audit); the row is locked by the caller.
    LessonPackage.objects.filter(pk=package.pk).update(
        lessons_left=package.lessons_left, lessons_used=package.lessons_used, line_reached_at=package.line_reached_at
    )
    return entry


def _lock(package: LessonPackage) -> LessonPackage:
    # of=("self",): only the package row. Locking the joined campus and student rows too
    # would block every payment of the campus (its insert takes a key-share lock on them)
    # while this transaction waits for the receipt counter: a deadlock.
    return (
        LessonPackage.objects.select_for_update(of=("self",))
        .select_related("campus", "student")
        .get(pk=package.pk)
    )


def _copy_caches(target: LessonPackage, source: LessonPackage) -> None:
    # The caller keeps its own instance; give it the values written under the lock.
    for field in ("lessons_left", "lessons_used", "line_reached_at", "paid", "plan", "refunded_at"):
        setattr(target, field, getattr(source, field))


def package_deduct(
    *,
    package: LessonPackage,
    at: datetime,
    by: Staff | None,
    reason: str = "",
    check_rules: bool = True,
    locked: bool = False,
) -> LedgerEntry:
    """Use one lesson of `package` at `at` (a swipe's time, a manual deduction's now).
    THE one place a lesson is used. Locks the package row (SELECT … FOR UPDATE) and judges
    `lesson_refusal` on the locked row, so two deductions racing cannot both take the last
    lesson. `check_rules=False` skips expiry and the payment gates (a correction ordered by
    the school); refunded packages and an empty balance are refused even then.

    `locked=True`: the caller read `package` under its row lock in the transaction this
    runs in (`package_for_checkin` inside a transaction does), so it is judged and written
    as given: no second lock, and no savepoint of its own: a refusal raised here rolls the
    caller's whole transaction back."""
    if locked and not transaction.get_connection().in_atomic_block:
        raise ValueError("locked=True: the package's lock is held by the caller's transaction, and there is none")
    with transaction.atomic(savepoint=not locked):
        target = package if locked else _lock(package)
        code = lesson_refusal(target, at)
        if code is not None and not check_rules and code in (BillingError.PACKAGE_EXPIRED, BillingError.PAYMENT_DUE):
            code = None
        if code is not None:
            raise refusal_error(code, target, at)
        entry = _append(target, kind=LedgerEntry.Kind.USED, lessons=-1, at=at, by=by, reason=reason.strip())
        _copy_caches(package, target)
        return entry


def package_for_checkin(
    *,
    student: Student,
    at: datetime,
    preferred: LessonPackage | None = None,
    kind: str = LessonPackage.Kind.ONE_ON_ONE,
    lesson_kind: str = LessonPackage.LessonKind.MAIN,
) -> LessonPackage:
    """The package a check-in of `student` at `at` uses: `preferred` (the scheduled
    lesson's package) when it is the student's and usable, else the usable package of the
    check-in's `kind` (1-on-1 or group) and `lesson_kind` (main or practice: never the
    other's balance) that expires first (then the oldest). None usable → Conflict with the
    code of CHECKIN_REFUSAL_ORDER among those; none of that kind → no_package.

    Inside a transaction the student's packages are locked (in primary-key order), so the
    choice still holds when `package_deduct` runs in the same transaction."""
    packages: QuerySet[LessonPackage] = LessonPackage.objects.filter(student=student).order_by("pk")
    if transaction.get_connection().in_atomic_block:
        packages = packages.select_for_update()
    alive = [p for p in packages if p.refunded_at is None]
    refusals = {p.pk: lesson_refusal(p, at) for p in alive}
    if preferred is not None and refusals.get(preferred.pk, BillingError.NO_PACKAGE) is None:
        return next(p for p in alive if p.pk == preferred.pk)
    candidates = [p for p in alive if (p.kind, p.lesson_kind) == (kind, lesson_kind)]
    if not candidates:
        if not alive:
            raise refusal_error(BillingError.NO_PACKAGE)
        what = f"{LessonPackage.Kind(kind).label}{LessonPackage.LessonKind(lesson_kind).label}"
        raise Conflict(BillingError.NO_PACKAGE, f"该学员没有{what}的课时包，请先购买课时")
    usable = sorted((p for p in candidates if refusals[p.pk] is None), key=lambda p: (p.valid_until, p.pk))
    if usable:
        return usable[0]
    for code in CHECKIN_REFUSAL_ORDER:
        refused = [p for p in candidates if refusals[p.pk] == code]
        if refused:
            # the most recent package of that kind is the one the family knows about
            return_package = max(refused, key=lambda p: (p.valid_until, p.pk))
            raise refusal_error(code, return_package, at)
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


def packages_expire_due(*, at: datetime | None = None) -> int:
    """The scheduled job's work: write off every package past its validity that still has
    lessons, one transaction each (a failure leaves the others done). Returns how many were
    written off; a second run finds none."""
    at = at or timezone.now()
    due = LessonPackage.objects.filter(
        refunded_at__isnull=True, lessons_left__gt=0, valid_until__lt=local_day(at)
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(due):
        if package_expire(package=LessonPackage(pk=pk), at=at) is not None:
            done += 1
    return done
