"""/api/v1 endpoints of billing (API.md § Packages and payments). Thin: parse, check the
role (billing/roles.py, the table the pages read too) and the campus, call a service.

`POST /packages/{id}/deductions` is served by scheduling/api.py: a lesson used by hand is
a check-in (an Attendance), which billing cannot record; its schemas are here."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from core.apikit import ErrorOut, fields_of, paginate, require_allowed, scope, username_of
from core.money import Money
from students.selectors import scoped_student_or_404

from . import selectors, services
from .models import LedgerEntry, LessonPackage, Payment
from .roles import ROLES

router = Router(tags=["billing"])


class PackageIn(Schema):
    course: str = Field(max_length=100)
    kind: str
    lessons: int
    bonus_lessons: int = 0
    price: Money
    paid: Money
    valid_from: date
    valid_until: date
    subject: str | None = None
    method: str = Payment.Method.CASH
    lesson_kind: str = LessonPackage.LessonKind.MAIN
    payment_plan: str | None = None
    group_class: int | None = Field(None, description="the group class a group package is sold for (its id)")


class PackageOut(Schema):
    id: int
    campus: str
    student_id: int
    course: str
    subject: str | None
    kind: str
    lesson_kind: str
    lessons: int
    bonus_lessons: int
    lessons_used: int
    lessons_left: int
    price: Money
    paid: Money
    balance_due: Money
    payment_plan: str
    status: str
    valid_from: date
    valid_until: date
    refunded_at: datetime | None
    created_at: datetime
    sold_at: datetime
    line_reached_at: datetime | None


class PaymentIn(Schema):
    amount: Money
    method: str = Payment.Method.CASH
    note: str = Field("", max_length=200)


class PaymentOut(Schema):
    id: int
    receipt_number: str
    campus: str
    student_id: int | None
    package_id: int | None
    purpose: str
    amount: Money
    method: str
    note: str
    paid_at: datetime
    created_by: str | None
    package: PackageOut | None = None


class DeductionIn(Schema):
    reason: str = Field(max_length=200)


class LedgerEntryOut(Schema):
    id: int
    package_id: int
    kind: str
    lessons: int
    balance_after: int
    occurred_at: datetime
    reason: str
    reverses_id: int | None
    created_by: str | None


class DeductionOut(LedgerEntryOut):
    lessons_left: int
    lessons_used: int
    package: PackageOut


def package_out(package: LessonPackage) -> dict[str, Any]:
    subject = package.subject.name if package.subject_id else None
    return fields_of(PackageOut, package, campus=package.campus.code, subject=subject)


def payment_out(payment: Payment, with_package: bool = False) -> dict[str, Any]:
    package = package_out(payment.package) if with_package and payment.package_id else None
    return fields_of(
        PaymentOut, payment, campus=payment.campus.code, created_by=username_of(payment.created_by), package=package
    )


def entry_out(entry: LedgerEntry) -> dict[str, Any]:
    return fields_of(LedgerEntryOut, entry, created_by=username_of(entry.created_by))


def _packages(request: HttpRequest):
    return scope(request, LessonPackage.objects.select_related("campus", "subject"))


@router.post(
    "/students/{student_id}/packages",
    response={201: PackageOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Sell a lesson package",
)
def create_package(request: HttpRequest, student_id: int, payload: PackageIn):
    staff = require_allowed(request, ROLES["sell"])
    student = scoped_student_or_404(request, student_id)
    package = services.package_create(student=student, by=staff, **payload.dict())
    return Status(201, package_out(package))


@router.get("/students/{student_id}/packages", response={200: dict, 404: ErrorOut}, summary="A student's packages")
def list_student_packages(request: HttpRequest, student_id: int, limit: int | None = None, offset: int | None = None):
    require_allowed(request, ROLES["read"])
    student = scoped_student_or_404(request, student_id)
    return paginate(_packages(request).filter(student=student), limit, offset, out=package_out)


@router.get("/packages/{package_id}", response={200: PackageOut, 404: ErrorOut}, summary="One package")
def get_package(request: HttpRequest, package_id: int):
    require_allowed(request, ROLES["read"])
    return package_out(selectors.scoped_package_or_404(request, package_id))


@router.get("/packages/{package_id}/ledger", response={200: dict, 404: ErrorOut}, summary="A package's ledger")
def package_ledger(request: HttpRequest, package_id: int, limit: int | None = None, offset: int | None = None):
    require_allowed(request, ROLES["read"])
    package = selectors.scoped_package_or_404(request, package_id)
    return paginate(package.ledger.select_related("created_by__user").order_by("pk"), limit, offset, out=entry_out)


@router.post(
    "/packages/{package_id}/payments",
    response={201: PaymentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Take an instalment on a package",
)
def create_payment(request: HttpRequest, package_id: int, payload: PaymentIn):
    staff = require_allowed(request, ROLES["pay"])
    package = selectors.scoped_package_or_404(request, package_id)
    payment = services.payment_record(
        package=package, amount=payload.amount, by=staff, method=payload.method, note=payload.note
    )
    return Status(201, payment_out(payment, with_package=True))


class PaymentFilter(Schema):
    student: int | None = None
    course: str | None = None
    purpose: str | None = None
    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")


@router.get("/payments", response={200: dict, 403: ErrorOut}, summary="Payment records")
def list_payments(
    request: HttpRequest, filters: Query[PaymentFilter], limit: int | None = None, offset: int | None = None
):
    require_allowed(request, ROLES["pay"])
    payments = selectors.payments_filter(
        scope(request, Payment.objects.all()),
        student_id=filters.student,
        course=filters.course,
        purpose=filters.purpose,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return paginate(payments, limit, offset, out=payment_out)
