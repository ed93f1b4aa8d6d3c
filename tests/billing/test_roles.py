"""billing/roles.py is the one table of who may do what: each page and the endpoint of the
same action let in exactly the roles it names, and hq_admin, the same way."""

import pytest

from billing.roles import ROLES
from core.roles import Role, allows
from tests.access import api_lets_in, assert_doors_follow_the_table, page_lets_in
from tests.cardreader.helpers import a_package
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

SALE = {
    "course": "钢琴一对一", "kind": "one_on_one", "lessons": 10, "price": "3000.00", "paid": "3000.00",
    "valid_from": "2026-01-01", "valid_until": "2030-12-31",
}


def doors(student, package) -> dict[str, tuple[tuple, tuple]]:
    """(page, endpoint) of each action, each as (path, data or None)."""
    return {
        "sell": (
            (f"/billing/students/{student.pk}/packages/new/", None),
            (f"/api/v1/students/{student.pk}/packages", SALE),
        ),
        "pay": (
            (f"/billing/packages/{package.pk}/pay/", {"amount": "1.00", "method": "cash"}),
            (f"/api/v1/packages/{package.pk}/payments", {"amount": "1.00"}),
        ),
        "deduct": (
            (f"/billing/packages/{package.pk}/deduct/", {"reason": "忘带卡"}),
            (f"/api/v1/packages/{package.pk}/deductions", {"reason": "忘带卡"}),
        ),
    }


@pytest.mark.parametrize("role", list(Role))
def test_the_page_and_the_api_let_in_the_roles_of_the_table(role, campus, desk, make_staff):
    student = StudentFactory(campus=campus)
    package = a_package(student, desk, price="3000.00", paid="2000.00")
    assert_doors_follow_the_table(ROLES, make_staff(role), doors(student, package))


def test_the_table_never_names_hq_admin_and_it_is_let_in_everywhere():
    assert all(Role.HQ_ADMIN not in roles for roles in ROLES.values())
    assert all(allows(roles, Role.HQ_ADMIN) for roles in ROLES.values())


@pytest.mark.parametrize("role", list(Role))
def test_the_billing_pages_and_the_package_reads(role, campus, desk, make_staff):
    package = a_package(StudentFactory(campus=campus), desk)
    staff = make_staff(role)
    assert page_lets_in(staff, f"/billing/packages/{package.pk}/") == allows(ROLES["view"], role)
    # the student file shows every role the packages: the API reads them to every role
    assert api_lets_in(staff, f"/api/v1/packages/{package.pk}") == allows(ROLES["read"], role)
    assert api_lets_in(staff, "/api/v1/payments") == page_lets_in(staff, "/billing/payments/")
