"""Swipes racing on PostgreSQL, with threads: row locks and the unique swipe_id decide."""

import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import partial

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from billing.models import LedgerEntry
from cardreader.models import Swipe
from cardreader.services import swipe_record
from core.errors import Conflict
from core.roles import Role
from core.services import subject_get_or_create
from scheduling.models import Attendance
from scheduling.services import checkin_manual, group_class_create, group_member_add, group_session_add
from scheduling.services.checkin import session_tick_lock
from tests.scheduling.helpers import make_teacher, music_theory_class

from .helpers import a_package, a_reader, a_student_with_card

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(jobs: list[Callable[[], object]]) -> list[object]:
    """Run every job in its own thread and connection, released at the same moment."""
    results: list[object] = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def work(i: int) -> None:
        try:
            start.wait()
            results[i] = jobs[i]()
        except Exception as exc:  # noqa: BLE001 - the test asserts on what came back
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    close_old_connections()
    return results


def swipes_of_one_card(campus, reader, times: list) -> list[Callable[[], object]]:
    """A swipe of card 0012345678 at each of `times`, each with its own swipe_id."""
    return [
        partial(
            swipe_record, swipe_id=str(uuid.uuid4()), card="0012345678", campus=campus, reader=reader, swiped_at=when
        )
        for when in times
    ]


