"""The monthly records (辅导中期): each kind recorded through its service with its refusals,
who may keep whose records, and the list of what a month is missing. Fixed dates: March
2026, judged as if it were the 31st."""

from datetime import date

import pytest

from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.roles import Role
from core.services import subject_get_or_create
from retention import selectors, services
from retention.models import (
    GrowthRecord,
    Homework,
    LearningPlan,
    MonthlyAssessment,
    SurveyAnswer,
    TeacherSummary,
)
from students.models import Student

from .followup_makers import at, book, make_student, make_teacher

pytestmark = pytest.mark.django_db

NOW = at("2026-03-31", "18:00")
MARCH = date(2026, 3, 1)


@pytest.fixture
def teacher(campus):
    return make_teacher(campus, "钢琴", "数学")


@pytest.fixture
def student(campus, advisor, teacher):
    pupil = make_student(campus, advisor, name="张子涵", since=at("2026-02-20"))
    book(pupil, teacher, at("2026-03-02", "16:00"), subject="钢琴")
    book(pupil, teacher, at("2026-03-04", "16:00"), subject="数学")
    return pupil


@pytest.fixture
def piano():
    return subject_get_or_create(name="钢琴")


def assess(student, by, subject, month=MARCH, **kwargs):
    fields = {"score": "92", "analysis": "视奏进步明显，左手节奏仍需练习"} | kwargs
    return services.monthly_assessment_record(student=student, subject=subject, month=month, by=by, now=NOW, **fields)


# --- each record ------------------------------------------------------------------------------


def test_a_teacher_records_the_months_assessment_and_the_advisor_tells_the_parent(student, teacher, advisor, piano):
    assessment = assess(student, teacher, piano)
    assert (assessment.month, assessment.subject, assessment.score, assessment.by) == (MARCH, piano, "92", teacher)
    shared = services.monthly_assessment_share(assessment=assessment, by=advisor, now=NOW)
    assert shared.shared_with_parent_at == NOW and shared.shared_by == advisor
    with pytest.raises(Conflict) as refused:
        services.monthly_assessment_share(assessment=assessment, by=advisor, now=NOW)
    assert refused.value.code == "already_shared"


def test_one_assessment_per_subject_and_month(student, teacher, piano):
    assess(student, teacher, piano, month="2026-03")
    with pytest.raises(Conflict) as refused:
        assess(student, teacher, piano, month=date(2026, 3, 17))
    assert refused.value.code == "record_exists"
    assess(student, teacher, subject_get_or_create(name="数学"))
    assess(student, teacher, piano, month=date(2026, 2, 1))
    assert MonthlyAssessment.objects.count() == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("score", ""),
        ("analysis", "  "),
        ("analysis", "好" * 2001),
        ("analysis", "正常\x00"),
        ("month", date(2026, 4, 1)),
        ("month", "2026-13"),
        ("month", None),
        ("subject", None),
    ],
)
def test_a_bad_assessment_names_its_field_and_saves_nothing(student, teacher, piano, field, value):
    kwargs = {"subject": piano, "month": MARCH, field: value}
    with pytest.raises(InvalidInput) as refused:
        assess(student, teacher, **kwargs)
    assert field in refused.value.fields
    assert not MonthlyAssessment.objects.exists()


def test_a_teacher_writes_only_about_a_subject_they_teach(campus, student):
    pianist = make_teacher(campus, "钢琴")
    book(student, pianist, at("2026-03-06", "16:00"))
    with pytest.raises(InvalidInput) as refused:
        assess(student, pianist, subject_get_or_create(name="数学"))
    assert refused.value.fields == {"subject": "您不教数学"}


def test_a_teacher_is_refused_another_teachers_student(campus, student, piano):
    stranger = make_teacher(campus, "钢琴")
    with pytest.raises(Forbidden) as refused:
        assess(student, stranger, piano)
    assert refused.value.code == "not_own_student"
    with pytest.raises(Forbidden):
        services.learning_plan_record(student=student, month=MARCH, content="计划", by=stranger, now=NOW)
    assert not selectors.record_students_for(stranger).filter(pk=student.pk).exists()
    assert selectors.record_students_for(make_teacher(campus)).count() == 0


def test_an_advisor_keeps_the_records_of_their_own_students_only(campus, student, advisor, make_staff):
    other = make_staff(Role.ADVISOR)
    with pytest.raises(Forbidden) as refused:
        services.growth_record_add(student=student, on=date(2026, 3, 5), content="主动提问", by=other, now=NOW)
    assert refused.value.code == "not_own_student"
    services.growth_record_add(student=student, on=date(2026, 3, 5), content="主动提问", by=advisor, now=NOW)


def test_another_campus_is_not_found_and_a_wrong_role_is_refused(student, make_staff, other_campus, piano):
    with pytest.raises(NotFound):
        assess(student, make_staff(Role.DEAN, campus=other_campus), piano)
    with pytest.raises(Forbidden):
        assess(student, make_staff(Role.FRONT_DESK), piano)
    with pytest.raises(Forbidden):  # the plan is the teachers' (and the dean's) to write
        services.learning_plan_record(student=student, month=MARCH, content="计划", by=student.advisor, now=NOW)


