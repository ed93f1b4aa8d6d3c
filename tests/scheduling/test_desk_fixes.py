"""Regressions of the front desk's day in scheduling: the reschedule form opens filled in, the
parent's copy of the week PDF holds one family only, today's lists hold the group sessions
with their rooms."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from core.dashboard import panels_for
from core.roles import Role
from core.services import subject_get_or_create
from scheduling.models import GroupSession, Lesson
from scheduling.services import group_class_create, group_member_add, group_session_add, lesson_book
from tests.factories import StudentFactory

from .helpers import make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def piano_teacher(campus):
    return make_teacher(campus, "钢琴", user__first_name="郑老师")


def at_today(hour: int, days: int = 0):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour, 0))


def test_the_reschedule_form_opens_with_the_lessons_date_and_saves_as_opened(client_as, campus, piano_teacher):
    desk = client_as(Role.FRONT_DESK)
    student = StudentFactory(campus=campus)
    lesson = lesson_book(student=student, teacher=piano_teacher, subject=subject_get_or_create(name="钢琴"),
                         starts_at=at_today(10, 3), ends_at=at_today(11, 3), by=None, room="琴房一")
    html = desk.get(f"/schedule/lessons/{lesson.pk}/reschedule/").content.decode()
    day = f"{timezone.localdate() + timedelta(days=3):%Y-%m-%d}"
    assert f'type="date" name="day" value="{day}"' in html
    # the clerk only moves the start an hour later: every other field as the page opened it
    response = desk.post(f"/schedule/lessons/{lesson.pk}/reschedule/",
                         {"day": day, "start": "11:00", "end": "12:00", "room": "琴房一", "reason": "家长要求"})
    assert response.status_code == 302, response.content.decode()
    moved = Lesson.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert timezone.localtime(moved.starts_at) == at_today(11, 3)


def pdf_pages(response) -> list[str]:
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def test_the_parents_copy_is_printed_only_of_one_students_week(client_as, campus, piano_teacher):
    desk = client_as(Role.FRONT_DESK)
    piano = subject_get_or_create(name="钢琴")
    mine, theirs = StudentFactory(campus=campus, name="王小明"), StudentFactory(campus=campus, name="李其他")
    lesson_book(student=mine, teacher=piano_teacher, subject=piano, starts_at=at_today(10, 1),
                ends_at=at_today(11, 1), by=None)
    lesson_book(student=theirs, teacher=piano_teacher, subject=piano, starts_at=at_today(14, 1),
                ends_at=at_today(15, 1), by=None)
    week = f"{timezone.localdate() + timedelta(days=1):%Y-%m-%d}"
    campus_wide = pdf_pages(desk.get("/schedule/week.pdf", {"week": week}))
    assert not any("家长联" in text for text in campus_wide)
    assert [("教员联" in t, "存档联" in t) for t in campus_wide] == [(True, False), (False, True)]
    by_teacher = pdf_pages(desk.get("/schedule/week.pdf", {"week": week, "teacher": piano_teacher.pk}))
    assert not any("家长联" in text for text in by_teacher)
    one_family = pdf_pages(desk.get("/schedule/week.pdf", {"week": week, "student": mine.pk}))
    parents = next(text for text in one_family if "家长联" in text)
    assert "王小明" in parents and "李其他" not in parents


@pytest.fixture
def todays_group(campus, make_staff):
    teacher = make_teacher(campus, "乐理", user__first_name="乐理老师")
    group = group_class_create(campus=campus, name="乐理周末班", subject=subject_get_or_create(name="乐理"),
                               teacher=teacher, by=make_staff(Role.DEAN), capacity=10)
    group_member_add(group=group, student=StudentFactory(campus=campus), by=None)
    group_session_add(group=group, starts_at=at_today(20), ends_at=at_today(21), by=None, room="大教室")
    return group


def panel_texts(staff, title: str) -> list[str]:
    panel = next(p for p in panels_for(staff) if p.title == title)
    return [row["text"] for row in panel.rows]


@pytest.mark.parametrize("role", [Role.DEAN, Role.FRONT_DESK, Role.PRINCIPAL])
def test_todays_lessons_of_the_desk_and_the_dean_hold_the_group_sessions_with_their_room(make_staff, todays_group, role):
    rows = panel_texts(make_staff(role), "今日课程")
    assert any("乐理周末班" in text and "大教室" in text for text in rows), rows


def test_a_teachers_today_holds_their_group_sessions(todays_group, campus):
    rows = panel_texts(todays_group.teacher, "我今天的课")
    assert any("乐理周末班" in text and "大教室" in text for text in rows), rows
    other = make_teacher(campus, "乐理")
    assert not any("乐理周末班" in text for text in panel_texts(other, "我今天的课"))


def test_weekly_group_sessions_keep_the_room_typed_on_the_form(client_as, campus, make_staff):
    dean = client_as(Role.DEAN)
    teacher = make_teacher(campus, "乐理")
    group = group_class_create(campus=campus, name="周末乐理", subject=subject_get_or_create(name="乐理"),
                               teacher=teacher, by=make_staff(Role.DEAN), capacity=10)
    day = timezone.localdate() + timedelta(days=2)
    response = dean.post(f"/schedule/groups/{group.pk}/", {"action": "session", "day": f"{day:%Y-%m-%d}",
                                                            "start": "09:00", "end": "10:00", "room": "二楼大教室",
                                                            "weeks": 3})
    assert response.status_code == 200
    rooms = list(GroupSession.objects.filter(group=group).values_list("room__name", flat=True))
    assert rooms == ["二楼大教室"] * 3
    assert "二楼大教室" in dean.get(f"/schedule/groups/{group.pk}/").content.decode()
