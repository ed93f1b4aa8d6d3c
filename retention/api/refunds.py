"""/api/v1 endpoints of order saving and refunds (API.md § Order saving and refunds). Thin:
parse, check the role (retention/roles.py, the table the pages read too), scope to the
caller's campus (another campus's object is 404), call a service; who may act on one case
or sign one refund step, the services say.

Reading: a save case — the advisors, consultants and the save group (`save_cases`); a
refund — those and finance (`refunds`); a package's refund quote — any staff member of the
campus."""

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import BeforeValidator

from billing.selectors import scoped_package_or_404
from core.apikit import (
    ErrorOut,
    caller_staff,
    fields_of,
    local_time,
    paginate,
    require_allowed,
    scope,
    username_of,
)
from core.apikit import get_scoped_or_404 as get_scoped
from core.errors import InvalidInput
from core.money import Money

from .. import analysis, services
from ..models import Refund, RefundSignature, RefundStep, SaveCase, SaveCaseEntry
from ..pdf import pdf_response, refund_application_pdf
from ..roles import ROLES

router = Router(tags=["order saving and refunds"])



class SaveCaseIn(Schema):
    reason: str = Field(max_length=500)
    regular: bool = True


class MeetingNoteIn(Schema):
    text: str = Field(max_length=2000)


def _category(value: object) -> object:
    if value is None or (isinstance(value, int | str) and not isinstance(value, bool)):
        return value
    raise ValueError("原因分类应为分类的编号、代码或名称")


# a category's id, code or name (GET /refund-reasons)
Category = Annotated[int | str | None, BeforeValidator(_category)]


class ParentSignIn(Schema):
    reason: str = Field(max_length=1000)
    signed_by: str = Field(max_length=50)
    category: Category = None


class DocumentsIn(Schema):
    contract: str
    receipt: str
    invoice: str
    tax_deduction: Money = Field(default=Decimal("0.00"))


class StudentRef(Schema):
    id: int
    name: str


class QuoteOut(Schema):
    price: Money
    paid: Money
    lessons: int
    bonus_lessons: int
    lessons_used: int
    unit_price: Money
    used_amount: Money
    management_fee: Money
    other_deductions: Money
    refund_amount: Money


class StepOut(Schema):
    step: str
    label: str
    role: str
    done: bool
    by: str | None
    by_name: str | None
    at: datetime | None
    parent: str | None = None


class CategoryOut(Schema):
    id: int
    code: str
    name: str


class DocumentsOut(Schema):
    contract: str
    receipt: str
    invoice: str
    tax_deduction: Money


class RefundOut(Schema):
    id: int
    campus: str
    package_id: int
    save_case_id: int | None
    student: StudentRef
    course: str
    status: str
    amount: Money
    amount_fixed: bool
    quote: QuoteOut
    next_step: str | None
    steps: list[StepOut]
    reason: str
    category: CategoryOut | None
    parent_name: str
    documents: DocumentsOut
    advisor: str | None
    teacher: str | None
    receipt_number: str | None
    paid_at: datetime | None
    created_at: datetime
    created_by: str


class EntryOut(Schema):
    id: int
    kind: str
    stage: int
    text: str
    at: datetime
    by: str
    by_name: str


class SaveCaseOut(Schema):
    id: int
    campus: str
    package_id: int
    student: StudentRef
    course: str
    reason: str
    regular: bool
    stage: int
    stage_label: str
    status: str
    opened_at: datetime
    opened_by: str
    deadline: date
    days_left: int
    overdue: bool
    closed_at: datetime | None
    closed_by: str | None
    entries: list[EntryOut]
    refund: RefundOut | None


def _whose(record: SaveCase | Refund) -> dict[str, Any]:
    """What a save case and a refund both say of the package they are about."""
    return {
        "campus": record.campus.code,
        "student": {"id": record.student_id, "name": record.student.name},
        "course": record.package.course,
    }


def refund_out(refund: Refund) -> dict[str, Any]:
    quote = services.refund_current_quote(refund)
    signed: dict[str, RefundSignature] = {s.step: s for s in refund.signatures.select_related("signed_by__user")}
    steps = []
    for step in RefundStep:
        signature = signed.get(step)
        steps.append(
            {
                "step": step.value,
                "label": str(step.label),
                "role": services.refund_step_role(refund, step),
                "done": signature is not None,
                "by": signature.signed_by.username if signature else None,
                "by_name": signature.signer_name if signature else None,
                "at": local_time(signature.signed_at) if signature else None,
                "parent": refund.parent_name if step == RefundStep.PARENT_SIGN and signature else None,
            }
        )
    category = refund.category
    return fields_of(
        RefundOut,
        refund,
        **_whose(refund),
        amount=quote.refund_amount,
        amount_fixed=refund.is_fixed,
        quote=quote.as_dict(),
        next_step=services.refund_next_step(refund),
        steps=steps,
        category={"id": category.pk, "code": category.code, "name": category.name} if category else None,
        documents=fields_of(DocumentsOut, refund),
        advisor=username_of(refund.advisor),
        teacher=username_of(refund.teacher),
        receipt_number=refund.payment.receipt_number if refund.payment_id else None,
        created_by=refund.created_by.username,
    )


