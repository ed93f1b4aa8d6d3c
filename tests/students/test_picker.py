"""The one student picker (students/picker.py): its matches come from the student search
(name, phone, card, 学生编号) of the caller's campus, a teacher's of their own students; the
forms that choose a student use it and judge the posted id by the campus."""

import pytest
from django.test import Client

from billing.models import GoodsItem
from cardreader.services import card_issue
from core.roles import Role
from students.picker import StudentPickerField
from students.services import student_number_change

from .helpers import make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(campus, desk):
    student = make_student(campus, desk, "王小明", phones=("13912345678", "13912345679"))
    card_issue(student=student, card_number="0012345678", by=desk)
    student_number_change(student=student, by=desk, number="BJ-9")
    return student


@pytest.mark.parametrize("typed", ["王小", "1391234", "0012345678", "bj-9"])
def test_the_picker_finds_a_student_by_name_phone_card_or_number(client_as, desk, found, typed):
    items = client_as(desk).get("/students/pick/", {"q": typed}).json()["items"]
    assert [(i["id"], i["label"]) for i in items] == [(found.pk, "王小明（BJ-9）")]


def test_the_picker_answers_nothing_of_another_campus_nor_to_a_stranger(client_as, other_campus, make_staff, found):
    theirs = make_staff(Role.FRONT_DESK, campus=other_campus)
    assert client_as(theirs).get("/students/pick/", {"q": "王小明"}).json()["items"] == []
    assert client_as(Role.TEACHER).get("/students/pick/", {"q": "王小明"}).json()["items"] == []
    assert Client().get("/students/pick/", {"q": "王小明"}).status_code == 302  # sign in first
    assert client_as(Role.FRONT_DESK).get("/students/pick/").json() == {"items": []}


@pytest.mark.parametrize("path", ["/schedule/lessons/new/", "/schedule/teacher-changes/"])
def test_the_forms_that_choose_a_student_show_the_picker_not_a_list(client_as, campus, desk, found, path):
    html = client_as(Role.FRONT_DESK).get(path).content.decode()
    assert "data-student-picker" in html and "student_picker.js" in html
    assert '<select name="student"' not in html and "王小明" not in html  # no list of every student


def test_a_posted_student_of_another_campus_is_refused_beside_the_field(client_as, campus, other_campus, make_staff):
    theirs = make_student(other_campus, make_staff(Role.FRONT_DESK, campus=other_campus), "外校生")
    item = GoodsItem.objects.create(campus=campus, category="文具", name="练习本", unit="本", price="5.00",
                                    warning_line=1, stock=10)
    page = client_as(Role.FRONT_DESK)
    response = page.post(f"/billing/goods/{item.pk}/", {"action": "sell", "quantity": "1", "method": "cash",
                                                         "student": str(theirs.pk)})
    html = response.content.decode()
    assert response.status_code == 422 and "请从搜索结果中选择本校区的学员" in html and "外校生" not in html
    item.refresh_from_db()
    assert item.stock == 10


def test_the_chosen_student_is_shown_again_when_the_form_comes_back(campus, desk, found):
    field = StudentPickerField(queryset=found.__class__.objects.filter(campus=campus))
    html = field.widget.render("student", found.pk, {"id": "id_student"})
    assert f'value="{found.pk}"' in html and "王小明（BJ-9）" in html
