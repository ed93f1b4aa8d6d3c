"""retention/roles.py is the one table of who may do what: each page and the endpoint of
the same action let in exactly the roles it names, and hq_admin, the same way."""

import pytest
from django.urls import reverse

from core.roles import Role, allows
from retention.roles import ROLES
from tests.access import api_lets_in, assert_doors_follow_the_table, page_lets_in
from tests.factories import drafted_refund, signed_in, sold_package, teaches

from .followup_makers import make_student

pytestmark = pytest.mark.django_db

CALL = {"contact": "parent", "channel": "phone", "kind": "regular", "summary": "与家长沟通孩子近况"}


@pytest.mark.parametrize("role", list(Role))
def test_the_page_and_the_api_let_in_the_roles_of_the_table(role, campus, make_staff):
    staff = make_staff(role)
    # an advisor logs calls for their own students only: the student is theirs
    student = make_student(campus, staff if role == Role.ADVISOR else None)
    package = sold_package(campus, make_staff(Role.FRONT_DESK))
    refund = drafted_refund(sold_package(campus, make_staff(Role.FRONT_DESK)), principal=make_staff(Role.PRINCIPAL))
    doors = {
        "log": (
            (reverse("retention:follow_up_new", args=[student.pk]), None),
            (f"/api/v1/students/{student.pk}/follow-ups", CALL),
        ),
        "day": ((reverse("retention:day"), None), ("/api/v1/follow-ups/due", None)),
        "save_cases": ((reverse("retention:save_cases"), None), ("/api/v1/save-cases", None)),
        "save_case_open": (
            (reverse("retention:save_case_new", args=[package.pk]), None),
            (f"/api/v1/packages/{package.pk}/save-cases", {"reason": "家长要求退费", "regular": True}),
        ),
        "refunds": ((reverse("retention:refund", args=[refund.pk]), None), (f"/api/v1/refunds/{refund.pk}", None)),
        "refund_analysis": ((reverse("retention:refund_analysis"), None), ("/api/v1/refund-analysis", None)),
    }
    assert_doors_follow_the_table(ROLES, staff, doors)
    # the pages without an endpoint
    for action, name in (("follow_ups", "follow_ups"), ("records", "records"),
                         ("records_missing", "record_missing"), ("refund_settings", "refund_settings")):
        assert page_lets_in(staff, reverse(f"retention:{name}")) == allows(ROLES[action], role), action


@pytest.mark.parametrize("role", list(Role))
def test_who_reads_a_students_log_through_the_api_sees_the_files_tab(role, campus, make_staff):
    staff = make_staff(role)
    student = make_student(campus, name="林小满")
    if role == Role.TEACHER:
        teaches(staff, student)  # a teacher opens the files of their own students only
    html = signed_in(staff).get(reverse("students:detail", args=[student.pk]), {"tab": "followups"}).content.decode()
    reads = api_lets_in(staff, f"/api/v1/students/{student.pk}/follow-ups")
    assert reads == allows(ROLES["read"], role) == ('href="?tab=followups"' in html)


def test_the_table_never_names_hq_admin():
    assert all(Role.HQ_ADMIN not in roles for roles in ROLES.values())
