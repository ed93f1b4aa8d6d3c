"""What only PostgreSQL can show: row locks and the exclusion constraints of migration 0005."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from core.errors import Conflict
from core.services import subject_get_or_create
from scheduling.models import Lesson, TeacherClock
from scheduling.services import lesson_book, teacher_clock
from tests.factories import CampusFactory, StaffFactory, StudentFactory

from .helpers import at, make_teacher

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls) -> list:
    """Run each call in its own thread (own connection), released at the same moment."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, call) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def setup():
    campus = CampusFactory(code="pg01")
    return {
        "campus": campus,
        "desk": StaffFactory(role="front_desk", campus=campus),
        "teacher": make_teacher(campus, "钢琴"),
        "piano": subject_get_or_create(name="钢琴"),
        "students": [StudentFactory(campus=campus) for _ in range(4)],
    }


def test_two_desks_booking_the_same_teacher_slot_one_wins(setup):
    def book(student):
        return lambda: lesson_book(student=student, teacher=setup["teacher"], subject=setup["piano"],
                                   starts_at=at("2026-12-07", "10:00"), ends_at=at("2026-12-07", "11:00"),
                                   by=setup["desk"])

    results = run_together(*(book(s) for s in setup["students"]))
    won = [r for r in results if isinstance(r, Lesson)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert len(won) == 1 and len(lost) == 3, results
    assert all(r.code == "schedule_conflict" and "teacher" in r.fields for r in lost)
    assert Lesson.objects.count() == 1


def test_two_desks_booking_the_same_student_with_two_teachers_one_wins(setup):
    student = setup["students"][0]
    other_teacher = make_teacher(setup["campus"], "钢琴")

    def book(teacher):
        return lambda: lesson_book(student=student, teacher=teacher, subject=setup["piano"],
                                   starts_at=at("2026-12-07", "10:00"), ends_at=at("2026-12-07", "11:00"),
                                   by=setup["desk"], room=None)

    results = run_together(book(setup["teacher"]), book(other_teacher))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Lesson"], results
    assert Lesson.objects.count() == 1


def test_the_exclusion_constraint_rejects_an_overlap_written_past_the_service(setup):
    common = {"campus": setup["campus"], "teacher": setup["teacher"], "subject": setup["piano"]}
    Lesson.objects.create(student=setup["students"][0], starts_at=at("2026-12-07", "10:00"),
                          ends_at=at("2026-12-07", "11:00"), **common)
    with pytest.raises(IntegrityError, match="lesson_no_teacher_overlap"), transaction.atomic():
        Lesson.objects.create(student=setup["students"][1], starts_at=at("2026-12-07", "10:59"),
                              ends_at=at("2026-12-07", "11:30"), **common)
    # touching is not overlapping, and a lesson on leave does not hold its slot
    Lesson.objects.create(student=setup["students"][1], starts_at=at("2026-12-07", "11:00"),
                          ends_at=at("2026-12-07", "12:00"), **common)
    Lesson.objects.create(student=setup["students"][2], starts_at=at("2026-12-07", "10:00"),
                          ends_at=at("2026-12-07", "11:00"), status=Lesson.Status.LEAVE, **common)
    assert Lesson.objects.count() == 3


def test_the_student_and_room_constraints_exist_too(setup):
    from scheduling.services import room_get_or_create

    room = room_get_or_create(campus=setup["campus"], name="A101")
    student = setup["students"][0]
    Lesson.objects.create(campus=setup["campus"], student=student, teacher=setup["teacher"], subject=setup["piano"],
                          room=room, starts_at=at("2026-12-07", "10:00"), ends_at=at("2026-12-07", "11:00"))
    other = make_teacher(setup["campus"], "钢琴")
    with pytest.raises(IntegrityError, match="lesson_no_student_overlap"), transaction.atomic():
        Lesson.objects.create(campus=setup["campus"], student=student, teacher=other, subject=setup["piano"],
                              starts_at=at("2026-12-07", "10:30"), ends_at=at("2026-12-07", "11:30"))
    with pytest.raises(IntegrityError, match="lesson_no_room_overlap"), transaction.atomic():
        Lesson.objects.create(campus=setup["campus"], student=setup["students"][1], teacher=other,
                              subject=setup["piano"], room=room, starts_at=at("2026-12-07", "10:30"),
                              ends_at=at("2026-12-07", "11:30"))


def test_two_swipes_of_a_teacher_at_once_are_one_in_and_one_out(setup):
    teacher = setup["teacher"]
    results = run_together(
        lambda: teacher_clock(teacher=teacher, at=at("2026-12-07", "08:00")),
        lambda: teacher_clock(teacher=teacher, at=at("2026-12-07", "08:00")),
    )
    assert sorted(r.kind for r in results) == ["in", "out"], results
    assert TeacherClock.objects.filter(teacher=teacher).count() == 2


def test_the_api_turns_a_raced_insert_into_409(setup, monkeypatch):
    """If a write slips past the check (here: the check is made to see nothing), the
    exclusion constraint still refuses it and the service answers schedule_conflict."""
    from scheduling.services import _common

    lesson_book(student=setup["students"][0], teacher=setup["teacher"], subject=setup["piano"],
                starts_at=at("2026-12-07", "10:00"), ends_at=at("2026-12-07", "11:00"), by=setup["desk"])
    # every booking checks through claim_slot, which asks _common's find_conflicts
    monkeypatch.setattr(_common, "find_conflicts", lambda **kwargs: {})
    with pytest.raises(Conflict) as refused:
        lesson_book(student=setup["students"][1], teacher=setup["teacher"], subject=setup["piano"],
                    starts_at=at("2026-12-07", "10:30"), ends_at=at("2026-12-07", "11:30"), by=setup["desk"])
    assert refused.value.code == "schedule_conflict"
    assert set(refused.value.fields) == {"teacher"}
    assert Lesson.objects.count() == 1
