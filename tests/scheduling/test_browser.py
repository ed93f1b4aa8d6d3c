"""The front desk books in a real browser: the lesson form says 撞课 as the time is typed
(htmx), before anything is sent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from core.services import subject_get_or_create
from scheduling.models import Lesson
from scheduling.services import lesson_book
from tests.factories import StudentFactory, pick_student, sign_in_page

from .helpers import make_teacher


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_lesson_form_shows_a_conflict_live_and_books_a_free_slot(page, live_server, make_staff, campus):
    desk = make_staff(Role.FRONT_DESK)
    teacher = make_teacher(campus, "钢琴", user__first_name="郑老师")
    busy_student = StudentFactory(campus=campus, name="李小红")
    student = StudentFactory(campus=campus, name="王小明")
    day = timezone.localdate() + timedelta(days=2)
    ten = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10))
    lesson_book(student=busy_student, teacher=teacher, subject=subject_get_or_create(name="钢琴"),
                starts_at=ten, ends_at=ten + timedelta(hours=1), by=desk)

    sign_in_page(page, live_server, desk)

    page.goto(live_server.url + "/schedule/lessons/new/")
    pick_student(page, "#id_student", "王小明")
    page.select_option("#id_teacher", str(teacher.pk))
    page.select_option("#id_subject", label="钢琴")
    page.fill("#id_day", day.isoformat())
    page.fill("#id_start", "10:30")
    page.fill("#id_end", "11:30")
    page.locator("#id_end").dispatch_event("change")
    page.wait_for_selector("#conflicts [data-field=teacher]")
    assert "李小红" in page.inner_text("#conflicts")

    page.fill("#id_start", "11:00")
    page.fill("#id_end", "12:00")
    page.locator("#id_end").dispatch_event("change")
    page.wait_for_selector("#conflicts :text('空闲')")
    page.click("button.primary")
    page.wait_for_selector("h1:has-text('王小明')")
    assert Lesson.objects.filter(student=student, teacher=teacher).count() == 1
