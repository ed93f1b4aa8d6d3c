"""Refund reasons analysed (退费原因分析): the refunds paid in a period, counted and summed
by reason category, by advisor, by teacher (of most of the package's lessons) and by month."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from core.money import ZERO, money

from .models import Refund


@dataclass
class Group:
    label: str
    count: int = 0
    amount: Decimal = ZERO

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "count": self.count, "amount": f"{money(self.amount):.2f}"}


@dataclass
class RefundAnalysis:
    date_from: date | None
    date_to: date | None
    refunds: list[Refund] = field(default_factory=list)
    by_reason: list[Group] = field(default_factory=list)
    by_advisor: list[Group] = field(default_factory=list)
    by_teacher: list[Group] = field(default_factory=list)
    by_month: list[Group] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.refunds)

    @property
    def amount(self) -> Decimal:
        return money(sum((r.amount for r in self.refunds), ZERO))

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "count": self.count,
            "amount": f"{self.amount:.2f}",
            "by_reason": [g.as_json() for g in self.by_reason],
            "by_advisor": [g.as_json() for g in self.by_advisor],
            "by_teacher": [g.as_json() for g in self.by_teacher],
            "by_month": [g.as_json() for g in self.by_month],
        }


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def reason_label(refund: Refund) -> str:
    return refund.category.name if refund.category_id else "未分类"


def advisor_label(refund: Refund) -> str:
    return refund.advisor.display_name if refund.advisor_id else "无班主任"


def teacher_label(refund: Refund) -> str:
    return refund.teacher.display_name if refund.teacher_id else "无任课教员"


def month_label(refund: Refund) -> str:
    return f"{timezone.localtime(refund.paid_at):%Y-%m}"


def _grouped(refunds: list[Refund], label: Callable[[Refund], str], *, by_label: bool = False) -> list[Group]:
    groups: dict[str, Group] = {}
    for refund in refunds:
        group = groups.setdefault(label(refund), Group(label(refund)))
        group.count += 1
        group.amount += refund.amount
    if by_label:
        return sorted(groups.values(), key=lambda g: g.label)
    # the biggest first; equal ones by name, so the order never depends on the database
    return sorted(groups.values(), key=lambda g: (-g.count, -g.amount, g.label))


def paid_refunds(refunds: QuerySet[Refund], *, date_from: date | None, date_to: date | None) -> QuerySet[Refund]:
    """The refunds paid between the two local dates, both included."""
    paid = refunds.filter(status=Refund.Status.PAID)
    if date_from is not None:
        paid = paid.filter(paid_at__gte=_start_of(date_from))
    if date_to is not None:
        paid = paid.filter(paid_at__lt=_start_of(date_to + timedelta(days=1)))
    return paid.select_related(
        "student", "package", "category", "advisor__user", "teacher__user", "payment__campus"
    ).order_by("paid_at", "pk")


def refund_analysis(
    refunds: QuerySet[Refund], *, date_from: date | None = None, date_to: date | None = None
) -> RefundAnalysis:
    found = list(paid_refunds(refunds, date_from=date_from, date_to=date_to))
    return RefundAnalysis(
        date_from=date_from,
        date_to=date_to,
        refunds=found,
        by_reason=_grouped(found, reason_label),
        by_advisor=_grouped(found, advisor_label),
        by_teacher=_grouped(found, teacher_label),
        by_month=_grouped(found, month_label, by_label=True),
    )
