"""`{{ guardian.phone|tel }}`: a phone number as a link that dials it on a phone, shown as
it was typed. Every page that shows a guardian's or a staff member's number uses it."""

import re

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def tel(number: object) -> str:
    """A `tel:` link to `number` (the link keeps its digits and a leading +; the text is the
    number as stored), or nothing when there is no number."""
    shown = str(number or "").strip()
    dialled = re.sub(r"(?!^\+)[^\d]", "", shown)
    if not dialled.strip("+"):
        return shown
    return format_html('<a class="tel" href="tel:{}">{}</a>', dialled, shown)
