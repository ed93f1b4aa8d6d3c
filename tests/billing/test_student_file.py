"""billing's contributions to the student pages and API (billing/contributions.py): the
课时包 tab of the file and the `packages` of `GET /api/v1/students/{id}`."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.services import package_create
from core.roles import Role
from tests.students.helpers import make_student

pytestmark = pytest.mark.django_db

URL = "/api/v1/students"


def a_package(student, by):
    return package_create(
        student=student,
        course="钢琴一对一",
        kind="one_on_one",
        lessons=40,
        bonus_lessons=4,
        price=Decimal("12000.00"),
        paid=Decimal("5000.00"),
        valid_from=date(2026, 1, 1),
        valid_until=date(2029, 12, 31),
        by=by,
    )


def test_get_shows_packages_with_money_as_decimal_strings(api_as, campus):
    api = api_as("front_desk")
    student = make_student(campus, api.staff)
    a_package(student, api.staff)
    package = api.get(f"{URL}/{student.pk}").json()["packages"][0]
    assert (
        package["price"] == "12000.00"
        and package["paid"] == "5000.00"
        and package["balance_due"] == "7000.00"
    )
    assert package["lessons_left"] == 44 and package["lessons_used"] == 0
    assert package["status"] == "active" and package["payment_plan"] == "deposit"
    assert package["valid_until"] == "2029-12-31" and package["kind"] == "one_on_one"



def test_the_packages_tab_lists_the_students_packages(client, make_staff, campus):
    desk = make_staff(Role.FRONT_DESK)
    student = make_student(campus, desk)
    client.force_login(desk.user)
    page = reverse("students:detail", args=[student.pk])
    assert "暂无课时包" in client.get(page, {"tab": "packages"}).content.decode()
    a_package(student, desk)
    html = client.get(page, {"tab": "packages"}).content.decode()
    assert "钢琴一对一" in html and "12000.00" in html and "2029-12-31" in html and "暂无课时包" not in html
