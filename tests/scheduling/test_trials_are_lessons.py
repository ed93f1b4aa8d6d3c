"""Trial lessons (试听, students' TrialLesson) are lessons for the conflict checks: a trial
cannot double-book its teacher against a lesson, a group session or another trial, a
lesson cannot be booked over a trial, and the teacher must teach the trial's subject.
students asks scheduling through core.contributions.busy_sources (it cannot import it)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.contributions import BusySource, busy_sources
from core.errors import Conflict, InvalidInput
from core.roles import Role
from scheduling.services import group_class_create, group_session_add, lesson_book
from students import services as student_services
from students.models import TrialLesson
from tests.factories import StudentFactory

from .helpers import at, make_teacher

pytestmark = pytest.mark.django_db

DAY = (timezone.localdate() + timedelta(days=8)).isoformat()  # trials: from yesterday to a year ahead


def book_lesson(campus, teacher, start: str, end: str, by):
    return lesson_book(
        student=StudentFactory(campus=campus), teacher=teacher, subject=teacher.subjects.get(),
        starts_at=at(DAY, start), ends_at=at(DAY, end), by=by,
    )


@pytest.fixture
def lead(campus, make_staff):
    return student_services.lead_create(
        campus=campus, by=make_staff(Role.CONSULTANT), data={"name": "小试", "phone": "13700000001", "source": "online"}
    )


def book_trial(lead, teacher, hm: str, subject: str = "钢琴", minutes: int = 40):
    return student_services.trial_book(
        lead=lead, by=lead.created_by, teacher=teacher, subject=subject, starts_at=at(DAY, hm), minutes=minutes
    )


def test_a_trial_overlapping_a_lesson_of_its_teacher_is_refused(campus, lead, desk):
    teacher = make_teacher(campus)
    book_lesson(campus, teacher, "10:00", "11:00", desk)
    with pytest.raises(Conflict) as refused:
        book_trial(lead, teacher, "10:30")
    assert refused.value.code == "schedule_conflict" and "teacher" in refused.value.fields
    assert not TrialLesson.objects.exists()
    assert book_trial(lead, teacher, "11:00").pk  # back to back is fine


def test_a_trial_overlapping_a_group_session_is_refused(campus, lead, desk):
    teacher = make_teacher(campus)
    group = group_class_create(campus=campus, name="乐理班", subject=teacher.subjects.get(), teacher=teacher, by=desk)
    group_session_add(group=group, starts_at=at(DAY, "14:00"), ends_at=at(DAY, "15:30"), by=desk)
    with pytest.raises(Conflict):
        book_trial(lead, teacher, "13:30")  # 13:30–14:10


def test_two_trials_of_one_teacher_cannot_overlap(campus, lead):
    teacher = make_teacher(campus)
    book_trial(lead, teacher, "09:00")
    with pytest.raises(Conflict):
        book_trial(lead, teacher, "09:30", minutes=60)
    assert book_trial(lead, teacher, "09:40", minutes=60).pk


def test_a_lesson_cannot_be_booked_over_a_trial(campus, lead, desk):
    teacher = make_teacher(campus)
    book_trial(lead, teacher, "16:00")
    with pytest.raises(Conflict) as refused:
        book_lesson(campus, teacher, "15:30", "16:30", desk)
    assert "试听" in refused.value.fields["teacher"]


def test_a_cancelled_trial_frees_the_teacher(campus, lead, desk):
    teacher = make_teacher(campus)
    trial = book_trial(lead, teacher, "16:00")
    TrialLesson.objects.filter(pk=trial.pk).update(status=TrialLesson.Status.CANCELLED)
    lesson = book_lesson(campus, teacher, "16:00", "17:00", desk)
    assert lesson.pk


def test_the_teacher_must_teach_the_trials_subject(campus, lead):
    teacher = make_teacher(campus, "数学")
    with pytest.raises(InvalidInput) as refused:
        book_trial(lead, teacher, "09:00", subject="钢琴")
    assert refused.value.code == "wrong_subject" and "subject" in refused.value.fields
    assert book_trial(lead, teacher, "09:00", subject="数学").pk


def test_students_asks_the_busy_sources_whoever_registers_them(campus, lead):
    teacher = make_teacher(campus)
    stand_in = BusySource(key="stand_in", order=99, clash=lambda t, s, e: "教员外出培训")
    with busy_sources.register_temporarily(stand_in), pytest.raises(Conflict) as refused:
        book_trial(lead, teacher, "09:00")
    assert "外出培训" in refused.value.message


def test_the_api_answers_409_and_422(campus, lead, api_as, desk):
    teacher = make_teacher(campus)
    book_lesson(campus, teacher, "10:00", "11:00", desk)
    api = api_as(Role.CONSULTANT)
    body = {"teacher": teacher.user.username, "subject": "钢琴", "starts_at": at(DAY, "10:00").isoformat()}
    busy = api.post(f"/api/v1/leads/{lead.pk}/trials", body)
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "schedule_conflict"
    wrong = api.post(f"/api/v1/leads/{lead.pk}/trials", {**body, "subject": "声乐"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "wrong_subject"


def test_a_trial_is_on_its_teachers_week_and_the_campus_week(campus, lead, client_as):
    teacher = make_teacher(campus)
    other = make_teacher(campus)
    book_trial(lead, teacher, "18:00")
    client = client_as(Role.FRONT_DESK)
    week = f"/schedule/?week={DAY}"
    assert "小试" in client.get(week).content.decode()
    assert "小试" in client.get(f"{week}&teacher={teacher.pk}").content.decode()
    assert "小试" not in client.get(f"{week}&teacher={other.pk}").content.decode()
