"""The check of free text every app's services share: a note, a name, a summary typed at a
desk or sent to the API. It returns the cleaned value and puts a Chinese message under the
field's name, so a service can name every bad field at once. What text can be stored at all
is `core.validation.text_problem`, the same rule the middleware applies to every request."""

from typing import Any

from .validation import text_problem


def clean_text(value: Any, field: str, errors: dict[str, str], *, max_length: int, required: bool = False) -> str:
    """`value` stripped; `errors[field]` says why when it is no text, holds a character no
    page or database can hold (a NUL, a lone surrogate, a control character other than tab
    and line breaks), is missing while `required`, or is longer than `max_length`."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = "应为文字"
        return ""
    value = value.strip()
    if problem := text_problem(value):
        errors[field] = problem
    elif required and not value:
        errors[field] = "必填"
    elif len(value) > max_length:
        errors[field] = f"最多 {max_length} 个字"
    return value