def test_the_learning_plan_once_a_month(student, teacher):
    plan = services.learning_plan_record(student=student, month=MARCH, content="每周两次钢琴，练习音阶", by=teacher, now=NOW)
    assert (plan.month, plan.by) == (MARCH, teacher)
    with pytest.raises(Conflict):
        services.learning_plan_record(student=student, month="2026-03", content="再来一份", by=teacher, now=NOW)
    with pytest.raises(InvalidInput) as refused:
        services.learning_plan_record(student=student, month=date(2026, 4, 1), content="", by=teacher, now=NOW)
    assert set(refused.value.fields) == {"month", "content"}
    assert LearningPlan.objects.count() == 1


def test_growth_records_go_to_their_half_of_the_month(student, advisor, teacher):
    first = services.growth_record_add(student=student, on=date(2026, 3, 15), content="上课专注", by=advisor, now=NOW)
    second = services.growth_record_add(student=student, on=date(2026, 3, 16), content="作业认真", by=teacher, now=NOW)
    assert (first.month, first.half, second.half) == (MARCH, GrowthRecord.Half.FIRST, GrowthRecord.Half.SECOND)
    with pytest.raises(Conflict):
        services.growth_record_add(student=student, on=date(2026, 3, 1), content="又一条", by=advisor, now=NOW)
    for on, field in [(date(2026, 4, 1), "on"), (None, "on"), (date(2024, 1, 1), "on")]:
        with pytest.raises(InvalidInput) as refused:
            services.growth_record_add(student=student, on=on, content="x", by=advisor, now=NOW)
        assert field in refused.value.fields


def test_homework_is_set_checked_and_shown_to_the_parent(student, teacher, advisor, piano):
    homework = services.homework_set(
        student=student, subject=piano, content="练习C大调音阶 20 分钟", due_on=date(2026, 4, 2), by=teacher, now=NOW
    )
    assert homework.result == "" and homework.set_at == NOW
    checked = services.homework_check(homework=homework, result="partly", note="左手未练", by=teacher, now=NOW)
    assert (checked.result, checked.check_note, checked.checked_by) == ("partly", "左手未练", teacher)
    with pytest.raises(Conflict) as refused:
        services.homework_check(homework=homework, result="done", by=advisor, now=NOW)
    assert refused.value.code == "homework_checked"
    shown = services.homework_show_parent(homework=homework, by=advisor, now=NOW)
    assert shown.shown_to_parent_at == NOW and shown.shown_by == advisor
    with pytest.raises(Conflict):
        services.homework_show_parent(homework=homework, by=advisor, now=NOW)


def test_homework_refusals(student, teacher, advisor, piano):
    for changes, field in [
        ({"due_on": date(2026, 3, 30)}, "due_on"),
        ({"due_on": date(2026, 6, 30)}, "due_on"),
        ({"content": ""}, "content"),
    ]:
        kwargs = {"subject": piano, "content": "练琴", "due_on": date(2026, 4, 2)} | changes
        with pytest.raises(InvalidInput) as refused:
            services.homework_set(student=student, by=teacher, now=NOW, **kwargs)
        assert field in refused.value.fields
    with pytest.raises(Forbidden):  # the teacher sets homework
        services.homework_set(student=student, subject=piano, content="练琴", due_on=date(2026, 4, 2), by=advisor, now=NOW)
    homework = services.homework_set(student=student, subject=piano, content="练琴", due_on=date(2026, 4, 2), by=teacher, now=NOW)
    with pytest.raises(InvalidInput) as refused:
        services.homework_check(homework=homework, result="maybe", by=teacher, now=NOW)
    assert "result" in refused.value.fields
    assert not Homework.objects.filter(checked_at__isnull=False).exists()


def test_teachers_write_monthly_and_stage_summaries(student, teacher, piano):
    monthly = services.teacher_summary_write(
        student=student, subject=piano, kind="monthly", month="2026-03", content="本月完成两首练习曲", by=teacher, now=NOW
    )
    assert (monthly.period_start, monthly.period_end) == (MARCH, date(2026, 3, 31))
    with pytest.raises(Conflict):
        services.teacher_summary_write(
            student=student, subject=piano, kind="monthly", month=MARCH, content="重复", by=teacher, now=NOW
        )
    stage = services.teacher_summary_write(
        student=student, subject=piano, kind="stage", period_start=date(2026, 2, 1), period_end=date(2026, 3, 20),
        content="第一阶段：识谱与基本指法", by=teacher, now=NOW,
    )
    assert stage.kind == TeacherSummary.Kind.STAGE
    with pytest.raises(InvalidInput) as refused:
        services.teacher_summary_write(
            student=student, subject=piano, kind="stage", period_start=date(2026, 3, 20),
            period_end=date(2026, 3, 1), content="x", by=teacher, now=NOW,
        )
    assert "period_end" in refused.value.fields
    with pytest.raises(Forbidden):  # summaries are the teachers'
        services.teacher_summary_write(
            student=student, subject=piano, kind="monthly", month=MARCH, content="x", by=student.advisor, now=NOW
        )


