"""The printable refund application: its Chinese text read back out of the PDF (pypdf) —
the quote line by line, the parent's reason, and a signature line per signer, filled in
once signed and blank before."""

import io

import pytest
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from retention.pdf import refund_application_pdf
from retention.services import refund_confirm_lessons, refund_parent_sign
from tests.factories import GuardianFactory, StudentFactory, drafted_refund, sold_package

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")


@pytest.fixture
def refund(campus, make_staff):
    student = StudentFactory(campus=campus, name="王小明")
    GuardianFactory(student=student, name="李梅", relation="mother", is_primary=True, phone="13812345678")
    GuardianFactory(student=student, name="王强", relation="father")
    package = sold_package(campus, make_staff("front_desk"), student=student, lessons=3, price="7000.00", used=2)
    return drafted_refund(package, principal=make_staff("principal", user__first_name="赵校长"))


def test_the_application_spells_out_the_arithmetic_and_the_signatures(refund, make_staff):
    dean = make_staff("dean", user__first_name="钱教务")
    advisor = make_staff("advisor", user__first_name="孙老师")
    refund_confirm_lessons(refund=refund, by=dean)
    refund_parent_sign(refund=refund, by=advisor, reason="孩子要准备中考，暂停钢琴课", signed_by="李梅", category="family")
    text = text_of(refund_application_pdf(refund))
    today = timezone.localdate().isoformat()
    for expected in (
        "退费申请表",
        settings.CENTER_NAME,
        "北京朝阳校区",
        "王小明",
        "李梅",
        "13812345678",
        "钢琴一对一",
        "7000.00",  # paid
        "2333.33",  # unit price
        "4666.67",  # used amount, 7000 × 2 ÷ 3
        "800.00",  # management fee
        "1533.33",  # the refund
        "壹仟伍佰叁拾叁元叁角叁分",
        "孩子要准备中考，暂停钢琴课",
        "家庭原因",
        "钱教务",
        "孙老师",
        today,
    ):
        assert expected in text, expected
    assert "赵校长" not in text  # the principal has not approved yet: a blank line
    assert "预估" not in text  # the dean confirmed: the figures are the application's


def test_before_the_dean_confirms_the_figures_are_an_estimate(refund):
    text = text_of(refund_application_pdf(refund))
    assert "预估" in text and "1533.33" in text


def test_the_api_serves_the_pdf_to_refund_readers_only(refund, api_as):
    response = api_as("finance").get(f"/api/v1/refunds/{refund.pk}/application.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "退费申请表" in text_of(response.content)
    assert api_as("teacher").get(f"/api/v1/refunds/{refund.pk}/application.pdf").status_code == 403
