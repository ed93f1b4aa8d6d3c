"""Billing's part of the front desk's daily report (core/reports.py): lessons used
(消课, net of reversals), money taken by method and paid out, card deposits and fees,
goods sold."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from core.dates import day_bounds
from core.models import Campus
from core.reports import ReportSection

from .models import LedgerEntry, Payment, StockMovement

ZERO = Decimal("0.00")
CARD_PURPOSES = (Payment.Purpose.CARD_DEPOSIT, Payment.Purpose.CARD_FEE, Payment.Purpose.CARD_DEPOSIT_REFUND)


def sections(campus: Campus, day: date) -> list[ReportSection]:
    start, end = day_bounds(day)
    entries = LedgerEntry.objects.filter(package__campus=campus, occurred_at__gte=start, occurred_at__lt=end)
    used = entries.aggregate(
        used=Count("pk", filter=Q(kind=LedgerEntry.Kind.USED)),
        undone=Count("pk", filter=Q(kind=LedgerEntry.Kind.REVERSAL, reverses__kind=LedgerEntry.Kind.USED)),
    )
    payments = Payment.objects.filter(campus=campus, paid_at__gte=start, paid_at__lt=end)
    by_method = dict(payments.filter(amount__gt=0).values_list("method").annotate(t=Sum("amount")).order_by())
    by_purpose = dict(payments.values_list("purpose").annotate(t=Sum("amount")).order_by())
    paid_out = payments.filter(amount__lt=0).aggregate(t=Sum("amount"))["t"] or ZERO
    sales = StockMovement.objects.filter(
        item__campus=campus, kind=StockMovement.Kind.SALE, created_at__gte=start, created_at__lt=end
    ).aggregate(pieces=Sum(-F("quantity")), amount=Sum(F("unit_price") * -F("quantity")))
    return [
        ReportSection(title=_("消课统计"), order=20, rows=[
            (_("消课节数"), used["used"] - used["undone"]),
        ]),
        ReportSection(title=_("收费（按支付方式）"), order=30, rows=[
            *[(str(label), by_method.get(value, ZERO)) for value, label in Payment.Method.choices],
            (_("收入合计"), sum(by_method.values(), ZERO)),
            (_("退出金额"), paid_out),
        ]),
        ReportSection(title=_("学员卡押金与工本费"), order=35, rows=[
            (str(Payment.Purpose(purpose).label), by_purpose.get(purpose, ZERO)) for purpose in CARD_PURPOSES
        ]),
        ReportSection(title=_("商品销售"), order=40, rows=[
            (_("售出件数"), sales["pieces"] or 0),
            (_("销售金额"), (sales["amount"] or ZERO).quantize(Decimal("0.01"))),
        ]),
    ]
