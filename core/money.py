"""Money is yuan as a Decimal with two places, rounded half up. Never a float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated

from django.db import models
from pydantic import BeforeValidator, PlainSerializer

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("10000000000")  # what money_field() holds: 12 digits, 2 after the point


def money(value: Decimal | int | str) -> Decimal:
    """`value` as yuan with two places, half up. Floats are refused: they are not exact."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount of money: {value!r}") from exc


def money_field(**kwargs) -> models.DecimalField:
    """The one column type for yuan: up to 9,999,999,999.99."""
    kwargs.setdefault("max_digits", 12)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(**kwargs)


def _parse_amount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError("金额应为数字字符串，例如 \"1234.50\"")
    text = str(value).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError("金额应为数字字符串，例如 \"1234.50\"")
    if not amount.is_finite():
        raise ValueError("金额应为有限的数字")
    # before quantize: a huge number has no room for cents in Decimal's precision
    if abs(amount) >= MAX_AMOUNT:
        raise ValueError("金额过大")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValueError("金额最多两位小数")
    return money(amount)


# An API field of money: a decimal string in and out ("1234.50").
Money = Annotated[
    Decimal,
    BeforeValidator(_parse_amount),
    PlainSerializer(lambda d: f"{money(d):.2f}", return_type=str, when_used="json"),
]
