"""The lobby shelf: stock in, sales to a student or a walk-in, never a negative stock."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from billing.errors import BillingError
from billing.models import GoodsItem, Payment
from billing.selectors import goods_low_stock
from billing.services import goods_create, goods_sell, goods_stock_in, goods_update
from core.errors import Conflict, InvalidInput

from .helpers import make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(campus, desk):
    return goods_create(
        campus=campus, category="教材", name="钢琴基础教程", spec="第一册", unit="本", warning_line=2, price="38.50", by=desk
    )


def test_stock_in_then_sell_to_a_student_with_a_receipt(campus, book, desk):
    student = make_student(campus)
    goods_stock_in(item=book, quantity=5, by=desk)
    sale = goods_sell(item=book, quantity=2, by=desk, student=student, method="wechat")
    book.refresh_from_db()
    assert (book.stock, sale.quantity, sale.stock_after) == (3, -2, 3)
    assert sale.payment.amount == Decimal("77.00") and sale.payment.purpose == "goods_sale"
    assert sale.payment.student == student and sale.payment.receipt_no == 1


def test_a_walk_in_buyer(book, desk):
    goods_stock_in(item=book, quantity=1, by=desk)
    sale = goods_sell(item=book, quantity=1, by=desk)
    assert sale.buyer_name == "散客" and sale.payment.student is None


def test_selling_more_than_the_stock_is_refused_and_changes_nothing(book, desk):
    goods_stock_in(item=book, quantity=1, by=desk)
    with pytest.raises(Conflict) as caught:
        goods_sell(item=book, quantity=2, by=desk)
    assert caught.value.code == BillingError.OUT_OF_STOCK
    book.refresh_from_db()
    assert book.stock == 1 and not Payment.objects.exists()


def test_the_database_refuses_a_negative_stock(book):
    with pytest.raises(IntegrityError), transaction.atomic():
        GoodsItem.objects.filter(pk=book.pk).update(stock=-1)


@pytest.mark.parametrize("quantity", [0, -3])
def test_quantities_must_be_positive(book, desk, quantity):
    with pytest.raises(InvalidInput):
        goods_stock_in(item=book, quantity=quantity, by=desk)


def test_the_low_stock_list_holds_articles_at_or_below_their_line(campus, book, desk):
    pencil = goods_create(campus=campus, category="文具", name="铅笔", unit="支", warning_line=10, price="1.00", by=desk)
    goods_stock_in(item=pencil, quantity=50, by=desk)
    goods_stock_in(item=book, quantity=2, by=desk)
    assert list(goods_low_stock(campus)) == [book]


def test_a_new_article_is_checked(campus, book, desk):
    with pytest.raises(InvalidInput) as caught:
        goods_create(campus=campus, category="", name="钢琴基础教程", spec="第一册", price="-1", by=desk)
    assert {"category", "price"} <= set(caught.value.fields)
    with pytest.raises(InvalidInput) as caught:
        goods_create(campus=campus, category="教材", name="钢琴基础教程", spec="第一册", price="1", by=desk)
    assert "name" in caught.value.fields


def test_editing_keeps_the_stock(book, desk):
    goods_stock_in(item=book, quantity=4, by=desk)
    item = goods_update(item=book, category="教材", name="钢琴基础教程", spec="第二册", unit="本", warning_line=1, price="40", by=desk)
    assert (item.spec, item.price, item.stock) == ("第二册", Decimal("40.00"), 4)
