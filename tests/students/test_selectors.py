"""The one lookup every app makes of a student by id: the caller's campus's, else 404."""

import pytest
from django.http import Http404

from core.roles import Role
from students.selectors import scoped_student_or_404
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_it_finds_a_student_of_the_callers_campus_with_campus_and_advisor_in_one_query(
    campus, make_staff, django_assert_num_queries
):
    advisor = make_staff(Role.ADVISOR)
    ours = StudentFactory(campus=campus, advisor=advisor)
    desk = make_staff(Role.FRONT_DESK)

    with django_assert_num_queries(1):  # the student joined with campus, advisor and the advisor's user
        found = scoped_student_or_404(desk, ours.pk)
        assert (found, found.campus.code, found.advisor.user.username) == (ours, "bj01", advisor.user.username)


@pytest.mark.parametrize("pk", ["other", "abc", None, 10**6])
def test_another_campus_or_no_such_id_is_404(other_campus, make_staff, pk):
    theirs = StudentFactory(campus=other_campus)
    with pytest.raises(Http404):
        scoped_student_or_404(make_staff(Role.FRONT_DESK), theirs.pk if pk == "other" else pk)


def test_hq_admin_finds_a_student_of_any_campus(other_campus, make_staff):
    theirs = StudentFactory(campus=other_campus)
    assert scoped_student_or_404(make_staff(Role.HQ_ADMIN), theirs.pk) == theirs
