"""Excel export of payment records (openpyxl)."""

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from core import xlsx

from .models import Payment

HEADERS = ["收据号", "日期", "学员", "项目", "课程/班级", "金额（元）", "支付方式", "经办人", "备注"]


def payments_xlsx(payments: QuerySet[Payment]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "收费记录"
    xlsx.append(sheet, HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    total = 0
    for p in payments:
        xlsx.append(
            sheet,
            [
                p.receipt_number,
                timezone.localtime(p.paid_at).strftime("%Y-%m-%d %H:%M"),
                p.student.name if p.student else "散客",
                p.get_purpose_display(),
                p.package.course if p.package else "",
                p.amount,
                p.get_method_display(),
                p.created_by.display_name if p.created_by else "",
                p.note,
            ],
        )
        sheet.cell(row=sheet.max_row, column=6).number_format = "#,##0.00"
        total += p.amount
    xlsx.append(sheet, ["合计", "", "", "", "", total])
    sheet.cell(row=sheet.max_row, column=6).number_format = "#,##0.00"
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for column, width in zip("ABCDEFGHI", (14, 18, 12, 14, 18, 14, 10, 12, 30), strict=True):
        sheet.column_dimensions[column].width = width
    return xlsx.to_bytes(book)
