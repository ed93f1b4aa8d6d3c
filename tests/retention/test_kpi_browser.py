"""The KPI dashboard in Chromium at the front desk's 1280 px and the advisor's phone's
390 px: the charts are drawn, no CSP violation is reported, the page never scrolls
sideways, and a number opens the students behind it."""

import pytest

from core.roles import Role

from ..factories import sign_in_page
from .kpi_makers import consumption_month, two_advisors

NO_SIDEWAYS_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboard_fits_and_a_number_opens_its_students(page, live_server, campus, make_staff, width):
    wang, li = two_advisors(campus)
    made = consumption_month(campus, wang, li)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_page(page, live_server, make_staff(Role.PRINCIPAL))

    page.goto(live_server.url + "/retention/kpis/?month=2026-03")
    assert page.locator("svg.kpi-trend").count() == 5
    assert page.locator("svg.kpi-trend polyline").count() >= 1
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.locator("[data-figure='lesson_consumption.rate']").inner_text() == "100.0%"

    page.locator("[data-figure='lesson_consumption.used']").click()
    page.wait_for_url("**/retention/kpis/lesson_consumption/**")
    assert sorted(page.locator("tr[data-student]").all_inner_texts())[0].startswith("小明")
    assert page.locator("tr[data-student]").count() == 2
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert violations == []
    assert made["ming"].name == "小明"
