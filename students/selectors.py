"""Read-only queries of students/. Cards and packages belong to other apps, which import
students, never the reverse: they are read through the reverse relations `student.cards`
and `student.packages`, and only if those apps are installed."""

import re
from typing import Any

from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from core.models import Staff
from core.roles import Role

from .models import AdvisorAssignment, Assessment, Guardian, HygieneRound, Lead, Student

DIGITS = re.compile(r"^\d{3,11}$")
MAX_QUERY = 100


def related_model(name: str) -> type[Model] | None:
    """The model behind Student's reverse relation `name` (e.g. "cards"), if it exists."""
    try:
        field = Student._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field.related_model if field.is_relation else None


def student_search(queryset: QuerySet[Student], q: str | None) -> QuerySet[Student]:
    """Students whose name contains `q`, any guardian's phone starts with `q`, or whose
    card number or chip equals `q`. The branches are a UNION of ids, each served by its own
    index (trigram on the name, the phone index, the card columns): an OR of them would make
    PostgreSQL scan every student."""
    q = (q or "").strip()[:MAX_QUERY]
    if not q:
        return queryset
    if "\x00" in q:
        return queryset.none()
    branches = [Student.objects.filter(name__icontains=q).order_by().values("pk")]
    compact = re.sub(r"[\s-]", "", q)
    if DIGITS.match(compact):
        branches.append(Guardian.objects.filter(phone__startswith=compact).order_by().values("student_id"))
    card_model = related_model("cards")
    if card_model is not None:
        names = {f.name for f in card_model._meta.get_fields()}
        by_card = Q()
        for field in ("card_number", "chip_uid"):
            if field in names:
                by_card |= Q(**{f"{field}__iexact": q})
        if by_card:
            branches.append(card_model.objects.filter(by_card).order_by().values("student_id"))
    ids = branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]
    return queryset.filter(pk__in=ids)


def student_list(
    queryset: QuerySet[Student], q: str | None = None, *, advisor: str = "", viewer: Staff | None = None
) -> QuerySet[Student]:
    """The students matching `q`; `advisor` narrows to "mine" (the viewer's), "none"
    (waiting for a hand-over) or an advisor's username."""
    if advisor == "mine" and viewer is not None:
        queryset = queryset.filter(advisor=viewer)
    elif advisor == "none":
        queryset = queryset.filter(advisor__isnull=True)
    elif advisor:
        queryset = queryset.filter(advisor__user__username=advisor[:150])
    return (
        student_search(queryset, q)
        .select_related("campus", "advisor__user")
        .prefetch_related("guardians")
        .order_by("-created_at", "-pk")
    )


def student_cards(student: Student) -> list[Any]:
    if related_model("cards") is None:
        return []
    return list(student.cards.all().order_by("-pk"))


def student_packages(student: Student) -> list[Any]:
    if related_model("packages") is None:
        return []
    return list(student.packages.all().order_by("valid_until", "pk"))


def student_related(
    student: Student, name: str, order: str = "-pk", limit: int = 100, select: tuple[str, ...] = ()
) -> list[Any]:
    """Rows of another app's reverse relation (lessons, attendances, follow-ups, …), or []."""
    if related_model(name) is None:
        return []
    rows = getattr(student, name).all()
    try:
        return list(rows.select_related(*select).order_by(order)[:limit])
    except FieldError:  # another app's model may not have those fields
        return list(rows[:limit])


FOLLOW_UP_TIME_FIELDS = ("occurred_at", "contacted_at", "created_at")


def pending_first_calls(advisor: Staff) -> QuerySet[AdvisorAssignment]:
    """Hand-overs whose first call to the parent has not been made: the advisor's to-do.
    A first call logged in retention's follow-up log (kind first_call, after the hand-over)
    counts as made, as does one ticked off here."""
    pending = AdvisorAssignment.objects.filter(
        advisor=advisor, ended_at__isnull=True, first_call_done_at__isnull=True
    )
    follow_up = related_model("follow_ups")
    if follow_up is not None:
        names = {f.name for f in follow_up._meta.get_fields()}
        when = next((n for n in FOLLOW_UP_TIME_FIELDS if n in names), None)
        if "kind" in names and when is not None:
            calls = follow_up.objects.filter(
                student=OuterRef("student"), kind="first_call", **{f"{when}__gte": OuterRef("assigned_at")}
            )
            pending = pending.exclude(Exists(calls))
    return pending.select_related("student").order_by("first_call_due", "pk")


def unassigned_students(staff: Staff) -> QuerySet[Student]:
    qs = Student.objects.filter(advisor__isnull=True)
    if staff.role != Role.HQ_ADMIN:
        qs = qs.filter(campus=staff.campus)
    return qs.order_by("created_at", "pk")


def advisors_of(campus_id: int) -> QuerySet[Staff]:
    return (
        Staff.objects.filter(campus_id=campus_id, role=Role.ADVISOR, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )


def leads_by_status(queryset: QuerySet[Lead]) -> dict[str, list[Lead]]:
    board: dict[str, list[Lead]] = {status: [] for status in Lead.Status.values}
    for lead in queryset.select_related("referred_by", "owner__user").order_by("-created_at")[:500]:
        board[lead.status].append(lead)
    return board


def last_round(campus_id: int) -> HygieneRound | None:
    return HygieneRound.objects.filter(campus_id=campus_id).order_by("-checked_at").first()


def pending_analyses(campus_id: int) -> QuerySet[Assessment]:
    """Assessment papers not analysed yet (due within a day of the test), oldest first."""
    return (
        Assessment.objects.filter(analysed_at__isnull=True)
        .filter(Q(lead__campus_id=campus_id) | Q(student__campus_id=campus_id))
        .select_related("lead", "student")
        .order_by("analysis_due", "pk")
    )
