from datetime import timedelta

import pytest

from core.errors import Conflict, InvalidInput
from core.services import subject_get_or_create
from scheduling.models import Lesson, LessonChange, Notification
from scheduling.selectors import teacher_change_count, teacher_change_counts
from scheduling.services import (
    lesson_book,
    lesson_leave,
    lesson_makeup,
    lesson_reschedule,
    lesson_series_create,
    teacher_change,
)
from tests.factories import StudentFactory

from .helpers import at, make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(campus):
    return make_teacher(campus, "钢琴")


@pytest.fixture
def lesson(student, teacher, piano, desk):
    return lesson_book(student=student, teacher=teacher, subject=piano, starts_at=at("2026-12-07", "10:00"),
                       ends_at=at("2026-12-07", "11:00"), by=desk, room="A101")


@pytest.mark.parametrize(("asked_at", "late"), [
    (at("2026-12-06", "10:00"), False),  # exactly a day ahead
    (at("2026-12-06", "10:01"), True),
    (at("2026-12-05", "09:00"), False),
])
def test_leave_is_late_under_24_hours(lesson, desk, asked_at, late):
    left = lesson_leave(lesson=lesson, reason="发烧", by=desk, now=asked_at)
    assert left.status == "leave"
    assert left.late_notice is late
    change = LessonChange.objects.get(lesson=lesson)
    assert (change.kind, change.late_notice, change.reason) == ("leave", late, "发烧")


def test_leave_notifies_teacher_and_parent(lesson, desk):
    lesson_leave(lesson=lesson, reason="发烧", by=desk, now=at("2026-12-01", "10:00"))
    assert set(Notification.objects.filter(lesson=lesson, kind="leave").values_list("recipient", flat=True)) == {
        "teacher", "parent"
    }


def test_leave_needs_a_reason_and_a_scheduled_lesson(lesson, desk):
    with pytest.raises(InvalidInput):
        lesson_leave(lesson=lesson, reason="  ", by=desk)
    lesson_leave(lesson=lesson, reason="发烧", by=desk)
    with pytest.raises(Conflict):
        lesson_leave(lesson=lesson, reason="发烧", by=desk)
    assert LessonChange.objects.count() == 1


def test_reschedule_moves_the_lesson_and_keeps_its_id(lesson, desk):
    moved = lesson_reschedule(lesson=lesson, starts_at=at("2026-12-08", "15:00"), ends_at=at("2026-12-08", "16:00"),
                              by=desk, now=at("2026-12-01", "09:00"))
    assert moved.pk == lesson.pk
    assert (moved.starts_at, moved.status, moved.late_notice) == (at("2026-12-08", "15:00"), "scheduled", False)
    assert LessonChange.objects.get(lesson=lesson).old_starts_at == at("2026-12-07", "10:00")
    assert Notification.objects.filter(lesson=lesson, kind="rescheduled").count() == 2


def test_reschedule_within_its_own_slot_does_not_clash_with_itself(lesson, desk):
    moved = lesson_reschedule(lesson=lesson, starts_at=at("2026-12-07", "10:30"), ends_at=at("2026-12-07", "11:30"),
                              by=desk)
    assert moved.starts_at == at("2026-12-07", "10:30")


def test_reschedule_into_a_conflict_is_refused_and_changes_nothing(lesson, teacher, piano, desk, campus):
    lesson_book(student=StudentFactory(campus=campus), teacher=teacher, subject=piano,
                starts_at=at("2026-12-08", "15:00"), ends_at=at("2026-12-08", "16:00"), by=desk)
    with pytest.raises(Conflict) as refused:
        lesson_reschedule(lesson=lesson, starts_at=at("2026-12-08", "15:30"), ends_at=at("2026-12-08", "16:30"),
                          by=desk)
    assert set(refused.value.fields) == {"teacher"}
    lesson.refresh_from_db()
    assert lesson.starts_at == at("2026-12-07", "10:00")
    assert not LessonChange.objects.exists()


def test_reschedule_late_notice(lesson, desk):
    moved = lesson_reschedule(lesson=lesson, starts_at=at("2026-12-09", "10:00"), ends_at=at("2026-12-09", "11:00"),
                              by=desk, now=at("2026-12-07", "08:00"))
    assert moved.late_notice is True


def test_a_makeup_lesson_replaces_a_leave(lesson, desk):
    lesson_leave(lesson=lesson, reason="考试", by=desk)
    makeup = lesson_makeup(lesson=lesson, starts_at=at("2026-12-12", "10:00"), ends_at=at("2026-12-12", "11:00"), by=desk)
    assert makeup.makeup_for == lesson
    assert makeup.room == lesson.room
    assert Notification.objects.filter(lesson=makeup, kind="makeup").count() == 2
    with pytest.raises(Conflict):
        lesson_makeup(lesson=lesson, starts_at=at("2026-12-13", "10:00"), ends_at=at("2026-12-13", "11:00"), by=desk)


def test_a_scheduled_lesson_needs_no_makeup(lesson, desk):
    with pytest.raises(Conflict):
        lesson_makeup(lesson=lesson, starts_at=at("2026-12-12", "10:00"), ends_at=at("2026-12-12", "11:00"), by=desk)


