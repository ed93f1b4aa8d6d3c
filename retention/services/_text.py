"""Checks of free text and months shared by the services of follow-ups and monthly records:
each returns the cleaned value and puts a Chinese message under the field's name."""

import re
from datetime import date, datetime, timedelta
from typing import Any

# Control characters (NUL, ESC, …) are refused: they come from a bad paste or a probe,
# never from a person writing a note. Line breaks and tabs are writing.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any, field: str, errors: dict[str, str], *, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = "应为文字"
        return ""
    value = value.strip()
    if CONTROL.search(value):
        errors[field] = "含有非法字符"
    elif required and not value:
        errors[field] = "必填"
    elif len(value) > max_length:
        errors[field] = f"最多 {max_length} 个字"
    return value


def clean_choice(value: Any, field: str, errors: dict[str, str], choices: list[str], message: str) -> str:
    if value not in choices:
        errors[field] = message
        return ""
    return value


def first_of_month(value: date) -> date:
    return value.replace(day=1)


def last_of_month(month: date) -> date:
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def clean_month(value: Any, field: str, errors: dict[str, str], *, latest: date) -> date | None:
    """A month given as any date within it (or "YYYY-MM"); not after `latest`'s month and
    not before 2000."""
    if isinstance(value, str):
        try:
            value = datetime.strptime(value.strip()[:7], "%Y-%m").date()
        except ValueError:
            errors[field] = "月份格式为 YYYY-MM"
            return None
    if isinstance(value, datetime) or not isinstance(value, date):
        errors[field] = "请填写月份"
        return None
    month = first_of_month(value)
    if month > first_of_month(latest):
        errors[field] = "不能是将来的月份"
    elif month.year < 2000:
        errors[field] = "月份不合理"
    return month
