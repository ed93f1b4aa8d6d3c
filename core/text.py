"""The check of free text every app's services share: a note, a name, a summary typed at a
desk or sent to the API. It returns the cleaned value and puts a Chinese message under the
field's name, so a service can name every bad field at once."""

import re
from typing import Any

# Control characters (NUL, ESC, …) are refused: they come from a bad paste or a probe,
# never from a person writing a note. Line breaks and tabs are writing.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any, field: str, errors: dict[str, str], *, max_length: int, required: bool = False) -> str:
    """`value` stripped; `errors[field]` says why when it is no text, holds a control
    character, is missing while `required`, or is longer than `max_length`."""
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
