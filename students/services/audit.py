"""Saving a record of students/ with who did it."""

from typing import Any, TypeVar

from django.db import models

from core.models import Staff

M = TypeVar("M", bound=models.Model)


def record(instance: M, by: Staff, **save_kwargs: Any) -> M:
    """Save `instance` with `by` as the author of its history row: an API call has no
    signed-in user for the history middleware to take it from."""
    instance._history_user = by.user
    instance.save(**save_kwargs)
    return instance
