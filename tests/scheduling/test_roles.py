"""scheduling/roles.py is the one table of who may do what: each page and the endpoint of
the same action let in exactly the roles it names, and hq_admin, the same way."""

import pytest

from core.roles import Role
from scheduling.roles import ROLES
from tests.access import assert_doors_follow_the_table
from tests.factories import StudentFactory

from .helpers import make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(campus) -> dict:
    """A body of POST /lessons: a piano lesson of a student of the campus."""
    return {
        "student_id": StudentFactory(campus=campus).pk, "teacher": make_teacher(campus, "钢琴").username,
        "subject": "钢琴", "starts_at": "2026-12-07T09:00:00+08:00", "ends_at": "2026-12-07T10:00:00+08:00",
    }


@pytest.mark.parametrize("role", list(Role))
def test_the_page_and_the_api_let_in_the_roles_of_the_table(role, make_staff, booking):
    doors = {
        "view": (("/schedule/", None), ("/api/v1/lessons", None)),
        "schedule": (("/schedule/lessons/new/", None), ("/api/v1/lessons", booking)),
        "reconcile": (("/schedule/reconciliation/", None), ("/api/v1/lessons-reconciliation", None)),
    }
    assert_doors_follow_the_table(ROLES, make_staff(role), doors)


def test_the_table_never_names_hq_admin():
    assert all(Role.HQ_ADMIN not in roles for roles in ROLES.values())


@pytest.mark.parametrize("role", [Role.PRINCIPAL, Role.HQ_ADMIN])
def test_a_principal_and_hq_book_through_the_api_as_on_the_page(api_as, role, booking):
    assert api_as(role).post("/api/v1/lessons", booking).status_code == 201
