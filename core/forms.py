"""Forms core lends to the apps."""

from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .validation import date_problem, field_range


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
