"""Every page of every role's menu fits the screen, on an advisor's phone (390×844) and at
the front desk (1280×800): the page never scrolls sideways and no element is wider than
the window or sticks out of it. On the phone the top menu stays collapsed behind its
button, and a student's file (each of its tabs) and a lesson's page fit too.

One Chromium, one context per role and screen, on the demo campus (a week of lessons,
students with guardians, packages, cards)."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from core.models import Staff
from core.navigation import nav_for
from core.roles import Role
from scheduling.models import Lesson
from students.models import Lead, Student

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1280, "height": 800}}
MENU_HEIGHT_ON_A_PHONE = 80  # px, the collapsed top bar

# What sticks out: the page's own width, then every element wider than the window or
# reaching past its edges, outermost first (an element inside an offender is not named).
OVERFLOW = """(width) => {
  const found = [];
  const name = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    if (el.classList.length) text += "." + [...el.classList].join(".");
    const words = (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return words ? `${text} "${words}"` : text;
  };
  // a phone zooms out to show a page wider than itself: the window grows with it
  const page = Math.max(document.documentElement.scrollWidth, window.innerWidth);
  if (page > width) found.push(`the page is ${page}px wide`);
  const offending = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.width > width + 0.5 || box.right > width + 0.5 || box.left < -0.5) {
      offending.add(el);
      if (!offending.has(el.parentElement)) {
        found.push(`${name(el)}: ${Math.round(box.left)}…${Math.round(box.right)}px`);
      }
    }
  }
  return found.slice(0, 8);
}"""


@pytest.fixture
def demo(db) -> None:
    call_command("seed_demo", stdout=StringIO())


def signed_in_context(browser, browser_context_args: dict, live_server, staff: Staff, screen: dict):
    """A fresh context on `screen` holding `staff`'s session (the login form is tested
    elsewhere; here it would only cost time)."""
    client = Client()
    client.force_login(staff.user)
    context = browser.new_context(**{**browser_context_args, **screen})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    return context


def pages_of(staff: Staff) -> list[str]:
    """The landing page and the role's menu; for the front desk and the advisor, a student's
    file (its tabs are added as the page shows them), their packages and statement, a
    package, a lesson and a lead."""
    urls = ["/"] + [link["url"] for link in nav_for(staff)]
    if staff.role in (Role.FRONT_DESK, Role.ADVISOR):
        student = Student.objects.filter(campus=staff.campus, guardians__isnull=False, packages__isnull=False,
                                         advisor__isnull=False).order_by("pk").first()
        lesson = Lesson.objects.filter(student__campus=staff.campus).order_by("starts_at").first()
        lead = Lead.objects.filter(campus=staff.campus).order_by("pk").first()
        urls += [f"/students/{student.pk}/", f"/billing/students/{student.pk}/",
                 f"/billing/students/{student.pk}/statement/", f"/billing/packages/{student.packages.first().pk}/",
                 f"/schedule/lessons/{lesson.pk}/"] + ([f"/students/leads/{lead.pk}/"] if lead else [])
    return urls


def overflows(page, url: str) -> list[str]:
    # deferred scripts (app.js labels the tables) run after the stylesheets, before this event
    page.goto(url, wait_until="domcontentloaded")
    return page.evaluate(OVERFLOW, page.viewport_size["width"])


def test_every_menu_page_of_every_role_fits_the_screen(demo, browser, browser_context_args, live_server):
    problems: list[str] = []
    for screen in (PHONE, DESK):
        for role in Role:
            staff = Staff.objects.filter(role=role, campus__code="demo").select_related("campus").first()
            context = signed_in_context(browser, browser_context_args, live_server, staff, screen)
            problems += walk(context.new_page(), live_server.url, staff, on_phone=screen is PHONE)
            context.close()
    assert not problems, "\n".join(problems)


def walk(page, server: str, staff: Staff, *, on_phone: bool) -> list[str]:
    """What does not fit on each page of `staff`, named by screen, role, page and element."""
    screen = f"{page.viewport_size['width']}px"
    problems: list[str] = []
    seen: set[str] = set()
    queue = pages_of(staff)
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        problems += [f"{screen} {staff.role} {url}: {p}" for p in overflows(page, server + url)]
        if on_phone:
            height = page.locator("header.topbar").bounding_box()["height"]
            if height >= MENU_HEIGHT_ON_A_PHONE:
                problems.append(f"{screen} {staff.role} {url}: the folded menu is {height:.0f}px high")
        if url.startswith("/students/") and url.split("/")[2].isdigit() and "?tab=" not in url:
            hrefs = page.locator(".tabs a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            queue += [url + href for href in hrefs if href.startswith("?")]
    return problems


def test_on_a_phone_the_menu_opens_from_its_button_and_from_the_keyboard(demo, browser, browser_context_args,
                                                                          live_server):
    advisor = Staff.objects.get(user__username="advisor")
    for scripts in (True, False):
        context = signed_in_context(browser, browser_context_args, live_server, advisor,
                                    {**PHONE, "java_script_enabled": scripts})
        page = context.new_page()
        page.goto(live_server.url + "/schedule/")
        students = page.locator(".mainnav a", has_text="学员")
        expect(students).to_be_hidden()
        expect(page.locator(".menu-button")).to_contain_text("课表")  # where one is
        page.locator(".menu-button").tap()
        expect(students).to_be_visible()
        page.locator(".menu-button").tap()
        expect(students).to_be_hidden()
        context.close()

    context = signed_in_context(browser, browser_context_args, live_server, advisor, PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/schedule/")
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")  # the menu's button
    page.keyboard.press("Space")
    students = page.locator(".mainnav a", has_text="学员")
    expect(students).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(".mainnav a").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(students).to_be_hidden()
    expect(page.locator("#menu-toggle")).to_be_focused()
    context.close()

    context = signed_in_context(browser, browser_context_args, live_server, advisor, DESK)
    page = context.new_page()
    page.goto(live_server.url + "/schedule/")
    expect(page.locator(".menu-button")).to_be_hidden()
    expect(page.locator(".mainnav a", has_text="学员")).to_be_visible()
    # every page in the bar itself: its links wrap to a second row for a role with many
    # pages (the advisor's nineteen), never to a third
    assert page.locator("header.topbar").bounding_box()["height"] < 130
    context.close()


def test_on_a_phone_a_table_is_a_card_a_row_and_the_week_a_list_of_days(demo, browser, browser_context_args,
                                                                        live_server):
    desk = Staff.objects.get(user__username="front_desk")
    context = signed_in_context(browser, browser_context_args, live_server, desk, PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/students/")
    row = page.locator("main table tbody tr").first
    labels = row.locator("td").evaluate_all(
        "cells => cells.map(td => getComputedStyle(td, '::before').content)")
    assert labels[:4] == ['"姓名"', '"性别"', '"年级"', '"家长"']
    assert page.locator("main table tr.cards-head").first.is_hidden()
    # a guardian's number dials
    assert page.locator("main table a[href^='tel:']").count() >= 2
    # rows the search swaps in are cards with labels too
    page.fill("input[name=q]", "张子涵")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    label = page.locator("main table tbody td").first.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"姓名"'

    page.goto(live_server.url + "/schedule/")
    days = page.locator(".week .col")
    expect(days).to_have_count(7)
    boxes = [days.nth(i).bounding_box() for i in range(7)]
    assert all(box["width"] > 300 for box in boxes)  # each day the width of the screen
    assert [box["y"] for box in boxes] == sorted(box["y"] for box in boxes)  # one under the other
    context.close()
