"""students/roles.py is the one table of who may do what: each page and the endpoint of the
same action let in exactly the roles it names, and hq_admin the same way on both — let in
everywhere but where a student file is opened, which it has no campus of its own for."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.roles import Role, allows
from students.models import Student
from students.roles import ROLES
from tests.access import api_lets_in, page_lets_in
from tests.factories import token_for

from .helpers import make_student, student_body
from .test_pages import NEW_FORM

pytestmark = pytest.mark.django_db


def doors(student: Student, advisor_username: str) -> dict[str, tuple[tuple, tuple]]:
    """(page, endpoint) of each action, each as (path, data or None)."""
    taken = (timezone.now() - timedelta(hours=1)).isoformat()
    return {
        "view": (("/students/", None), ("/api/v1/students", None)),
        "edit": (
            (f"/students/{student.pk}/edit/", None),
            (f"/api/v1/students/{student.pk}/guardians", {"name": "外婆", "relation": "grandparent", "phone": "13900000009"}),
        ),
        "handover": (("/students/handover/", None), (f"/api/v1/students/{student.pk}/advisor", {"advisor": advisor_username})),
        "leads": (("/students/leads/", None), ("/api/v1/leads", {"name": "小周", "phone": "13700000009", "source": "online"})),
        "assess": (
            (f"/students/{student.pk}/assessments/", {"subject": "数学", "taken_at": taken[:16]}),
            ("/api/v1/assessments", {"student_id": student.pk, "subject": "数学", "taken_at": taken}),
        ),
    }


@pytest.mark.parametrize("role", list(Role))
def test_the_page_and_the_api_let_in_the_roles_of_the_table(role, campus, make_staff):
    student = make_student(campus, make_staff(Role.FRONT_DESK))
    staff = make_staff(role)
    for action, (page, endpoint) in doors(student, make_staff(Role.ADVISOR).username).items():
        expected = allows(ROLES[action], role)
        assert page_lets_in(staff, *page) == expected, (action, "page")
        assert api_lets_in(staff, *endpoint) == expected, (action, "api")
    assert page_lets_in(staff, "/students/duty/") == allows(ROLES["lobby"], role)


def test_the_table_never_names_hq_admin():
    assert all(Role.HQ_ADMIN not in roles for roles in ROLES.values())


@pytest.mark.parametrize("role", list(Role))
def test_who_opens_a_file_on_the_page_opens_one_through_the_api(role, make_staff):
    staff = make_staff(role)
    expected = allows(ROLES["open_file"], role) and role != Role.HQ_ADMIN
    assert page_lets_in(staff, "/students/new/") == expected
    assert page_lets_in(staff, "/students/import/") == expected
    assert api_lets_in(staff, "/api/v1/students", student_body()) == expected
    assert Student.objects.exists() == expected


def test_hq_admin_opens_no_file_on_the_page_nor_through_the_api(campus, make_staff):
    hq = make_staff(Role.HQ_ADMIN)
    client = Client()
    client.force_login(hq.user)
    assert client.get("/students/new/").status_code == 403
    assert client.post("/students/new/", NEW_FORM).status_code == 403
    api = Client().post(
        "/api/v1/students", student_body(), content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(hq)}"},
    )
    assert api.status_code == 403 and api.json()["error"]["code"] == "forbidden"
    assert not Student.objects.exists()
    # hq_admin still reads and edits every campus's files, on both
    student = make_student(campus, make_staff(Role.FRONT_DESK))
    assert client.get(f"/students/{student.pk}/edit/").status_code == 200
    assert api_lets_in(hq, f"/api/v1/students/{student.pk}/guardians",
                       {"name": "外婆", "relation": "grandparent", "phone": "13900000009"})
