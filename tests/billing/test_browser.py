"""The front desk in a real browser: the sale form's live payment-plan panel (htmx), the
sale itself, and an instalment that ends on the receipt."""

import pytest
from django.urls import reverse

from billing.models import LessonPackage
from core.roles import Role

from ..factories import sign_in_page
from .helpers import make_student


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_front_desk_sells_a_half_paid_package_and_takes_the_rest(page, live_server, make_staff, campus):
    staff = make_staff(Role.FRONT_DESK)
    student = make_student(campus, name="周小雨")
    sign_in_page(page, live_server, staff)

    page.goto(live_server.url + reverse("billing:package_new", args=[student.pk]))
    page.fill("#id_course", "钢琴一对一")
    page.fill("#id_lessons", "40")
    page.fill("#id_bonus_lessons", "4")
    page.fill("#id_price", "12000")
    page.fill("#id_paid", "6000")
    # the live panel names the plan as the numbers are typed
    page.wait_for_selector("#preview :text('半款')")
    assert "余款须在已用 20 课时之前付清" in page.inner_text("#preview")
    page.fill("#id_paid", "5000")
    page.wait_for_selector("#preview :text('定金')")
    page.fill("#id_paid", "6000")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('钢琴一对一')")
    package = LessonPackage.objects.get()
    assert (package.lessons_left, package.payment_plan) == (44, "half")

    page.fill("#id_amount", "6000.00")
    page.click("button:has-text('收款并打印收据')")
    page.wait_for_selector("text=BJ01-000002")
    assert "陆仟元整" in page.inner_text("main")
    package.refresh_from_db()
    assert package.payment_plan == "full"
