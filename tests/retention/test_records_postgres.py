"""Two people saving the same month's record at once (PostgreSQL, threads): one record,
one clear refusal, never two records or a server error."""

from datetime import date

import pytest

from core.errors import Conflict
from core.roles import Role
from retention import services
from retention.models import GrowthRecord, LearningPlan
from tests.students.test_postgres import run_together

from .followup_makers import at, book, make_student, make_teacher

NOW = at("2026-03-31", "18:00")


@pytest.fixture
def student(campus, make_staff):
    pupil = make_student(campus, make_staff(Role.ADVISOR), since=at("2026-02-20"))
    book(pupil, make_teacher(campus, "钢琴"), at("2026-03-02", "16:00"))
    return pupil


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_plans_of_one_month_at_once_make_one_plan(student):
    teacher = student.lessons.get().teacher
    results = run_together(
        *[
            lambda text=text: services.learning_plan_record(
                student=student, month=date(2026, 3, 1), content=text, by=teacher, now=NOW
            )
            for text in ("计划一", "计划二", "计划三")
        ]
    )
    assert LearningPlan.objects.filter(student=student).count() == 1
    refusals = [r for r in results if r is not None]
    assert len(refusals) == 2 and all(isinstance(r, Conflict) and r.code == "record_exists" for r in refusals)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_growth_records_of_one_half_month_at_once_make_one(student):
    advisor = student.advisor
    results = run_together(
        lambda: services.growth_record_add(student=student, on=date(2026, 3, 3), content="一", by=advisor, now=NOW),
        lambda: services.growth_record_add(student=student, on=date(2026, 3, 9), content="二", by=advisor, now=NOW),
    )
    assert GrowthRecord.objects.filter(student=student).count() == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
