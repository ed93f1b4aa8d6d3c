import pytest

from core.errors import InvalidInput
from core.roles import Role
from scheduling.models import TeacherClock
from scheduling.services import teacher_clock

from .helpers import at, make_teacher

pytestmark = pytest.mark.django_db


def test_swipes_alternate_in_and_out_within_a_day(campus):
    teacher = make_teacher(campus)
    kinds = [teacher_clock(teacher=teacher, at=at("2026-12-07", hm)).kind for hm in ("08:00", "12:00", "13:00", "18:00")]
    assert kinds == ["in", "out", "in", "out"]


def test_a_new_local_day_starts_with_in_again(campus):
    teacher = make_teacher(campus)
    assert teacher_clock(teacher=teacher, at=at("2026-12-07", "08:00")).kind == "in"
    # 23:59 Shanghai is still the 7th; 00:01 is the 8th although UTC says otherwise
    assert teacher_clock(teacher=teacher, at=at("2026-12-07", "23:59")).kind == "out"
    assert teacher_clock(teacher=teacher, at=at("2026-12-08", "00:01")).kind == "in"
    assert teacher_clock(teacher=teacher, at=at("2026-12-08", "07:59")).kind == "out"


def test_days_are_counted_per_teacher(campus):
    one, two = make_teacher(campus), make_teacher(campus)
    assert teacher_clock(teacher=one, at=at("2026-12-07", "08:00")).kind == "in"
    assert teacher_clock(teacher=two, at=at("2026-12-07", "08:05")).kind == "in"


def test_it_refuses_a_member_of_staff_who_is_not_a_teacher(make_staff):
    with pytest.raises(InvalidInput) as refused:
        teacher_clock(teacher=make_staff(Role.FRONT_DESK), at=at("2026-12-07", "08:00"))
    assert refused.value.code == "not_a_teacher"
    assert not TeacherClock.objects.exists()


def test_timekeeping_flags_late_and_missing_clock_ins(campus):
    from core.services import subject_get_or_create
    from scheduling.selectors import timekeeping
    from scheduling.services import lesson_book
    from tests.factories import StudentFactory

    early, late, absent, free = (make_teacher(campus) for _ in range(4))
    piano = subject_get_or_create(name="钢琴")
    for teacher in (early, late, absent):
        lesson_book(student=StudentFactory(campus=campus), teacher=teacher, subject=piano,
                    starts_at=at("2026-12-07", "15:00"), ends_at=at("2026-12-07", "16:00"), by=None)
        # a later lesson does not move the deadline
        lesson_book(student=StudentFactory(campus=campus), teacher=teacher, subject=piano,
                    starts_at=at("2026-12-07", "17:00"), ends_at=at("2026-12-07", "18:00"), by=None)
    teacher_clock(teacher=early, at=at("2026-12-07", "14:50"))
    teacher_clock(teacher=late, at=at("2026-12-07", "14:51"))
    teacher_clock(teacher=free, at=at("2026-12-07", "09:00"))
    rows = {row.teacher: row for row in timekeeping(campus=campus, day=at("2026-12-07", "00:00").date())}
    assert {t: r.late for t, r in rows.items()} == {early: False, late: True, absent: True, free: False}
    assert rows[absent].first_in is None
    assert rows[free].first_lesson_at is None


def test_the_teacher_may_choose_in_or_out_and_the_default_is_the_opposite_of_the_latest(campus):
    teacher = make_teacher(campus)
    assert teacher_clock(teacher=teacher, at=at("2026-12-07", "08:00"), kind="out").kind == "out"
    assert teacher_clock(teacher=teacher, at=at("2026-12-07", "09:00")).kind == "in"
    assert teacher_clock(teacher=teacher, at=at("2026-12-07", "10:00"), kind="in").kind == "in"
    assert teacher_clock(teacher=teacher, at=at("2026-12-07", "18:00")).kind == "out"


def test_it_refuses_a_clock_kind_that_is_neither_in_nor_out(campus):
    with pytest.raises(InvalidInput) as refused:
        teacher_clock(teacher=make_teacher(campus), at=at("2026-12-07", "08:00"), kind="lunch")
    assert "clock" in refused.value.fields
    assert not TeacherClock.objects.exists()
