"""The pages of billing (Chinese): sell a package, take a payment, receipts, the parent
statement, payment records and the goods shelf. Thin: parse a form, call a service, show
its refusal beside the field."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import xlsx
from core.contributions import statement_sections
from core.decorators import staff_required
from core.errors import DomainError
from core.money import money
from core.roles import allows
from core.scoping import get_scoped_or_404, scope
from students.models import Student
from students.selectors import scoped_student_or_404, student_search
from students.views.students import render_part

from . import pdf, selectors, services
from .exports import payments_xlsx
from .forms import (
    DeductionForm,
    GoodsForm,
    PackageForm,
    PaymentFilterForm,
    PaymentForm,
    ReversalForm,
    SaleForm,
    StockInForm,
)
from .models import GoodsItem, LedgerEntry, LessonPackage, Payment
from .pricing import unit_price
from .roles import ROLES


def _can(request: HttpRequest, action: str) -> bool:
    return allows(ROLES[action], request.staff.role)


def _student_search(request: HttpRequest, q: str) -> QuerySet[Student]:
    if not q.strip():
        return Student.objects.none()
    return student_search(scope(request, Student.objects.all()), q).order_by("name")[:20]


@staff_required(*ROLES["view"])
def index(request: HttpRequest) -> HttpResponse:
    """收费: find a student, the latest payments, the shelf's warnings."""
    q = request.GET.get("q", "")
    context = {
        "q": q,
        "students": _student_search(request, q),
        "recent": selectors.payments_filter(scope(request, Payment.objects.all()))[:15],
        "low_stock": selectors.goods_low_stock(request.campus)[:10],
    }
    if request.headers.get("HX-Request"):
        return render(request, "billing/_student_results.html", context)
    return render(request, "billing/index.html", context)


@staff_required(*ROLES["view"])
def student_billing(request: HttpRequest, student_id: int) -> HttpResponse:
    student = scoped_student_or_404(request, student_id)
    return render(
        request,
        "billing/student.html",
        {
            "student": student,
            "packages": selectors.student_packages(student),
            "payments": selectors.payments_filter(Payment.objects.filter(student=student))[:50],
            "can_sell": _can(request, "sell"),
        },
    )


def _sell(request: HttpRequest, student: Student, form: PackageForm) -> LessonPackage | None:
    try:
        return services.package_create(student=student, by=request.staff, **form.cleaned_data)
    except DomainError as exc:
        form.add_domain_error(exc)
        return None


@staff_required(*ROLES["sell"])
def package_new(request: HttpRequest, student_id: int) -> HttpResponse:
    """购买课时包: with bonus lessons, validity and the first payment."""
    student = scoped_student_or_404(request, student_id)
    form = PackageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        package = _sell(request, student, form)
        if package is not None:
            messages.success(request, _("已购买课时包“%(course)s”，请打印协议与收据") % {"course": package.course})
            return redirect("billing:package", package_id=package.pk)
    return render(request, "billing/package_new.html", {"student": student, "form": form})


@staff_required(*ROLES["sell"])
def package_preview(request: HttpRequest) -> HttpResponse:
    """The live summary beside the sale form (htmx): payment plan, balance due, unit price."""
    preview: dict[str, Any] = {}
    try:
        price = money(request.POST.get("price") or "0")
        paid = money(request.POST.get("paid") or "0")
        lessons = int(request.POST.get("lessons") or 0)
        bonus = int(request.POST.get("bonus_lessons") or 0)
    except (ValueError, TypeError, ArithmeticError):
        return render(request, "billing/_package_preview.html", {"preview": None})
    if price > 0 and lessons > 0 and 0 <= paid <= price:
        try:
            plan = services.package_sale_plan(plan=request.POST.get("payment_plan"), price=price, paid=paid)
        except DomainError:
            plan = ""  # the sale will say why; meanwhile the plan what is paid makes
        probe = LessonPackage(price=price, paid=paid, lessons=lessons, bonus_lessons=bonus, plan=plan)
        preview = {
            "plan": probe.get_payment_plan_display(),
            "plan_code": probe.payment_plan,
            "due": probe.balance_due,
            "unit_price": unit_price(price, lessons),
            "total": lessons + max(bonus, 0),
            "half_lessons": probe.half_plan_lessons,
        }
    return render(request, "billing/_package_preview.html", {"preview": preview or None})


@staff_required(*ROLES["view"])
def package_detail(request: HttpRequest, package_id: int) -> HttpResponse:
    package = selectors.scoped_package_or_404(request, package_id)
    return package_page(request, package)


