"""Excel export of the refund analysis (openpyxl): the paid refunds one per row, then a
sheet per breakdown. Rows go through `core.xlsx`: a parent's reason starting with "=" stays
words, never a formula."""

from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from core import xlsx

from .analysis import Group, RefundAnalysis, advisor_label, reason_label, teacher_label

MONEY_FORMAT = "#,##0.00"

DETAIL_HEADERS = [
    "退费编号", "付款日期", "学员", "课程", "原因分类", "家长填写的原因", "班主任", "任课教员",
    "已付（元）", "已用课时", "应退金额（元）", "收据号",
]


def _row(sheet: Worksheet, values: list[Any], money_columns: tuple[int, ...] = ()) -> None:
    xlsx.append(sheet, values)
    for cell in sheet[sheet.max_row]:
        if cell.column in money_columns:
            cell.number_format = MONEY_FORMAT


def _header(sheet: Worksheet, headers: list[str], widths: list[int]) -> None:
    xlsx.append(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width


def _groups(book: Workbook, title: str, what: str, groups: list[Group]) -> None:
    sheet = book.create_sheet(title)
    _header(sheet, [what, "笔数", "金额（元）"], [24, 8, 16])
    for group in groups:
        _row(sheet, [group.label, group.count, group.amount], money_columns=(3,))


def refund_analysis_xlsx(report: RefundAnalysis) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "退费明细"
    _header(sheet, DETAIL_HEADERS, [10, 12, 12, 18, 16, 40, 12, 12, 12, 10, 14, 14])
    for refund in report.refunds:
        _row(
            sheet,
            [
                refund.pk,
                timezone.localtime(refund.paid_at).strftime("%Y-%m-%d"),
                refund.student.name,
                refund.package.course,
                reason_label(refund),
                refund.reason,
                advisor_label(refund),
                teacher_label(refund),
                refund.paid,
                refund.lessons_used,
                refund.amount,
                refund.payment.receipt_number if refund.payment_id else "",
            ],
            money_columns=(9, 11),
        )
    _row(sheet, ["合计", "", f"{report.count} 笔", "", "", "", "", "", "", "", report.amount], money_columns=(11,))
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    _groups(book, "按原因", "退费原因", report.by_reason)
    _groups(book, "按班主任", "班主任", report.by_advisor)
    _groups(book, "按教员", "任课教员", report.by_teacher)
    _groups(book, "按月份", "月份", report.by_month)
    return xlsx.to_bytes(book)