def test_fifty_cards_swiped_at_once_all_check_in(campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    reader, _client = a_reader(campus)
    for i in range(50):
        student, _card = a_student_with_card(campus, desk, number=f"{i + 1:010d}", chip="", name=f"学员{i}")
        a_package(student, desk)

    results = run_together(
        [
            (
                lambda n=i: swipe_record(
                    swipe_id=str(uuid.uuid4()), card=f"{n + 1:010d}", campus=campus, reader=reader
                )
            )
            for i in range(50)
        ]
    )

    assert [getattr(r, "status", r) for r in results] == [201] * 50
    assert LedgerEntry.objects.filter(kind="used").count() == 50
    assert Attendance.objects.count() == 50


def test_twenty_swipes_of_one_card_use_exactly_the_ten_lessons(campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    reader, _client = a_reader(campus)
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk, lessons=10)
    base = timezone.now() - timedelta(days=2)
    # one visit each: further apart than the campus's repeat window (2 hours)
    results = run_together(swipes_of_one_card(campus, reader, [base + timedelta(minutes=121 * n) for n in range(20)]))

    statuses = sorted(getattr(r, "status", r) for r in results)
    assert statuses == [201] * 10 + [409] * 10
    assert {r.body["error"]["code"] for r in results if r.status == 409} == {"no_lessons_left"}
    package.refresh_from_db()
    assert (package.lessons_used, package.lessons_left) == (10, 0)
    assert LedgerEntry.objects.filter(package=package, kind="used").count() == 10
    assert Swipe.objects.count() == 20


def test_one_swipe_id_sent_ten_times_at_once_deducts_once(campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    reader, _client = a_reader(campus)
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk)
    swipe_id = str(uuid.uuid4())

    results = run_together(
        [lambda: swipe_record(swipe_id=swipe_id, card="0012345678", campus=campus, reader=reader)] * 10
    )

    statuses = sorted(getattr(r, "status", r) for r in results)
    assert statuses == [200] * 9 + [201]
    assert all(r.body == results[0].body for r in results)
    assert LedgerEntry.objects.filter(package=package, kind="used").count() == 1


def test_two_swipes_of_one_card_within_a_minute_at_once_deduct_once(campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    reader, _client = a_reader(campus)
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk)
    at = timezone.now() - timedelta(minutes=1)

    results = run_together(swipes_of_one_card(campus, reader, [at + timedelta(seconds=n) for n in range(6)]))

    assert sorted(r.status for r in results) == [201] + [409] * 5
    assert LedgerEntry.objects.filter(package=package, kind="used").count() == 1


def test_members_of_a_group_swiping_twice_at_once_are_each_charged_once_per_session(campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    reader, _client = a_reader(campus)
    teacher = make_teacher(campus, "乐理", user__username="t_group")
    group = group_class_create(
        campus=campus, name="乐理周末班", subject=subject_get_or_create(name="乐理"), teacher=teacher, by=None
    )
    starts = timezone.now() - timedelta(minutes=100)
    group_session_add(group=group, starts_at=starts, ends_at=starts + timedelta(hours=2), by=None)
    packages = []
    for i in range(5):
        student, _card = a_student_with_card(campus, desk, number=f"{i + 1:010d}", chip="", name=f"学员{i}")
        packages.append(a_package(student, desk, kind="group", course="乐理大课"))
        group_member_add(group=group, student=student, by=None)
    # arriving and leaving, sent together (an offline queue): further apart than the repeat guard
    jobs = [
        partial(
            swipe_record, swipe_id=str(uuid.uuid4()), card=f"{i + 1:010d}", campus=campus, reader=reader,
            swiped_at=starts + timedelta(minutes=minutes),
        )
        for i in range(5)
        for minutes in (-5, 90)
    ]

    results = run_together(jobs)

    assert sorted(getattr(r, "status", r) for r in results) == [201] * 5 + [409] * 5
    assert {r.body["error"]["code"] for r in results if r.status == 409} == {"already_checked_in"}
    for package in packages:
        assert LedgerEntry.objects.filter(package=package, kind="used").count() == 1
    assert Attendance.objects.filter(session__group=group).count() == 5


@pytest.fixture
def member_of_a_session(campus, make_staff):
    """A desk, a reader, a group session in progress, and a member with a card and the group
    package linked to the class."""
    desk = make_staff(Role.FRONT_DESK)
    reader, _client = a_reader(campus)
    group = music_theory_class(campus, None)
    starts = timezone.now() - timedelta(minutes=10)
    session = group_session_add(group=group, starts_at=starts, ends_at=starts + timedelta(hours=2), by=None)
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk, kind="group", course="乐理大课")
    group_member_add(group=group, student=student, by=None, package=package)
    return desk, reader, session, student, package


def test_a_swipe_and_the_desks_tick_of_one_member_at_once_charge_once(campus, member_of_a_session):
    """The session's check-in list (the desk's manual tick) and the member's own swipe at the
    same moment: one lesson, one attendance on the session; the other is refused."""
    desk, reader, session, student, package = member_of_a_session
    # three swipes, each its own (a swipe id sent again is a replay and gets the first answer
    # back), and three ticks
    jobs = [
        job
        for _ in range(3)
        for job in (
            partial(swipe_record, swipe_id=str(uuid.uuid4()), card="0012345678", campus=campus, reader=reader),
            partial(checkin_manual, package=package, by=desk, reason="点名补签", session=session),
        )
    ]

    results = run_together(jobs)

    assert LedgerEntry.objects.filter(package=package, kind="used").count() == 1
    assert Attendance.objects.filter(session=session, student=student).count() == 1
    refused = [r for r in results if isinstance(r, Exception) or getattr(r, "status", 201) == 409]
    assert len(refused) == 5
    assert not any(isinstance(r, Exception) and not hasattr(r, "code") for r in results), results


def test_a_swipe_never_waits_for_the_session_a_desks_tick_holds(campus, member_of_a_session):
    """The two halves of that race, one after the other: the desk's tick holds its first lock
    (the session's) and would next lock the member's package. The swipe, which locks the
    package before it inserts the attendance, must not then wait for the session (the
    attendance's foreign key shares the session's row), or each waits for the other. So the
    swipe completes while the tick holds the session, and the tick, going on, is refused."""
    desk, reader, session, student, package = member_of_a_session
    swipe = partial(swipe_record, swipe_id=str(uuid.uuid4()), card="0012345678", campus=campus, reader=reader)
    answers: list[object] = []

    def swipe_elsewhere() -> None:
        try:
            answers.append(swipe())
        finally:
            connection.close()

    with transaction.atomic():
        session_tick_lock(session)  # the tick's first lock, as checkin_manual takes it
        thread = threading.Thread(target=swipe_elsewhere)
        thread.start()
        thread.join(10)
        assert not thread.is_alive(), "the swipe waits for the tick's lock on the session"
        assert answers[0].status == 201
        with pytest.raises(Conflict) as refused:
            checkin_manual(package=package, by=desk, reason="点名补签", session=session)
    assert refused.value.code == "already_checked_in"
    assert LedgerEntry.objects.filter(package=package, kind="used").count() == 1
    assert Attendance.objects.filter(session=session, student=student).count() == 1
