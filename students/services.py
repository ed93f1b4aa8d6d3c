"""Every business action of students/: the student file, its family, the advisor hand-over
(接档), leads and their trial lessons and assessments, the reception log and the lobby round.

Each service validates everything first and raises InvalidInput with `fields` naming each
bad field, so a refused call changes nothing."""

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidInput
from core.models import Campus, Staff
from core.roles import Role

from .errors import StudentError
from .models import (
    AdvisorAssignment,
    Assessment,
    Guardian,
    HygieneFinding,
    HygieneRound,
    Lead,
    ReceptionEntry,
    Student,
    TrialLesson,
)

MOBILE = re.compile(r"^1\d{10}$")
LEAD_PHONE = re.compile(r"^\d{7,11}$")
MIN_GUARDIANS = 2
MAX_GUARDIANS = 10
EARLIEST_BIRTHDAY = date(1900, 1, 1)
LONG_TEXT = 2000

# Who may open a student file (API.md § Students).
CREATE_ROLES = (Role.FRONT_DESK, Role.ADVISOR, Role.CONSULTANT, Role.CS_SUPERVISOR, Role.PRINCIPAL)
# Who hands a student over to an advisor (SPEC: the supervisor; the principal oversees the campus).
HANDOVER_ROLES = (Role.CS_SUPERVISOR, Role.PRINCIPAL, Role.HQ_ADMIN)
LEAD_ROLES = (Role.FRONT_DESK, Role.CONSULTANT, Role.ADVISOR, Role.CS_SUPERVISOR, Role.PRINCIPAL, Role.HQ_ADMIN)

# Text fields of the file beside the required ones, with their length limits.
STUDENT_TEXT_FIELDS: dict[str, int] = {
    "school": 100,
    "grade": 20,
    "class_rank": 50,
    "personality": LONG_TEXT,
    "goals": LONG_TEXT,
    "home_situation": LONG_TEXT,
    "notes": LONG_TEXT,
}


# --- checks shared by the services, the form pages and the roster import ---------------


