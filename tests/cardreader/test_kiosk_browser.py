"""The kiosk in Chromium: a reader's burst checks in wherever the focus is; a person typing
the same digits slowly does not."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import LedgerEntry
from cardreader.models import Swipe
from cardreader.services import swipe_record
from core.roles import Role
from tests.factories import sign_in_page

from .helpers import a_package, a_student_with_card

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def key_in(page, text: str, *, ms_per_key: int, into: str | None = None) -> None:
    """Key `text` and Enter at `ms_per_key` a key, into the field `into` or the page itself:
    a reader sends a burst a few ms a key, a person types far slower."""
    if into is None:
        page.locator("body").click()
    else:
        page.focus(into)
    page.keyboard.type(text, delay=ms_per_key)
    page.keyboard.press("Enter")


def wait_until(page, predicate: str, timeout_ms: int = 10000) -> None:
    """Poll `predicate` from outside the page: wait_for_function evaluates a string, which
    the page's Content-Security-Policy (no 'unsafe-eval') refuses."""
    for _ in range(timeout_ms // 100):
        if page.evaluate(predicate):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout_ms} ms: {predicate}")


@pytest.fixture
def kiosk(page, live_server, make_staff, campus):
    desk = make_staff(Role.FRONT_DESK)
    student, _card = a_student_with_card(campus, desk, name="王小明")
    package = a_package(student, desk, lessons=4, price="1000.00", paid="1000.00")
    sign_in_page(page, live_server, desk)
    page.goto(live_server.url + "/kiosk/")
    page.wait_for_selector("#kiosk-result.idle")
    return package


def test_a_reader_burst_checks_in_and_shows_the_name(page, kiosk):
    key_in(page, "0012345678", ms_per_key=5)

    page.wait_for_selector("#kiosk-result.ok")
    text = page.inner_text("#kiosk-result")
    assert "王小明" in text
    assert "3 课时" in text
    assert "续费" in text  # three left: the renewal prompt
    assert LedgerEntry.objects.filter(package=kiosk, kind="used").count() == 1
    assert page.locator("#kiosk-log tr").count() == 1


def test_a_burst_typed_while_the_search_box_has_the_focus_is_still_a_swipe(page, kiosk):
    page.evaluate(
        "() => { const i = document.createElement('input'); i.id = 'other'; i.value = 'abc';"
        " document.querySelector('main').prepend(i); }"
    )
    key_in(page, "04A1B2C3", ms_per_key=5, into="#other")
    page.wait_for_selector("#kiosk-result.ok")
    assert "王小明" in page.inner_text("#kiosk-result")
    wait_until(page, "() => document.getElementById('other').value === 'abc'")


def test_slow_human_typing_is_not_a_swipe(page, kiosk):
    key_in(page, "0012345678", ms_per_key=150)
    page.wait_for_timeout(800)
    assert "idle" in page.get_attribute("#kiosk-result", "class")
    assert Swipe.objects.count() == 0


def test_quick_typing_at_50_ms_per_key_is_still_a_person(page, kiosk):
    key_in(page, "0012345678", ms_per_key=50)
    page.wait_for_timeout(500)
    assert "idle" in page.get_attribute("#kiosk-result", "class")
    assert Swipe.objects.count() == 0


def test_a_refusal_is_shown_in_red(page, kiosk):
    key_in(page, "0099999999", ms_per_key=5)
    page.wait_for_selector("#kiosk-result.refused")
    assert "无法识别的卡" in page.inner_text("#kiosk-result")
    assert Swipe.objects.get().code == "unknown_card"


def test_the_banner_shows_when_the_server_cannot_be_reached_and_the_swipe_is_sent_later(page, kiosk):
    page.route("**/api/v1/swipes", lambda route: route.abort())
    key_in(page, "0012345678", ms_per_key=5)
    page.wait_for_selector("#kiosk-offline:not([hidden])")
    assert Swipe.objects.count() == 0
    page.unroute("**/api/v1/swipes")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#kiosk-offline[hidden]", state="attached")
    wait_until(page, "() => localStorage.getItem('cardreader.kiosk.queue') === '[]'")
    swipe = Swipe.objects.get()
    assert swipe.result == "checked_in"
    assert swipe.swiped_at < timezone.now()


def test_the_lesson_slip_prints_the_check_in(page, kiosk, live_server):
    key_in(page, "0012345678", ms_per_key=5)
    page.wait_for_selector("#kiosk-result.ok")
    href = page.get_attribute("#kiosk-result a", "href")
    page.goto(live_server.url + href)
    text = page.inner_text(".slip")
    assert "课次小票" in text and "王小明" in text and "钢琴一对一" in text


def test_keys_are_read_by_their_code_so_numlock_off_cannot_garble_them(page, kiosk):
    # NumLock off: the keypad sends key "Insert", "End", "ArrowDown", … with code "Numpad0"…
    page.evaluate(
        """async () => {
            const keys = {"0": "Insert", "1": "End", "2": "ArrowDown", "3": "PageDown", "4": "ArrowLeft",
                          "5": "Clear", "6": "ArrowRight", "7": "Home", "8": "ArrowUp", "9": "PageUp"};
            const send = (code, key) => document.body.dispatchEvent(
                new KeyboardEvent("keydown", {code, key, bubbles: true, cancelable: true}));
            for (const d of "0012345678") {
                send("Numpad" + d, keys[d]);
                await new Promise(r => setTimeout(r, 4));
            }
            send("NumpadEnter", "Enter");
        }"""
    )
    page.wait_for_selector("#kiosk-result.ok")
    assert "王小明" in page.inner_text("#kiosk-result")


def test_keys_of_an_ime_composition_are_dropped(page, kiosk):
    page.evaluate(
        """async () => {
            const send = (code, key, isComposing) => document.body.dispatchEvent(
                new KeyboardEvent("keydown", {code, key, isComposing, bubbles: true, cancelable: true}));
            for (const d of "0012345678") {
                send("Digit" + d, "Process", true);
                await new Promise(r => setTimeout(r, 4));
            }
            send("Enter", "Enter", false);
        }"""
    )
    page.wait_for_timeout(500)
    assert "idle" in page.get_attribute("#kiosk-result", "class")
    assert Swipe.objects.count() == 0


def test_a_swipe_on_leaving_says_when_the_child_checked_in_and_deducts_nothing(page, kiosk, campus):
    arrived = timezone.now() - timedelta(minutes=50)
    swipe_record(swipe_id=str(uuid.uuid4()), card="0012345678", campus=campus, swiped_at=arrived)
    page.locator("body").click()
    page.keyboard.type("0012345678", delay=5)
    page.keyboard.press("Enter")

    page.wait_for_selector("#kiosk-result.refused")
    text = page.inner_text("#kiosk-result")
    assert "已签到" in text and f"{timezone.localtime(arrived):%H:%M}" in text and "手工扣课" in text
    assert LedgerEntry.objects.filter(package=kiosk, kind="used").count() == 1
