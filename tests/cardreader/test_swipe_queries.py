"""A swipe is one short transaction with a fixed number of queries (no N+1)."""

import pytest

from core.roles import Role

from .helpers import a_package, a_reader, a_student_with_card, swipe

pytestmark = pytest.mark.django_db


def test_a_successful_swipe_runs_21_queries(campus, make_staff, django_assert_num_queries):
    desk = make_staff(Role.FRONT_DESK)
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk)
    other, _other_card = a_student_with_card(campus, desk, number="0000000002", chip="", name="李四")
    a_package(other, desk)
    _reader, client = a_reader(campus)
    swipe(client, "0000000002")  # the token's last_used_at is then fresh: not written again

    # Savepoints appear because the test runs inside a transaction; in production the
    # outer atomic is BEGIN … COMMIT and the inner ones are the same savepoints.
    with django_assert_num_queries(21):
        # 1 the token with its staff, campus and reader (core auth)
        # 2 the swipe_id looked up: a replay answers here
        # 3 SAVEPOINT: the swipe's transaction
        # 4 INSERT the swipe row, claiming the swipe_id
        # 5 SAVEPOINT: the check-in, rolled back alone on a refusal
        # 6 the card, locked (FOR UPDATE), with its student
        # 7 the repeat guard: a deduction by this card within 60 s
        # 8 the student's scheduled lesson now (scheduling.lesson_at)
        # 9 a check-in of the same kind within the campus's repeat window (already_checked_in;
        #   the campus came with the token, its window with it)
        # 10 the student's packages, locked (billing.package_for_checkin)
        # 11 SAVEPOINT: scheduling.lesson_checkin
        # 12 SAVEPOINT: package_deduct
        # 13 the package locked again, with campus and student (package_deduct)
        # 14 INSERT the ledger entry
        # 15 UPDATE the package's lessons_left / lessons_used
        # 16 RELEASE package_deduct
        # 17 INSERT the attendance (attendance_record)
        # 18 RELEASE lesson_checkin
        # 19 RELEASE the check-in savepoint
        # 20 UPDATE the swipe row with the answer and its links
        # 21 RELEASE (COMMIT in production)
        response = swipe(client, "0012345678")
    assert response.status_code == 201
