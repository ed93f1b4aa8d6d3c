"""Sign-in, lockout, the landing page per role and the language switch."""

import pytest
from django.test import Client

from core.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str, ip: str = "10.0.0.5"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_sign_in_page_is_chinese_by_default_even_for_an_english_browser(client):
    response = client.get("/accounts/login/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "员工登录" in response.content.decode()


def test_a_person_signs_in_and_lands_on_their_page(client, make_staff):
    staff = make_staff(Role.ADVISOR)
    response = login(client, staff.user.username, PASSWORD)
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert staff.campus.name in page
    assert "班主任" in page


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_a_landing_page(client, make_staff, role):
    staff = make_staff(role)
    client.force_login(staff.user)
    assert client.get("/").status_code == 200


def test_a_user_without_a_staff_profile_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password=PASSWORD)
    client.force_login(user)
    assert client.get("/").status_code == 403


def test_repeated_wrong_passwords_lock_that_username_from_that_desk_only(make_staff):
    victim = make_staff(Role.FRONT_DESK)
    colleague = make_staff(Role.FRONT_DESK)
    desk = Client()
    for _ in range(3):  # AXES_FAILURE_LIMIT is 3 in the test settings
        login(desk, victim.user.username, "wrong")
    locked = login(desk, victim.user.username, PASSWORD)
    assert locked.status_code == 429
    assert "暂时锁定" in locked.content.decode()
    # the colleague at the same desk (same IP) still signs in
    assert login(Client(), colleague.user.username, PASSWORD).status_code == 302
    # the same person from another desk still signs in
    assert login(Client(), victim.user.username, PASSWORD, ip="10.0.0.9").status_code == 302


def test_the_language_switch_gives_english(client, make_staff):
    client.force_login(make_staff(Role.FRONT_DESK).user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Sign out" in page
