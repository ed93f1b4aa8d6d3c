"""/api/v1 endpoints of cardreader (API.md § Cards, § Swipes). Thin: parse, check the
role and the campus, call a service.

Roles (cardreader/roles.py, the table the pages read too): cards are issued, reported
lost, replaced and returned by the front desk and the principal (hq_admin anywhere); a
swipe comes from a reader token of the campus or a front-desk member (the kiosk page);
any staff member of the campus reads cards and check-ins. The manual deduction
(`POST /packages/{id}/deductions`) is a check-in by hand: scheduling/api.py."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from core.apikit import ErrorOut, fields_of, get_scoped_or_404, paginate, require_allowed, username_of
from core.dates import aware
from core.errors import Forbidden
from core.models import Staff
from core.money import Money, money
from core.roles import Role
from scheduling.models import Attendance
from students.selectors import scoped_student_or_404

from . import selectors, services
from .models import Card
from .roles import ROLES

router = Router(tags=["cardreader"])


class CardIn(Schema):
    card_number: str = Field(max_length=64)
    chip_uid: str | None = Field("", max_length=64)

    def numbers(self) -> dict[str, str]:
        """What the card services take: the number and the chip (none: "")."""
        return {"card_number": self.card_number, "chip_uid": self.chip_uid or ""}


class TeacherCardIn(CardIn):
    teacher: str = Field(max_length=150, description="the teacher's username")


class CardOut(Schema):
    id: int
    card_number: str
    chip_uid: str
    status: str
    deposit: Money
    student_id: int | None
    teacher: str | None
    issued_at: datetime
    replaces: int | None


class ReplacedOut(CardOut):
    fee: Money


class ReturnedOut(CardOut):
    deposit_refunded: Money


def card_out(card: Card) -> dict[str, Any]:
    return fields_of(CardOut, card, teacher=username_of(card.teacher), replaces=card.replaces_id)


def _cards(request: HttpRequest, pk: int) -> Card:
    return get_scoped_or_404(request, Card.objects.select_related("student", "teacher__user", "campus"), pk)


CARD_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post(
    "/students/{student_id}/cards",
    response={201: CardOut, **CARD_ERRORS},
    summary="Issue a card (¥20 deposit)",
)
def issue_card(request: HttpRequest, student_id: int, payload: CardIn):
    staff = require_allowed(request, ROLES["cards"])
    student = scoped_student_or_404(request, student_id)
    card = services.card_issue(student=student, by=staff, **payload.numbers())
    return Status(201, card_out(card))


@router.post("/teacher-cards", response={201: CardOut, **CARD_ERRORS}, summary="Issue a teacher's card")
def issue_teacher_card(request: HttpRequest, payload: TeacherCardIn):
    return _issue_teacher_card(request, payload.teacher, payload)


@router.post(
    "/teachers/{username}/cards", response={201: CardOut, **CARD_ERRORS}, summary="Issue a teacher's card"
)
def issue_card_to_teacher(request: HttpRequest, username: str, payload: CardIn):
    return _issue_teacher_card(request, username, payload)


def _issue_teacher_card(request: HttpRequest, username: str, payload: CardIn) -> Status:
    staff = require_allowed(request, ROLES["cards"])
    teacher = get_scoped_or_404(request, Staff.objects.select_related("campus", "user"), _teacher_pk(username))
    card = services.card_issue_teacher(teacher=teacher, by=staff, **payload.numbers())
    return Status(201, card_out(card))


def _teacher_pk(username: str) -> int:
    found = (
        Staff.objects.filter(user__username=username, role=Role.TEACHER).values_list("pk", flat=True).first()
    )
    return found or 0


@router.get("/cards/{card_id}", response={200: CardOut, 403: ErrorOut, 404: ErrorOut}, summary="A card")
def get_card(request: HttpRequest, card_id: int):
    require_allowed(request, ROLES["read"])
    return card_out(_cards(request, card_id))


@router.post("/cards/{card_id}/lost", response={200: CardOut, **CARD_ERRORS}, summary="Report a card lost")
def report_lost(request: HttpRequest, card_id: int):
    staff = require_allowed(request, ROLES["cards"])
    return card_out(services.card_report_lost(card=_cards(request, card_id), by=staff))


@router.post(
    "/cards/{card_id}/replace",
    response={201: ReplacedOut, **CARD_ERRORS},
    summary="Replace a lost card (¥20 fee)",
)
def replace_card(request: HttpRequest, card_id: int, payload: CardIn):
    staff = require_allowed(request, ROLES["cards"])
    old = _cards(request, card_id)
    new = services.card_replace(card=old, by=staff, **payload.numbers())
    fee = services.REPLACEMENT_FEE if new.student_id else money(0)
    return Status(201, {**card_out(new), "fee": fee})


@router.post(
    "/cards/{card_id}/return",
    response={200: ReturnedOut, **CARD_ERRORS},
    summary="Return a card (deposit refunded)",
)
def return_card(request: HttpRequest, card_id: int):
    staff = require_allowed(request, ROLES["cards"])
    card, refunded = services.card_return(card=_cards(request, card_id), by=staff)
    return {**card_out(card), "deposit_refunded": refunded}


class SwipeIn(Schema):
    swipe_id: str = Field(max_length=64)
    card: str = Field(max_length=64)
    swiped_at: datetime | None = None
    lesson_kind: str | None = None
    clock: str | None = None
    ask_kind: bool = Field(
        False,
        description="the kiosk: when no lesson decides and both main and practice packages are usable, "
        "answer 409 lesson_kind_required with `choices` instead of deducting a main lesson",
    )


@router.post(
    "/swipes",
    response={200: dict, 201: dict, 401: ErrorOut, 403: ErrorOut, 409: dict, 422: dict},
    summary="A card swiped at a reader (idempotent by swipe_id)",
)
def create_swipe(request: HttpRequest, payload: SwipeIn):
    reader = getattr(request, "reader", None)
    if reader is not None:
        if not reader.is_active:
            raise Forbidden("该读卡器已停用")
        staff = None
    else:
        staff = require_allowed(request, ROLES["swipe"])
    # a reader without a zone sends the campus's wall clock
    swiped_at = aware(payload.swiped_at) if payload.swiped_at is not None else None
    answer = services.swipe_record(
        swipe_id=payload.swipe_id,
        card=payload.card,
        campus=request.campus,
        swiped_at=swiped_at,
        lesson_kind=payload.lesson_kind,
        clock=payload.clock,
        reader=reader,
        by=staff,
        ask_kind=payload.ask_kind,
    )
    return Status(answer.status, answer.body)


class AttendanceOut(Schema):
    id: int
    student_id: int
    package_id: int
    package: str
    lesson_id: int | None
    lesson_kind: str
    checked_in_at: datetime
    source: str
    reason: str
    ledger_entry_id: int
    lessons_left_after: int


class AttendanceFilter(Schema):
    date_from: date | None = Field(None, alias="from", description="YYYY-MM-DD, inclusive")
    date_to: date | None = Field(None, alias="to", description="YYYY-MM-DD, inclusive")


class AttendanceList(Schema):
    items: list[AttendanceOut]
    count: int


def attendance_out(a: Attendance) -> dict[str, Any]:
    return fields_of(AttendanceOut, a, package=a.package.course, lessons_left_after=a.ledger_entry.balance_after)


@router.get(
    "/students/{student_id}/attendance",
    response={200: AttendanceList, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A student's check-ins",
)
def student_attendance(
    request: HttpRequest,
    student_id: int,
    filters: Query[AttendanceFilter],
    limit: int | None = None,
    offset: int | None = None,
):
    require_allowed(request, ROLES["read"])
    student = scoped_student_or_404(request, student_id)
    found = selectors.attendance_of(
        student=student, start=filters.date_from, end=filters.date_to
    ).select_related("ledger_entry")
    return paginate(found, limit, offset, out=attendance_out)
