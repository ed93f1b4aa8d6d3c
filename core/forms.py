"""What every page form shares: a service's refusal (a DomainError) shown beside the
fields it names, and its whole message above the form; the admin's model forms refusing a
date out of its range."""

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .errors import DomainError
from .validation import date_problem, field_range

T = TypeVar("T")


class DomainErrorForm(forms.Form):
    """A form whose submit calls a service. `add_domain_error` puts the refusal on the page:
    each field the error names beside that field (`error_fields` maps the service's names
    to the form's where they differ, e.g. starts_at → start), and the message itself at
    the top, since it says what clashes with what."""

    error_fields: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.NumberInput):
                # A browser sends an <input type="number"> holding letters as empty, and the
                # page could only say "必填": as text (a number keypad all the same) what was
                # typed reaches the form, which says it must be a number.
                widget.input_type = "text"
                widget.attrs["inputmode"] = "decimal" if isinstance(field, forms.DecimalField) else "numeric"

    def add_domain_error(self, exc: DomainError) -> None:
        for name, text in exc.fields.items():
            field = self.error_fields.get(name, name)
            if field in self.fields and text != exc.message:
                self.add_error(field, text)
        self.add_error(None, exc.message)

    def submit(self, act: Callable[[dict[str, Any]], T]) -> T | None:
        """`act` (the service call) on the cleaned data of a form sent and valid: what it
        returns. A refusal goes onto the form (`add_domain_error`) and the answer is None, as
        for a form not sent or not valid: the page then shows the form again."""
        if not self.is_valid():
            return None
        try:
            return act(self.cleaned_data)
        except DomainError as exc:
            self.add_domain_error(exc)
            return None


class DatesInRangeForm(forms.ModelForm):
    """A model form (the admin's) that refuses a date or time out of its range
    (`core.validation.FIELD_RANGES`), as the services do: a record corrected by hand must
    still be readable on every page. Only the fields changed are judged, so an old record
    can be corrected without moving its past dates."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        label = self._meta.model._meta.label
        for name in self.changed_data:
            try:
                field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            value = data.get(name)
            if isinstance(field, models.DateField) and value is not None:
                problem = date_problem(field_range(label, name), value)
                if problem:
                    self.add_error(name, problem)
        return data
