"""The billing pages at a front desk: forms, messages beside the fields, roles and campuses."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from billing.models import GoodsItem, LedgerEntry, LessonPackage, Payment
from billing.services import goods_create, goods_stock_in, package_deduct

from .helpers import local, make_student, sell

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(desk) -> Client:
    client = Client()
    client.force_login(desk.user)
    return client


@pytest.fixture
def student(campus):
    return make_student(campus, name="王小明")


def page(client: Client, url: str, status: int = 200, **kwargs) -> str:
    response = client.get(url, kwargs)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_finding_a_student_and_their_packages(browser, student, desk):
    sell(student, desk, course="钢琴一对一", paid="1000.00")
    assert "王小明" in page(browser, "/billing/", q="小明")
    assert "王小明" in page(browser, "/billing/", q=student.guardians.first().phone[-4:])
    html = page(browser, f"/billing/students/{student.pk}/")
    assert "钢琴一对一" in html and "定金" in html and "BJ01-000001" in html


def test_anonymous_is_sent_to_sign_in_and_a_teacher_is_refused(student, make_staff):
    assert Client().get("/billing/").status_code == 302
    teacher = Client()
    teacher.force_login(make_staff("teacher").user)
    assert teacher.get("/billing/").status_code == 403
    assert teacher.get(f"/billing/students/{student.pk}/statement/").status_code == 403


def test_another_campus_is_not_found(browser, other_campus, desk):
    stranger = make_student(other_campus)
    package = sell(stranger, desk)
    assert browser.get(f"/billing/students/{stranger.pk}/").status_code == 404
    assert browser.get(f"/billing/packages/{package.pk}/").status_code == 404
    assert browser.get(f"/billing/receipts/{package.payments.get().pk}/receipt.pdf").status_code == 404
    assert browser.post(f"/billing/packages/{package.pk}/deduct/", {"reason": "x"}).status_code == 404


def test_buying_a_package(browser, student):
    form = {
        "course": "钢琴一对一", "kind": "one_on_one", "subject": "", "lessons": "40", "bonus_lessons": "4",
        "price": "12000.00", "paid": "6000.00", "method": "wechat", "valid_from": "2026-09-01", "valid_until": "2027-08-31",
    }
    response = browser.post(f"/billing/students/{student.pk}/packages/new/", form)
    package = LessonPackage.objects.get()
    assert response.status_code == 302 and response.url == f"/billing/packages/{package.pk}/"
    assert (package.lessons_left, package.payment_plan) == (44, "half")
    assert package.payments.get().method == "wechat"


def test_a_bad_sale_shows_the_message_beside_the_field(browser, student):
    form = {
        "course": "钢琴", "kind": "one_on_one", "lessons": "10", "bonus_lessons": "0", "price": "1000.00",
        "paid": "1200.00", "method": "cash", "valid_from": "2026-09-01", "valid_until": "2026-08-31",
    }
    html = browser.post(f"/billing/students/{student.pk}/packages/new/", form).content.decode()
    assert "已付金额不能超过价格" in html and "有效期至不能早于有效期起" in html and "field-error" in html
    assert not LessonPackage.objects.exists()


def test_the_live_preview_shows_the_payment_plan(browser):
    html = browser.post("/billing/packages/preview/", {"price": "3000", "paid": "1500", "lessons": "10"}).content.decode()
    assert "半款" in html and "1500.00" in html and "5 课时" in html
    assert "填写课时" in browser.post("/billing/packages/preview/", {"price": "x"}).content.decode()


def test_taking_a_payment_then_printing_the_receipt(browser, student, desk):
    package = sell(student, desk, price="3000.00", paid="1000.00")
    too_much = browser.post(f"/billing/packages/{package.pk}/pay/", {"amount": "2500.00", "method": "cash"})
    assert too_much.status_code == 422 and "不能超过欠费" in too_much.content.decode()
    response = browser.post(f"/billing/packages/{package.pk}/pay/", {"amount": "2000.00", "method": "cash"})
    payment = Payment.objects.get(receipt_no=2)
    assert response.url == f"/billing/receipts/{payment.pk}/"
    html = page(browser, response.url)
    assert "BJ01-000002" in html and "贰仟元整" in html
    pdf = browser.get(f"/billing/receipts/{payment.pk}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_manual_deduction_and_its_correction(browser, student, desk, make_staff):
    package = sell(student, desk, lessons=5)
    assert browser.post(f"/billing/packages/{package.pk}/deduct/", {"reason": " "}).status_code == 422
    assert browser.post(f"/billing/packages/{package.pk}/deduct/", {"reason": "忘带卡"}).status_code == 302
    entry = LedgerEntry.objects.get(kind="used")
    assert entry.reason == "忘带卡" and entry.created_by == desk
    browser.post(f"/billing/packages/{package.pk}/reverse/", {"entry": entry.pk, "reason": "误扣"})
    package.refresh_from_db()
    assert package.lessons_left == 5 and package.ledger.filter(kind="reversal").count() == 1
    assert "已冲正" in page(browser, f"/billing/packages/{package.pk}/")


def test_a_refused_manual_deduction_says_why(browser, student, desk):
    package = sell(student, desk, paid="0.00")
    response = browser.post(f"/billing/packages/{package.pk}/deduct/", {"reason": "试试"})
    assert response.status_code == 422 and "尚欠" in response.content.decode()


def test_an_advisor_cannot_deduct_by_hand(student, desk, make_staff):
    package = sell(student, desk)
    advisor = Client()
    advisor.force_login(make_staff("advisor").user)
    assert advisor.post(f"/billing/packages/{package.pk}/deduct/", {"reason": "x"}).status_code == 403


def test_the_statement_page_and_pdf(browser, student, desk):
    package = sell(student, desk, course="数学一对一")
    package_deduct(package=package, at=local(2026, 11, 2, 17), by=desk, reason="补课")
    html = page(browser, f"/billing/students/{student.pk}/statement/")
    assert "数学一对一" in html and "手工扣课：补课" in html
    assert browser.get(f"/billing/students/{student.pk}/statement.pdf").content.startswith(b"%PDF")
    assert browser.get(f"/billing/packages/{package.pk}/agreement.pdf").content.startswith(b"%PDF")


def test_payment_records_filter_and_export(browser, student, desk, campus):
    sell(student, desk, course="钢琴一对一", price="3000.00")
    sell(make_student(campus, name="李雷"), desk, course="数学小班", price="1800.00")
    html = page(browser, "/billing/payments/", course="钢琴")
    assert "王小明" in html and "李雷" not in html
    export = browser.get("/billing/payments/", {"q": "李雷", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "收据号" and rows[1][2] == "李雷" and Decimal(str(rows[1][5])) == Decimal("1800")
    assert rows[-1][0] == "合计" and len(rows) == 3


def test_the_goods_shelf(browser, campus, desk, student):
    response = browser.post(
        "/billing/goods/",
        {"category": "教材", "name": "练习本", "spec": "A4", "unit": "本", "warning_line": "3", "price": "5.00"},
    )
    item = GoodsItem.objects.get()
    assert response.url == f"/billing/goods/{item.pk}/"
    browser.post(response.url, {"action": "stock_in", "quantity": "4", "note": ""})
    oversold = browser.post(response.url, {"action": "sell", "quantity": "5", "method": "cash"})
    assert oversold.status_code == 422 and "库存不足" in oversold.content.decode()
    sold = browser.post(response.url, {"action": "sell", "quantity": "2", "student": str(student.pk), "method": "cash"})
    assert sold.status_code == 302
    item.refresh_from_db()
    assert item.stock == 2 and Payment.objects.get().amount == Decimal("10.00")
    assert "库存预警" in page(browser, "/billing/goods/")


def test_the_goods_form_reports_bad_input(browser, campus, desk):
    goods_stock_in(item=goods_create(campus=campus, category="文具", name="铅笔", price="1", by=desk), quantity=1, by=desk)
    response = browser.post("/billing/goods/", {"category": "", "name": "铅笔", "unit": "支", "warning_line": "-1", "price": "x"})
    assert response.status_code == 422 and "errorlist" in response.content.decode()
    assert GoodsItem.objects.count() == 1


def test_the_landing_page_shows_money_due_and_low_stock(browser, student, desk, campus):
    sell(student, desk, price="3000.00", paid="1500.00", course="数学一对一")
    goods_create(campus=campus, category="文具", name="橡皮", warning_line=2, price="1", by=desk)
    html = page(browser, "/")
    assert "待收学费" in html and "尚欠 ¥1500.00" in html and "橡皮：剩 0个" in html


def test_the_admin_shows_billing_read_only(student, desk, make_staff):
    package = sell(student, desk)
    admin = Client()
    admin.force_login(make_staff("hq_admin").user)
    for model in ("lessonpackage", "ledgerentry", "payment", "goodsitem", "stockmovement", "receiptcounter"):
        assert admin.get(f"/admin/billing/{model}/").status_code == 200, model
    detail = admin.get(f"/admin/billing/lessonpackage/{package.pk}/change/")
    assert detail.status_code == 200 and "钢琴一对一" in detail.content.decode()
    assert admin.get("/admin/billing/ledgerentry/add/").status_code == 403


def test_the_sale_form_offers_validity_dates_a_date_input_can_show(browser, student):
    from django.utils import timezone

    html = page(browser, f"/billing/students/{student.pk}/packages/new/")
    assert f'type="date" name="valid_from" value="{timezone.localdate():%Y-%m-%d}"' in html


@pytest.mark.parametrize("path", ["/billing/payments/", "statement", "student", "/billing/"])
def test_list_pages_make_the_same_queries_for_one_row_or_many(browser, campus, desk, path):
    # Per page: the session, the user and the staff member (sign-in and the layout), then
    # one query per list (the student, their packages, the ledger with its check-ins,
    # lessons and teachers joined; or the payments with student, package and cashier
    # joined). A query per row would make the second count larger.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    student = make_student(campus)
    url = path if path.startswith("/") else f"/billing/students/{student.pk}/" + ("statement/" if path == "statement" else "")
    counts = []
    for rows in (1, 5):
        for _ in range(rows):
            package = sell(student, desk)
            package_deduct(package=package, at=local(2026, 11, 1), by=desk, reason="补扣")
            sell(make_student(campus), desk, paid="100.00")
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_pages_are_available_in_english(browser, student, desk):
    from django.conf import settings

    package = sell(student, desk, paid="1000.00")
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(browser, f"/billing/packages/{package.pk}/")
    assert "Lesson ledger" in html and "Manual deduction" in html and "Deposit only" in html


def test_a_sale_chooses_the_lesson_kind_and_the_payment_plan(browser, student):
    form = {
        "course": "钢琴陪练", "kind": "one_on_one", "lesson_kind": "practice", "lessons": "10", "bonus_lessons": "0",
        "price": "1000.00", "paid": "800.00", "payment_plan": "deposit", "method": "cash",
        "valid_from": "2026-09-01", "valid_until": "2027-08-31",
    }
    response = browser.post(f"/billing/students/{student.pk}/packages/new/", form)
    package = LessonPackage.objects.get()
    assert response.status_code == 302
    assert (package.lesson_kind, package.payment_plan) == ("practice", "deposit")
    html = browser.get(f"/billing/packages/{package.pk}/").content.decode()
    assert "陪练" in html and "定金" in html


def test_a_plan_the_amount_paid_does_not_allow_is_shown_beside_the_field(browser, student):
    form = {
        "course": "钢琴", "kind": "one_on_one", "lessons": "10", "bonus_lessons": "0", "price": "1000.00",
        "paid": "400.00", "payment_plan": "half", "method": "cash", "valid_from": "2026-09-01", "valid_until": "2027-08-31",
    }
    html = browser.post(f"/billing/students/{student.pk}/packages/new/", form).content.decode()
    assert "半款须至少付一半" in html and "field-error" in html
    assert not LessonPackage.objects.exists()
