"""A swipe is one short transaction with a fixed number of queries (no N+1)."""

import pytest

from core.roles import Role

from .helpers import a_package, a_reader, a_student_with_card, swipe

pytestmark = pytest.mark.django_db


def test_a_successful_swipe_runs_22_queries(campus, make_staff, django_assert_num_queries):
    desk = make_staff(Role.FRONT_DESK)
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk)
    other, _other_card = a_student_with_card(campus, desk, number="0000000002", chip="", name="李四")
    a_package(other, desk)
    _reader, client = a_reader(campus)
    swipe(client, "0000000002")  # the token's last_used_at is then fresh: not written again

    # Savepoints appear because the test runs inside a transaction; in production the
    # outer atomic is BEGIN … COMMIT and the inner ones are the same savepoints.
    with django_assert_num_queries(22):
        # 1 the token with its staff, campus and reader (core auth)
        # 2 the swipe_id looked up: a replay answers here
        # 3 SAVEPOINT: the swipe's transaction
        # 4 INSERT the swipe row, claiming the swipe_id
        # 5 SAVEPOINT: the check-in, rolled back alone on a refusal
        # 6 the card, locked (FOR UPDATE), with its student
        # 7 the repeat guard: an accepted swipe of this card within 60 s
        # 8 the student's scheduled lesson now (scheduling.lesson_at)
        # 9 no lesson: the session of a group class of the student's now (scheduling.session_at)
        # 10 a check-in of the same kind within the campus's repeat window (already_checked_in;
        #   the campus came with the token, its window with it)
        # 11 the student's packages, locked (billing.package_for_checkin)
        # 12 SAVEPOINT: scheduling.lesson_checkin
        # 13 SAVEPOINT: package_deduct
        # 14 the package locked again, with campus and student (package_deduct)
        # 15 INSERT the ledger entry
        # 16 UPDATE the package's lessons_left / lessons_used
        # 17 RELEASE package_deduct
        # 18 INSERT the attendance (attendance_record)
        # 19 RELEASE lesson_checkin
        # 20 RELEASE the check-in savepoint
        # 21 UPDATE the swipe row with the answer and its links
        # 22 RELEASE (COMMIT in production)
        response = swipe(client, "0012345678")
    assert response.status_code == 201