def _text(value: Any, field: str, errors: dict[str, str], *, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = "应为文字"
        return ""
    value = value.strip()
    if "\x00" in value:
        errors[field] = "含有非法字符"
    elif required and not value:
        errors[field] = "必填"
    elif len(value) > max_length:
        errors[field] = f"最多 {max_length} 个字"
    return value


def normalize_phone(value: Any) -> str:
    """A phone as typed at a desk: spaces and dashes dropped."""
    if not isinstance(value, str):
        return value
    return re.sub(r"[\s-]", "", value)


def check_student_fields(data: Mapping[str, Any], *, partial: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    """The student's own fields, cleaned, and the errors by field. With `partial`, only
    the fields present are checked (an update)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    today = timezone.localdate()

    def present(name: str) -> bool:
        return not partial or name in data

    if present("name"):
        clean["name"] = _text(data.get("name"), "name", errors, max_length=50, required=True)
    if present("address"):
        clean["address"] = _text(data.get("address"), "address", errors, max_length=200, required=True)
    if present("gender"):
        gender = data.get("gender")
        if gender not in Student.Gender.values:
            errors["gender"] = "请选择性别（M 男 / F 女）"
        clean["gender"] = gender
    if present("birthday"):
        birthday = data.get("birthday")
        if isinstance(birthday, datetime) or not isinstance(birthday, date):
            errors["birthday"] = "请填写出生日期（YYYY-MM-DD）"
        elif birthday >= today:
            errors["birthday"] = "出生日期须早于今天"
        elif birthday < EARLIEST_BIRTHDAY:
            errors["birthday"] = "出生日期不合理"
        clean["birthday"] = birthday
    for name, limit in STUDENT_TEXT_FIELDS.items():
        if present(name):
            clean[name] = _text(data.get(name), name, errors, max_length=limit)
    for name, choices in (("learning_type", Student.LearningType.values), ("profile", Student.Profile.values)):
        if present(name):
            value = data.get(name) or ""
            if value and value not in choices:
                errors[name] = "可选：" + " / ".join(choices)
            clean[name] = value
    return clean, errors


def check_guardians(guardians: Any) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """At least two guardians with distinct mainland mobiles, exactly one primary whose
    relation is noted (SPEC: the main decision maker)."""
    errors: dict[str, str] = {}
    if not isinstance(guardians, Sequence) or isinstance(guardians, str):
        return [], {"guardians": "请至少填写两位家长"}
    clean: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(guardians[: MAX_GUARDIANS + 1]):
        if not isinstance(raw, Mapping):
            errors[f"guardians.{i}"] = "格式不正确"
            continue
        row = {
            "name": _text(raw.get("name"), f"guardians.{i}.name", errors, max_length=50),
            "relation": _text(raw.get("relation"), f"guardians.{i}.relation", errors, max_length=20),
            "phone": normalize_phone(raw.get("phone")),
            "is_primary": raw.get("is_primary") is True,
        }
        phone = row["phone"]
        if not isinstance(phone, str) or not MOBILE.match(phone):
            errors[f"guardians.{i}.phone"] = "请填写 11 位手机号（1 开头）"
        elif phone in seen:
            errors[f"guardians.{i}.phone"] = f"与第 {seen[phone] + 1} 位家长的号码重复，须为不同号码"
        else:
            seen[phone] = i
        if row["is_primary"] and not row["relation"] and f"guardians.{i}.relation" not in errors:
            errors[f"guardians.{i}.relation"] = "请注明主要决策人与学员的关系"
        clean.append(row)
    if len(guardians) < MIN_GUARDIANS:
        errors["guardians"] = "请至少填写两位家长（两个不同的手机号）"
    elif len(guardians) > MAX_GUARDIANS:
        errors["guardians"] = f"最多登记 {MAX_GUARDIANS} 位家长"
    else:
        primaries = sum(1 for row in clean if row["is_primary"])
        if primaries != 1:
            errors["guardians"] = "须指定且仅指定一位主要决策人" if primaries else "请指定一位主要决策人"
    return clean, errors


def advisor_by_username(username: Any, campus: Campus) -> Staff | None:
    if not isinstance(username, str) or not username.strip() or len(username) > 150:
        return None
    return (
        Staff.objects.select_related("user")
        .filter(user__username=username.strip(), campus=campus, role=Role.ADVISOR, user__is_active=True)
        .first()
    )


def check_student(
    *, campus: Campus, data: Mapping[str, Any], guardians: Any, advisor: Any = None
) -> tuple[dict[str, Any], list[dict[str, Any]], Staff | None, dict[str, str]]:
    """Everything student_create checks, without saving: used by the roster import preview."""
    clean, errors = check_student_fields(data)
    clean_guardians, guardian_errors = check_guardians(guardians)
    errors.update(guardian_errors)
    advisor_staff = None
    if advisor not in (None, ""):
        advisor_staff = advisor_by_username(advisor, campus)
        if advisor_staff is None:
            errors["advisor"] = "不是本校区的班主任"
    return clean, clean_guardians, advisor_staff, errors


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        first = next(iter(errors.values()))
        raise InvalidInput(f"输入有误：{first}" if len(errors) == 1 else f"有 {len(errors)} 处输入有误", errors)


def _require_role(by: Staff, roles: Sequence[str]) -> None:
    if by.role not in roles:
        raise Forbidden()


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
    _require_role(by, (*CREATE_ROLES, Role.HQ_ADMIN))
    clean, clean_guardians, advisor_staff, errors = check_student(
        campus=campus, data=data, guardians=guardians, advisor=advisor
    )
    if referred_by is not None and referred_by.campus_id != campus.pk:
        errors["referred_by"] = "介绍家庭须为本校区学员"
    _refuse(errors)
    student = Student.objects.create(campus=campus, created_by=by, referred_by=referred_by, **clean)
    Guardian.objects.bulk_create([Guardian(student=student, **row) for row in clean_guardians])
    if advisor_staff is not None:
        _hand_over(student=student, advisor=advisor_staff, by=by)
    return student


@transaction.atomic
def student_update(*, student: Student, by: Staff, changes: Mapping[str, Any]) -> Student:
    """Change fields of the file (not the family: see guardian_*). Locks the student row."""
    _require_role(by, (*CREATE_ROLES, Role.HQ_ADMIN))
    allowed = {"name", "gender", "birthday", "address", "learning_type", "profile", *STUDENT_TEXT_FIELDS}
    unknown = set(changes) - allowed
    if unknown:
        _refuse({name: "不能修改此项" for name in sorted(unknown)})
    clean, errors = check_student_fields(changes, partial=True)
    _refuse(errors)
    student = Student.objects.select_for_update().get(pk=student.pk)
    for name, value in clean.items():
        setattr(student, name, value)
    student.save()
    return student


def _locked_guardians(student: Student) -> list[Guardian]:
    Student.objects.select_for_update().filter(pk=student.pk).first()
    return list(Guardian.objects.select_for_update().filter(student=student).order_by("pk"))


@transaction.atomic
def guardian_add(
    *, student: Student, by: Staff, name: str, relation: str, phone: str, is_primary: bool = False
) -> Guardian:
    _require_role(by, (*CREATE_ROLES, Role.HQ_ADMIN))
    errors: dict[str, str] = {}
    row = {
        "name": _text(name, "name", errors, max_length=50),
        "relation": _text(relation, "relation", errors, max_length=20, required=is_primary),
        "phone": normalize_phone(phone),
    }
    if not isinstance(row["phone"], str) or not MOBILE.match(row["phone"]):
        errors["phone"] = "请填写 11 位手机号（1 开头）"
    existing = _locked_guardians(student)
    if any(g.phone == row["phone"] for g in existing):
        errors["phone"] = "该号码已登记为本学员的家长"
    _refuse(errors)
    if is_primary:
        Guardian.objects.filter(student=student, is_primary=True).update(is_primary=False)
    return Guardian.objects.create(student=student, is_primary=is_primary, **row)


@transaction.atomic
def guardian_update(
    *, guardian: Guardian, by: Staff, name: str | None = None, relation: str | None = None, phone: str | None = None
) -> Guardian:
    _require_role(by, (*CREATE_ROLES, Role.HQ_ADMIN))
    existing = _locked_guardians(guardian.student)
    guardian = next(g for g in existing if g.pk == guardian.pk)
    errors: dict[str, str] = {}
    if name is not None:
        guardian.name = _text(name, "name", errors, max_length=50)
    if relation is not None:
        guardian.relation = _text(relation, "relation", errors, max_length=20, required=guardian.is_primary)
    if phone is not None:
        phone = normalize_phone(phone)
        if not isinstance(phone, str) or not MOBILE.match(phone):
            errors["phone"] = "请填写 11 位手机号（1 开头）"
        elif any(g.phone == phone and g.pk != guardian.pk for g in existing):
            errors["phone"] = "该号码已登记为本学员的其他家长"
        guardian.phone = phone
    _refuse(errors)
    guardian.save()
    return guardian


@transaction.atomic
def guardian_set_primary(*, guardian: Guardian, by: Staff) -> Guardian:
    """Make `guardian` the main decision maker (主要决策人); the former one stays a contact."""
    _require_role(by, (*CREATE_ROLES, Role.HQ_ADMIN))
    existing = _locked_guardians(guardian.student)
    guardian = next(g for g in existing if g.pk == guardian.pk)
    if not guardian.relation:
        _refuse({"relation": "请先注明与学员的关系"})
    Guardian.objects.filter(student_id=guardian.student_id, is_primary=True).exclude(pk=guardian.pk).update(
        is_primary=False
    )
    guardian.is_primary = True
    guardian.save(update_fields=["is_primary"])
    return guardian


@transaction.atomic
def guardian_remove(*, guardian: Guardian, by: Staff) -> None:
    """Remove a contact; a file keeps at least two, and the primary one is changed first."""
    _require_role(by, (*CREATE_ROLES, Role.HQ_ADMIN))
    existing = _locked_guardians(guardian.student)
    guardian = next(g for g in existing if g.pk == guardian.pk)
    if len(existing) <= MIN_GUARDIANS:
        raise Conflict(StudentError.LAST_GUARDIANS, "学员档案至少须保留两位家长的联系方式")
    if guardian.is_primary:
        raise Conflict(StudentError.LAST_GUARDIANS, "请先指定另一位主要决策人，再删除这位家长")
    guardian.delete()


# --- advisor hand-over (接档) -----------------------------------------------------------


def _hand_over(*, student: Student, advisor: Staff, by: Staff, note: str = "") -> AdvisorAssignment:
    now = timezone.now()
    current = AdvisorAssignment.objects.select_for_update().filter(student=student, ended_at__isnull=True).first()
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
    student.save(update_fields=["advisor", "advisor_since"])
    return assignment


@transaction.atomic
def student_assign_advisor(*, student: Student, advisor: Staff, by: Staff, note: str = "") -> AdvisorAssignment:
    """Hand a student over (接档) to an advisor of the campus, who then owns the whole stay.
    Only a supervisor assigns. Locks the student row."""
    _require_role(by, HANDOVER_ROLES)
    student = Student.objects.select_for_update().get(pk=student.pk)
    errors: dict[str, str] = {}
    if advisor.role != Role.ADVISOR or advisor.campus_id != student.campus_id or not advisor.user.is_active:
        raise InvalidInput("只能移交给本校区的班主任", {"advisor": "不是本校区的班主任"}, code=StudentError.NOT_AN_ADVISOR)
    if student.advisor_id == advisor.pk:
        raise Conflict(StudentError.SAME_ADVISOR, f"{student.name} 已由 {advisor.display_name} 负责")
    note = _text(note, "note", errors, max_length=200)
    _refuse(errors)
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


# --- leads (意向客户登记表), trial lessons and assessments --------------------------------


def _check_lead(data: Mapping[str, Any], campus: Campus, *, partial: bool = False) -> tuple[dict[str, Any], dict]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}

    def present(name: str) -> bool:
        return not partial or name in data

    if present("name"):
        clean["name"] = _text(data.get("name"), "name", errors, max_length=50, required=True)
    if present("phone"):
        phone = normalize_phone(data.get("phone"))
        if not isinstance(phone, str) or not LEAD_PHONE.match(phone):
            errors["phone"] = "请填写联系电话（7–11 位数字）"
        clean["phone"] = phone
    for name, limit in (("contact_name", 50), ("course", 100), ("needs", LONG_TEXT), ("next_step", 200)):
        if present(name):
            clean[name] = _text(data.get(name), name, errors, max_length=limit)
    if present("source"):
        if data.get("source") not in Lead.Source.values:
            errors["source"] = "可选：" + " / ".join(Lead.Source.values)
        clean["source"] = data.get("source")
    if present("status"):
        if data.get("status") not in Lead.Status.values or data.get("status") == Lead.Status.CONVERTED:
            errors["status"] = "状态不正确（报名请用“转为学员”）"
        clean["status"] = data.get("status")
    if present("referred_by"):
        referrer = data.get("referred_by")
        if referrer is not None and (not isinstance(referrer, Student) or referrer.campus_id != campus.pk):
            errors["referred_by"] = "介绍家庭须为本校区学员"
        clean["referred_by"] = referrer
    if present("owner"):
        owner = data.get("owner")
        if owner is not None and (not isinstance(owner, Staff) or owner.campus_id != campus.pk):
            errors["owner"] = "负责人须为本校区员工"
        clean["owner"] = owner
    source = clean.get("source", data.get("source"))
    if source == Lead.Source.REFERRAL and "referred_by" in clean and clean["referred_by"] is None:
        errors.setdefault("referred_by", "转介绍请选择介绍的学员家庭")
    return clean, errors


@transaction.atomic
def lead_create(*, campus: Campus, by: Staff, data: Mapping[str, Any]) -> Lead:
    """Register a prospective family. A referral names the existing family that sent them."""
    _require_role(by, LEAD_ROLES)
    data = {"referred_by": None, "owner": None, **data, "status": Lead.Status.NEW}
    clean, errors = _check_lead(data, campus)
    clean.pop("status", None)
    _refuse(errors)
    return Lead.objects.create(campus=campus, created_by=by, **clean)


@transaction.atomic
def lead_update(*, lead: Lead, by: Staff, changes: Mapping[str, Any]) -> Lead:
    _require_role(by, LEAD_ROLES)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status == Lead.Status.CONVERTED:
        raise Conflict(StudentError.LEAD_CONVERTED, "该客户已报名，请在学员档案中修改")
    clean, errors = _check_lead(changes, lead.campus, partial=True)
    if clean.get("source", lead.source) == Lead.Source.REFERRAL and clean.get("referred_by", lead.referred_by) is None:
        errors.setdefault("referred_by", "转介绍请选择介绍的学员家庭")
    _refuse(errors)
    for name, value in clean.items():
        setattr(lead, name, value)
    lead.save()
    return lead


@transaction.atomic
def lead_convert(
    *,
    lead: Lead,
    by: Staff,
    data: Mapping[str, Any],
    guardians: Sequence[Mapping[str, Any]],
    advisor: str | None = None,
) -> Student:
    """Enrol a lead: the student file is opened with the lead's referral link, and the
    lead's reception log and assessments move to the student."""
    _require_role(by, CREATE_ROLES)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.student_id is not None:
        raise Conflict(StudentError.LEAD_CONVERTED, "该客户已转为学员")
    student = student_create(
        campus=lead.campus, by=by, data=data, guardians=guardians, advisor=advisor, referred_by=lead.referred_by
    )
    lead.student = student
    lead.status = Lead.Status.CONVERTED
    lead.converted_at = timezone.now()
    lead.save(update_fields=["student", "status", "converted_at"])
    ReceptionEntry.objects.filter(lead=lead, student__isnull=True).update(student=student)
    Assessment.objects.filter(lead=lead, student__isnull=True).update(student=student)
    return student


@transaction.atomic
def trial_book(
    *, lead: Lead, by: Staff, teacher: Staff, subject: str, starts_at: datetime, minutes: int | None = None
) -> TrialLesson:
    """Book a trial lesson (试听). The first one lasts 40 minutes whatever was asked."""
    _require_role(by, LEAD_ROLES)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    errors: dict[str, str] = {}
    subject = _text(subject, "subject", errors, max_length=50, required=True)
    if teacher.role != Role.TEACHER or teacher.campus_id != lead.campus_id:
        errors["teacher"] = "请选择本校区的教员"
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        errors["starts_at"] = "请填写试听时间"
    elif starts_at < timezone.now() - timedelta(days=1):
        errors["starts_at"] = "试听时间不能早于昨天"
    first = not lead.trials.exclude(status=TrialLesson.Status.CANCELLED).exists()
    if first:
        minutes = TrialLesson.FIRST_MINUTES
    elif not isinstance(minutes, int) or isinstance(minutes, bool) or not 20 <= minutes <= 180:
        errors["minutes"] = "时长应为 20–180 分钟"
    _refuse(errors)
    trial = TrialLesson.objects.create(
        lead=lead, subject=subject, teacher=teacher, starts_at=starts_at, minutes=minutes, created_by=by
    )
    if lead.status in (Lead.Status.NEW, Lead.Status.FOLLOWING):
        lead.status = Lead.Status.TRIAL
        lead.save(update_fields=["status"])
    return trial


@transaction.atomic
def trial_record_outcome(*, trial: TrialLesson, by: Staff, status: str, feedback: str = "") -> TrialLesson:
    _require_role(by, (*LEAD_ROLES, Role.TEACHER))
    trial = TrialLesson.objects.select_for_update().get(pk=trial.pk)
    errors: dict[str, str] = {}
    if status not in (TrialLesson.Status.ATTENDED, TrialLesson.Status.NO_SHOW, TrialLesson.Status.CANCELLED):
        errors["status"] = "请选择试听结果"
    feedback = _text(feedback, "feedback", errors, max_length=LONG_TEXT)
    _refuse(errors)
    trial.status = status
    trial.feedback = feedback
    trial.save(update_fields=["status", "feedback"])
    return trial


@transaction.atomic
def assessment_record(
    *,
    by: Staff,
    subject: str,
    taken_at: datetime,
    lead: Lead | None = None,
    student: Student | None = None,
    score: str = "",
) -> Assessment:
    """An assessment test was taken (测评); its paper must be analysed within one day."""
    _require_role(by, (*LEAD_ROLES, Role.TEACHER, Role.DEAN))
    errors: dict[str, str] = {}
    if (lead is None) == (student is None):
        errors["lead"] = "请指定意向客户或学员之一"
    subject = _text(subject, "subject", errors, max_length=50, required=True)
    score = _text(score, "score", errors, max_length=20)
    if not isinstance(taken_at, datetime) or timezone.is_naive(taken_at):
        errors["taken_at"] = "请填写测评时间"
    elif taken_at > timezone.now() + timedelta(minutes=5):
        errors["taken_at"] = "测评时间不能晚于现在"
    _refuse(errors)
    return Assessment.objects.create(
        lead=lead,
        student=student,
        subject=subject,
        score=score,
        taken_at=taken_at,
        analysis_due=taken_at + timedelta(days=1),
        created_by=by,
    )


@transaction.atomic
def assessment_analyse(*, assessment: Assessment, by: Staff, analysis: str, teaching_plan: str) -> Assessment:
    """The paper is analysed and a teaching plan made; the lead moves on to 已测评."""
    _require_role(by, (*LEAD_ROLES, Role.TEACHER, Role.DEAN))
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.analysed_at is not None:
        raise Conflict(StudentError.ASSESSMENT_ANALYSED, "这份测评已经分析过了")
    errors: dict[str, str] = {}
    analysis = _text(analysis, "analysis", errors, max_length=LONG_TEXT, required=True)
    teaching_plan = _text(teaching_plan, "teaching_plan", errors, max_length=LONG_TEXT, required=True)
    _refuse(errors)
    assessment.analysis = analysis
    assessment.teaching_plan = teaching_plan
    assessment.analysed_at = timezone.now()
    assessment.analysed_by = by
    assessment.save(update_fields=["analysis", "teaching_plan", "analysed_at", "analysed_by"])
    if assessment.lead_id and assessment.lead.status in (Lead.Status.NEW, Lead.Status.FOLLOWING, Lead.Status.TRIAL):
        Lead.objects.filter(pk=assessment.lead_id).update(status=Lead.Status.ASSESSED)
    return assessment


# --- the reception log (客户接待记录本) ---------------------------------------------------


@transaction.atomic
def reception_entry_create(
    *,
    campus: Campus,
    by: Staff,
    channel: str,
    category: str,
    summary: str,
    visitor: str = "",
    phone: str = "",
    lead: Lead | None = None,
    student: Student | None = None,
    occurred_at: datetime | None = None,
) -> ReceptionEntry:
    _require_role(by, LEAD_ROLES)
    errors: dict[str, str] = {}
    if channel not in ReceptionEntry.Channel.values:
        errors["channel"] = "请选择来访或来电"
    if category not in ReceptionEntry.Category.values:
        errors["category"] = "请选择类别"
    summary = _text(summary, "summary", errors, max_length=LONG_TEXT, required=True)
    visitor = _text(visitor, "visitor", errors, max_length=50)
    phone = _text(normalize_phone(phone), "phone", errors, max_length=20)
    if lead is not None and lead.campus_id != campus.pk:
        errors["lead"] = "不是本校区的客户"
    if student is not None and student.campus_id != campus.pk:
        errors["student"] = "不是本校区的学员"
    now = timezone.now()
    if occurred_at is None:
        occurred_at = now
    elif occurred_at > now + timedelta(minutes=5):
        errors["occurred_at"] = "时间不能晚于现在"
    _refuse(errors)
    if lead is None and student is None and phone:
        # a caller known by their number is filed under their family or their lead
        guardian = Guardian.objects.filter(phone=phone, student__campus=campus).select_related("student").first()
        if guardian is not None:
            student = guardian.student
        else:
            lead = Lead.objects.filter(phone=phone, campus=campus).order_by("-created_at").first()
    return ReceptionEntry.objects.create(
        campus=campus,
        occurred_at=occurred_at,
        channel=channel,
        category=category,
        summary=summary,
        visitor=visitor,
        phone=phone,
        lead=lead,
        student=student,
        created_by=by,
    )


# --- the hourly lobby round (安全卫生巡查记录表) ------------------------------------------

# The lobby standard of the front-desk manual (§一.2), area by area, with the department
# that puts a failure right.
LOBBY_STANDARD: list[dict[str, str]] = [
    {
        "area": "前台台面",
        "standard": "前台接待台面干净整洁无杂物，台面办公用品、各种记录本和资料夹摆放整齐，工作电脑无灰尘。",
        "department": "客服部",
    },
    {
        "area": "货架/杯架",
        "standard": "销售货架及销售物品摆放整齐，表面无灰尘；杯架架面无灰尘无异物，杯子摆放整齐。",
        "department": "客服部",
    },
    {
        "area": "厕所",
        "standard": "厕所无异味，地面无杂物、污渍、水印，便池及附件无污渍黄印，洗手池拖把池无污渍黄印。",
        "department": "后勤部",
    },
    {
        "area": "沙发/茶几/饮水机",
        "standard": "沙发整洁无杂物，茶几表面干净无灰尘，饮水机能正常加热，水量充足。",
        "department": "后勤部",
    },
    {
        "area": "大厅地面",
        "standard": "大厅地面无杂物、污渍、积水，整洁无异味，纸篓无溢出。",
        "department": "后勤部",
    },
]
LOBBY_AREAS = [item["area"] for item in LOBBY_STANDARD]
DEPARTMENTS = ["客服部", "后勤部", "教务部", "行政部", "安保"]


@transaction.atomic
def hygiene_round_record(
    *,
    campus: Campus,
    by: Staff,
    findings: Sequence[Mapping[str, str]],
    note: str = "",
    checked_at: datetime | None = None,
) -> HygieneRound:
    """One hourly round of the lobby: each failed area is a finding for its department."""
    _require_role(by, (Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.PRINCIPAL, Role.HQ_ADMIN))
    errors: dict[str, str] = {}
    note = _text(note, "note", errors, max_length=200)
    clean: list[dict[str, str]] = []
    for i, raw in enumerate(findings):
        area = raw.get("area")
        if area not in LOBBY_AREAS:
            errors[f"findings.{i}.area"] = "未知区域"
        problem = _text(raw.get("problem"), f"findings.{i}.problem", errors, max_length=200, required=True)
        department = raw.get("department") or next(
            (s["department"] for s in LOBBY_STANDARD if s["area"] == area), ""
        )
        if department not in DEPARTMENTS:
            errors[f"findings.{i}.department"] = "请选择责任部门"
        clean.append({"area": area, "problem": problem, "department": department})
    now = timezone.now()
    checked_at = checked_at or now
    if checked_at > now + timedelta(minutes=5):
        errors["checked_at"] = "巡查时间不能晚于现在"
    _refuse(errors)
    round_ = HygieneRound.objects.create(
        campus=campus, checked_at=checked_at, checked_by=by, all_ok=not clean, note=note
    )
    HygieneFinding.objects.bulk_create([HygieneFinding(round=round_, **row) for row in clean])
    return round_


@transaction.atomic
def hygiene_finding_close(*, finding: HygieneFinding, by: Staff, fix_note: str = "") -> HygieneFinding:
    """The department has put the finding right."""
    finding = HygieneFinding.objects.select_for_update().get(pk=finding.pk)
    if finding.status == HygieneFinding.Status.CLOSED:
        raise Conflict(StudentError.FINDING_CLOSED, "该问题已整改关闭")
    errors: dict[str, str] = {}
    fix_note = _text(fix_note, "fix_note", errors, max_length=200)
    _refuse(errors)
    finding.status = HygieneFinding.Status.CLOSED
    finding.closed_at = timezone.now()
    finding.closed_by = by
    finding.fix_note = fix_note
    finding.save(update_fields=["status", "closed_at", "closed_by", "fix_note"])
    return finding
