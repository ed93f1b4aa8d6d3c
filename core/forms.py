"""What every page form shares: a service's refusal (a DomainError) shown beside the
fields it names, and its whole message above the form."""

from typing import ClassVar

from django import forms

from .errors import DomainError


class DomainErrorForm(forms.Form):
    """A form whose submit calls a service. `add_domain_error` puts the refusal on the page:
    each field the error names beside that field (`error_fields` maps the service's names
    to the form's where they differ, e.g. starts_at → start), and the message itself at
    the top, since it says what clashes with what."""

    error_fields: ClassVar[dict[str, str]] = {}

    def add_domain_error(self, exc: DomainError) -> None:
        for name, text in exc.fields.items():
            field = self.error_fields.get(name, name)
            if field in self.fields and text != exc.message:
                self.add_error(field, text)
        self.add_error(None, exc.message)
