"""查询学员上课记录: a student's lessons and group sessions of a range of days on the 课程 tab
and the statement, with teacher, kind, check-in and package, each lesson linked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from core.services import subject_get_or_create
from scheduling.services import (
    checkin_manual,
    group_class_create,
    group_member_add,
    group_session_add,
    lesson_book,
)
from tests.billing.helpers import sell

from .helpers import make_teacher

pytestmark = pytest.mark.django_db


def local(days: int, hour: int):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour, 0))


@pytest.fixture
def records(campus, student, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    teacher = make_teacher(campus, "钢琴", "乐理", user__first_name="郑老师")
    piano = subject_get_or_create(name="钢琴")
    package = sell(student, desk, course="钢琴一对一", valid_from=timezone.localdate() - timedelta(days=40))
    now = timezone.now()
    taught = lesson_book(student=student, teacher=teacher, subject=piano, starts_at=now - timedelta(minutes=5),
                         ends_at=now + timedelta(minutes=55), by=desk)
    checkin_manual(package=package, by=desk, reason="忘带卡", lesson=taught)
    practice = lesson_book(student=student, teacher=teacher, subject=piano, starts_at=local(3, 9),
                           ends_at=local(3, 10), by=desk, lesson_kind="practice")
    old = lesson_book(student=student, teacher=teacher, subject=piano, starts_at=local(-20, 9),
                      ends_at=local(-20, 10), by=desk)
    group = group_class_create(campus=campus, name="乐理班", subject=subject_get_or_create(name="乐理"),
                               teacher=teacher, by=desk, capacity=5)
    group_member_add(group=group, student=student, by=desk)
    group_session_add(group=group, starts_at=local(5, 18), ends_at=local(5, 19), by=desk, room="大教室")
    return {"desk": desk, "taught": taught, "practice": practice, "old": old}


def test_the_lessons_tab_lists_the_range_with_teacher_kind_checkin_and_package(client_as, student, records):
    page = client_as(records["desk"])
    html = page.get(f"/students/{student.pk}/", {"tab": "lessons", "from": f"{local(-1, 0):%Y-%m-%d}",
                                                 "to": f"{local(10, 0):%Y-%m-%d}"}).content.decode()
    section = html.split('id="lesson-records"', 1)[1].split("</section>", 1)[0]
    for text in ("郑老师", "主课", "陪练", "大课", "手工", "钢琴一对一", "大教室"):
        assert text in section, text
    assert f"/schedule/lessons/{records['taught'].pk}/" in section
    assert f"/schedule/lessons/{records['practice'].pk}/" in section
    # twenty days ago is outside the range asked for
    assert f"/schedule/lessons/{records['old'].pk}/" not in section


def test_a_wrong_range_says_so_and_shows_the_default(client_as, student, records):
    page = client_as(records["desk"])
    html = page.get(f"/students/{student.pk}/", {"tab": "lessons", "from": "2026-13-40"}).content.decode()
    assert "日期格式应为 YYYY-MM-DD" in html
    html = page.get(f"/students/{student.pk}/", {"tab": "lessons", "from": "2026-05-02", "to": "2026-05-01"}).content.decode()
    assert "结束日期不能早于开始日期" in html
    assert f"/schedule/lessons/{records['practice'].pk}/" in html


def test_the_statement_holds_the_same_records(client_as, student, records):
    page = client_as(records["desk"])
    html = page.get(f"/billing/students/{student.pk}/statement/",
                    {"from": f"{local(-30, 0):%Y-%m-%d}", "to": f"{local(10, 0):%Y-%m-%d}"}).content.decode()
    assert 'id="lesson-records"' in html
    assert f"/schedule/lessons/{records['old'].pk}/" in html and "大课" in html
