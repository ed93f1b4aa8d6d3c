"""What cardreader shows of a student elsewhere (core/contributions.py): the card on the
file's 家庭 tab (with 办卡), the `cards` of `GET /api/v1/students/{id}`, and the student
search box finding a student by a card typed in any format. Imported by
CardreaderConfig.ready()."""

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from ninja import Schema

from core.contributions import (
    StudentApiField,
    StudentSearchSource,
    StudentTabSection,
    student_api_fields,
    student_search_sources,
    student_tab_sections,
)
from core.models import Campus
from core.money import Money
from core.roles import Role
from students.models import Student

from .cardids import parse_card_text
from .models import Card
from .services import cards_matching
from .views import CARD_DESK


class StudentCardOut(Schema):
    """A card as the student's file lists it in the API (API.md § Students)."""

    id: int
    card_number: str | None
    chip_uid: str | None
    status: str | None
    deposit: Money | None


def student_cards(student: Student) -> QuerySet[Card]:
    # `replaced_by_id`: the card that replaced a lost one, if any
    return Card.objects.filter(student=student).annotate(replaced_by_id=F("replaced_by__pk")).order_by("-pk")


def student_card_payload(card: Card) -> dict[str, Any]:
    return {name: getattr(card, name) for name in StudentCardOut.model_fields}


def student_cards_payload(student: Student) -> list[dict[str, Any]]:
    return [student_card_payload(c) for c in student_cards(student)]


def card_section(request: HttpRequest, student: Student) -> dict[str, Any]:
    cards = list(student_cards(student))
    # 办卡 only for a student without a card in use: an active card, or a lost one not
    # replaced yet (that one goes through 补卡, offered beside it)
    holds_card = any(
        c.status == Card.Status.ACTIVE or (c.status == Card.Status.LOST and not c.replaced_by_id) for c in cards
    )
    may_manage = request.staff.role in CARD_DESK or request.staff.role == Role.HQ_ADMIN
    return {"cards": cards, "can_issue": may_manage and not holds_card, "may_manage": may_manage}


def students_by_card(q: str, campus: Campus | None) -> QuerySet | None:
    """The students whose card (any status) is the typed `q`: a 10-digit number, an 8-hex
    chip or a Wiegand-26 text all find the same card, as at the reader."""
    parsed = parse_card_text(q)
    if parsed is None:
        return None
    campuses = [campus] if campus is not None else list(Campus.objects.all())
    if not campuses:
        return None
    match = reduce(or_, (cards_matching(campus=c, parsed=parsed) for c in campuses), Q())
    return Card.objects.filter(match, student__isnull=False).order_by().values("student_id")


student_tab_sections.register(
    StudentTabSection(
        tab="family", key="card", order=10, template="cardreader/student_tab_family_card.html", context=card_section
    )
)
student_api_fields.register(
    StudentApiField(key="cards", order=10, schema=list[StudentCardOut], value=student_cards_payload)
)
student_search_sources.register(StudentSearchSource(key="card", order=10, find=students_by_card))
