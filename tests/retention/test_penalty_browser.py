"""The CS supervisor's spot-check and a penalty recorded by hand, in Chromium: the week's
sample drawn, a follow-up marked false, the falsified-record fine on the advisor's page,
then a warning entered through the form with its level computed."""

import pytest

from core.roles import Role
from retention.models import Incident, SpotCheck
from tests.factories import sign_in_page

from .followup_makers import at, log, make_student

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_spot_check_found_false_and_a_penalty_by_hand(browser, live_server, make_staff, campus):
    supervisor = make_staff(Role.CS_SUPERVISOR, user__first_name="周主管")
    advisor = make_staff(Role.ADVISOR, supervisor=supervisor, user__first_name="孙老师")
    student = make_student(campus, advisor, name="周小雨", since=at("2026-03-02"))
    log(student, advisor, "regular", at("2026-03-11"), summary="孩子本周练琴认真")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        page = context.new_page()
        sign_in_page(page, live_server, supervisor)
        page.goto(f"{live_server.url}/retention/spot-checks/?week=2026-03-09")
        assert "本周尚未抽取" in page.inner_text("main")
        page.click("button:has-text('抽取本周样本')")
        page.wait_for_selector("text=孩子本周练琴认真")
        page.fill("input[name=note]", "家长说本周没有接到电话")
        page.click("button:has-text('不实')")
        page.wait_for_selector("text=家长说本周没有接到电话")
        assert SpotCheck.objects.get().result == "false"

        page.goto(f"{live_server.url}/retention/penalties/?staff={advisor.pk}&month=2026-03")
        assert "100.00" in page.inner_text("main")
        page.goto(f"{live_server.url}/retention/penalties/?staff={advisor.pk}")
        page.select_option("select[name=rule]", "not_notified")
        page.fill("input[name=note]", "调课未通知家长")
        page.click("button:has-text('登记')")
        page.wait_for_selector("text=调课未通知家长")
        assert Incident.objects.filter(rule_code="not_notified", level="warning", staff=advisor).exists()
    finally:
        context.close()
