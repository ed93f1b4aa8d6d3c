"""The monthly records of a student (辅导中期): assessments, learning plans, growth records,
homework, the teachers' summaries and the satisfaction survey.

Who keeps them: a teacher for the students they teach (and only in subjects they teach),
an advisor for their own students, the dean / CS supervisor / principal for the campus —
each record kind names its roles in retention/roles.py. A month's record exists once: a second one is
409 `record_exists`. Each service locks the student row, so two people saving the same
month's record at once get one record and one refusal."""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.models import Staff, Subject
from core.roles import Role, allows
from core.text import clean_text
from students.models import Student

from ..errors import RetentionError
from ..models import (
    GrowthRecord,
    Homework,
    LearningPlan,
    MonthlyAssessment,
    SatisfactionSurvey,
    SurveyAnswer,
    SurveyQuestion,
    TeacherSummary,
)
from ..roles import ROLES
from ..selectors import students_taught_by
from ._checks import clean_choice, clean_month, last_of_month

M = TypeVar("M", bound=models.Model)

LONG_TEXT = 2000
DEFAULT_QUESTIONS = [
    "对任课教师的教学是否满意",
    "孩子的学习状态和成绩是否有进步",
    "对班主任的服务与沟通是否满意",
    "对排课与上课时间安排是否满意",
    "对学校环境与前台接待是否满意",
]
HOMEWORK_LONGEST = timedelta(days=60)


# --- who may keep a student's records ---------------------------------------------------


def may_keep_records(*, student: Student, by: Staff, roles: frozenset[str]) -> bool:
    try:
        check_keeps_records(student=student, by=by, roles=roles)
    except (Forbidden, NotFound):
        return False
    return True


def check_keeps_records(*, student: Student, by: Staff, roles: frozenset[str]) -> None:
    """403 unless `by` has one of `roles` and, as a teacher, teaches the student or, as an
    advisor, owns them; 404 for a student of another campus."""
    if not allows(roles, by.role):
        raise Forbidden("您的角色不能登记此项记录")
    if not by.sees_all_campuses and by.campus_id != student.campus_id:
        raise NotFound()
    if by.role == Role.TEACHER and not students_taught_by(by).filter(pk=student.pk).exists():
        raise Forbidden(f"{student.name} 不是您任教的学员", code=RetentionError.NOT_OWN_STUDENT)
    if by.role == Role.ADVISOR and student.advisor_id != by.pk:
        raise Forbidden(f"{student.name} 不是您负责的学员", code=RetentionError.NOT_OWN_STUDENT)


def _check_subject(subject: Any, by: Staff, errors: dict[str, str]) -> Subject | None:
    if not isinstance(subject, Subject):
        errors["subject"] = "请选择科目"
        return None
    # 排错科目: a teacher writes only about the subjects they teach
    if by.role == Role.TEACHER and not by.subjects.filter(pk=subject.pk).exists():
        errors["subject"] = f"您不教{subject.name}"
    return subject


def _locked_for(student: Student, by: Staff, roles: frozenset[str]) -> Student:
    """The student row, locked, once `by` may keep its records (see check_keeps_records)."""
    student = Student.objects.select_for_update().get(pk=student.pk)
    check_keeps_records(student=student, by=by, roles=roles)
    return student


def _refuse(errors: dict[str, str], what: str) -> None:
    if errors:
        raise InvalidInput(f"{what}有误：" + "；".join(errors.values()), errors)


def _save_once(record: M, message: str, exists: bool) -> M:
    """Insert `record` unless its month's record exists; the unique constraint backs the
    check up when two people save at once."""
    if exists:
        raise Conflict(RetentionError.RECORD_EXISTS, message)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise Conflict(RetentionError.RECORD_EXISTS, message)
    return record


def _today(now: datetime | None) -> date:
    return timezone.localdate(now or timezone.now())


# --- assessments and plans --------------------------------------------------------------


@transaction.atomic
def monthly_assessment_record(
    *,
    student: Student,
    subject: Subject | None,
    month: date | str,
    score: str,
    analysis: str,
    by: Staff,
    now: datetime | None = None,
) -> MonthlyAssessment:
    """月测评: one assessment per student, subject and month, with its quality analysis."""
    student = _locked_for(student, by, ROLES["assess"])
    errors: dict[str, str] = {}
    subject = _check_subject(subject, by, errors)
    month = clean_month(month, "month", errors, latest=_today(now))
    score = clean_text(score, "score", errors, max_length=20, required=True)
    analysis = clean_text(analysis, "analysis", errors, max_length=LONG_TEXT, required=True)
    _refuse(errors, "月测评")
    exists = MonthlyAssessment.objects.filter(student=student, subject=subject, month=month).exists()
    return _save_once(
        MonthlyAssessment(
            campus=student.campus, student=student, subject=subject, month=month, score=score, analysis=analysis, by=by
        ),
        f"{student.name} {month:%Y-%m} 的{subject.name}月测评已登记",
        exists,
    )


