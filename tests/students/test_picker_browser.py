"""The student picker in Chromium: chosen by typing, and by a card reader's burst wherever the
focus is (the burst's keys do not stay in the field that had the focus)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import GoodsItem, StockMovement
from cardreader.services import card_issue
from core.roles import Role
from core.services import subject_get_or_create
from scheduling.models import Lesson
from tests.factories import StudentFactory, sign_in_page
from tests.scheduling.helpers import make_teacher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARD = "0012345678"


def swipe(page, card: str = CARD) -> None:
    """A USB reader: the card's digits a few milliseconds apart, then Enter."""
    page.keyboard.type(card, delay=4)
    page.keyboard.press("Enter")


def test_a_lesson_is_booked_for_a_student_found_by_typing(page, live_server, make_staff, campus):
    desk = make_staff(Role.FRONT_DESK)
    teacher = make_teacher(campus, "钢琴", user__first_name="郑老师")
    student = StudentFactory(campus=campus, name="王小明")
    StudentFactory(campus=campus, name="王小红")
    sign_in_page(page, live_server, desk)
    page.goto(live_server.url + "/schedule/lessons/new/")
    page.fill("#id_student", "王小")
    page.wait_for_selector("#id_student-results li:has-text('王小红')")
    page.click("#id_student-results li:has-text('王小明')")
    assert page.input_value("input[type=hidden][name=student]") == str(student.pk)
    page.select_option("#id_teacher", str(teacher.pk))
    page.select_option("#id_subject", label="钢琴")
    day = timezone.localdate() + timedelta(days=2)
    page.fill("#id_day", day.isoformat())
    page.fill("#id_start", "10:00")
    page.fill("#id_end", "11:00")
    page.click("button.primary")
    page.wait_for_selector("h1:has-text('王小明')")
    assert Lesson.objects.filter(student=student, teacher=teacher, subject=subject_get_or_create(name="钢琴")).exists()


def test_a_burst_chooses_the_card_holder_wherever_the_focus_is(page, live_server, make_staff, campus):
    desk = make_staff(Role.FRONT_DESK)
    holder = StudentFactory(campus=campus, name="刷卡学员")
    card_issue(student=holder, card_number=CARD, by=desk)
    item = GoodsItem.objects.create(campus=campus, category="文具", name="练习本", unit="本", price="5.00",
                                    warning_line=1, stock=10)
    sign_in_page(page, live_server, desk)
    page.goto(live_server.url + f"/billing/goods/{item.pk}/")
    pick = page.locator("[data-student-picker]").first
    quantity = pick.locator("xpath=ancestor::form").locator("input[name=quantity]")
    quantity.fill("2")
    quantity.focus()  # the clerk is on the quantity when the family hands over the card
    swipe(page)
    page.wait_for_selector("[data-picker-status]:has-text('刷卡学员')")
    assert quantity.input_value() == "2"  # the burst's digits did not stay in the quantity
    assert pick.locator("input[type=hidden]").input_value() == str(holder.pk)
    pick.locator("xpath=ancestor::form").locator("button.primary").click()
    page.wait_for_selector(".messages")
    sale = StockMovement.objects.get(item=item, student=holder)
    assert sale.quantity == -2


def test_the_card_number_is_filled_by_a_burst_without_clicking_the_field(page, live_server, make_staff, campus):
    desk = make_staff(Role.FRONT_DESK)
    student = StudentFactory(campus=campus, name="新办卡")
    sign_in_page(page, live_server, desk)
    page.goto(live_server.url + f"/cards/students/{student.pk}/issue/")
    page.locator("h1").click()  # the focus is nowhere in particular
    swipe(page)
    page.wait_for_function(f"document.querySelector('#id_card_number').value === '{CARD}'")
    # a person typing the same digits slowly is a person: nothing is filled elsewhere
    page.fill("#id_card_number", "")
    page.locator("h1").click()
    page.keyboard.type("1234", delay=150)
    page.keyboard.press("Enter")
    assert page.input_value("#id_card_number") == ""
