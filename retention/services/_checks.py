"""Checks of choices and months shared by the services of follow-ups and monthly records
(free text is core.text.clean_text): each returns the cleaned value and puts a Chinese
message under the field's name."""

from datetime import date, datetime, timedelta
from typing import Any


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
