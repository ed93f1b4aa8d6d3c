"""Every page in every role's navigation opens, on a campus with demo data: no 500, no
missing template, the role's own menu only."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from core.models import Staff
from core.navigation import nav_for
from core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db) -> None:
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.parametrize("role", list(Role))
def test_every_menu_page_of_a_role_opens(demo, role):
    staff = Staff.objects.filter(role=role).first()
    client = Client()
    client.force_login(staff.user)
    links = nav_for(staff)
    assert links, f"{role} has no menu"
    for link in links:
        response = client.get(link["url"])
        assert response.status_code == 200, (link, response.status_code)
        assert "<html" in response.content.decode()


def test_the_landing_page_of_every_role_shows_the_demo_campus(demo):
    for staff in Staff.objects.select_related("user", "campus"):
        client = Client()
        client.force_login(staff.user)
        page = client.get("/").content.decode()
        assert staff.campus.name in page


def every_menu_url() -> set[str]:
    return {link["url"] for staff in Staff.objects.all() for link in nav_for(staff)}


# Pages a role may open although its menu leaves them out, to keep the menu short.
REACHABLE_OFF_MENU = {
    "/schedule/teacher-changes/": {Role.FRONT_DESK, Role.ADVISOR, Role.PRINCIPAL},  # from the 教员 page
    "/schedule/timekeeping/": {Role.FRONT_DESK},  # from the 教员 page
    "/students/": {Role.TEACHER},  # a teacher opens their students' files from the timetable
}


@pytest.mark.parametrize("role", [r for r in Role if r != Role.HQ_ADMIN])
def test_a_page_outside_a_roles_menu_is_refused_on_the_server(demo, role):
    staff = Staff.objects.filter(role=role).first()
    client = Client()
    client.force_login(staff.user)
    own = {link["url"] for link in nav_for(staff)}
    for url in sorted(every_menu_url() - own - {"/"}):
        expected = 200 if role in REACHABLE_OFF_MENU.get(url, set()) else 403
        assert client.get(url).status_code == expected, url
