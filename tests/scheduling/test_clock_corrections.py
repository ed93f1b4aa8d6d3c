"""Teacher time-keeping as the manual has it: the teacher chooses 上班 / 下班 on the page,
and the dean corrects a wrong or missing clock with a reason, kept on record."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Forbidden, InvalidInput
from core.roles import Role
from scheduling.models import TeacherClock, TeacherClockCorrection
from scheduling.selectors import timekeeping
from scheduling.services import teacher_clock, teacher_clock_correct

from .helpers import make_teacher

pytestmark = pytest.mark.django_db


def yesterday_at(hour: int, minute: int = 0):
    return timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0) - timedelta(days=1)


def test_a_forgotten_clock_in_is_added_by_the_dean_and_the_day_reads_right(campus, make_staff):
    teacher, dean = make_teacher(campus), make_staff(Role.DEAN)
    # the teacher forgot the morning card; the one swipe of the day alternates to "in"
    teacher_clock(teacher=teacher, at=yesterday_at(18))
    assert TeacherClock.objects.get().kind == "in"  # wrong: it was the clock-out
    wrong = TeacherClock.objects.get()

    teacher_clock_correct(
        by=dean, teacher=teacher, clock=wrong, at=yesterday_at(18), kind="out", reason="下班误记为上班"
    )
    teacher_clock_correct(
        by=dean, teacher=teacher, at=yesterday_at(8, 50), kind="in", reason="忘带卡，前台证明 8:50 到"
    )

    row = timekeeping(campus=campus, day=wrong.day)[0]
    assert [(c.kind, timezone.localtime(c.at).hour) for c in row.clocks] == [("in", 8), ("out", 18)]
    assert row.first_in == yesterday_at(8, 50) and row.last_out == yesterday_at(18)
    records = list(TeacherClockCorrection.objects.order_by("pk"))
    assert [(r.old_kind, r.new_kind, r.created_by) for r in records] == [
        ("in", "out", dean),
        ("", "in", dean),
    ]
    assert records[1].old_at is None and records[1].clock.source == "补录"


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_a_correction_needs_a_reason_and_changes_nothing_without_one(campus, make_staff, reason):
    teacher = make_teacher(campus)
    clock = teacher_clock(teacher=teacher, at=yesterday_at(9))
    with pytest.raises(InvalidInput) as refused:
        teacher_clock_correct(
            by=make_staff(Role.DEAN),
            teacher=teacher,
            clock=clock,
            at=yesterday_at(8),
            kind="in",
            reason=reason,
        )
    assert "reason" in refused.value.fields
    clock.refresh_from_db()
    assert clock.at == yesterday_at(9) and not TeacherClockCorrection.objects.exists()


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.TEACHER, Role.PRINCIPAL, Role.ADVISOR])
def test_only_the_dean_corrects(campus, make_staff, role):
    teacher = make_teacher(campus)
    with pytest.raises(Forbidden):
        teacher_clock_correct(
            by=make_staff(role), teacher=teacher, at=yesterday_at(8), kind="in", reason="补录"
        )
    assert not TeacherClock.objects.exists()


def test_a_correction_stays_on_its_day_and_its_teacher(campus, make_staff):
    teacher, other, dean = make_teacher(campus), make_teacher(campus), make_staff(Role.DEAN)
    clock = teacher_clock(teacher=teacher, at=yesterday_at(9))
    with pytest.raises(InvalidInput):
        teacher_clock_correct(
            by=dean,
            teacher=teacher,
            clock=clock,
            at=yesterday_at(9) - timedelta(days=1),
            kind="in",
            reason="r",
        )
    with pytest.raises(InvalidInput):
        teacher_clock_correct(by=dean, teacher=other, clock=clock, at=yesterday_at(8), kind="in", reason="r")
    with pytest.raises(InvalidInput):
        teacher_clock_correct(
            by=dean, teacher=teacher, at=timezone.now() + timedelta(hours=1), kind="in", reason="r"
        )
    assert not TeacherClockCorrection.objects.exists()


def test_a_teacher_of_another_campus_is_refused(campus, other_campus, make_staff):
    with pytest.raises(InvalidInput):
        teacher_clock_correct(
            by=make_staff(Role.DEAN),
            teacher=make_teacher(other_campus),
            at=yesterday_at(8),
            kind="in",
            reason="r",
        )


# --- the page ---------------------------------------------------------------------------------


def test_on_the_page_the_teacher_chooses_clock_out_as_the_first_clock_of_the_day(campus, client_as):
    teacher = make_teacher(campus)
    client = client_as(Role.FRONT_DESK)
    response = client.post(
        "/schedule/timekeeping/", {"action": "clock", "teacher": teacher.pk, "kind": "out"}
    )
    assert response.status_code == 302
    assert TeacherClock.objects.get().kind == "out"  # alternation would have said 上班


def test_the_dean_corrects_on_the_page_and_the_record_is_shown(campus, client_as):
    teacher = make_teacher(campus)
    clock = teacher_clock(teacher=teacher, at=yesterday_at(9, 30))
    client = client_as(Role.DEAN)
    day = f"{clock.day:%Y-%m-%d}"
    response = client.post(
        f"/schedule/timekeeping/?day={day}",
        {
            "action": "correct",
            "teacher": teacher.pk,
            "clock": clock.pk,
            "kind": "in",
            "time": "08:55",
            "reason": "读卡器故障",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/schedule/timekeeping/?day={day}").content.decode()
    assert "读卡器故障" in page and "09:30" in page and "08:55" in page


def test_without_a_reason_the_page_says_so_and_nothing_changes(campus, client_as):
    teacher = make_teacher(campus)
    clock = teacher_clock(teacher=teacher, at=yesterday_at(9, 30))
    response = client_as(Role.DEAN).post(
        f"/schedule/timekeeping/?day={clock.day:%Y-%m-%d}",
        {
            "action": "correct",
            "teacher": teacher.pk,
            "clock": clock.pk,
            "kind": "in",
            "time": "08:55",
            "reason": "",
        },
    )
    assert response.status_code == 422
    assert not TeacherClockCorrection.objects.exists()


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PRINCIPAL])
def test_the_desk_sees_no_correction_form_and_cannot_post_one(campus, client_as, role):
    teacher = make_teacher(campus)
    client = client_as(role)
    assert "更正考勤" not in client.get("/schedule/timekeeping/").content.decode()
    response = client.post(
        "/schedule/timekeeping/",
        {"action": "correct", "teacher": teacher.pk, "kind": "in", "time": "08:55", "reason": "r"},
    )
    assert response.status_code == 403
    assert not TeacherClock.objects.exists()
