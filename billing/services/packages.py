"""Selling a package (课时包 / 充次) and closing one on a refund."""

from dataclasses import asdict, astuple, dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.contributions import package_sale_links
from core.dates import aware
from core.errors import InvalidInput
from core.models import Staff, Subject
from core.money import money
from core.validation import date_errors, length_problem, require_dates
from students.models import Student

from ..errors import BillingError
from ..models import LedgerEntry, LessonPackage, Payment
from ..pricing import MANAGEMENT_FEE  # noqa: F401  (re-exported by billing.services)
from ..selectors import subject_by_name
from .ledger import _append, _copy_caches, _lock, refusal_error
from .payments import _payment_store


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


def package_validate(terms: PackageTerms) -> PackageTerms:
    """The sale's terms cleaned (course stripped, money to two places), or InvalidInput
    naming every bad field."""
    course, kind, lessons, bonus_lessons, price, paid, valid_from, valid_until = astuple(terms)
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
    elif valid_from is not None and (problem := length_problem("package", valid_from, valid_until)):
        fields["valid_until"] = problem
    fields.update(date_errors({"valid_from": ("package_start", valid_from), "valid_until": ("package_end", valid_until)}))
    if fields:
        raise InvalidInput("课时包信息有误：" + "；".join(fields.values()), fields)
    return PackageTerms(course, kind, lessons, bonus_lessons, price, paid, valid_from, valid_until)


# the message, and the word beside the field
PLAN_REFUSALS = {
    LessonPackage.Plan.FULL: ("全款须一次付清（已付 = 价格）", "须付清全款"),
    LessonPackage.Plan.HALF: ("半款须至少付一半（已付 ≥ 价格的一半）", "须至少付一半"),
}


def package_sale_plan(*, plan: str | None, price: Decimal, paid: Decimal) -> str:
    """The payment plan a sale fixes: the one asked for, if what is paid allows it (full:
    paid = price; half: paid ≥ price/2; deposit: any amount), else 422; none asked for →
    the one what is paid makes. Paid in full is full whatever was asked."""
    paid_plan = LessonPackage.plan_paid(price, paid)
    if not plan:
        return paid_plan
    if plan not in LessonPackage.Plan.values:
        raise InvalidInput("付款方式只能是全款、半款或定金", {"payment_plan": "可选 full、half、deposit"})
    allowed = {
        LessonPackage.Plan.FULL: paid_plan == LessonPackage.Plan.FULL,
        LessonPackage.Plan.HALF: paid_plan != LessonPackage.Plan.DEPOSIT,
        LessonPackage.Plan.DEPOSIT: True,
    }
    if not allowed[LessonPackage.Plan(plan)]:
        message, beside = PLAN_REFUSALS[plan]
        raise InvalidInput(message, {"payment_plan": beside})
    return LessonPackage.Plan.FULL if paid_plan == LessonPackage.Plan.FULL else plan


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
    subject: Subject | str | None = None,
    method: str = Payment.Method.CASH,
    sold_at: datetime | None = None,
    lesson_kind: str = LessonPackage.LessonKind.MAIN,
    payment_plan: str | None = None,
    group_class: int | None = None,
) -> LessonPackage:
    """Sell a package (课时包 / 充次): the `bought` and `bonus` ledger entries, and the
    first payment (with its receipt) when anything is paid now. `subject` may be given by
    its name, as the form and the API do (an unknown name is 422). `sold_at` (default
    now) dates the entries, for a sale taken over from the old card-swipe software.
    `lesson_kind` is main (上课) or practice (陪练, its own balance); `payment_plan` is fixed
    here (`package_sale_plan`), and `created_by` is who sold it. `group_class` (an id)
    ties a group package to the class it is sold for (`package_sale_links`)."""
    terms = package_validate(
        PackageTerms(course, kind, lessons, bonus_lessons, price, paid, valid_from, valid_until)
    )
    if lesson_kind not in LessonPackage.LessonKind.values:
        raise InvalidInput("课型只能是上课（main）或陪练（practice）", {"lesson_kind": "可选 main、practice"})
    plan = package_sale_plan(plan=payment_plan, price=terms.price, paid=terms.paid)
    if isinstance(subject, str):
        subject = subject_by_name(subject)
    if method not in Payment.Method.values:
        raise InvalidInput("支付方式不正确", {"method": "不正确"})
    now = aware(sold_at) if sold_at is not None else timezone.now()
    require_dates({"sold_at": ("sale", now)})
    package = LessonPackage.objects.create(
        campus=student.campus, student=student, subject=subject, created_by=by, lesson_kind=lesson_kind, plan=plan,
        sold_at=now, **asdict(terms),
    )
    _append(package, kind=LedgerEntry.Kind.BOUGHT, lessons=terms.lessons, at=now, by=by, reason="购买课时")
    if terms.bonus_lessons:
        _append(package, kind=LedgerEntry.Kind.BONUS, lessons=terms.bonus_lessons, at=now, by=by, reason="赠送课时")
    if terms.paid > 0:
        note = "首付" if terms.paid < terms.price else "全款"
        _payment_store(
            Payment(
                campus=package.campus, student=student, package=package, purpose=Payment.Purpose.PACKAGE,
                amount=terms.paid, method=method, note=note, paid_at=now, created_by=by,
            )
        )
    if group_class is not None:
        # the class a group package is sold for: scheduling ties them (core.contributions)
        link = package_sale_links.get("group_class")
        if link is None:
            raise InvalidInput("无法关联大课班级", {"group_class": "不可用"})
        link.link(package, group_class, by)
    return package


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
        _payment_store(
            Payment(
                campus=locked.campus, student=locked.student, package=locked, purpose=Payment.Purpose.PACKAGE_REFUND,
                amount=-amount, method=Payment.Method.TRANSFER, note=note, paid_at=at, created_by=by,
            )
        )
    _copy_caches(package, locked)
    return locked
