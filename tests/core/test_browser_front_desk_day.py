"""The front desk's day in Chromium, through the pages only: a new family's file, a package
sold and paid, a card issued, the child checks in at the kiosk with the reader, and the
parent's statement shows the lesson used."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from core.roles import Role
from students.models import Student

from ..factories import PASSWORD
from ..students.helpers import fill_new_student

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_family_is_checked_in_at_the_kiosk_on_its_first_day(page: Page, live_server, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    url = live_server.url

    # sign in
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(desk.user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".campus")).to_have_text(desk.campus.name)

    # the student's file, with both parents
    page.goto(url + reverse("students:new"))
    fill_new_student(
        page, name="欧阳晨", gender="M", birthday="2013-09-01", address="北京市朝阳区望京西路 8 号",
        mother=("欧阳妈妈", "13711112222"), father=("欧阳爸爸", "13733334444")
    )
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("欧阳晨")
    student = Student.objects.get(name="欧阳晨")

    # a package of 10 lessons and 1 bonus, paid in full, with its receipt
    page.goto(url + reverse("billing:package_new", args=[student.pk]))
    page.fill("#id_course", "钢琴一对一")
    page.fill("#id_lessons", "10")
    page.fill("#id_bonus_lessons", "1")
    page.fill("#id_price", "3000")
    page.fill("#id_paid", "3000")
    expect(page.locator("#preview")).to_contain_text("全款")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("钢琴一对一")
    expect(page.locator("main")).to_contain_text("11")

    # a card, with the ¥20 deposit
    page.goto(url + reverse("cardreader:cards") + "?q=欧阳晨")
    page.get_by_role("link", name="办卡（押金 ¥20）").click()
    page.get_by_label("卡号（10 位数字）").fill("0012345678")
    page.get_by_role("button", name="确定").click()
    expect(page.locator("main")).to_contain_text("0012345678")

    # the reader at the kiosk: a burst of digits and Enter, wherever the focus is
    page.goto(url + reverse("cardreader:kiosk"))
    page.locator("body").click()
    page.keyboard.type("0012345678", delay=5)
    page.keyboard.press("Enter")
    result = page.locator("#kiosk-result")
    expect(result).to_have_class("kiosk-result ok", timeout=10_000)
    expect(result).to_contain_text("欧阳晨")
    expect(result).to_contain_text("10 课时")

    # the parent's statement: the lesson used, why, and what is left
    page.goto(url + reverse("billing:statement", args=[student.pk]))
    used = page.locator("tr", has_text="刷卡签到")
    expect(used).to_have_count(1)
    expect(used.locator("td.num")).to_have_text("10")
    expect(page.locator("main")).to_contain_text("剩余课时合计：10 课时")
