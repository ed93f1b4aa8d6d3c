"""Read-only queries of students/. What other apps know of a student (cards, packages,
follow-ups) is not read here: they answer the contribution points of core/contributions.py."""

import re
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from core.contributions import student_search_sources, taught_students
from core.models import Campus, Staff
from core.roles import Role
from core.scoping import get_scoped_or_404

from .models import AdvisorAssignment, Assessment, Guardian, HygieneRound, Lead, Student, TrialLesson

DIGITS = re.compile(r"^\d{3,11}$")
MAX_QUERY = 100


def student_search(queryset: QuerySet[Student], q: str | None, *, campus: Campus | None = None) -> QuerySet[Student]:
    """The students of `queryset` whose name contains `q`, whose 学生编号 is `q`, any guardian's phone starts with
    `q`, or whom a search source registered by another app names (a card number or chip
    typed in any format, …). `campus` is the campus `queryset` is narrowed to, if any: a source
    matches within it, on its own index.

    The branches are a UNION of ids, each served by its own index (trigram on the name, the
    phone index, each source's): an OR of them would make PostgreSQL scan every student."""
    q = (q or "").strip()[:MAX_QUERY]
    if not q:
        return queryset
    if "\x00" in q:
        return queryset.none()
    branches = [
        Student.objects.filter(name__icontains=q).order_by().values("pk"),
        # the 学生编号, as stored (upper case), on the (campus, number) index
        Student.objects.filter(number=q.upper()).order_by().values("pk"),
    ]
    compact = re.sub(r"[\s-]", "", q)
    if DIGITS.match(compact):
        branches.append(Guardian.objects.filter(phone__startswith=compact).order_by().values("student_id"))
    for source in student_search_sources.items():
        ids = source.find(q, campus)
        if ids is not None:
            branches.append(ids)
    ids = branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]
    return queryset.filter(pk__in=ids)


def scoped_student_or_404(staff_or_request: Staff | HttpRequest, pk: Any) -> Student:
    """The student `pk` of the caller's campus (hq_admin: any campus), with their campus and
    advisor; a student of another campus is not found, the same Http404 as no student."""
    return get_scoped_or_404(staff_or_request, Student.objects.select_related("campus", "advisor__user"), pk)


def visible_students(queryset: QuerySet[Student], viewer: Staff | None) -> QuerySet[Student]:
    """The students of `queryset` `viewer` may open: a teacher, only those they teach (the
    `taught_students` point: scheduling's lessons and group classes); everyone else, all."""
    if viewer is None or viewer.role != Role.TEACHER:
        return queryset
    branches = [source.find(viewer) for source in taught_students.items()]
    if not branches:
        return queryset.none()
    ids = branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]
    return queryset.filter(pk__in=ids)


def shows_phones(viewer: Staff) -> bool:
    """Guardians' phone numbers are for the desks that call families, not for teaching."""
    return viewer.role != Role.TEACHER


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
    campus = viewer.campus if viewer is not None and not viewer.sees_all_campuses else None
    return (
        student_search(visible_students(queryset, viewer), q, campus=campus)
        .select_related("campus", "advisor__user")
        .prefetch_related("guardians")
        .order_by("-created_at", "-pk")
    )


def pending_first_calls(advisor: Staff) -> QuerySet[AdvisorAssignment]:
    """The advisor's open hand-overs whose first call to the parent is not ticked off yet
    (`assignment_first_call_done` by hand, or `student_first_call_made` when another app
    logs the call), the most urgent first."""
    return (
        AdvisorAssignment.objects.filter(advisor=advisor, ended_at__isnull=True, first_call_done_at__isnull=True)
        .select_related("student")
        .order_by("first_call_due", "pk")
    )


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


def trial_at(*, teacher: Staff, starts_at: datetime, ends_at: datetime) -> TrialLesson | None:
    """The teacher's trial lesson (a lead's 试听) overlapping [starts_at, ends_at), or None.
    A trial holds its teacher's time like a lesson (half-open: back to back is fine); the
    bookings of scheduling ask this too."""
    trials = TrialLesson.objects.filter(
        teacher=teacher,
        status__in=TrialLesson.HOLDS_TIME,
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - timedelta(minutes=TrialLesson.LONGEST_MINUTES),
    ).select_related("lead")
    return next((t for t in trials.order_by("starts_at", "pk") if t.ends_at > starts_at), None)