def test_the_monthly_survey_scores_every_question(student, advisor):
    questions = services.survey_questions_ensure()
    assert len(questions) == 5
    with pytest.raises(InvalidInput) as refused:
        services.survey_record(
            student=student, month=MARCH, respondent="parent", scores={questions[0].pk: 6}, by=advisor, now=NOW
        )
    assert set(refused.value.fields) == {f"q{q.pk}" for q in questions}
    survey = services.survey_record(
        student=student, month=MARCH, respondent="parent", scores={q.pk: 4 for q in questions} | {questions[0].pk: 5},
        comment="希望多布置练习", by=advisor, now=NOW,
    )
    assert survey.average == 4.2 and SurveyAnswer.objects.count() == 5
    with pytest.raises(Conflict):
        services.survey_record(
            student=student, month=MARCH, respondent="parent", scores={q.pk: 4 for q in questions}, by=advisor, now=NOW
        )


def test_a_retired_question_is_no_longer_asked(student, advisor):
    questions = services.survey_questions_ensure()
    questions[0].active = False
    questions[0].save()
    survey = services.survey_record(
        student=student, month=MARCH, respondent="student", scores={q.pk: 3 for q in questions[1:]}, by=advisor, now=NOW
    )
    assert survey.answers.count() == 4


# --- what a month is missing ------------------------------------------------------------------


def test_the_missing_list_names_subjects_plan_and_growth_records(campus, student, teacher, advisor, piano):
    complete = make_student(campus, advisor, name="王浩然", since=at("2026-02-20"))
    book(complete, teacher, at("2026-03-03", "16:00"))
    book(complete, teacher, at("2026-03-10", "16:00"))
    assess(complete, teacher, piano)
    services.learning_plan_record(student=complete, month=MARCH, content="计划", by=teacher, now=NOW)
    for day in (5, 20):
        services.growth_record_add(student=complete, on=date(2026, 3, day), content="记录", by=advisor, now=NOW)
    newcomer = make_student(campus, advisor, name="刘思雨", since=at("2026-03-20"))
    book(newcomer, teacher, at("2026-03-25", "16:00"))  # one lesson: no plan due yet
    idle = make_student(campus, advisor, name="陈一鸣", since=at("2026-02-20"))
    book(idle, teacher, at("2026-02-25", "16:00"))  # no lesson in March: nothing due
    assess(student, teacher, piano)
    services.growth_record_add(student=student, on=date(2026, 3, 5), content="记录", by=advisor, now=NOW)

    rows = {r.student.name: r for r in selectors.records_missing(Student.objects.all(), MARCH)}
    assert set(rows) == {"张子涵", "刘思雨"}
    assert [s.name for s in rows["张子涵"].assessments_missing] == ["数学"]
    assert rows["张子涵"].plan_missing and rows["张子涵"].growth_missing == 1
    assert [s.name for s in rows["刘思雨"].assessments_missing] == ["钢琴"]
    assert not rows["刘思雨"].plan_missing and rows["刘思雨"].growth_missing == 2
    overview = {r.student.name for r in selectors.month_overview(Student.objects.all(), MARCH)}
    assert overview == {"张子涵", "王浩然", "刘思雨"}


def test_a_lesson_on_leave_brings_no_subject_into_the_month(campus, advisor, teacher):
    from scheduling.services import lesson_leave

    pupil = make_student(campus, advisor, since=at("2026-02-20"))
    lesson = book(pupil, teacher, at("2026-03-12", "16:00"), subject="数学")
    lesson_leave(lesson=lesson, reason="生病", by=advisor, now=at("2026-03-10"))
    assert selectors.records_missing(Student.objects.filter(pk=pupil.pk), MARCH) == []


def test_a_group_class_brings_its_subject_into_the_month(campus, advisor, teacher):
    from scheduling.services import group_class_create, group_member_add, group_session_add

    pupil = make_student(campus, advisor, since=at("2026-02-20"))
    group = group_class_create(
        campus=campus, name="乐理大课", subject=subject_get_or_create(name="钢琴"), teacher=teacher, by=advisor
    )
    group_member_add(group=group, student=pupil, by=advisor)
    group_session_add(group=group, starts_at=at("2026-03-14", "09:00"), ends_at=at("2026-03-14", "10:30"), by=advisor)
    [row] = selectors.records_missing(Student.objects.filter(pk=pupil.pk), MARCH)
    assert [s.name for s in row.assessments_missing] == ["钢琴"]
    assert selectors.students_taught_by(teacher).filter(pk=pupil.pk).exists()