def _deduct_url(request: HttpRequest, package: LessonPackage) -> str:
    """Where the 手工扣课 form posts. A lesson used by hand is a check-in (an Attendance,
    scheduling's), so billing, which cannot import scheduling, only names the page that
    serves it; without scheduling installed the form is not shown."""
    if not _can(request, "deduct"):
        return ""
    try:
        return reverse("scheduling:package_deduct", args=[package.pk])
    except NoReverseMatch:
        return ""


def package_page(
    request: HttpRequest,
    package: LessonPackage,
    pay_form: PaymentForm | None = None,
    deduct_form: DeductionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    entries = package.ledger.select_related("created_by__user", "reverses").order_by("pk")
    reversed_ids = set(LedgerEntry.objects.filter(package=package, reverses__isnull=False).values_list("reverses_id", flat=True))
    refusal = services.lesson_refusal(package, timezone.now())
    return render(
        request,
        "billing/package.html",
        {
            "package": package,
            "entries": entries,
            "reversed_ids": reversed_ids,
            "payments": package.payments.select_related("created_by__user").order_by("paid_at", "pk"),
            "pay_form": pay_form or PaymentForm(initial={"amount": package.balance_due}),
            "deduct_form": deduct_form or DeductionForm(),
            "refusal": services.REFUSAL_MESSAGES.get(refusal) if refusal else "",
            "can_pay": _can(request, "pay") and package.balance_due > 0 and package.refunded_at is None,
            "deduct_url": _deduct_url(request, package),
            "can_correct": _can(request, "correct"),
            "reversible": {LedgerEntry.Kind.USED, LedgerEntry.Kind.BONUS, LedgerEntry.Kind.EXPIRED},
        },
        status=status,
    )


@require_POST
@staff_required(*ROLES["pay"])
def package_pay(request: HttpRequest, package_id: int) -> HttpResponse:
    """收款: an instalment on the package, then its receipt."""
    package = selectors.scoped_package_or_404(request, package_id)
    form = PaymentForm(request.POST)
    payment = form.submit(lambda data: services.payment_record(package=package, by=request.staff, **data))
    if payment:
        messages.success(request, _("已收款 ¥%(amount)s，收据号 %(number)s") % {"amount": f"{payment.amount:.2f}", "number": payment.receipt_number})
        return redirect("billing:receipt", payment_id=payment.pk)
    return package_page(request, package, pay_form=form, status=422)


@require_POST
@staff_required(*ROLES["correct"])
def ledger_reverse(request: HttpRequest, package_id: int) -> HttpResponse:
    """冲正: a wrong ledger entry gets an opposite entry, never an edit."""
    package = selectors.scoped_package_or_404(request, package_id)
    form = ReversalForm(request.POST)
    if form.is_valid():
        entry = LedgerEntry.objects.filter(package=package, pk=form.cleaned_data["entry"]).first()
        if entry is None:
            raise Http404
        try:
            services.ledger_reverse(entry=entry, by=request.staff, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已冲正"))
    else:
        messages.error(request, _("请填写冲正原因"))
    return redirect("billing:package", package_id=package.pk)


@staff_required(*ROLES["view"])
def agreement_pdf(request: HttpRequest, package_id: int) -> HttpResponse:
    package = selectors.scoped_package_or_404(request, package_id)
    return pdf.pdf_response(pdf.agreement_pdf(package), f"agreement-{package.pk}.pdf")


def _payments() -> QuerySet[Payment]:
    return Payment.objects.select_related("campus", "student", "package", "created_by__user")


@staff_required(*ROLES["view"])
def receipt(request: HttpRequest, payment_id: int) -> HttpResponse:
    """收据, printable from the browser or as a PDF."""
    payment = get_scoped_or_404(request, _payments(), payment_id)
    return render(request, "billing/receipt.html", pdf.receipt_context(payment))


@staff_required(*ROLES["view"])
def receipt_pdf(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = get_scoped_or_404(request, _payments(), payment_id)
    return pdf.pdf_response(pdf.receipt_pdf(payment), f"receipt-{payment.receipt_number}.pdf")


@staff_required(*ROLES["view"])
def statement(request: HttpRequest, student_id: int) -> HttpResponse:
    """课时对账单: every ledger entry of the student, and why."""
    student = scoped_student_or_404(request, student_id)
    # below the ledger, what other apps add (scheduling: the lessons of a range of days)
    sections = [
        render_part(request, student, section)
        for section in statement_sections.items()
        if section.shown_to(request, student)
    ]
    return render(request, "billing/statement.html", {**pdf.statement_context(student), "sections": sections})


@staff_required(*ROLES["view"])
def statement_pdf(request: HttpRequest, student_id: int) -> HttpResponse:
    student = scoped_student_or_404(request, student_id)
    return pdf.pdf_response(pdf.statement_pdf(student), f"statement-{student.pk}.pdf")


def _filtered_payments(request: HttpRequest, form: PaymentFilterForm) -> QuerySet[Payment]:
    payments = scope(request, Payment.objects.all())
    data = form.cleaned_data if form.is_valid() else {}
    q = (data.get("q") or "").strip()
    if q:
        payments = payments.filter(student__in=student_search(scope(request, Student.objects.all()), q))
    return selectors.payments_filter(
        payments,
        course=data.get("course"),
        purpose=data.get("purpose"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@staff_required(*ROLES["pay"])
def payments(request: HttpRequest) -> HttpResponse:
    """收费记录 by student, class/course and date range; Excel export."""
    form = PaymentFilterForm(request.GET or None)
    found = _filtered_payments(request, form)
    if request.GET.get("export") == "xlsx":
        return xlsx.download(payments_xlsx(found), f"payments-{timezone.localdate():%Y%m%d}.xlsx")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "billing/payments.html",
        {
            "form": form,
            "page": page,
            "total": selectors.payments_total(found)["total"],
            "by_method": selectors.payments_by_method(found),
            "by_purpose": selectors.payments_by_purpose(found),
            "query": query.urlencode(),
        },
    )


@staff_required(*ROLES["pay"])
def dues(request: HttpRequest) -> HttpResponse:
    """待收学费: what families still owe, package by package, each with its payment form."""
    owing = selectors.packages_owing(request.campus)
    page = Paginator(owing, 50).get_page(request.GET.get("page"))
    total = money(owing.aggregate(due=Sum(F("price") - F("paid")))["due"] or 0)
    return render(request, "billing/due.html", {"page": page, "total": total, "query": ""})


@staff_required(*ROLES["shelf"])
def goods(request: HttpRequest) -> HttpResponse:
    """商品: the shelf, its low-stock list, a new article."""
    form = GoodsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.goods_create(campus=request.campus, by=request.staff, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("已添加商品“%(item)s”") % {"item": item})
            return redirect("billing:goods_item", item_id=item.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "billing/goods.html",
        {
            "form": form,
            "items": selectors.goods_of(request.campus),
            "low_stock": selectors.goods_low_stock(request.campus),
        },
        status=status,
    )


@staff_required(*ROLES["shelf"])
def goods_item(request: HttpRequest, item_id: int) -> HttpResponse:
    """One article: stock in, sell to a student or a walk-in, edit its details."""
    item = get_scoped_or_404(request, GoodsItem.objects.all(), item_id)
    action = request.POST.get("action") if request.method == "POST" else None
    stock_form = StockInForm(request.POST if action == "stock_in" else None)
    sale_form = SaleForm(request.POST if action == "sell" else None, campus=request.campus)
    edit_form = GoodsForm(
        request.POST if action == "edit" else None,
        initial={f: getattr(item, f) for f in ("category", "name", "spec", "unit", "warning_line", "price")},
    )
    form = {"stock_in": stock_form, "sell": sale_form, "edit": edit_form}.get(action or "")
    done = form.submit(lambda data: _goods_action(request, item, action, data)) if form is not None else None
    if done:
        messages.success(request, done)
        return redirect("billing:goods_item", item_id=item.pk)
    return render(
        request,
        "billing/goods_item.html",
        {
            "item": item,
            "stock_form": stock_form,
            "sale_form": sale_form,
            "edit_form": edit_form,
            "movements": item.movements.select_related("student", "payment", "created_by__user")[:50],
        },
        status=422 if form is not None else 200,
    )


def _goods_action(request: HttpRequest, item: GoodsItem, action: str | None, data: dict) -> str:
    if action == "stock_in":
        move = services.goods_stock_in(item=item, quantity=data["quantity"], by=request.staff, note=data["note"])
        return _("已入库 %(n)s%(unit)s，库存 %(stock)s") % {"n": move.quantity, "unit": item.unit, "stock": move.stock_after}
    if action == "sell":
        move = services.goods_sell(
            item=item,
            quantity=data["quantity"],
            by=request.staff,
            student=data.get("student"),  # of the caller's campus: the form's queryset
            buyer_name=data["buyer_name"],
            method=data["method"],
        )
        sold = _("已售出 %(n)s%(unit)s") % {"n": -move.quantity, "unit": item.unit}
        return sold + (_("，收据号 %(number)s") % {"number": move.payment.receipt_number} if move.payment else "")
    services.goods_update(item=item, by=request.staff, **data)
    return _("已保存")
