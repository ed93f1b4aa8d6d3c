"""The kiosk in Chromium, keys only: 主课 / 陪练 answered by 2, a teacher's 下班 chosen by O,
and a refusal's next step in Chinese words (never a code)."""

import pytest

from billing.models import LedgerEntry
from cardreader.services import card_issue_teacher
from core.roles import Role
from scheduling.models import Attendance, TeacherClock
from tests.factories import sign_in_page

from .helpers import a_package, a_student_with_card
from .test_kiosk_browser import key_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk_page(page, live_server, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    sign_in_page(page, live_server, desk)
    page.goto(live_server.url + "/kiosk/")
    page.wait_for_selector("#kiosk-result.idle")
    page.desk = desk
    return page


def test_main_or_practice_is_answered_with_the_key_2(desk_page, campus):
    page = desk_page
    student, _card = a_student_with_card(campus, page.desk, name="赵小乐")
    main = a_package(student, page.desk, course="钢琴课程")
    practice = a_package(student, page.desk, course="钢琴陪练", lesson_kind="practice")

    key_in(page, "0012345678", ms_per_key=5)
    page.wait_for_selector("#kiosk-result.ask")
    text = page.inner_text("#kiosk-result")
    assert "赵小乐" in text and "主课" in text and "陪练" in text
    assert page.locator(".kiosk-choice").count() == 2
    assert not LedgerEntry.objects.filter(kind="used").exists()

    page.keyboard.press("2")
    page.wait_for_selector("#kiosk-result.ok")
    assert "钢琴陪练" in page.inner_text("#kiosk-result")
    assert LedgerEntry.objects.filter(kind="used").get().package_id == practice.pk
    assert Attendance.objects.get().lesson_kind == "practice"
    main.refresh_from_db()
    assert main.lessons_used == 0


def test_an_unanswered_question_deducts_nothing(desk_page, campus):
    page = desk_page
    student, _card = a_student_with_card(campus, page.desk)
    a_package(student, page.desk)
    a_package(student, page.desk, lesson_kind="practice")
    page.clock.install()
    key_in(page, "0012345678", ms_per_key=5)
    page.wait_for_selector("#kiosk-result.ask")
    page.clock.run_for(9000)
    page.wait_for_selector("#kiosk-result.refused")
    assert "未扣课" in page.inner_text("#kiosk-result")
    assert not LedgerEntry.objects.filter(kind="used").exists()


def test_a_teacher_chooses_clock_out_with_the_key_o(desk_page, campus, make_staff):
    page = desk_page
    teacher = make_staff(Role.TEACHER)
    card_issue_teacher(teacher=teacher, card_number="0090000001", chip_uid="", by=page.desk)
    page.locator("body").click()
    page.keyboard.press("o")
    assert page.get_attribute("#kiosk-clock-out", "aria-pressed") == "true"
    key_in(page, "0090000001", ms_per_key=5)
    page.wait_for_selector("#kiosk-result.clock")
    assert "下班打卡成功" in page.inner_text("#kiosk-result")
    assert TeacherClock.objects.get().kind == "out"  # the day's first, yet out: the teacher said so
    assert page.get_attribute("#kiosk-clock-out", "aria-pressed") == "false"  # for one swipe


def test_a_refusal_offers_the_next_step_in_words_never_a_code(desk_page, campus):
    page = desk_page
    student, _card = a_student_with_card(campus, page.desk, name="钱多多")
    package = a_package(student, page.desk, price="1000.00", paid="200.00")
    key_in(page, "0012345678", ms_per_key=5)
    page.wait_for_selector("#kiosk-result.refused")
    text = page.inner_text("#kiosk-result")
    assert "钱多多" in text and "请先补交学费" in text
    assert "payment_due" not in text
    link = page.locator("#kiosk-result a[data-action=pay]")
    assert link.inner_text() == "补交"
    assert link.get_attribute("href") == f"/billing/packages/{package.pk}/#pay"
