"""The to-do inbox in Debian's Chromium: a job's to-do on the landing page, counted in the
top bar, ticked off with 完成."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.models import Todo
from core.roles import Role
from core.todos import todo_raise
from tests.factories import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_to_do_from_a_job_is_ticked_off_on_the_landing_page(page: Page, live_server, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    todo = todo_raise(
        assignee=desk, kind="goods_low", key="goods_low:1", day=timezone.localdate(),
        text="库存预警：琴谱夹 剩 1个（预警线 3）", link="/billing/goods/",
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, live_server, desk)
    expect(page.locator(".todo-count .badge")).to_have_text("1")
    row = page.locator("li", has_text="库存预警：琴谱夹")
    expect(row.get_by_role("link")).to_have_attribute("href", "/billing/goods/")
    row.get_by_role("button", name="完成").click()
    expect(page.locator(".messages")).to_contain_text("待办已完成")
    expect(page.locator(".todo-count .badge")).to_have_text("0")
    expect(page.get_by_text("库存预警：琴谱夹")).to_have_count(0)
    assert Todo.objects.get(pk=todo.pk).done_at is not None
