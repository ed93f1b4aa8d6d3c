"""The money arithmetic of packages, exact and rounded half up to the cent (core.money)."""

from decimal import Decimal

from core.money import ZERO, money

MANAGEMENT_FEE = Decimal("800.00")  # 管理费 kept on a refund: registration, assessment, file

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "万亿"]


def unit_price(price: Decimal, lessons: int) -> Decimal:
    """Price of one bought lesson, for display (bonus lessons are free)."""
    return money(Decimal(price) / lessons)


def used_amount(price: Decimal, lessons: int, lessons_used: int) -> Decimal:
    """Lessons used, bonus ones included, at 100% of the unit price; rounded once, at the end."""
    return money(Decimal(price) * lessons_used / lessons)


def refund_amount(
    *, price: Decimal, paid: Decimal, lessons: int, lessons_used: int, other_deductions: Decimal = ZERO
) -> Decimal:
    """paid − used amount − ¥800 management fee − other deductions, never below zero."""
    rest = money(paid) - used_amount(price, lessons, lessons_used) - MANAGEMENT_FEE - money(other_deductions)
    return max(ZERO, rest)


def _four_digits(n: int) -> str:
    # one group of up to four digits, zeros collapsed the way a cashier writes them
    text = ""
    zero = False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += _DIGITS[digit] + _SMALL_UNITS[position]
    return text


def yuan_in_words(amount: Decimal) -> str:
    """The amount in capital figures as written on a receipt (人民币大写), e.g.
    12000.50 → 壹万贰仟元伍角整; negative amounts are prefixed 负."""
    amount = money(amount)
    sign = "负" if amount < 0 else ""
    cents = int(abs(amount) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    groups: list[int] = []
    rest = yuan
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    text = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or group < 1000):
            text += "零"
        pending_zero = False
        text += _four_digits(group) + _BIG_UNITS[index]
    if text:
        text += "元"
    if jiao == 0 and fen == 0:
        return sign + (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "整"
    return sign + text
