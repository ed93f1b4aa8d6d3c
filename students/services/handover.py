"""The advisor hand-over (接档) and the first call to the parent that must follow it."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidInput
from core.models import Staff
from core.roles import Role
from core.text import clean_text

from ..errors import StudentError
from ..models import AdvisorAssignment, Student
from .audit import record
from .policy import may, require_allowed
from .validation import refuse


def first_call_due(assigned_at: datetime) -> date:
    """SPEC: the advisor calls the parent by the day after the hand-over (local date)."""
    return timezone.localdate(assigned_at) + timedelta(days=1)


def hand_over(*, student: Student, advisor: Staff, by: Staff, note: str = "") -> AdvisorAssignment:
    """Close the student's open hand-over and open one to `advisor`. The caller has checked
    the advisor and holds the transaction; the open hand-over is locked here."""
    now = timezone.now()
    current = (
        AdvisorAssignment.objects.select_for_update().filter(student=student, ended_at__isnull=True).first()
    )
    if current is not None:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
    assignment = AdvisorAssignment.objects.create(
        student=student,
        advisor=advisor,
        previous_advisor=student.advisor,
        assigned_at=now,
        first_call_due=first_call_due(now),
        note=note,
        assigned_by=by,
    )
    student.advisor = advisor
    student.advisor_since = now
    record(student, by, update_fields=["advisor", "advisor_since"])
    return assignment


@transaction.atomic
def student_assign_advisor(
    *, student: Student, advisor: Staff, by: Staff, note: str = ""
) -> AdvisorAssignment:
    """Hand a student over (接档) to an advisor of the campus, who then owns the whole stay.
    Only a supervisor assigns. Locks the student row."""
    require_allowed(by, "handover")
    student = Student.objects.select_for_update().get(pk=student.pk)
    errors: dict[str, str] = {}
    if advisor.role != Role.ADVISOR or advisor.campus_id != student.campus_id or not advisor.user.is_active:
        raise InvalidInput(
            "只能移交给本校区的班主任", {"advisor": "不是本校区的班主任"}, code=StudentError.NOT_AN_ADVISOR
        )
    if student.advisor_id == advisor.pk:
        raise Conflict(StudentError.SAME_ADVISOR, f"{student.name} 已由 {advisor.display_name} 负责")
    note = clean_text(note, "note", errors, max_length=200)
    refuse(errors)
    return hand_over(student=student, advisor=advisor, by=by, note=note)


@transaction.atomic
def assignment_first_call_done(*, assignment: AdvisorAssignment, by: Staff) -> AdvisorAssignment:
    """The advisor has made the first call after the hand-over (ticked by hand); it leaves
    their to-do list. Locks the hand-over row."""
    assignment = AdvisorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if by.pk != assignment.advisor_id and not may(by, "handover"):
        raise Forbidden("只有接档的班主任或主管可以登记首次回访")
    if assignment.first_call_done_at is not None:
        raise Conflict(StudentError.FIRST_CALL_DONE, "首次回访已登记")
    assignment.first_call_done_at = timezone.now()
    assignment.first_call_done_by = by
    assignment.save(update_fields=["first_call_done_at", "first_call_done_by"])
    return assignment


@transaction.atomic
def student_first_call_made(*, student: Student, at: datetime, by: Staff) -> AdvisorAssignment | None:
    """`by` made the first call to the parent at `at` (logged elsewhere, e.g. as a first_call
    follow-up, whose right to log it the caller has checked): the student's open
    hand-over, if it is still waiting for its first call and was made before `at`, is
    ticked off with that time. Returns the hand-over ticked, or None when there was none to
    tick (no open hand-over, already ticked, or a call from before the hand-over). Locks the
    open hand-over row."""
    if not isinstance(at, datetime) or timezone.is_naive(at):
        refuse({"at": "请填写回访时间"})
    if at > timezone.now() + timedelta(minutes=5):
        refuse({"at": "回访时间不能晚于现在"})
    assignment = (
        AdvisorAssignment.objects.select_for_update()
        .filter(student=student, ended_at__isnull=True, first_call_done_at__isnull=True, assigned_at__lte=at)
        .first()
    )
    if assignment is None:
        return None
    assignment.first_call_done_at = at
    assignment.first_call_done_by = by
    assignment.save(update_fields=["first_call_done_at", "first_call_done_by"])
    return assignment
