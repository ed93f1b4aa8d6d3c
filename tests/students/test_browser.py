import pytest
from django.urls import reverse

from core.roles import Role
from students.models import Student

from ..factories import sign_in_page
from .helpers import fill_new_student


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_front_desk_creates_a_student_with_two_guardians_and_finds_them_by_phone(
    page, live_server, make_staff
):
    staff = make_staff(Role.FRONT_DESK)
    sign_in_page(page, live_server, staff)

    page.goto(live_server.url + reverse("students:new"))
    # the same number twice is refused beside the field, and what was typed stays
    fill_new_student(
        page, name="林小溪", gender="F", birthday="2015-04-03", address="北京市海淀区中关村大街 1 号",
        mother=("林妈妈", "13612340000"), father=("林爸爸", "13612340000")
    )
    page.click("button[type=submit]")
    assert page.locator(".errorlist").first.inner_text() == "与第 1 位家长的号码重复，须为不同号码"
    assert Student.objects.count() == 0
    page.fill("input[name=g1_phone]", "13698760000")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('林小溪')")
    student = Student.objects.get()
    assert sorted(student.guardians.values_list("phone", flat=True)) == ["13612340000", "13698760000"]

    page.goto(live_server.url + reverse("students:list"))
    page.fill("input[type=search]", "1369876")
    page.wait_for_selector("#student-rows a:has-text('林小溪')")
    page.fill("input[type=search]", "1369999")
    page.wait_for_selector("#student-rows :text('没有找到')")
    assert page.locator("#student-rows a").count() == 0
