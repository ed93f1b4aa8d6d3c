"""One refund walked through its pages in Chromium: the principal fails the save case, then
the dean, the advisor (on a phone, 390 px wide), the principal and finance each sign their
step with the button shown only to them."""

import pytest

from retention.models import Refund
from retention.services import save_case_open
from tests.factories import StudentFactory, drafted_refund, sign_in_page, signed_refund, sold_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def contexts(browser):
    """The browser contexts a test opens (one per person), closed before the server stops."""
    opened = []
    yield opened
    for context in opened:
        context.close()


def sign_in(browser, live_server, staff, width: int = 1280, contexts: list | None = None):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    if contexts is not None:
        contexts.append(context)
    page = context.new_page()
    sign_in_page(page, live_server, staff)
    return page


def fits(page) -> bool:
    """Nothing wider than the screen, and every amount of a short table on it (long lists
    may scroll sideways inside their card)."""
    return page.evaluate(
        """document.documentElement.scrollWidth <= window.innerWidth &&
           [...document.querySelectorAll("table:not(.rt-wide) td.num")]
             .every(cell => cell.getBoundingClientRect().right <= window.innerWidth)"""
    )


def test_a_refund_is_signed_through_its_pages(browser, live_server, make_staff, campus, contexts):
    team = {role: make_staff(role, user__first_name=name) for role, name in (
        ("front_desk", "前台"), ("dean", "钱教务"), ("advisor", "孙老师"), ("principal", "赵校长"), ("finance", "李会计"))}
    student = StudentFactory(campus=campus, name="周小雨", advisor=team["advisor"])
    package = sold_package(campus, team["front_desk"], student=student, lessons=3, price="7000.00", used=1)
    case = save_case_open(package=package, by=team["advisor"], reason="孩子要准备考试", regular=False)

    principal = sign_in(browser, live_server, team["principal"], contexts=contexts)
    principal.goto(f"{live_server.url}/retention/save-cases/{case.pk}/")
    principal.click("button:has-text('挽单失败，进入退费')")
    principal.wait_for_selector("h1:has-text('退费申请')")
    refund = Refund.objects.get()
    url = f"{live_server.url}/retention/refunds/{refund.pk}/"
    assert "等待教务长办理" in principal.inner_text("#turn")

    dean = sign_in(browser, live_server, team["dean"], contexts=contexts)
    dean.goto(url)
    assert "3866.67" in dean.inner_text("#quote")
    dean.click("button:has-text('签字确认')")
    dean.wait_for_selector("#status:has-text('待家长签字')")

    advisor = sign_in(browser, live_server, team["advisor"], width=390, contexts=contexts)
    advisor.goto(url)
    assert fits(advisor)
    # the amount to refund is on the phone's screen, not scrolled away inside its table
    amount = advisor.locator("#quote tr.rt-total td.num").bounding_box()
    assert amount is not None and amount["x"] + amount["width"] <= 390
    advisor.fill("#id_reason", "孩子要准备考试，暂停钢琴课")
    advisor.fill("#id_signed_by", "李梅")
    advisor.select_option("#id_category", label="家庭原因")
    advisor.click("button:has-text('签字确认')")
    advisor.wait_for_selector("#status:has-text('待收回单据')")
    advisor.select_option("#id_receipt", "lost_declared")
    advisor.click("button:has-text('签字确认')")
    advisor.wait_for_selector("#status:has-text('待校长审批')")
    assert fits(advisor)

    principal.goto(url)
    principal.click("button:has-text('签字确认')")
    principal.wait_for_selector("#status:has-text('待财务付款')")

    finance = sign_in(browser, live_server, team["finance"], contexts=contexts)
    finance.goto(url)
    assert "付款 ¥3866.67" in finance.inner_text("#turn")
    finance.click("button:has-text('签字确认')")
    finance.wait_for_selector("#status:has-text('已退费')")
    steps = finance.inner_text("#steps")
    for name in ("钱教务", "孙老师", "赵校长", "李会计"):
        assert name in steps

    package.refresh_from_db()
    assert (package.status, package.lessons_left) == ("refunded", 0)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_pages_fit_the_desk_and_a_phone(browser, live_server, make_staff, campus, width, contexts):
    team = {role: make_staff(role) for role in ("front_desk", "dean", "advisor", "principal", "finance")}
    desk, principal = team["front_desk"], team["principal"]
    paid = signed_refund(drafted_refund(sold_package(campus, desk, used=2), principal=principal), team)
    package = sold_package(campus, desk, student=StudentFactory(campus=campus, name="吴小明"), used=1)
    case = save_case_open(package=package, by=principal, reason="孩子不想学了，家长要求把剩下的课时退掉", regular=False)
    page = sign_in(browser, live_server, principal, width=width, contexts=contexts)
    for path in (
        "/retention/save-cases/",
        "/retention/save-cases/?q=吴",
        f"/retention/save-cases/{case.pk}/",
        f"/retention/packages/{package.pk}/save-case/",
        "/retention/refunds/",
        f"/retention/refunds/{paid.pk}/",
        "/retention/refunds/analysis/",
        "/retention/refunds/settings/",
    ):
        page.goto(live_server.url + path)
        assert fits(page), path