@transaction.atomic
def monthly_assessment_share(
    *, assessment: MonthlyAssessment, by: Staff, now: datetime | None = None
) -> MonthlyAssessment:
    """The result and analysis were told to the parent."""
    assessment = MonthlyAssessment.objects.select_for_update().select_related("student").get(pk=assessment.pk)
    check_keeps_records(student=assessment.student, by=by, roles=ROLES["share_assessment"])
    if assessment.shared_with_parent_at is not None:
        raise Conflict(RetentionError.ALREADY_SHARED, "已告知家长")
    assessment.shared_with_parent_at = now or timezone.now()
    assessment.shared_by = by
    assessment.save(update_fields=["shared_with_parent_at", "shared_by"])
    return assessment


@transaction.atomic
def learning_plan_record(
    *, student: Student, month: date | str, content: str, by: Staff, now: datetime | None = None
) -> LearningPlan:
    """The month's learning plan (学习计划与方案), one per student and month."""
    student = _locked_for(student, by, ROLES["plan"])
    errors: dict[str, str] = {}
    month = clean_month(month, "month", errors, latest=_today(now))
    content = clean_text(content, "content", errors, max_length=LONG_TEXT, required=True)
    _refuse(errors, "学习计划")
    exists = LearningPlan.objects.filter(student=student, month=month).exists()
    return _save_once(
        LearningPlan(campus=student.campus, student=student, month=month, content=content, by=by),
        f"{student.name} {month:%Y-%m} 的学习计划已制定",
        exists,
    )


# --- growth records ---------------------------------------------------------------------


def half_of(day: date) -> int:
    """Days 1–15 are the first half of a month, the 16th to the end the second."""
    return GrowthRecord.Half.FIRST if day.day <= 15 else GrowthRecord.Half.SECOND


@transaction.atomic
def growth_record_add(
    *, student: Student, on: date | None, content: str, by: Staff, now: datetime | None = None
) -> GrowthRecord:
    """成长记录 of the half month that `on` falls in (two a month)."""
    student = _locked_for(student, by, ROLES["growth"])
    errors: dict[str, str] = {}
    today = _today(now)
    if isinstance(on, datetime) or not isinstance(on, date):
        errors["on"] = "请填写日期"
    elif on > today:
        errors["on"] = "不能是将来的日期"
    elif on < today - timedelta(days=366):
        errors["on"] = "不能早于一年前"
    content = clean_text(content, "content", errors, max_length=LONG_TEXT, required=True)
    _refuse(errors, "成长记录")
    month, half = on.replace(day=1), half_of(on)
    exists = GrowthRecord.objects.filter(student=student, month=month, half=half).exists()
    record = GrowthRecord(campus=student.campus, student=student, month=month, half=half, content=content, by=by)
    return _save_once(record, f"{student.name} {month:%Y-%m}{record.get_half_display()}的成长记录已写", exists)


# --- homework ---------------------------------------------------------------------------


@transaction.atomic
def homework_set(
    *,
    student: Student,
    subject: Subject | None,
    content: str,
    due_on: date | None,
    by: Staff,
    now: datetime | None = None,
) -> Homework:
    """布置作业: the teacher sets homework of their subject, due by the next lesson."""
    student = _locked_for(student, by, ROLES["set_homework"])
    errors: dict[str, str] = {}
    now = now or timezone.now()
    today = timezone.localdate(now)
    subject = _check_subject(subject, by, errors)
    content = clean_text(content, "content", errors, max_length=LONG_TEXT, required=True)
    if isinstance(due_on, datetime) or not isinstance(due_on, date):
        errors["due_on"] = "请填写完成期限"
    elif due_on < today:
        errors["due_on"] = "完成期限不能早于今天"
    elif due_on > today + HOMEWORK_LONGEST:
        errors["due_on"] = "完成期限不能超过 60 天"
    _refuse(errors, "作业")
    return Homework.objects.create(
        campus=student.campus, student=student, subject=subject, content=content, due_on=due_on, set_by=by, set_at=now
    )


def _locked_homework(homework: Homework) -> Homework:
    return Homework.objects.select_for_update().select_related("student", "subject").get(pk=homework.pk)


@transaction.atomic
def homework_check(
    *, homework: Homework, result: str, note: str = "", by: Staff, now: datetime | None = None
) -> Homework:
    """检查作业: done, partly done or not done, once."""
    homework = _locked_homework(homework)
    check_keeps_records(student=homework.student, by=by, roles=ROLES["check_homework"])
    if homework.checked_at is not None:
        raise Conflict(RetentionError.HOMEWORK_CHECKED, "这份作业已检查")
    errors: dict[str, str] = {}
    result = clean_choice(result, "result", errors, Homework.Result.values, "请选择完成情况")
    note = clean_text(note, "check_note", errors, max_length=500)
    _refuse(errors, "作业检查")
    homework.result, homework.check_note = result, note
    homework.checked_at, homework.checked_by = now or timezone.now(), by
    homework.save(update_fields=["result", "check_note", "checked_at", "checked_by"])
    return homework


