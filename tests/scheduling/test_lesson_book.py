from datetime import timedelta

import pytest

from core.errors import Conflict, InvalidInput
from core.services import subject_get_or_create
from scheduling.models import Lesson, Notification, Room
from scheduling.services import lesson_book
from tests.factories import GuardianFactory, StudentFactory

from .helpers import at, make_teacher

pytestmark = pytest.mark.django_db

DAY = "2026-12-07"


@pytest.fixture
def teacher(campus):
    return make_teacher(campus, "钢琴", "数学")


def book(student, teacher, subject, start, end, by, **kwargs) -> Lesson:
    return lesson_book(student=student, teacher=teacher, subject=subject, starts_at=at(DAY, start),
                       ends_at=at(DAY, end), by=by, **kwargs)


def test_it_books_a_lesson_and_notifies_teacher_and_parent(student, teacher, piano, desk):
    GuardianFactory(student=student, phone="13800000001", is_primary=True)
    lesson = book(student, teacher, piano, "10:00", "11:00", desk, room="A101")
    assert lesson.status == "scheduled"
    assert lesson.room.name == "A101"
    assert lesson.created_by == desk
    recipients = {(n.recipient, n.phone) for n in Notification.objects.filter(lesson=lesson)}
    assert recipients == {("teacher", teacher.phone), ("parent", "13800000001")}


def test_a_room_named_again_is_the_same_room(student, teacher, piano, desk, campus):
    book(student, teacher, piano, "10:00", "11:00", desk, room="A101")
    book(student, teacher, piano, "11:00", "12:00", desk, room=" A101 ")
    assert Room.objects.filter(campus=campus).count() == 1


def test_back_to_back_lessons_are_fine(student, teacher, piano, desk):
    book(student, teacher, piano, "10:00", "11:00", desk, room="A101")
    book(student, teacher, piano, "11:00", "12:00", desk, room="A101")
    book(student, teacher, piano, "09:00", "10:00", desk, room="A101")
    assert Lesson.objects.count() == 3


@pytest.mark.parametrize(("start", "end"), [("10:59", "11:30"), ("09:30", "10:01"), ("10:15", "10:45"), ("09:00", "12:00")])
def test_a_one_minute_overlap_is_a_conflict(student, teacher, piano, desk, start, end):
    book(student, teacher, piano, "10:00", "11:00", desk)
    with pytest.raises(Conflict) as refused:
        book(student, teacher, piano, start, end, desk)
    assert refused.value.code == "schedule_conflict"
    assert Lesson.objects.count() == 1


def test_the_teacher_cannot_teach_two_students_at_once(student, teacher, piano, desk, campus):
    book(student, teacher, piano, "10:00", "11:00", desk)
    with pytest.raises(Conflict) as refused:
        book(StudentFactory(campus=campus), teacher, piano, "10:30", "11:30", desk)
    assert set(refused.value.fields) == {"teacher"}


def test_the_student_cannot_be_in_two_lessons_at_once(student, teacher, piano, desk, campus):
    book(student, teacher, piano, "10:00", "11:00", desk)
    with pytest.raises(Conflict) as refused:
        book(student, make_teacher(campus, "钢琴"), piano, "10:30", "11:30", desk)
    assert set(refused.value.fields) == {"student"}
    assert "王小明" in refused.value.fields["student"]


def test_the_room_cannot_hold_two_lessons_at_once(student, teacher, piano, desk, campus):
    book(student, teacher, piano, "10:00", "11:00", desk, room="A101")
    with pytest.raises(Conflict) as refused:
        book(StudentFactory(campus=campus), make_teacher(campus, "钢琴"), piano, "10:30", "11:30", desk, room="A101")
    assert set(refused.value.fields) == {"room"}


def test_a_lesson_on_leave_frees_its_slot(student, teacher, piano, desk):
    first = book(student, teacher, piano, "10:00", "11:00", desk, room="A101")
    Lesson.objects.filter(pk=first.pk).update(status=Lesson.Status.LEAVE)
    book(student, teacher, piano, "10:00", "11:00", desk, room="A101")
    assert Lesson.objects.filter(status="scheduled").count() == 1


def test_it_refuses_a_subject_the_teacher_does_not_teach(student, teacher, desk):
    with pytest.raises(InvalidInput) as refused:
        book(student, teacher, subject_get_or_create(name="小提琴"), "10:00", "11:00", desk)
    assert refused.value.code == "wrong_subject"
    assert refused.value.status == 422
    assert not Lesson.objects.exists()


def test_it_refuses_an_end_before_the_start(student, teacher, piano, desk):
    with pytest.raises(InvalidInput) as refused:
        book(student, teacher, piano, "11:00", "10:00", desk)
    assert "ends_at" in refused.value.fields


def test_it_refuses_a_teacher_of_another_campus(student, piano, desk, other_campus):
    with pytest.raises(InvalidInput) as refused:
        book(student, make_teacher(other_campus, "钢琴"), piano, "10:00", "11:00", desk)
    assert "teacher" in refused.value.fields


def test_it_refuses_staff_who_are_not_teachers(student, piano, desk, make_staff):
    with pytest.raises(InvalidInput) as refused:
        book(student, make_staff("advisor"), piano, "10:00", "11:00", desk)
    assert refused.value.code == "not_a_teacher"


def test_a_group_session_blocks_its_teacher_and_roster(student, teacher, piano, desk, campus):
    from scheduling.services import group_class_create, group_member_add, group_session_add

    group = group_class_create(campus=campus, name="钢琴基础班", subject=piano, teacher=teacher, by=desk, room="大教室")
    group_member_add(group=group, student=student, by=desk)
    group_session_add(group=group, starts_at=at(DAY, "14:00"), ends_at=at(DAY, "15:30"), by=desk)
    with pytest.raises(Conflict) as refused:
        book(student, make_teacher(campus, "钢琴"), piano, "15:00", "16:00", desk)
    assert set(refused.value.fields) == {"student"}
    with pytest.raises(Conflict) as refused:
        book(StudentFactory(campus=campus), teacher, piano, "13:30", "14:30", desk)
    assert set(refused.value.fields) == {"teacher"}
    with pytest.raises(Conflict):
        group_session_add(group=group, starts_at=at(DAY, "15:00"), ends_at=at(DAY, "16:00"), by=desk)
    book(StudentFactory(campus=campus), teacher, piano, "15:30", "16:30", desk, room="大教室")


def test_it_links_a_package_of_the_subject(student, teacher, piano, desk):
    from billing.models import LessonPackage

    package = LessonPackage.objects.create(
        campus=student.campus, student=student, course="钢琴一对一", subject=piano, kind="one_on_one", lessons=10,
        price="3000.00", paid="3000.00", valid_from=at(DAY, "00:00").date() - timedelta(days=30),
        valid_until=at(DAY, "00:00").date() + timedelta(days=300), lessons_left=10,
        sold_at=at(DAY, "00:00") - timedelta(days=30),
    )
    assert book(student, teacher, piano, "10:00", "11:00", desk).package == package
    math = subject_get_or_create(name="数学")
    assert book(student, teacher, math, "11:00", "12:00", desk).package is None
