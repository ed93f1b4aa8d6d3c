"""The monthly-record pages: a teacher's and an advisor's students, one student's month with
its forms, refusals beside the field, and the missing list per advisor or campus."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from core.services import subject_get_or_create
from retention import services
from retention.models import GrowthRecord, Homework, MonthlyAssessment, SatisfactionSurvey
from tests.factories import signed_in

from .followup_makers import book, make_student, make_teacher

pytestmark = pytest.mark.django_db

RECORDS = reverse("retention:records")
MISSING = reverse("retention:record_missing")
THIS_MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def teacher(campus):
    return make_teacher(campus, "钢琴")


@pytest.fixture
def student(campus, advisor, teacher):
    pupil = make_student(campus, advisor, name="张子涵", since=timezone.now() - timedelta(days=40))
    book(pupil, teacher, timezone.make_aware(datetime.combine(THIS_MONTH, time(16, 0))))
    return pupil


def page_of(student) -> str:
    return reverse("retention:record_student", args=[student.pk])


def test_a_teacher_lists_the_students_they_teach_this_month(campus, teacher, student, advisor):
    other_teacher = make_teacher(campus, "钢琴")
    stranger = make_student(campus, advisor, name="王浩然", since=timezone.now() - timedelta(days=40))
    book(stranger, other_teacher, timezone.make_aware(datetime.combine(THIS_MONTH, time(18, 0))))
    html = signed_in(teacher).get(RECORDS).content.decode()
    assert "张子涵" in html and "王浩然" not in html
    assert "缺 钢琴" in html and "查看月度缺漏" not in html


def test_a_teacher_records_an_assessment_from_the_students_month(teacher, student):
    client = signed_in(teacher)
    html = client.get(page_of(student)).content.decode()
    assert "登记月测评" in html and "制定本月学习计划" in html and "登记本月满意度调查" not in html
    subject = subject_get_or_create(name="钢琴")
    response = client.post(page_of(student), {"action": "assessment", "subject": subject.pk, "score": "95",
                                               "analysis": "节奏稳定"})
    assert response.status_code == 302 and response.url == page_of(student) + f"?month={THIS_MONTH:%Y-%m}"
    assert MonthlyAssessment.objects.get().month == THIS_MONTH
    assert "节奏稳定" in client.get(response.url).content.decode()


def test_a_refusal_is_shown_beside_its_field_and_saves_nothing(teacher, student):
    subject = subject_get_or_create(name="钢琴")
    client = signed_in(teacher)
    response = client.post(page_of(student), {"action": "assessment", "subject": subject.pk, "score": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert "必填" in html and html.count('class="field-error"') == 2  # the score and the analysis
    # a control character is refused before the form, as on every page (core.middleware)
    refused = client.post(page_of(student), {"action": "assessment", "subject": subject.pk, "score": "90",
                                             "analysis": "有\x01怪字符"})
    assert refused.status_code == 400 and "analysis" in refused.content.decode()
    assert not MonthlyAssessment.objects.exists()


def test_a_second_assessment_of_the_month_is_refused_on_the_form(teacher, student):
    subject = subject_get_or_create(name="钢琴")
    services.monthly_assessment_record(student=student, subject=subject, month=THIS_MONTH, score="90",
                                       analysis="好", by=teacher)
    response = signed_in(teacher).post(page_of(student), {"action": "assessment", "subject": subject.pk,
                                                          "score": "91", "analysis": "再测"})
    assert response.status_code == 422 and "月测评已登记" in response.content.decode()
    assert MonthlyAssessment.objects.count() == 1


def test_a_teacher_is_refused_another_teachers_student(campus, student):
    stranger = signed_in(make_teacher(campus, "钢琴"))
    assert stranger.get(page_of(student)).status_code == 403
    assert stranger.post(page_of(student), {"action": "plan", "content": "计划"}).status_code == 403


def test_another_campus_is_not_found(make_staff, other_campus, student):
    assert signed_in(make_staff(Role.PRINCIPAL, campus=other_campus)).get(page_of(student)).status_code == 404


def test_an_advisor_writes_growth_records_and_the_survey_but_not_the_plan(advisor, student):
    client = signed_in(advisor)
    response = client.post(page_of(student), {"action": "growth", "on": f"{timezone.localdate()}",
                                               "content": "主动与老师交流"})
    assert response.status_code == 302 and GrowthRecord.objects.count() == 1
    questions = services.survey_questions_ensure()
    body = {"action": "survey", "respondent": "parent", "comment": "满意"} | {f"q{q.pk}": "5" for q in questions}
    assert client.post(page_of(student), body).status_code == 302
    assert SatisfactionSurvey.objects.get().answers.count() == len(questions)
    assert client.post(page_of(student), {"action": "plan", "content": "计划"}).status_code == 403
    assert client.post(page_of(student), {"action": "nonsense"}).status_code == 403


def test_homework_is_set_checked_and_shown_from_the_page(teacher, advisor, student):
    subject = subject_get_or_create(name="钢琴")
    client = signed_in(teacher)
    due = timezone.localdate() + timedelta(days=3)
    assert client.post(page_of(student), {"action": "homework", "subject": subject.pk, "content": "音阶练习",
                                          "due_on": f"{due}"}).status_code == 302
    homework = Homework.objects.get()
    refused = client.post(page_of(student), {"action": "check_homework", "homework": homework.pk, "result": ""})
    assert refused.status_code == 422 and "请选择完成情况" in refused.content.decode()
    assert client.post(page_of(student), {"action": "check_homework", "homework": homework.pk,
                                          "result": "done", "check_note": ""}).status_code == 302
    assert signed_in(advisor).post(page_of(student), {"action": "show_homework",
                                                      "homework": homework.pk}).status_code == 302
    homework.refresh_from_db()
    assert homework.result == "done" and homework.shown_to_parent_at is not None
    assert client.post(page_of(student), {"action": "show_homework", "homework": 999999}).status_code == 404


def test_the_missing_list_per_advisor_and_for_the_campus(campus, make_staff, advisor, student, teacher):
    other = make_staff(Role.ADVISOR)
    theirs = make_student(campus, other, name="王浩然", since=timezone.now() - timedelta(days=40))
    book(theirs, teacher, timezone.make_aware(datetime.combine(THIS_MONTH, time(18, 0))))
    mine = signed_in(advisor).get(MISSING).content.decode()
    assert "张子涵" in mine and "王浩然" not in mine
    supervisor = signed_in(make_staff(Role.CS_SUPERVISOR))
    campus_html = supervisor.get(MISSING).content.decode()
    assert "张子涵" in campus_html and "王浩然" in campus_html and "缺月测评 2 科次" in campus_html
    filtered = supervisor.get(MISSING, {"advisor": other.pk}).content.decode()
    assert "王浩然" in filtered and "张子涵" not in filtered
    assert signed_in(teacher).get(MISSING).status_code == 403


def test_a_bad_month_falls_back_to_this_month(teacher, student):
    html = signed_in(teacher).get(RECORDS, {"month": "2026-99"}).content.decode()
    assert f"<strong>{THIS_MONTH:%Y-%m}</strong>" in html and "张子涵" in html