@transaction.atomic
def homework_show_parent(*, homework: Homework, by: Staff, now: datetime | None = None) -> Homework:
    """The homework (and, once checked, how it went) was shown to the parent."""
    homework = _locked_homework(homework)
    check_keeps_records(student=homework.student, by=by, roles=ROLES["show_homework"])
    if homework.shown_to_parent_at is not None:
        raise Conflict(RetentionError.ALREADY_SHARED, "已告知家长")
    homework.shown_to_parent_at, homework.shown_by = now or timezone.now(), by
    homework.save(update_fields=["shown_to_parent_at", "shown_by"])
    return homework


# --- teachers' summaries ------------------------------------------------------------------


@transaction.atomic
def teacher_summary_write(
    *,
    student: Student,
    subject: Subject | None,
    kind: str,
    content: str,
    by: Staff,
    month: date | str | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    now: datetime | None = None,
) -> TeacherSummary:
    """阶段性总结 (a stage: `period_start`–`period_end`, ended) or 月总结 (`month`; one per
    teacher, student, subject and month)."""
    student = _locked_for(student, by, ROLES["summarise"])
    errors: dict[str, str] = {}
    today = _today(now)
    subject = _check_subject(subject, by, errors)
    kind = clean_choice(kind, "kind", errors, TeacherSummary.Kind.values, "请选择阶段总结或月总结")
    content = clean_text(content, "content", errors, max_length=LONG_TEXT, required=True)
    if kind == TeacherSummary.Kind.MONTHLY:
        first = clean_month(month, "month", errors, latest=today)
        if first is not None:
            period_start, period_end = first, last_of_month(first)
    elif kind == TeacherSummary.Kind.STAGE:
        for name, value in (("period_start", period_start), ("period_end", period_end)):
            if isinstance(value, datetime) or not isinstance(value, date):
                errors[name] = "请填写日期"
        if "period_start" not in errors and "period_end" not in errors:
            if period_end < period_start:
                errors["period_end"] = "不能早于开始日期"
            elif period_end > today:
                errors["period_end"] = "阶段尚未结束"
            elif period_start < today - timedelta(days=3 * 366):
                errors["period_start"] = "日期不合理"
    _refuse(errors, "教员总结")
    exists = (
        kind == TeacherSummary.Kind.MONTHLY
        and TeacherSummary.objects.filter(
            student=student, subject=subject, by=by, kind=kind, period_start=period_start
        ).exists()
    )
    return _save_once(
        TeacherSummary(
            campus=student.campus, student=student, subject=subject, kind=kind, content=content, by=by,
            period_start=period_start, period_end=period_end,
        ),
        f"{student.name} {period_start:%Y-%m} 的{subject.name}月总结已写",
        exists,
    )


# --- satisfaction survey ------------------------------------------------------------------


@transaction.atomic
def survey_questions_ensure() -> list[SurveyQuestion]:
    """The active questions of the survey; the seed's defaults the first time there are none."""
    if not SurveyQuestion.objects.exists():
        for order, text in enumerate(DEFAULT_QUESTIONS, start=1):
            SurveyQuestion.objects.get_or_create(text=text, defaults={"order": order})
    return list(SurveyQuestion.objects.filter(active=True))


@transaction.atomic
def survey_record(
    *,
    student: Student,
    month: date | str,
    respondent: str,
    scores: Mapping[int, Any],
    comment: str = "",
    by: Staff,
    now: datetime | None = None,
) -> SatisfactionSurvey:
    """The month's satisfaction survey: a 1–5 score for every active question (by id) and
    the family's comment. One per student and month."""
    student = _locked_for(student, by, ROLES["survey"])
    errors: dict[str, str] = {}
    month = clean_month(month, "month", errors, latest=_today(now))
    respondent = clean_choice(
        respondent, "respondent", errors, SatisfactionSurvey.Respondent.values, "请选择填写人（家长或学员）"
    )
    comment = clean_text(comment, "comment", errors, max_length=LONG_TEXT)
    questions = survey_questions_ensure()
    clean_scores: dict[SurveyQuestion, int] = {}
    for question in questions:
        value = scores.get(question.pk)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[f"q{question.pk}"] = "请打 1–5 分"
        else:
            clean_scores[question] = value
    _refuse(errors, "满意度调查")
    exists = SatisfactionSurvey.objects.filter(student=student, month=month).exists()
    survey = _save_once(
        SatisfactionSurvey(
            campus=student.campus, student=student, month=month, respondent=respondent, comment=comment, by=by
        ),
        f"{student.name} {month:%Y-%m} 的满意度调查已登记",
        exists,
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(survey=survey, question=question, score=score) for question, score in clean_scores.items()
    )
    return survey
