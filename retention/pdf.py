"""The printable refund application (退费申请表) through weasyprint, set in the CJK font
"Noto Sans CJK SC"; weasyprint is loaded only when a PDF is asked for."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from billing.pricing import yuan_in_words
from students.models import Guardian

from .models import Refund, RefundStep
from .services import refund_current_quote, refund_handler_role

# The signature lines of the form, in the order the application is signed.
SIGNATURE_LINES = [
    (RefundStep.PARENT_SIGN, "经办人（{handler}）"),
    (RefundStep.CONFIRM_LESSONS, "教务长（确认课时）"),
    (RefundStep.PARENT_SIGN, "家长签字"),
    (RefundStep.APPROVE, "校长（审批）"),
    (RefundStep.PAY, "财务（付款）"),
]


def refund_application_context(refund: Refund) -> dict:
    quote = refund_current_quote(refund)
    signed = {s.step: s for s in refund.signatures.all()}
    handler = "班主任" if refund_handler_role(refund) == "advisor" else "教育顾问"
    lines = []
    for step, label in SIGNATURE_LINES:
        signature = signed.get(step)
        is_parent = label == "家长签字"
        name = (refund.parent_name if is_parent else signature.signer_name) if signature else ""
        lines.append(
            {
                "label": label.format(handler=handler),
                "name": name,
                "date": timezone.localtime(signature.signed_at).date() if signature else None,
            }
        )
    guardian = refund.student.primary_guardian
    relation = guardian.relation if guardian else ""
    return {
        "center_name": settings.CENTER_NAME,
        "refund": refund,
        "package": refund.package,
        "student": refund.student,
        "guardian": guardian,
        # a relation outside the list is kept as the desk typed it
        "relation": Guardian.Relation(relation).label if relation in Guardian.Relation.values else relation,
        "quote": quote,
        "amount_words": yuan_in_words(quote.refund_amount),
        "handler": handler,
        "lines": lines,
        "printed_at": timezone.localtime(),
    }


def refund_application_pdf(refund: Refund) -> bytes:
    from weasyprint import HTML

    html = render_to_string("retention/refund_application_pdf.html", refund_application_context(refund))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def staff_statement_pdf(context: dict) -> bytes:
    """A person's monthly statement of penalties (月度处罚确认单), with the principal's sign-off."""
    from weasyprint import HTML

    html = render_to_string("retention/statement_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
