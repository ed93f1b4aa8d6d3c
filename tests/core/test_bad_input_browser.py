"""The Content-Security-Policy breaks nothing: every page of every role, the kiosk among
them, opens in Chromium without a single violation (or script error) in the console."""

import pytest
from django.conf import settings
from django.test import Client

from core.roles import Role

from .bad_input_world import build_world
from .campus_pages import campus_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATIC = {"script", "stylesheet", "image", "font"}


def one_page_a_pattern(campus) -> list[str]:
    """The address of one record per page pattern: the templates are what is judged."""
    chosen: dict[str, str] = {}
    for pattern, url in campus_pages(campus):
        if not url.endswith((".xlsx", ".pdf")) and "export=" not in url:
            chosen.setdefault(pattern, url)
    return sorted(chosen.values())


def test_no_page_of_any_role_violates_the_content_security_policy(page, live_server):
    world = build_world()
    urls = one_page_a_pattern(world.campus)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    # a page refused to a role is a 403 document and a swipe may be refused (409); a script,
    # a style or an image is never missing, and no request is a server error
    page.on("response", lambda r: problems.append(f"{page.url}: {r.status} {r.url}")
            if (r.status >= 500 or r.status >= 400 and r.request.resource_type in STATIC)
            and not r.url.endswith("favicon.ico") else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    opened = 0
    for role, staff in world.staff.items():
        client = Client()
        client.force_login(staff.user)
        page.context.clear_cookies()
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                                   "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                                   "url": live_server.url}])
        for url in urls:
            response = page.goto(live_server.url + url)
            if response.status == 200:
                opened += 1
                page.wait_for_load_state("networkidle")
        if role == Role.FRONT_DESK:
            page.goto(live_server.url + "/kiosk/")
            page.wait_for_selector("#kiosk-result.idle")
            page.locator("body").click()
            page.keyboard.type(world.student.cards.first().card_number, delay=5)
            page.keyboard.press("Enter")
            page.wait_for_selector("#kiosk-result:not(.idle)")
            page.goto(live_server.url + "/students/")
            page.fill("input[name=q]", world.student.name[:1])  # htmx swaps the rows in
            page.wait_for_load_state("networkidle")
    assert opened > 9 * 10
    # the console's "failed to load resource" lines are the responses judged above
    assert not [p for p in problems if "Failed to load resource" not in p], problems
