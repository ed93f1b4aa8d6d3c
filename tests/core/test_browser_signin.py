"""Signing in at the front desk, in Debian's Chromium."""

import pytest
from playwright.sync_api import Page, expect

from core.roles import Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_front_desk_clerk_signs_in_and_sees_their_campus(page: Page, live_server, make_staff):
    staff = make_staff(Role.FRONT_DESK)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="员工登录")).to_be_visible()
    page.get_by_label("用户名").fill(staff.user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".campus")).to_have_text(staff.campus.name)


def test_a_wrong_password_is_said_in_chinese(page: Page, live_server, make_staff):
    staff = make_staff(Role.FRONT_DESK)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(staff.user.username)
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
