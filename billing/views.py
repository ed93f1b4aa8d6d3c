"""The pages of billing (Chinese): sell a package, take a payment, receipts, the parent
statement, payment records and the goods shelf. Thin: parse a form, call a service, show
its refusal beside the field."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.api import scope
from core.decorators import staff_required
from core.errors import DomainError, InvalidInput
from core.money import money
from core.roles import Role
from students.models import Student

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

SELLERS = (Role.FRONT_DESK, Role.CONSULTANT, Role.ADVISOR, Role.PRINCIPAL)
CASHIERS = (*SELLERS, Role.FINANCE)
VIEWERS = (*CASHIERS, Role.DEAN, Role.CS_SUPERVISOR)
DEDUCTORS = (Role.FRONT_DESK,)
CORRECTORS = (Role.FRONT_DESK, Role.PRINCIPAL)
SHELF = (Role.FRONT_DESK, Role.PRINCIPAL, Role.FINANCE)


def _scoped(request: HttpRequest, queryset: QuerySet, pk: Any) -> Model:
    """One object of the caller's campus (hq_admin: any), else the 404 page."""
    found = scope(request, queryset).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _packages() -> QuerySet[LessonPackage]:
    return LessonPackage.objects.select_related("campus", "student", "subject", "created_by__user")


def _can(request: HttpRequest, roles: tuple[str, ...]) -> bool:
    return request.staff.role in roles or request.staff.role == Role.HQ_ADMIN


def _student_search(request: HttpRequest, q: str) -> QuerySet[Student]:
    students = scope(request, Student.objects.all()).order_by("name")
    q = q.strip()
    if not q:
        return students.none()
    return students.filter(Q(name__icontains=q) | Q(guardians__phone__contains=q)).distinct()[:20]


@staff_required(*VIEWERS)
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


@staff_required(*VIEWERS)
def student_billing(request: HttpRequest, student_id: int) -> HttpResponse:
    student = _scoped(request, Student.objects.all(), student_id)
    return render(
        request,
        "billing/student.html",
        {
            "student": student,
            "packages": selectors.student_packages(student),
            "payments": selectors.payments_filter(Payment.objects.filter(student=student))[:50],
            "can_sell": _can(request, SELLERS),
        },
    )