def entry_out(entry: SaveCaseEntry) -> dict[str, Any]:
    return fields_of(EntryOut, entry, by=entry.by.username, by_name=entry.by.display_name)


def case_out(case: SaveCase) -> dict[str, Any]:
    today = timezone.localdate()
    refund = Refund.objects.filter(save_case=case).first() if case.status == SaveCase.Status.FAILED else None
    return fields_of(
        SaveCaseOut,
        case,
        **_whose(case),
        opened_by=case.opened_by.username,
        days_left=case.days_left(today),
        overdue=case.is_overdue(today),
        closed_by=username_of(case.closed_by),
        entries=[entry_out(e) for e in case.entries.select_related("by__user")],
        refund=refund_out(_refunds().get(pk=refund.pk)) if refund else None,
    )


def _cases() -> QuerySet[SaveCase]:
    return SaveCase.objects.select_related(
        "campus", "student", "package", "opened_by__user", "closed_by__user"
    )


def _refunds() -> QuerySet[Refund]:
    return Refund.objects.select_related(
        "campus", "student", "package__campus", "category", "advisor__user", "teacher__user", "payment__campus",
        "created_by__user",
    )


def _note(request: HttpRequest) -> str:
    """The optional `{"note"}` of escalate / saved / fail. Read by hand so that a POST with no
    body at all (or a form post) is accepted: ninja would refuse an empty body as bad JSON."""
    content_type = request.content_type or ""
    if content_type != "application/json":
        value = request.POST.get("note", "") if content_type.startswith(("multipart/", "application/x-www")) else ""
    elif not request.body.strip():
        value = ""
    else:
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, "invalid JSON")
        value = body.get("note", "") if isinstance(body, dict) else None
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput("输入有误：note 应为文字", {"note": "应为文字"})
    return value


NOTE_BODY = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"note": {"type": "string", "maxLength": 2000}}}
            }
        },
    }
}


def _case(request: HttpRequest, case_id: int) -> SaveCase:
    return get_scoped(request, _cases(), case_id)


def _refund(request: HttpRequest, refund_id: int) -> Refund:
    return get_scoped(request, _refunds(), refund_id)


# --- order saving ---------------------------------------------------------------------------

