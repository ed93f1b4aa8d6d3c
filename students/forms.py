"""The forms of the students/ pages: what a posted form becomes as a service's arguments,
and the values and errors a form is shown again with. The rules themselves are the
services' (services/validation.py); a value that cannot be read is passed on as typed so
the service names it as wrong."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.errors import DomainError

from . import selectors, services
from .models import Guardian, Student

STUDENT_FIELDS = ["name", "gender", "birthday", "address", "learning_type", "profile", *services.STUDENT_TEXT_FIELDS]
LEAD_FIELDS = ("name", "contact_name", "phone", "course", "source", "needs", "next_step")
# the new-student form shows two guardian rows and takes up to two more
MAX_GUARDIAN_ROWS = 4


def posted_id(request: HttpRequest, name: str) -> int:
    """An id from a form field; anything but a plain number is no id (0 matches nothing)."""
    value = request.POST.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else 0


def form_date(value: str) -> date | str:
    """A date from a form, or the text itself."""
    try:
        return parse_date(value.strip()) or value
    except ValueError:
        return value


def form_datetime(value: str) -> datetime | None:
    """A local date and time from a form (datetime-local), aware; None if unreadable."""
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def student_fields(post: Any) -> dict[str, Any]:
    """The student's own fields of the new-student and edit forms."""
    data: dict[str, Any] = {name: post.get(name, "") for name in STUDENT_FIELDS}
    data["birthday"] = form_date(data["birthday"])
    return data


def student_form_data(post: Any) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """The new-student form as the service's arguments: fields, guardian rows, advisor."""
    rows = []
    primary = post.get("primary", "0")
    for i in range(MAX_GUARDIAN_ROWS):
        row = {key: post.get(f"g{i}_{key}", "").strip() for key in ("name", "relation", "phone")}
        if i >= 2 and not any(row.values()):
            continue
        row["is_primary"] = primary == str(i)
        rows.append(row)
    return student_fields(post), rows, post.get("advisor", "").strip()


def guardian_rows(rows: list[dict[str, Any]], errors: dict[str, str]) -> list[dict[str, Any]]:
    """Guardian rows for the template, each with the errors of its own fields."""
    while len(rows) < 2:
        rows.append({"name": "", "relation": "", "phone": "", "is_primary": not rows})
    return [
        {**row, "i": i, "errors": {k.split(".")[2]: v for k, v in errors.items() if k.startswith(f"guardians.{i}.")}}
        for i, row in enumerate(rows)
    ]


def student_choices() -> dict[str, Any]:
    """The choices of the student's own fields, for the new-student and edit forms."""
    return {
        "genders": Student.Gender.choices,
        "learning_types": Student.LearningType.choices,
        "profiles": Student.Profile.choices,
    }


def student_form_context(request: HttpRequest, values: dict, rows: list, advisor: str, errors: dict) -> dict[str, Any]:
    """The new-student form (also a lead's 报名), shown empty or again with its errors."""
    return {
        "values": values,
        "rows": guardian_rows(rows, errors),
        "advisor": advisor,
        "errors": errors,
        "advisors": selectors.advisors_of(request.campus.pk),
        "relations": Guardian.Relation.choices,
        **student_choices(),
    }


def lead_form_data(request: HttpRequest, students: Any) -> dict[str, Any]:
    """The lead registration form as lead_create's `data`; the referring family is typed
    as a name or a phone and looked up among `students` (the caller's campus)."""
    data: dict[str, Any] = {name: request.POST.get(name, "") for name in LEAD_FIELDS}
    referrer = request.POST.get("referred_by", "").strip()
    data["referred_by"] = (
        selectors.student_list(students, referrer, viewer=request.staff).first() if referrer else None
    )
    return data


def refusal_text(exc: DomainError) -> str:
    """A refusal as one message above the page: what was refused, then why, field by field."""
    detail = "；".join(exc.fields.values()) if exc.fields else ""
    return f"{exc.message}：{detail}" if detail and detail != exc.message else exc.message