def _sell(request: HttpRequest, student: Student, form: PackageForm) -> LessonPackage | None:
    data = form.cleaned_data
    try:
        return services.package_create(
            student=student,
            course=data["course"],
            kind=data["kind"],
            lessons=data["lessons"],
            bonus_lessons=data["bonus_lessons"],
            price=data["price"],
            paid=data["paid"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            by=request.staff,
            subject=selectors.subject_by_name(data["subject"]),
            method=data["method"],
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return None


@staff_required(*SELLERS)
def package_new(request: HttpRequest, student_id: int) -> HttpResponse:
    """购买课时包: with bonus lessons, validity and the first payment."""
    student = _scoped(request, Student.objects.all(), student_id)
    form = PackageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        package = _sell(request, student, form)
        if package is not None:
            messages.success(request, _("已购买课时包“%(course)s”，请打印协议与收据") % {"course": package.course})
            return redirect("billing:package", package_id=package.pk)
    return render(request, "billing/package_new.html", {"student": student, "form": form})


@staff_required(*SELLERS)
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
        probe = LessonPackage(price=price, paid=paid, lessons=lessons, bonus_lessons=bonus)
        preview = {
            "plan": probe.get_payment_plan_display(),
            "plan_code": probe.payment_plan,
            "due": probe.balance_due,
            "unit_price": unit_price(price, lessons),
            "total": lessons + max(bonus, 0),
            "half_lessons": (lessons + 1) // 2,
        }
    return render(request, "billing/_package_preview.html", {"preview": preview or None})


@staff_required(*VIEWERS)
def package_detail(request: HttpRequest, package_id: int) -> HttpResponse:
    package = _scoped(request, _packages(), package_id)
    return _package_page(request, package)


def _package_page(
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
            "can_pay": _can(request, CASHIERS) and package.balance_due > 0 and package.refunded_at is None,
            "can_deduct": _can(request, DEDUCTORS),
            "can_correct": _can(request, CORRECTORS),
            "reversible": {LedgerEntry.Kind.USED, LedgerEntry.Kind.BONUS, LedgerEntry.Kind.EXPIRED},
        },
        status=status,
    )


@require_POST
@staff_required(*CASHIERS)
def package_pay(request: HttpRequest, package_id: int) -> HttpResponse:
    """收款: an instalment on the package, then its receipt."""
    package = _scoped(request, _packages(), package_id)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = services.payment_record(
                package=package,
                amount=form.cleaned_data["amount"],
                by=request.staff,
                method=form.cleaned_data["method"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("已收款 ¥%(amount)s，收据号 %(number)s") % {"amount": f"{payment.amount:.2f}", "number": payment.receipt_number})
            return redirect("billing:receipt", payment_id=payment.pk)
    return _package_page(request, package, pay_form=form, status=422)


@require_POST
@staff_required(*DEDUCTORS)
def package_deduct(request: HttpRequest, package_id: int) -> HttpResponse:
    """手工扣课: one lesson, with a reason, under the same rules as a swipe."""
    package = _scoped(request, _packages(), package_id)
    form = DeductionForm(request.POST)
    if form.is_valid():
        try:
            services.package_deduct(
                package=package, at=timezone.now(), by=request.staff, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("已扣除 1 课时，剩余 %(left)s 课时") % {"left": package.lessons_left})
            return redirect("billing:package", package_id=package.pk)
    return _package_page(request, package, deduct_form=form, status=422)


@require_POST
@staff_required(*CORRECTORS)
def ledger_reverse(request: HttpRequest, package_id: int) -> HttpResponse:
    """冲正: a wrong ledger entry gets an opposite entry, never an edit."""
    package = _scoped(request, _packages(), package_id)
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


@staff_required(*VIEWERS)
def agreement_pdf(request: HttpRequest, package_id: int) -> HttpResponse:
    package = _scoped(request, _packages(), package_id)
    return pdf.pdf_response(pdf.agreement_pdf(package), f"agreement-{package.pk}.pdf")


def _payments() -> QuerySet[Payment]:
    return Payment.objects.select_related("campus", "student", "package", "created_by__user")


@staff_required(*VIEWERS)
def receipt(request: HttpRequest, payment_id: int) -> HttpResponse:
    """收据, printable from the browser or as a PDF."""
    payment = _scoped(request, _payments(), payment_id)
    return render(request, "billing/receipt.html", pdf.receipt_context(payment))


@staff_required(*VIEWERS)
def receipt_pdf(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _scoped(request, _payments(), payment_id)
    return pdf.pdf_response(pdf.receipt_pdf(payment), f"receipt-{payment.receipt_number}.pdf")


@staff_required(*VIEWERS)
def statement(request: HttpRequest, student_id: int) -> HttpResponse:
    """课时对账单: every ledger entry of the student, and why."""
    student = _scoped(request, Student.objects.all(), student_id)
    return render(request, "billing/statement.html", pdf.statement_context(student))


@staff_required(*VIEWERS)
def statement_pdf(request: HttpRequest, student_id: int) -> HttpResponse:
    student = _scoped(request, Student.objects.all(), student_id)
    return pdf.pdf_response(pdf.statement_pdf(student), f"statement-{student.pk}.pdf")


def _filtered_payments(request: HttpRequest, form: PaymentFilterForm) -> QuerySet[Payment]:
    payments = scope(request, Payment.objects.all())
    data = form.cleaned_data if form.is_valid() else {}
    q = (data.get("q") or "").strip()
    if q:
        payments = payments.filter(Q(student__name__icontains=q) | Q(student__guardians__phone__contains=q)).distinct()
    return selectors.payments_filter(
        payments,
        course=data.get("course"),
        purpose=data.get("purpose"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@staff_required(*CASHIERS)
def payments(request: HttpRequest) -> HttpResponse:
    """收费记录 by student, class/course and date range; Excel export."""
    form = PaymentFilterForm(request.GET or None)
    found = _filtered_payments(request, form)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            payments_xlsx(found),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="payments-{timezone.localdate():%Y%m%d}.xlsx"'
        return response
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
            "query": query.urlencode(),
        },
    )


@staff_required(*SHELF)
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


@staff_required(*SHELF)
def goods_item(request: HttpRequest, item_id: int) -> HttpResponse:
    """One article: stock in, sell to a student or a walk-in, edit its details."""
    item = _scoped(request, GoodsItem.objects.all(), item_id)
    action = request.POST.get("action") if request.method == "POST" else None
    stock_form = StockInForm(request.POST if action == "stock_in" else None)
    sale_form = SaleForm(request.POST if action == "sell" else None)
    edit_form = GoodsForm(
        request.POST if action == "edit" else None,
        initial={f: getattr(item, f) for f in ("category", "name", "spec", "unit", "warning_line", "price")},
    )
    form = {"stock_in": stock_form, "sell": sale_form, "edit": edit_form}.get(action or "")
    if form is not None and form.is_valid():
        try:
            done = _goods_action(request, item, action, form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
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
        student = None
        if data.get("student"):
            student = scope(request, Student.objects.all()).filter(pk=data["student"]).first()
            if student is None:
                raise InvalidInput(_("没有这个学员"), {"student": _("本校区没有这个学员")})
        move = services.goods_sell(
            item=item,
            quantity=data["quantity"],
            by=request.staff,
            student=student,
            buyer_name=data["buyer_name"],
            method=data["method"],
        )
        sold = _("已售出 %(n)s%(unit)s") % {"n": -move.quantity, "unit": item.unit}
        return sold + (_("，收据号 %(number)s") % {"number": move.payment.receipt_number} if move.payment else "")
    services.goods_update(item=item, by=request.staff, **data)
    return _("已保存")
