"""Leads (意向客户登记表), trial lessons, assessments and the reception log (客户接待记录本)."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.contributions import busy_sources
from core.errors import Conflict, InvalidInput
from core.models import Campus, Staff
from core.roles import Role
from core.text import clean_text
from core.validation import date_problem

from ..errors import StudentError
from ..models import (
    Assessment,
    Guardian,
    Lead,
    ReceptionEntry,
    Student,
    TrialLesson,
)
from ..selectors import trial_at
from .audit import record
from .policy import check_opens_files, require_allowed
from .students import student_create
from .validation import LEAD_PHONE, LONG_TEXT, normalize_phone, refuse

# --- leads (意向客户登记表), trial lessons and assessments --------------------------------


def _check_lead(
    data: Mapping[str, Any], campus: Campus, *, partial: bool = False
) -> tuple[dict[str, Any], dict]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}

    def present(name: str) -> bool:
        return not partial or name in data

    if present("name"):
        clean["name"] = clean_text(data.get("name"), "name", errors, max_length=50, required=True)
    if present("phone"):
        phone = normalize_phone(data.get("phone"))
        if not isinstance(phone, str) or not LEAD_PHONE.match(phone):
            errors["phone"] = "请填写联系电话（7–11 位数字）"
        clean["phone"] = phone
    for name, limit in (("contact_name", 50), ("course", 100), ("needs", LONG_TEXT), ("next_step", 200)):
        if present(name):
            clean[name] = clean_text(data.get(name), name, errors, max_length=limit)
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
    require_allowed(by, "leads")
    data = {"referred_by": None, "owner": None, **data, "status": Lead.Status.NEW}
    clean, errors = _check_lead(data, campus)
    clean.pop("status", None)
    refuse(errors)
    return record(Lead(campus=campus, created_by=by, **clean), by)


@transaction.atomic
def lead_update(*, lead: Lead, by: Staff, changes: Mapping[str, Any]) -> Lead:
    require_allowed(by, "leads")
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status == Lead.Status.CONVERTED:
        raise Conflict(StudentError.LEAD_CONVERTED, "该客户已报名，请在学员档案中修改")
    clean, errors = _check_lead(changes, lead.campus, partial=True)
    if (
        clean.get("source", lead.source) == Lead.Source.REFERRAL
        and clean.get("referred_by", lead.referred_by) is None
    ):
        errors.setdefault("referred_by", "转介绍请选择介绍的学员家庭")
    refuse(errors)
    for name, value in clean.items():
        setattr(lead, name, value)
    return record(lead, by)


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
    check_opens_files(by)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.student_id is not None:
        raise Conflict(StudentError.LEAD_CONVERTED, "该客户已转为学员")
    student = student_create(
        campus=lead.campus,
        by=by,
        data=data,
        guardians=guardians,
        advisor=advisor,
        referred_by=lead.referred_by,
    )
    lead.student = student
    lead.status = Lead.Status.CONVERTED
    lead.converted_at = timezone.now()
    record(lead, by, update_fields=["student", "status", "converted_at"])
    ReceptionEntry.objects.filter(lead=lead, student__isnull=True).update(student=student)
    Assessment.objects.filter(lead=lead, student__isnull=True).update(student=student)
    return student


def trial_clash(*, teacher: Staff, starts_at: datetime, ends_at: datetime) -> str | None:
    """What the teacher already has in [starts_at, ends_at): another trial, or what an
    upper app books (lessons and group sessions: `core.contributions.busy_sources`)."""
    clash = trial_at(teacher=teacher, starts_at=starts_at, ends_at=ends_at)
    if clash is not None:
        start, end = timezone.localtime(clash.starts_at), timezone.localtime(clash.ends_at)
        return f"教员{teacher} {start:%m月%d日 %H:%M}–{end:%H:%M} 已有{clash.lead.name}的{clash.subject}试听"
    return next((m for source in busy_sources.items() if (m := source.clash(teacher, starts_at, ends_at))), None)


def trial_check_teacher(*, teacher: Staff, subject: str, starts_at: datetime, minutes: int) -> None:
    """A trial is a lesson: its teacher teaches its subject (422 wrong_subject) and is free
    then (409 schedule_conflict, the teacher's row locked as scheduling's bookings lock it)."""
    if not teacher.subjects.filter(name__iexact=subject).exists():
        taught = "、".join(teacher.subjects.values_list("name", flat=True)) or "无"
        raise InvalidInput(
            f"{teacher} 不教{subject}（任教科目：{taught}）",
            {"subject": f"该教员不教{subject}"},
            code=StudentError.WRONG_SUBJECT,
        )
    list(Staff.objects.select_for_update().filter(pk=teacher.pk).values_list("pk"))
    clash = trial_clash(teacher=teacher, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes))
    if clash:
        raise Conflict(StudentError.SCHEDULE_CONFLICT, f"撞课：{clash}", {"teacher": clash})


@transaction.atomic
def trial_book(
    *, lead: Lead, by: Staff, teacher: Staff, subject: str, starts_at: datetime, minutes: int | None = None
) -> TrialLesson:
    """Book a trial lesson (试听). The first one lasts 40 minutes whatever was asked."""
    require_allowed(by, "leads")
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    errors: dict[str, str] = {}
    subject = clean_text(subject, "subject", errors, max_length=50, required=True)
    if teacher.role != Role.TEACHER or teacher.campus_id != lead.campus_id:
        errors["teacher"] = "请选择本校区的教员"
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        errors["starts_at"] = "请填写试听时间"
    elif problem := date_problem("trial", starts_at):
        errors["starts_at"] = problem
    first = not lead.trials.exclude(status=TrialLesson.Status.CANCELLED).exists()
    if first:
        minutes = TrialLesson.FIRST_MINUTES
    elif not isinstance(minutes, int) or isinstance(minutes, bool) or not 20 <= minutes <= TrialLesson.LONGEST_MINUTES:
        errors["minutes"] = "时长应为 20–180 分钟"
    refuse(errors)
    trial_check_teacher(teacher=teacher, subject=subject, starts_at=starts_at, minutes=minutes)
    trial = TrialLesson.objects.create(
        lead=lead, subject=subject, teacher=teacher, starts_at=starts_at, minutes=minutes, created_by=by
    )
    if lead.status in (Lead.Status.NEW, Lead.Status.FOLLOWING):
        lead.status = Lead.Status.TRIAL
        lead.save(update_fields=["status"])
    return trial


@transaction.atomic
def trial_record_outcome(*, trial: TrialLesson, by: Staff, status: str, feedback: str = "") -> TrialLesson:
    require_allowed(by, "trial_outcome")
    trial = TrialLesson.objects.select_for_update().get(pk=trial.pk)
    errors: dict[str, str] = {}
    if status not in (TrialLesson.Status.ATTENDED, TrialLesson.Status.NO_SHOW, TrialLesson.Status.CANCELLED):
        errors["status"] = "请选择试听结果"
    feedback = clean_text(feedback, "feedback", errors, max_length=LONG_TEXT)
    refuse(errors)
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
    require_allowed(by, "assess")
    errors: dict[str, str] = {}
    if (lead is None) == (student is None):
        errors["lead"] = "请指定意向客户或学员之一"
    subject = clean_text(subject, "subject", errors, max_length=50, required=True)
    score = clean_text(score, "score", errors, max_length=20)
    if not isinstance(taken_at, datetime) or timezone.is_naive(taken_at):
        errors["taken_at"] = "请填写测评时间"
    elif problem := date_problem("assessment", taken_at):
        errors["taken_at"] = problem
    refuse(errors)
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
    require_allowed(by, "assess")
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.analysed_at is not None:
        raise Conflict(StudentError.ASSESSMENT_ANALYSED, "这份测评已经分析过了")
    errors: dict[str, str] = {}
    analysis = clean_text(analysis, "analysis", errors, max_length=LONG_TEXT, required=True)
    teaching_plan = clean_text(teaching_plan, "teaching_plan", errors, max_length=LONG_TEXT, required=True)
    refuse(errors)
    assessment.analysis = analysis
    assessment.teaching_plan = teaching_plan
    assessment.analysed_at = timezone.now()
    assessment.analysed_by = by
    assessment.save(update_fields=["analysis", "teaching_plan", "analysed_at", "analysed_by"])
    if assessment.lead_id and assessment.lead.status in (
        Lead.Status.NEW,
        Lead.Status.FOLLOWING,
        Lead.Status.TRIAL,
    ):
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
    require_allowed(by, "leads")
    errors: dict[str, str] = {}
    if channel not in ReceptionEntry.Channel.values:
        errors["channel"] = "请选择来访或来电"
    if category not in ReceptionEntry.Category.values:
        errors["category"] = "请选择类别"
    summary = clean_text(summary, "summary", errors, max_length=LONG_TEXT, required=True)
    visitor = clean_text(visitor, "visitor", errors, max_length=50)
    phone = clean_text(normalize_phone(phone), "phone", errors, max_length=20)
    if lead is not None and lead.campus_id != campus.pk:
        errors["lead"] = "不是本校区的客户"
    if student is not None and student.campus_id != campus.pk:
        errors["student"] = "不是本校区的学员"
    now = timezone.now()
    if occurred_at is None:
        occurred_at = now
    elif problem := date_problem("reception", occurred_at, now=now):
        errors["occurred_at"] = problem
    refuse(errors)
    if lead is None and student is None and phone:
        # a caller known by their number is filed under their family or their lead
        guardian = (
            Guardian.objects.filter(phone=phone, student__campus=campus).select_related("student").first()
        )
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
