"""PDFs of billing (receipt, enrolment agreement, parent statement) through weasyprint,
set in the CJK font "Noto Sans CJK SC" (see templates/billing/pdf/base.html)."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from core.money import money
from students.models import Guardian, Student

from .models import LessonPackage, Payment
from .pricing import MANAGEMENT_FEE, unit_price, yuan_in_words
from .selectors import statement_rows, student_packages


def render_pdf(template_name: str, context: dict) -> bytes:
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def receipt_context(payment: Payment) -> dict:
    student = payment.student
    movement = getattr(payment, "stock_movement", None) if payment.purpose == Payment.Purpose.GOODS_SALE else None
    package = payment.package
    return {
        "payment": payment,
        "paid_at": timezone.localtime(payment.paid_at),
        "guardian": student.primary_guardian if student else None,
        "buyer": movement.buyer_name if movement else "",
        "amount_words": yuan_in_words(abs(payment.amount)),
        "amount_abs": f"{abs(payment.amount):.2f}",
        # the package's state right after this payment, not today's
        "package_paid": _paid_through(payment) if package else None,
        "package_due": (package.price - _paid_through(payment)) if package else None,
    }


def _paid_through(payment: Payment) -> Decimal:
    total = Payment.objects.filter(
        package=payment.package, purpose=Payment.Purpose.PACKAGE, pk__lte=payment.pk
    ).aggregate(total=Sum("amount"))["total"]
    return money(total or 0)  # SQLite's SUM drops the trailing zeros


def receipt_pdf(payment: Payment) -> bytes:
    return render_pdf("billing/pdf/receipt.html", receipt_context(payment))


def relation_label(relation: str) -> str:
    return str(Guardian.Relation(relation).label) if relation in Guardian.Relation.values else relation


def agreement_context(package: LessonPackage) -> dict:
    guardian = package.student.primary_guardian
    return {
        "package": package,
        "student": package.student,
        "guardian": guardian,
        "guardian_relation": relation_label(guardian.relation) if guardian else "",
        "price_words": yuan_in_words(package.price),
        "unit_price": unit_price(package.price, package.lessons),
        "plan_label": {
            LessonPackage.Plan.FULL: "全款",
            LessonPackage.Plan.HALF: "半款（家长经济困难：先付不少于一半，余款在用完一半购买课时前付清）",
            LessonPackage.Plan.DEPOSIT: "定金（付清全款前不能上课）",
        }[package.payment_plan],
        "half_lessons": package.half_plan_lessons,
        "management_fee": MANAGEMENT_FEE,
        "created": timezone.localtime(package.created_at),
    }


def agreement_pdf(package: LessonPackage) -> bytes:
    return render_pdf("billing/pdf/agreement.html", agreement_context(package))


def statement_context(student: Student) -> dict:
    packages = list(student_packages(student))
    return {
        "student": student,
        "packages": packages,
        "rows": statement_rows(student),
        "today": timezone.localdate(),
        "total_left": sum(p.lessons_left for p in packages if p.refunded_at is None),
    }


def statement_pdf(student: Student) -> bytes:
    return render_pdf("billing/pdf/statement.html", statement_context(student))
