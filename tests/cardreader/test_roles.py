"""cardreader/roles.py is the one table of who may do what: each page and the endpoint of
the same action let in exactly the roles it names, and hq_admin, the same way."""

import uuid

import pytest

from cardreader.roles import ROLES
from core.roles import Role
from tests.access import assert_doors_follow_the_table
from tests.factories import StudentFactory, teaches

from .helpers import a_student_with_card

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_the_page_and_the_api_let_in_the_roles_of_the_table(role, campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    holder, card = a_student_with_card(campus, desk)
    staff = make_staff(role)
    if role == Role.TEACHER:
        teaches(staff, holder)  # a teacher opens the files of their own students only
    doors = {
        "swipe": (("/kiosk/", None), ("/api/v1/swipes", {"swipe_id": str(uuid.uuid4()), "card": card.card_number})),
        "cards": (
            ("/cards/", None),
            (f"/api/v1/students/{StudentFactory(campus=campus).pk}/cards", {"card_number": "0012349999"}),
        ),
        "read": (
            (f"/students/{holder.pk}/", None),  # the student file that lists the card
            (f"/api/v1/cards/{card.pk}", None),
        ),
    }
    assert_doors_follow_the_table(ROLES, staff, doors)


def test_the_table_never_names_hq_admin():
    assert all(Role.HQ_ADMIN not in roles for roles in ROLES.values())
