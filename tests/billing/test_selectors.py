"""The one lookup every app makes of a package by id: the caller's campus's, else 404."""

import pytest
from django.http import Http404

from billing.selectors import scoped_package_or_404
from core.roles import Role
from tests.factories import sold_package

pytestmark = pytest.mark.django_db


def test_it_finds_a_package_of_the_callers_campus_with_what_its_page_shows_in_one_query(
    campus, make_staff, django_assert_num_queries
):
    desk = make_staff(Role.FRONT_DESK)
    package = sold_package(campus, desk)
    expected = (package, campus, package.student, package.subject, desk.user)

    with django_assert_num_queries(1):  # the package joined with campus, student, subject and seller
        found = scoped_package_or_404(desk, package.pk)
        assert (found, found.campus, found.student, found.subject, found.created_by.user) == expected


@pytest.mark.parametrize("pk", ["other", "abc", None, 10**6])
def test_another_campus_or_no_such_id_is_404(other_campus, make_staff, pk):
    theirs = sold_package(other_campus, make_staff(Role.FRONT_DESK, campus=other_campus))
    with pytest.raises(Http404):
        scoped_package_or_404(make_staff(Role.FRONT_DESK), theirs.pk if pk == "other" else pk)


def test_hq_admin_finds_a_package_of_any_campus(other_campus, make_staff):
    theirs = sold_package(other_campus, make_staff(Role.FRONT_DESK, campus=other_campus))
    assert scoped_package_or_404(make_staff(Role.HQ_ADMIN), theirs.pk) == theirs