def test_a_weekly_series_skips_and_reports_the_clashing_weeks(student, teacher, piano, desk, campus):
    other = StudentFactory(campus=campus)
    # the teacher is busy in weeks 3 and 5 (Monday 21 December and Monday 4 January)
    for day in ("2026-12-21", "2027-01-04"):
        lesson_book(student=other, teacher=teacher, subject=piano, starts_at=at(day, "17:30"),
                    ends_at=at(day, "18:30"), by=desk)
    result = lesson_series_create(student=student, teacher=teacher, subject=piano,
                                  first_starts_at=at("2026-12-07", "17:00"), first_ends_at=at("2026-12-07", "18:00"),
                                  weeks=20, by=desk, room="A101")
    assert len(result.occurrences) == 20
    assert len(result.booked) == 18
    assert [o.starts_at for o in result.skipped] == [at("2026-12-21", "17:00"), at("2027-01-04", "17:00")]
    assert all(set(o.conflicts) == {"teacher"} for o in result.skipped)
    lessons = Lesson.objects.filter(series=result.series).order_by("starts_at")
    assert lessons.count() == 18
    assert all(timezone_hm(lesson.starts_at) == "17:00" and lesson.starts_at.weekday() == 0 for lesson in lessons)
    assert lessons.last().starts_at == at("2026-12-07", "17:00") + timedelta(weeks=19)
    result.series.refresh_from_db()
    assert (result.series.booked, result.series.skipped) == (18, 2)


def timezone_hm(value) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(value):%H:%M}"


def test_a_series_with_a_wrong_subject_books_nothing(student, teacher, desk):
    with pytest.raises(InvalidInput):
        lesson_series_create(student=student, teacher=teacher, subject=subject_get_or_create(name="数学"),
                             first_starts_at=at("2026-12-07", "17:00"), first_ends_at=at("2026-12-07", "18:00"),
                             weeks=4, by=desk)
    assert not Lesson.objects.exists()


def test_teacher_change_moves_coming_lessons_and_is_counted(lesson, student, teacher, piano, desk, campus):
    new = make_teacher(campus, "钢琴")
    change = teacher_change(student=student, subject=piano, to_teacher=new, requested_by="parent",
                            reason="孩子不适应教学风格", by=desk, now=at("2026-12-01", "09:00"))
    assert (change.from_teacher, change.to_teacher, change.lessons_moved) == (teacher, new, 1)
    lesson.refresh_from_db()
    assert lesson.teacher == new
    third = make_teacher(campus, "钢琴")
    teacher_change(student=student, subject=piano, to_teacher=third, requested_by="school", reason="教员离职",
                   by=desk, now=at("2026-12-01", "09:00"))
    teacher_change(student=student, subject=piano, to_teacher=teacher, requested_by="student", reason="想换回",
                   by=desk, now=at("2026-12-01", "09:00"))
    assert teacher_change_count(student=student, subject=piano) == 3
    assert list(teacher_change_counts(campus=campus, at_least=3).values_list("student", "changes")) == [(student.pk, 3)]


def test_teacher_change_into_a_busy_teacher_changes_nothing(lesson, student, piano, desk, campus):
    busy = make_teacher(campus, "钢琴")
    lesson_book(student=StudentFactory(campus=campus), teacher=busy, subject=piano,
                starts_at=at("2026-12-07", "10:30"), ends_at=at("2026-12-07", "11:30"), by=desk)
    with pytest.raises(Conflict):
        teacher_change(student=student, subject=piano, to_teacher=busy, requested_by="parent", reason="风格",
                       by=desk, now=at("2026-12-01", "09:00"))
    assert teacher_change_count(student=student, subject=piano) == 0


def test_teacher_change_needs_who_asked(lesson, student, piano, desk, campus):
    with pytest.raises(InvalidInput):
        teacher_change(student=student, subject=piano, to_teacher=make_teacher(campus, "钢琴"), requested_by="uncle",
                       reason="风格", by=desk)


def test_a_lesson_the_student_checked_in_for_cannot_be_left_or_moved(lesson, student, desk):
    from scheduling.services import attendance_record, lesson_cancel

    from .helpers import make_package_with_use

    package, used = make_package_with_use(student, at("2026-12-07", "09:55"))
    attendance_record(student=student, package=package, ledger_entry=used, at=at("2026-12-07", "09:55"), by=desk,
                      source="swipe", lesson=lesson)
    with pytest.raises(Conflict):
        lesson_leave(lesson=lesson, reason="发烧", by=desk)
    with pytest.raises(Conflict):
        lesson_reschedule(lesson=lesson, starts_at=at("2026-12-08", "10:00"), ends_at=at("2026-12-08", "11:00"), by=desk)
    with pytest.raises(Conflict):
        lesson_cancel(lesson=lesson, reason="x", by=desk)
    lesson.refresh_from_db()
    assert (lesson.status, lesson.starts_at) == ("scheduled", at("2026-12-07", "10:00"))
