"""The half payment's gate and the shelf's warning line are each stated once, and the
refusal, the reminder list, the sale form's summary, the agreement and the shelf pages
all ask the same one."""

import pytest
from django.test import Client
from django.utils import timezone

from billing.models import GoodsItem
from billing.pdf import agreement_context
from billing.selectors import goods_low_stock, packages_payment_due
from billing.services import goods_create, lesson_refusal, package_deduct

from .helpers import make_student, sell

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("lessons", "gate"), [(10, 5), (9, 5), (3, 2), (2, 1)])
def test_the_half_plan_gate_everywhere(campus, desk, lessons, gate):
    package = sell(make_student(campus), desk, lessons=lessons, price="1000.00", paid="500.00")
    assert package.half_plan_lessons == gate
    assert agreement_context(package)["half_lessons"] == gate
    for _ in range(gate):
        assert lesson_refusal(package, timezone.now()) is None
        package_deduct(package=package, at=timezone.now(), by=desk)
    assert lesson_refusal(package, timezone.now()) == "payment_due"
    assert package in packages_payment_due(campus, within_lessons=0)


def test_the_reminder_list_names_half_paid_packages_near_their_gate(campus, desk):
    near = sell(make_student(campus), desk, lessons=10, price="1000.00", paid="500.00")
    for _ in range(3):
        package_deduct(package=near, at=timezone.now(), by=desk)
    far = sell(make_student(campus), desk, lessons=10, price="1000.00", paid="500.00")
    assert near in packages_payment_due(campus, within_lessons=2)  # 3 used, the gate at 5
    assert far not in packages_payment_due(campus, within_lessons=2)


def test_the_sale_forms_summary_names_the_same_gate(campus, desk):
    client = Client()
    client.force_login(desk.user)
    page = client.post("/billing/packages/preview/", {"price": "1000", "paid": "500", "lessons": "9"})
    assert page.context["preview"]["half_lessons"] == 5


@pytest.mark.parametrize(("stock", "low"), [(1, True), (2, True), (3, False)])
def test_the_warning_line_is_the_same_on_the_list_and_the_article(campus, desk, stock, low):
    item = goods_create(campus=campus, category="文具", name="铅笔", unit="支", warning_line=2, price="1.00", by=desk)
    GoodsItem.objects.filter(pk=item.pk).update(stock=stock)
    item.refresh_from_db()
    assert item.is_low is low
    assert (item in goods_low_stock(campus)) is low
