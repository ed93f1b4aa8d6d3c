"""The student file, its family and the advisor hand-over (接档)."""

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidInput
from core.models import Campus, Staff
from core.roles import Role

from ..errors import StudentError
from ..models import (
    AdvisorAssignment,
    Guardian,
    Student,
)
from ._checks import (
    CREATE_ROLES,
    HANDOVER_ROLES,
    MIN_GUARDIANS,
    MOBILE,
    STUDENT_TEXT_FIELDS,
    check_student,
    check_student_fields,
    clean_text,
    normalize_phone,
    record,
    refuse,
    require_role,
)

# --- the student file -----------------------------------------------------------------


@transaction.atomic
def student_create(
    *,
    campus: Campus,
    by: Staff,
    data: Mapping[str, Any],
    guardians: Sequence[Mapping[str, Any]],
    advisor: str | None = None,
    referred_by: Student | None = None,
) -> Student:
    """Open a student file with its family. `data` holds the student's fields (name,
    gender, birthday, address, school, …); `advisor` (a username) hands the student over
    at once."""
    require_role(by, (*CREATE_ROLES, Role.HQ_ADMIN))
    clean, clean_guardians, advisor_staff, errors = check_student(
        campus=campus, data=data, guardians=guardians, advisor=advisor
    )
    if referred_by is not None and referred_by.campus_id != campus.pk:
        errors["referred_by"] = "介绍家庭须为本校区学员"
    refuse(errors)
    student = record(Student(campus=campus, created_by=by, referred_by=referred_by, **clean), by)
    for row in clean_guardians:
        record(Guardian(student=student, **row), by)
    if advisor_staff is not None:
        _hand_over(student=student, advisor=advisor_staff, by=by)
    return student


@transaction.atomic
def student_update(*, student: Student, by: Staff, changes: Mapping[str, Any]) -> Student:
    """Change fields of the file (not the family: see guardian_*). Locks the student row."""
    require_role(by, (*CREATE_ROLES, Role.HQ_ADMIN))
    allowed = {"name", "gender", "birthday", "address", "learning_type", "profile", *STUDENT_TEXT_FIELDS}
    unknown = set(changes) - allowed
    if unknown:
        refuse({name: "不能修改此项" for name in sorted(unknown)})
    clean, errors = check_student_fields(changes, partial=True)
    refuse(errors)
    student = Student.objects.select_for_update().get(pk=student.pk)
    for name, value in clean.items():
        setattr(student, name, value)
    return record(student, by)


def _demote_primary(guardians: list[Guardian], by: Staff) -> None:
    # one by one, not update(): each change of the decision maker stays in the history
    for g in guardians:
        if g.is_primary:
            g.is_primary = False
            record(g, by, update_fields=["is_primary"])


def _locked_guardians(student: Student) -> list[Guardian]:
    Student.objects.select_for_update().filter(pk=student.pk).first()
    return list(Guardian.objects.select_for_update().filter(student=student).order_by("pk"))


@transaction.atomic
def guardian_add(
    *, student: Student, by: Staff, name: str, relation: str, phone: str, is_primary: bool = False
) -> Guardian:
    require_role(by, (*CREATE_ROLES, Role.HQ_ADMIN))
    errors: dict[str, str] = {}
    row = {
        "name": clean_text(name, "name", errors, max_length=50),
        "relation": clean_text(relation, "relation", errors, max_length=20, required=is_primary),
        "phone": normalize_phone(phone),
    }
    if not isinstance(row["phone"], str) or not MOBILE.match(row["phone"]):
        errors["phone"] = "请填写 11 位手机号（1 开头）"
    existing = _locked_guardians(student)
    if any(g.phone == row["phone"] for g in existing):
        errors["phone"] = "该号码已登记为本学员的家长"
    refuse(errors)
    if is_primary:
        _demote_primary(existing, by)
    return record(Guardian(student=student, is_primary=is_primary, **row), by)


@transaction.atomic
def guardian_update(
    *,
    guardian: Guardian,
    by: Staff,
    name: str | None = None,
    relation: str | None = None,
    phone: str | None = None,
) -> Guardian:
    require_role(by, (*CREATE_ROLES, Role.HQ_ADMIN))
    existing = _locked_guardians(guardian.student)
    guardian = next(g for g in existing if g.pk == guardian.pk)
    errors: dict[str, str] = {}
    if name is not None:
        guardian.name = clean_text(name, "name", errors, max_length=50)
    if relation is not None:
        guardian.relation = clean_text(
            relation, "relation", errors, max_length=20, required=guardian.is_primary
        )
    if phone is not None:
        phone = normalize_phone(phone)
        if not isinstance(phone, str) or not MOBILE.match(phone):
            errors["phone"] = "请填写 11 位手机号（1 开头）"
        elif any(g.phone == phone and g.pk != guardian.pk for g in existing):
            errors["phone"] = "该号码已登记为本学员的其他家长"
        guardian.phone = phone
    refuse(errors)
    return record(guardian, by)


@transaction.atomic
def guardian_set_primary(*, guardian: Guardian, by: Staff) -> Guardian:
    """Make `guardian` the main decision maker (主要决策人); the former one stays a contact."""
    require_role(by, (*CREATE_ROLES, Role.HQ_ADMIN))
    existing = _locked_guardians(guardian.student)
    guardian = next(g for g in existing if g.pk == guardian.pk)
    if not guardian.relation:
        refuse({"relation": "请先注明与学员的关系"})
    _demote_primary([g for g in existing if g.pk != guardian.pk], by)
    guardian.is_primary = True
    return record(guardian, by, update_fields=["is_primary"])


@transaction.atomic
def guardian_remove(*, guardian: Guardian, by: Staff) -> None:
    """Remove a contact; a file keeps at least two, and the primary one is changed first."""
    require_role(by, (*CREATE_ROLES, Role.HQ_ADMIN))
    existing = _locked_guardians(guardian.student)
    guardian = next(g for g in existing if g.pk == guardian.pk)
    if len(existing) <= MIN_GUARDIANS:
        raise Conflict(StudentError.LAST_GUARDIANS, "学员档案至少须保留两位家长的联系方式")
    if guardian.is_primary:
        raise Conflict(StudentError.LAST_GUARDIANS, "请先指定另一位主要决策人，再删除这位家长")
    guardian._history_user = by.user
    guardian.delete()


# --- advisor hand-over (接档) -----------------------------------------------------------


def _hand_over(*, student: Student, advisor: Staff, by: Staff, note: str = "") -> AdvisorAssignment:
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
        # SPEC: the first call to the parent is due the day after the hand-over
        first_call_due=timezone.localdate(now) + timedelta(days=1),
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
    require_role(by, HANDOVER_ROLES)
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
    return _hand_over(student=student, advisor=advisor, by=by, note=note)


@transaction.atomic
def assignment_first_call_done(*, assignment: AdvisorAssignment, by: Staff) -> AdvisorAssignment:
    """The advisor has made the first call after the hand-over; it leaves their to-do list."""
    assignment = AdvisorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if by.pk != assignment.advisor_id and by.role not in HANDOVER_ROLES:
        raise Forbidden("只有接档的班主任或主管可以登记首次回访")
    if assignment.first_call_done_at is not None:
        raise Conflict(StudentError.FIRST_CALL_DONE, "首次回访已登记")
    assignment.first_call_done_at = timezone.now()
    assignment.save(update_fields=["first_call_done_at"])
    return assignment
