"""Finance's reading of the money: totals by method and by purpose (tuition apart from card
deposits and goods), and 待收学费 as the list of what is owed."""

from decimal import Decimal

import pytest

from billing.models import Payment
from billing.selectors import payments_by_method, payments_by_purpose
from billing.services import payment_record, payment_record_other
from core.dashboard import panels_for
from core.roles import Role

from .helpers import make_student, sell

pytestmark = pytest.mark.django_db


@pytest.fixture
def money_world(campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    student = make_student(campus)
    package = sell(student, desk, price="6000.00", paid="3000.00")  # cash
    payment_record(package=package, amount=Decimal("1000.00"), by=desk, method=Payment.Method.WECHAT)
    payment_record_other(campus=campus, student=student, purpose=Payment.Purpose.CARD_DEPOSIT,
                         amount=Decimal("20.00"), by=desk, method=Payment.Method.ALIPAY)
    payment_record_other(campus=campus, student=None, purpose=Payment.Purpose.GOODS_SALE,
                         amount=Decimal("35.50"), by=desk, method=Payment.Method.CASH)
    payment_record_other(campus=campus, student=student, purpose=Payment.Purpose.CARD_DEPOSIT_REFUND,
                         amount=Decimal("20.00"), by=desk, method=Payment.Method.CASH)
    return {"desk": desk, "student": student, "package": package}


def test_totals_by_method_list_every_method(money_world):
    rows = {r.label: (r.count, r.total) for r in payments_by_method(Payment.objects.all())}
    assert rows["现金"] == (3, Decimal("3015.50"))
    assert rows["微信"] == (1, Decimal("1000.00"))
    assert rows["支付宝"] == (1, Decimal("20.00"))
    assert rows["转账"] == (0, Decimal("0.00")) and rows["刷卡"] == (0, Decimal("0.00"))


def test_totals_by_purpose_keep_deposits_and_goods_apart_from_tuition(money_world):
    rows = {r.label: (r.count, r.total) for r in payments_by_purpose(Payment.objects.all())}
    assert rows["学费（课时费，扣除退费）"] == (2, Decimal("4000.00"))
    assert rows["学员卡押金（收取扣除退还）"] == (2, Decimal("0.00"))
    assert rows["商品销售"] == (1, Decimal("35.50"))


def test_the_payments_page_shows_both_totals(client_as, money_world):
    html = client_as(Role.FINANCE).get("/billing/payments/").content.decode()
    assert "按支付方式合计" in html and "按项目合计" in html and "3015.50" in html and "4000.00" in html


def test_the_panels_due_link_opens_the_list_of_what_is_owed(client_as, make_staff, money_world):
    finance = make_staff(Role.FINANCE)
    panel = next(p for p in panels_for(finance) if p.title == "待收学费")
    assert panel.link == "/billing/due/"
    html = client_as(finance).get(panel.link).content.decode()
    assert money_world["student"].name in html and "2000.00" in html
    assert f"/billing/packages/{money_world['package'].pk}/" in html


def test_a_paid_package_is_not_owed_and_other_roles_are_refused(client_as, campus, make_staff, money_world):
    payment_record(package=money_world["package"], amount=Decimal("2000.00"), by=money_world["desk"])
    html = client_as(Role.FINANCE).get("/billing/due/").content.decode()
    assert money_world["student"].name not in html
    assert client_as(Role.TEACHER).get("/billing/due/").status_code == 403
