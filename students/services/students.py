"""The student file and its family."""

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from core.errors import Conflict, DomainError, conflict_on_integrity, violated_constraints
from core.models import Campus, Staff
from core.text import clean_text

from ..errors import StudentError
from ..models import NUMBER_MAX, Guardian, Student
from .audit import record
from .handover import hand_over
from .policy import check_opens_files, require_allowed
from .validation import (
    MIN_GUARDIANS,
    STUDENT_TEXT_FIELDS,
    check_guardian_phone,
    check_student,
    check_student_fields,
    refuse,
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
    check_opens_files(by)
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
        hand_over(student=student, advisor=advisor_staff, by=by)
    return student


@transaction.atomic
def student_update(*, student: Student, by: Staff, changes: Mapping[str, Any]) -> Student:
    """Change fields of the file (not the family: see guardian_*). Locks the student row."""
    require_allowed(by, "edit")
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


NUMBER_SHAPE = re.compile(rf"^[0-9A-Za-z-]{{1,{NUMBER_MAX}}}$")
NUMBER_UNIQUE = "student_unique_number_per_campus"


def _number_taken(number: str) -> Conflict:
    return Conflict(StudentError.NUMBER_TAKEN, f"学生编号 {number} 已被本校区其他学员使用", {"number": "已被占用"})


@transaction.atomic
def student_number_change(*, student: Student, by: Staff, number: str) -> Student:
    """Give the student another 学生编号 (the manual's 手动修改学生编号): letters, digits and
    "-", at most 20, unique at the student's campus. The file's history keeps the old one."""
    require_allowed(by, "number")
    number = (number or "").strip().upper()
    if not NUMBER_SHAPE.match(number):
        refuse({"number": f"学生编号须为 1–{NUMBER_MAX} 位字母、数字或“-”"})
    student = Student.objects.select_for_update().get(pk=student.pk)
    if student.number == number:
        return student
    if Student.objects.filter(campus_id=student.campus_id, number=number).exclude(pk=student.pk).exists():
        raise _number_taken(number)
    student.number = number

    def race(exc: IntegrityError) -> DomainError | None:
        return _number_taken(number) if violated_constraints(exc, [NUMBER_UNIQUE]) else None

    with conflict_on_integrity(race):
        record(student, by, update_fields=["number"])
    return student


def _demote_primary(guardians: list[Guardian], by: Staff) -> None:
    # one by one, not update(): each change of the decision maker stays in the history
    for g in guardians:
        if g.is_primary:
            g.is_primary = False
            record(g, by, update_fields=["is_primary"])


def _family_phones(guardians: Iterable[Guardian]) -> dict[str, str]:
    """The family's phones with who has each, as `check_guardian_phone` names them."""
    return {g.phone: f"家长 {g.name}" if g.name else "本学员的其他家长" for g in guardians}


def _locked_guardians(student: Student) -> list[Guardian]:
    Student.objects.select_for_update().filter(pk=student.pk).first()
    return list(Guardian.objects.select_for_update().filter(student=student).order_by("pk"))


@transaction.atomic
def guardian_add(
    *, student: Student, by: Staff, name: str, relation: str, phone: str, is_primary: bool = False
) -> Guardian:
    require_allowed(by, "edit")
    errors: dict[str, str] = {}
    row = {
        "name": clean_text(name, "name", errors, max_length=50),
        "relation": clean_text(relation, "relation", errors, max_length=20, required=is_primary),
    }
    existing = _locked_guardians(student)
    row["phone"], problem = check_guardian_phone(phone, family=_family_phones(existing))
    if problem:
        errors["phone"] = problem
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
    require_allowed(by, "edit")
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
        others = _family_phones(g for g in existing if g.pk != guardian.pk)
        guardian.phone, problem = check_guardian_phone(phone, family=others)
        if problem:
            errors["phone"] = problem
    refuse(errors)
    return record(guardian, by)


@transaction.atomic
def guardian_set_primary(*, guardian: Guardian, by: Staff) -> Guardian:
    """Make `guardian` the main decision maker (主要决策人); the former one stays a contact."""
    require_allowed(by, "edit")
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
    require_allowed(by, "edit")
    existing = _locked_guardians(guardian.student)
    guardian = next(g for g in existing if g.pk == guardian.pk)
    if len(existing) <= MIN_GUARDIANS:
        raise Conflict(StudentError.LAST_GUARDIANS, "学员档案至少须保留两位家长的联系方式")
    if guardian.is_primary:
        raise Conflict(StudentError.LAST_GUARDIANS, "请先指定另一位主要决策人，再删除这位家长")
    guardian._history_user = by.user
    guardian.delete()
