"""The money arithmetic: exact Decimals, rounded half up to the cent."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.models import LessonPackage
from billing.pricing import MANAGEMENT_FEE, refund_amount, unit_price, used_amount, yuan_in_words
from core.money import money

cents = st.integers(min_value=1, max_value=10**11 - 1).map(lambda n: Decimal(n) / 100)
lesson_counts = st.integers(min_value=1, max_value=500)

_DIGITS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}
_BIG = {"万": 10**4, "亿": 10**8}


def parse_words(text: str) -> Decimal:
    """Read a receipt's capital figures back into a number (the test's own reading)."""
    sign = -1 if text.startswith("负") else 1
    text = text.removeprefix("负").removesuffix("整")
    yuan_part, _, cents_part = text.partition("元")
    if "元" not in text:
        yuan_part, cents_part = "", text
    total = section = digit = 0
    for ch in yuan_part:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL:
            section += digit * _SMALL[ch]
            digit = 0
        elif ch in _BIG:
            section += digit
            if ch == "亿":
                total = (total + section) * _BIG[ch]
            else:
                total += section * _BIG[ch]
            section = digit = 0
    yuan = total + section + digit
    jiao = fen = 0
    for i, ch in enumerate(cents_part):
        if ch == "角":
            jiao = _DIGITS[cents_part[i - 1]]
        if ch == "分":
            fen = _DIGITS[cents_part[i - 1]]
    return sign * (Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100)


@given(st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False, places=6))
def test_money_rounds_half_up_to_the_cent(value: Decimal) -> None:
    assert money(value) == value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert abs(money(value) - value) <= Decimal("0.005")


def test_money_rounds_a_half_cent_away_from_zero() -> None:
    assert money(Decimal("0.005")) == Decimal("0.01")
    assert money(Decimal("2.675")) == Decimal("2.68")
    assert money(Decimal("-0.005")) == Decimal("-0.01")


def test_money_refuses_a_float() -> None:
    with pytest.raises(TypeError):
        money(0.1)  # type: ignore[arg-type]


@given(cents)
def test_the_words_on_a_receipt_read_back_as_the_amount(amount: Decimal) -> None:
    assert parse_words(yuan_in_words(amount)) == amount


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("12000.00", "壹万贰仟元整"),
        ("20.00", "贰拾元整"),
        ("10203.04", "壹万零贰佰零叁元零肆分"),
        ("6000.50", "陆仟元伍角整"),
        ("100000001.00", "壹亿零壹元整"),
        ("0.00", "零元整"),
    ],
)
def test_capital_figures_follow_cashier_usage(amount: str, words: str) -> None:
    assert yuan_in_words(Decimal(amount)) == words


@given(cents, lesson_counts, st.data())
def test_used_amount_is_the_exact_share_rounded_once(price: Decimal, lessons: int, data) -> None:
    used = data.draw(st.integers(min_value=0, max_value=lessons * 2))
    expected = (price * used / lessons).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert used_amount(price, lessons, used) == expected
    assert used_amount(price, lessons, lessons) == money(price)
    assert unit_price(price, lessons) == (price / lessons).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(cents, lesson_counts, st.data())
def test_refund_is_never_negative_nor_more_than_paid(price: Decimal, lessons: int, data) -> None:
    paid = data.draw(st.integers(min_value=0, max_value=int(price * 100))).__truediv__(100)
    paid = Decimal(str(paid))
    used = data.draw(st.integers(min_value=0, max_value=lessons + 10))
    refund = refund_amount(price=price, paid=paid, lessons=lessons, lessons_used=used)
    assert Decimal("0") <= refund <= money(paid)
    if refund > 0:
        assert refund == money(paid) - used_amount(price, lessons, used) - MANAGEMENT_FEE


@given(cents, st.data())
def test_payment_plan_and_balance_follow_the_paid_share(price: Decimal, data) -> None:
    paid = Decimal(data.draw(st.integers(min_value=0, max_value=int(price * 100)))) / 100
    package = LessonPackage(price=price, paid=paid, lessons=10, bonus_lessons=0)
    assert package.balance_due == price - paid
    if paid == price:
        assert package.payment_plan == "full"
    elif paid * 2 >= price:
        assert package.payment_plan == "half"
    else:
        assert package.payment_plan == "deposit"


def test_payment_plan_boundaries() -> None:
    def plan(price: str, paid: str) -> str:
        return LessonPackage(price=Decimal(price), paid=Decimal(paid)).payment_plan

    assert plan("12000.00", "12000.00") == "full"
    assert plan("12000.00", "6000.00") == "half"
    assert plan("12000.00", "5999.99") == "deposit"
    assert plan("0.03", "0.02") == "half"  # 0.02 ≥ 0.015
    assert plan("0.03", "0.01") == "deposit"
