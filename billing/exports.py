"""Excel export of payment records (`core.xlsx.ListSheet`: a campus's year of payments
is written in seconds)."""

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from core import xlsx

from .models import Payment

HEADERS = ["收据号", "日期", "学员", "项目", "课程/班级", "金额（元）", "支付方式", "经办人", "备注"]
WIDTHS = (14, 18, 12, 14, 18, 14, 10, 12, 30)


def payments_xlsx(payments: QuerySet[Payment]) -> bytes:
    sheet = xlsx.ListSheet("收费记录", widths=WIDTHS)
    sheet.append(HEADERS, bold=True)
    total = Decimal("0.00")
    # the choices' words once, not a translation lookup per row
    purposes = {value: str(label) for value, label in Payment.Purpose.choices}
    methods = {value: str(label) for value, label in Payment.Method.choices}
    for p in payments.iterator(chunk_size=2000):
        sheet.append(
            [
                p.receipt_number,
                timezone.localtime(p.paid_at).strftime("%Y-%m-%d %H:%M"),
                p.student.name if p.student else "散客",
                purposes.get(p.purpose, p.purpose),
                p.package.course if p.package else "",
                p.amount,
                methods.get(p.method, p.method),
                p.created_by.display_name if p.created_by else "",
                p.note,
            ]
        )
        total += p.amount
    sheet.append(["合计", "", "", "", "", total], bold=True)
    return sheet.to_bytes()