CASE_RESPONSES = {200: SaveCaseOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post(
    "/packages/{package_id}/save-cases",
    response={201: SaveCaseOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Open a save case (挽单) on a parent's refund request",
)
def open_save_case(request: HttpRequest, package_id: int, payload: SaveCaseIn):
    staff = require_allowed(request, ROLES["save_case_open"])
    package = scoped_package_or_404(request, package_id)
    case = services.save_case_open(package=package, by=staff, reason=payload.reason, regular=payload.regular)
    return Status(201, case_out(_cases().get(pk=case.pk)))


class CaseFilter(Schema):
    status: str | None = None
    overdue: bool | None = None


@router.get("/save-cases", response={200: dict, 403: ErrorOut}, summary="The campus's save cases")
def list_save_cases(request: HttpRequest, filters: Query[CaseFilter], limit: int | None = None, offset: int | None = None):
    require_allowed(request, ROLES["save_cases"])
    cases = scope(request, _cases())
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.overdue is not None:
        today = timezone.localdate()
        overdue = cases.filter(status=SaveCase.Status.OPEN, deadline__lt=today)
        cases = overdue if filters.overdue else cases.exclude(pk__in=overdue.values("pk"))
    return paginate(cases.order_by("deadline", "pk"), limit, offset, out=case_out)


@router.get("/save-cases/{case_id}", response={200: SaveCaseOut, 403: ErrorOut, 404: ErrorOut}, summary="One save case")
def get_save_case(request: HttpRequest, case_id: int):
    require_allowed(request, ROLES["save_cases"])
    return case_out(_case(request, case_id))


def _act_on_case(request: HttpRequest, case_id: int, action: Callable[..., SaveCase | Refund]) -> dict[str, Any]:
    """escalate / saved / fail: the action on the case with the optional note; the case after it."""
    done = action(case=_case(request, case_id), by=caller_staff(request), note=_note(request))
    return case_out(_cases().get(pk=done.save_case_id if isinstance(done, Refund) else done.pk))


@router.post(
    "/save-cases/{case_id}/escalate", response=CASE_RESPONSES, summary="Escalate a save case one stage",
    openapi_extra=NOTE_BODY,
)
def escalate_save_case(request: HttpRequest, case_id: int):
    return _act_on_case(request, case_id, services.save_case_escalate)


@router.post(
    "/save-cases/{case_id}/saved", response=CASE_RESPONSES, summary="Close a save case: the family stays",
    openapi_extra=NOTE_BODY,
)
def save_case_saved(request: HttpRequest, case_id: int):
    return _act_on_case(request, case_id, services.save_case_mark_saved)


@router.post(
    "/save-cases/{case_id}/fail", response=CASE_RESPONSES, summary="The principal fails a save case: a refund is drafted",
    openapi_extra=NOTE_BODY,
)
def fail_save_case(request: HttpRequest, case_id: int):
    return _act_on_case(request, case_id, services.save_case_fail)


@router.post(
    "/save-cases/{case_id}/notes",
    response={201: EntryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record a talk or meeting of a save case",
)
def note_save_case(request: HttpRequest, case_id: int, payload: MeetingNoteIn):
    staff = caller_staff(request)
    entry = services.save_case_note(case=_case(request, case_id), by=staff, text=payload.text)
    return Status(201, entry_out(SaveCaseEntry.objects.select_related("by__user").get(pk=entry.pk)))


# --- refunds --------------------------------------------------------------------------------


@router.get(
    "/packages/{package_id}/refund-quote", response={200: QuoteOut, 403: ErrorOut, 404: ErrorOut},
    summary="What refunding a package would pay back",
)
def refund_quote(request: HttpRequest, package_id: int):
    caller_staff(request)
    package = scoped_package_or_404(request, package_id)
    return services.package_quote(package).as_dict()


class RefundFilter(Schema):
    status: str | None = None


@router.get("/refunds", response={200: dict, 403: ErrorOut}, summary="The campus's refunds")
def list_refunds(request: HttpRequest, filters: Query[RefundFilter], limit: int | None = None, offset: int | None = None):
    require_allowed(request, ROLES["refunds"])
    refunds = scope(request, _refunds())
    if filters.status:
        refunds = refunds.filter(status=filters.status)
    return paginate(refunds, limit, offset, out=refund_out)


@router.get("/refunds/{refund_id}", response={200: RefundOut, 403: ErrorOut, 404: ErrorOut}, summary="One refund")
def get_refund(request: HttpRequest, refund_id: int):
    require_allowed(request, ROLES["refunds"])
    return refund_out(_refund(request, refund_id))


STEP_RESPONSES = {200: RefundOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _sign(request: HttpRequest, refund_id: int, step: Callable[..., Refund], **fields: Any) -> dict[str, Any]:
    """One step: the service checks the role (403) and the order (409); the refund after it."""
    refund = step(refund=_refund(request, refund_id), by=caller_staff(request), **fields)
    return refund_out(_refunds().get(pk=refund.pk))


@router.post("/refunds/{refund_id}/confirm-lessons", response=STEP_RESPONSES, summary="The dean confirms the lessons used")
def confirm_lessons(request: HttpRequest, refund_id: int):
    return _sign(request, refund_id, services.refund_confirm_lessons)


@router.post("/refunds/{refund_id}/parent-sign", response=STEP_RESPONSES, summary="The parent writes the reason and signs")
def parent_sign(request: HttpRequest, refund_id: int, payload: ParentSignIn):
    return _sign(request, refund_id, services.refund_parent_sign, **payload.model_dump())


@router.post("/refunds/{refund_id}/documents", response=STEP_RESPONSES, summary="Contract, receipt and invoice collected")
def documents(request: HttpRequest, refund_id: int, payload: DocumentsIn):
    return _sign(request, refund_id, services.refund_documents, **payload.model_dump())


@router.post("/refunds/{refund_id}/approve", response=STEP_RESPONSES, summary="The principal approves")
def approve(request: HttpRequest, refund_id: int):
    return _sign(request, refund_id, services.refund_approve)


@router.post("/refunds/{refund_id}/pay", response=STEP_RESPONSES, summary="Finance pays the refund")
def pay(request: HttpRequest, refund_id: int):
    return _sign(request, refund_id, services.refund_pay)


@router.get(
    "/refunds/{refund_id}/application.pdf",
    response={200: None, 403: ErrorOut, 404: ErrorOut},
    summary="The printable refund application (PDF)",
)
def application_pdf(request: HttpRequest, refund_id: int) -> HttpResponse:
    require_allowed(request, ROLES["refunds"])
    refund = _refund(request, refund_id)
    return pdf_response(refund_application_pdf(refund), f"refund-{refund.pk}.pdf")


class AnalysisFilter(Schema):
    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")


@router.get("/refund-analysis", response={200: dict, 403: ErrorOut}, summary="Paid refunds by reason, advisor, teacher, month")
def refund_analysis(request: HttpRequest, filters: Query[AnalysisFilter]):
    require_allowed(request, ROLES["refund_analysis"])
    report = analysis.refund_analysis(
        scope(request, Refund.objects.all()), date_from=filters.date_from, date_to=filters.date_to
    )
    return report.as_json()


@router.get("/refund-reasons", response={200: dict, 403: ErrorOut}, summary="The refund reason categories")
def refund_reasons(request: HttpRequest):
    staff = caller_staff(request)
    reasons = services.refund_reasons_for(staff.campus)
    return {
        "items": [{"id": r.pk, "code": r.code, "name": r.name, "shared": r.campus_id is None} for r in reasons],
        "count": reasons.count(),
    }
