"""The front desk's student file: the 学生编号 (assigned, unique per campus, changed by hand,
searched), and regressions of what the file showed wrong (usernames, the gender message, the
UTC date of the 待接档 panel, a number field that said 必填)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from core.dashboard import panels_for
from core.errors import Conflict, Forbidden, InvalidInput
from core.roles import Role
from students.models import Student
from students.selectors import student_search
from students.services import student_create, student_number_change
from tests.billing.helpers import sell

from .helpers import guardians, make_student, student_body

pytestmark = pytest.mark.django_db


def test_each_new_file_takes_the_next_number_of_its_campus(campus, other_campus, desk, make_staff):
    first, second = make_student(campus, desk, "甲"), make_student(campus, desk, "乙", phones=("13900000001", "13900000002"))
    elsewhere = make_student(other_campus, make_staff(Role.FRONT_DESK, campus=other_campus), "丙")
    assert (first.number, second.number) == ("000001", "000002")
    assert elsewhere.number == "000001"  # per campus


def test_the_sequence_skips_a_number_given_by_hand(campus, desk):
    first = make_student(campus, desk, "甲")
    student_number_change(student=first, by=desk, number="000002")
    assert make_student(campus, desk, "乙", phones=("13900000001", "13900000002")).number == "000003"


def test_a_number_is_unique_per_campus_in_the_service_and_the_database(campus, desk):
    a = make_student(campus, desk, "甲")
    b = make_student(campus, desk, "乙", phones=("13900000001", "13900000002"))
    with pytest.raises(Conflict) as refused:
        student_number_change(student=b, by=desk, number=a.number)
    assert refused.value.code == "student_number_taken"
    b.refresh_from_db()
    assert b.number == "000002"
    with pytest.raises(IntegrityError), transaction.atomic():
        Student.objects.filter(pk=b.pk).update(number=a.number)


@pytest.mark.parametrize("bad", ["", "   ", "有中文", "x" * 21, "a b"])
def test_a_number_must_be_letters_digits_or_dashes(campus, desk, bad):
    student = make_student(campus, desk)
    with pytest.raises(InvalidInput) as refused:
        student_number_change(student=student, by=desk, number=bad)
    assert "number" in refused.value.fields
    student.refresh_from_db()
    assert student.number == "000001"


def test_a_change_is_kept_in_the_files_history_and_shown(client_as, campus, desk):
    student = make_student(campus, desk)
    student_number_change(student=student, by=desk, number="bj-2026-7")
    assert student.history.first().number == "BJ-2026-7"
    assert [h.number for h in student.history.all()][-1] == "000001"
    html = client_as(desk).get(f"/students/{student.pk}/?tab=history").content.decode()
    assert "学生编号" in html


@pytest.mark.parametrize("role", [Role.TEACHER, Role.FINANCE, Role.DEAN])
def test_only_the_desk_and_advisors_change_a_number(campus, desk, make_staff, client_as, role):
    student = make_student(campus, desk)
    with pytest.raises(Forbidden):
        student_number_change(student=student, by=make_staff(role), number="X1")
    assert client_as(role).post(f"/students/{student.pk}/number/", {"number": "X1"}).status_code == 403
    student.refresh_from_db()
    assert student.number == "000001"


def test_the_number_page_saves_and_refuses_beside_the_field(client_as, campus, desk, advisor):
    student = make_student(campus, desk)
    other = make_student(campus, desk, "乙", phones=("13900000001", "13900000002"))
    page = client_as(advisor)
    assert page.post(f"/students/{student.pk}/number/", {"number": "a100"}).status_code == 302
    student.refresh_from_db()
    assert student.number == "A100"
    refused = page.post(f"/students/{other.pk}/number/", {"number": "A100"})
    assert refused.status_code == 409 and "已被本校区其他学员使用" in refused.content.decode()


def test_another_campus_number_page_is_not_found(client_as, other_campus, make_staff):
    theirs = make_student(other_campus, make_staff(Role.FRONT_DESK, campus=other_campus))
    assert client_as(Role.FRONT_DESK).get(f"/students/{theirs.pk}/number/").status_code == 404


def test_the_number_finds_the_student_and_is_shown_on_the_file_and_the_api(client_as, api_as, campus, desk):
    student = make_student(campus, desk)
    student_number_change(student=student, by=desk, number="NO-77")
    assert list(student_search(Student.objects.all(), "no-77")) == [student]
    page = client_as(desk)
    assert "NO-77" in page.get("/students/", {"q": "NO-77"}).content.decode()
    assert "NO-77" in page.get(f"/students/{student.pk}/").content.decode()
    assert api_as(desk).get(f"/api/v1/students/{student.pk}").json()["number"] == "NO-77"
    created = api_as(Role.FRONT_DESK).post("/api/v1/students", student_body(guardians=guardians("13700000001", "13700000002")))
    assert created.status_code == 201 and created.json()["number"] == "000002"


def test_the_receipt_shows_the_number(client_as, campus, desk):
    student = make_student(campus, desk)
    package = sell(student, desk, paid="3000.00")
    payment = package.payments.first()
    assert "000001" in client_as(Role.FRONT_DESK).get(f"/billing/receipts/{payment.pk}/").content.decode()


# --- regressions ------------------------------------------------------------------------


def test_the_history_names_people_not_usernames(client_as, campus, make_staff):
    clerk = make_staff(Role.FRONT_DESK, user__username="front_desk", user__first_name="陈前台")
    student = student_create(campus=campus, by=clerk, data={"name": "张三", "gender": "M", "birthday": date(2014, 3, 2),
                                                            "address": "北京"}, guardians=guardians())
    html = client_as(clerk).get(f"/students/{student.pk}/?tab=history").content.decode()
    assert "陈前台" in html and "front_desk" not in html.split("<main", 1)[-1].split("</main>")[0]


def test_the_gender_message_speaks_chinese_words(campus, desk):
    with pytest.raises(InvalidInput) as refused:
        student_create(campus=campus, by=desk, data={"name": "张三", "gender": "X", "birthday": date(2014, 3, 2),
                                                     "address": "北京"}, guardians=guardians())
    assert refused.value.fields["gender"] == "请选择性别：男或女"
    assert "M 男" not in refused.value.message


def test_the_handover_panel_shows_the_local_date(campus, desk, make_staff):
    student = make_student(campus, desk)
    # 00:30 on December 1st in Beijing is still November 30th in UTC
    Student.objects.filter(pk=student.pk).update(created_at=datetime(2026, 12, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    panel = next(p for p in panels_for(make_staff(Role.PRINCIPAL)) if p.title == "待接档学员")
    assert any("12-01 建档" in row["text"] for row in panel.rows), panel.rows


def test_letters_in_a_number_field_reach_the_form_and_are_called_not_a_number(client_as, campus, desk):
    student = make_student(campus, desk)
    page = client_as(desk)
    form = page.get(f"/billing/students/{student.pk}/packages/new/").content.decode()
    assert 'type="number"' not in form and 'inputmode="numeric"' in form
    response = page.post(f"/billing/students/{student.pk}/packages/new/", {"lessons": "十节"})
    html = response.content.decode()
    assert "整数" in html and response.status_code in (200, 422)


def test_the_pages_name_the_sites_icon(client_as, desk):
    from django.contrib.staticfiles import finders

    html = client_as(desk).get("/students/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg"' in html
    assert finders.find("favicon.svg")
