"""The receipt, the enrolment agreement and the parent statement as PDFs: the Chinese text
is really in them (extracted with pypdf)."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from billing.pdf import agreement_pdf, receipt_pdf, statement_pdf
from billing.services import package_deduct, payment_record, payment_record_other
from core.models import Subject
from scheduling.models import Attendance, Lesson

from .helpers import local, make_student, sell

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")


def test_the_receipt_names_the_payment_in_chinese(campus, desk):
    student = make_student(campus, name="王小明")
    package = sell(student, desk, price="12000.00", paid="6000.00", course="钢琴一对一")
    payment = payment_record(package=package, amount=Decimal("2000.50"), by=desk)
    text = text_of(receipt_pdf(payment))
    for expected in ("收据", "BJ01-000002", "王小明", "课时费", "钢琴一对一", "贰仟元伍角整", "2000.50", "尚欠¥3999.50"):
        assert expected in text, expected


def test_a_card_deposit_refund_receipt_says_it_is_money_paid_back(campus, desk):
    student = make_student(campus, name="李雷")
    payment = payment_record_other(campus=campus, student=student, purpose="card_deposit_refund", amount="20", by=desk)
    text = text_of(receipt_pdf(payment))
    assert "退学员卡押金" in text and "退款" in text and "贰拾元整" in text


def test_the_agreement_states_the_terms_and_the_refund_rule(campus, desk):
    student = make_student(campus, name="韩梅梅")
    package = sell(student, desk, lessons=40, bonus=4, price="12000.00", paid="6000.00", course="钢琴一对一")
    text = text_of(agreement_pdf(package))
    for expected in (
        "学员课程协议", "韩梅梅", "钢琴一对一", "40课时", "4课时", "壹万贰仟元整", "300.00",
        "半款", "100%", "管理费¥800.00", "家长签字", package.valid_until.strftime("%Y年%-m月%-d日"),
    ):
        assert expected in text, expected


def test_the_statement_lists_every_entry_with_the_teacher_and_the_reason(campus, desk, make_staff):
    student = make_student(campus, name="张三")
    package = sell(student, desk, lessons=10, bonus=2, course="数学一对一")
    teacher = make_staff("teacher")
    teacher.user.first_name = "郑老师"
    teacher.user.save()
    subject = Subject.objects.create(name="数学")
    start = local(2026, 11, 3, 16)
    lesson = Lesson.objects.create(
        campus=campus, student=student, teacher=teacher, subject=subject, package=package,
        starts_at=start, ends_at=start + timedelta(hours=1),
    )
    swiped = package_deduct(package=package, at=start, by=None)
    Attendance.objects.create(
        campus=campus, student=student, lesson=lesson, package=package, ledger_entry=swiped,
        checked_in_at=start, source="swipe",
    )
    package_deduct(package=package, at=local(2026, 11, 5, 16), by=desk, reason="忘带卡，前台手工扣课")
    text = text_of(statement_pdf(student))
    for expected in (
        "课时对账单", "张三", "数学一对一", "购买+10节", "赠送+2节", "消课-1节", "刷卡签到", "郑老师",
        "忘带卡，前台手工扣课", "剩余课时合计：10课时",
    ):
        assert expected in text, expected
