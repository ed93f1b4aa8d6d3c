import pytest

from core.errors import InvalidInput
from core.services import subject_get_or_create
from scheduling.models import Attendance, Lesson
from scheduling.selectors import lesson_at
from scheduling.services import attendance_record
from tests.factories import StudentFactory

from .helpers import at, make_package_with_use, make_teacher

pytestmark = pytest.mark.django_db


def _lesson(student, teacher, start: str, end: str, day: str = "2026-12-07", **kwargs) -> Lesson:
    return Lesson.objects.create(
        campus=student.campus, student=student, teacher=teacher, subject=subject_get_or_create(name="钢琴"),
        starts_at=at(day, start), ends_at=at(day, end), **kwargs,
    )


@pytest.fixture
def teacher(campus):
    return make_teacher(campus, "钢琴")


@pytest.mark.parametrize(
    ("swipe", "found"),
    [
        ("09:29", False),  # 31 minutes early: not yet this lesson
        ("09:30", True),  # exactly 30 minutes early
        ("10:00", True),
        ("10:59", True),
        ("11:00", False),  # the lesson has ended
    ],
)
def test_the_window_opens_30_minutes_before_the_start_and_closes_at_the_end(student, teacher, swipe, found):
    lesson = _lesson(student, teacher, "10:00", "11:00")
    assert lesson_at(student=student, at=at("2026-12-07", swipe)) == (lesson if found else None)


def test_only_scheduled_lessons_count(student, teacher):
    _lesson(student, teacher, "10:00", "11:00", status=Lesson.Status.LEAVE)
    assert lesson_at(student=student, at=at("2026-12-07", "10:05")) is None


def test_another_students_lesson_is_not_found(student, teacher, campus):
    _lesson(StudentFactory(campus=campus), teacher, "10:00", "11:00")
    assert lesson_at(student=student, at=at("2026-12-07", "10:05")) is None


def test_between_two_lessons_the_one_without_a_check_in_wins(student, teacher):
    first = _lesson(student, teacher, "09:00", "10:00")
    second = _lesson(student, teacher, "10:00", "11:00")
    assert lesson_at(student=student, at=at("2026-12-07", "09:50")) == first
    package, used = make_package_with_use(student, at("2026-12-07", "09:01"))
    attendance_record(student=student, package=package, ledger_entry=used, at=at("2026-12-07", "09:01"),
                      by=None, source="swipe", lesson=first)
    assert lesson_at(student=student, at=at("2026-12-07", "09:50")) == second


def test_attendance_record_links_the_check_in_to_its_lesson(student, teacher, make_staff):
    lesson = _lesson(student, teacher, "10:00", "11:00", lesson_kind="practice")
    package, used = make_package_with_use(student, at("2026-12-07", "09:55"))
    desk = make_staff("front_desk")
    attendance = attendance_record(student=student, package=package, ledger_entry=used, at=at("2026-12-07", "09:55"),
                                   by=desk, source="swipe", lesson=lesson, lesson_kind="practice")
    attendance.refresh_from_db()
    assert (attendance.lesson, attendance.package, attendance.ledger_entry) == (lesson, package, used)
    assert attendance.campus == student.campus
    assert attendance.created_by == desk
    assert attendance.lesson_kind == "practice"


def test_attendance_record_refuses_another_students_lesson(student, teacher, campus):
    lesson = _lesson(StudentFactory(campus=campus), teacher, "10:00", "11:00")
    package, used = make_package_with_use(student, at("2026-12-07", "09:55"))
    with pytest.raises(InvalidInput):
        attendance_record(student=student, package=package, ledger_entry=used, at=at("2026-12-07", "09:55"),
                          by=None, source="swipe", lesson=lesson)
    assert not Attendance.objects.exists()
