import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from core.roles import Role
from core.services import subject_get_or_create
from scheduling.models import Lesson, TeacherChange, TeacherProfile
from scheduling.services import lesson_book, teacher_clock
from tests.factories import GuardianFactory, StudentFactory

from .helpers import make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, make_staff):
    staff = make_staff(Role.FRONT_DESK)
    client.force_login(staff.user)
    client.staff = staff
    return client


@pytest.fixture
def teacher(campus):
    return make_teacher(campus, "钢琴", user__first_name="郑老师")


@pytest.fixture
def student(campus):
    s = StudentFactory(campus=campus, name="王小明")
    GuardianFactory(student=s, phone="13800000001", is_primary=True)
    return s


@pytest.fixture
def tomorrow_10():
    day = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10, 0))


def form_body(student, teacher, start, **extra) -> dict:
    local = timezone.localtime(start)
    return {"student": student.pk, "teacher": teacher.pk, "subject": subject_get_or_create(name="钢琴").pk,
            "lesson_kind": "main", "day": f"{local:%Y-%m-%d}", "start": f"{local:%H:%M}",
            "end": f"{local + timedelta(hours=1):%H:%M}", "room": "A101", "weeks": 1, **extra}


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/schedule/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_teacher_cannot_open_the_booking_form(client, teacher):
    client.force_login(teacher.user)
    assert client.get("/schedule/lessons/new/").status_code == 403


def test_the_form_books_a_lesson(desk, student, teacher, tomorrow_10):
    response = desk.post("/schedule/lessons/new/", form_body(student, teacher, tomorrow_10))
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.student, lesson.teacher, lesson.starts_at, lesson.room.name) == (student, teacher, tomorrow_10, "A101")


def test_the_form_shows_a_conflict_beside_the_teacher(desk, student, teacher, tomorrow_10, campus):
    desk.post("/schedule/lessons/new/", form_body(student, teacher, tomorrow_10))
    other = StudentFactory(campus=campus, name="李小红")
    response = desk.post("/schedule/lessons/new/", form_body(other, teacher, tomorrow_10 + timedelta(minutes=30), room=""))
    assert response.status_code == 422
    assert "撞课" in response.content.decode()
    assert response.context["form"].errors["teacher"]
    assert Lesson.objects.count() == 1


def test_the_form_refuses_a_wrong_subject(desk, student, teacher, tomorrow_10):
    body = form_body(student, teacher, tomorrow_10, subject=subject_get_or_create(name="数学").pk)
    response = desk.post("/schedule/lessons/new/", body)
    assert response.status_code == 422
    assert "不教数学" in response.context["form"].errors["subject"][0]


def test_the_live_check_reports_conflicts_as_you_type(desk, student, teacher, tomorrow_10, campus):
    desk.post("/schedule/lessons/new/", form_body(student, teacher, tomorrow_10))
    other = StudentFactory(campus=campus)
    clash = desk.get("/schedule/lessons/check/", form_body(other, teacher, tomorrow_10 + timedelta(minutes=59)),
                     headers={"HX-Request": "true"})
    assert 'data-field="teacher"' in clash.content.decode()
    assert 'data-field="room"' in clash.content.decode()
    free = desk.get("/schedule/lessons/check/", form_body(other, teacher, tomorrow_10 + timedelta(hours=1)))
    assert "空闲" in free.content.decode()


def test_a_weekly_series_from_the_form(desk, student, teacher, tomorrow_10):
    response = desk.post("/schedule/lessons/new/", form_body(student, teacher, tomorrow_10, weeks=4))
    assert response.status_code == 200
    assert Lesson.objects.count() == 4
    assert "循环排课结果" in response.content.decode()


def test_leave_and_reschedule_pages(desk, student, teacher, tomorrow_10):
    lesson = lesson_book(student=student, teacher=teacher, subject=subject_get_or_create(name="钢琴"),
                         starts_at=tomorrow_10, ends_at=tomorrow_10 + timedelta(hours=1), by=desk.staff)
    assert desk.get(f"/schedule/lessons/{lesson.pk}/reschedule/").status_code == 200
    later = timezone.localtime(tomorrow_10 + timedelta(days=2))
    response = desk.post(f"/schedule/lessons/{lesson.pk}/reschedule/",
                         {"day": f"{later:%Y-%m-%d}", "start": "15:00", "end": "16:00", "room": "", "reason": "学校活动"})
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert timezone.localtime(lesson.starts_at).strftime("%H:%M") == "15:00"
    response = desk.post(f"/schedule/lessons/{lesson.pk}/leave/", {"reason": ""})
    assert response.status_code == 422
    response = desk.post(f"/schedule/lessons/{lesson.pk}/leave/", {"reason": "感冒"})
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == "leave"
    page = desk.get(f"/schedule/lessons/{lesson.pk}/").content.decode()
    assert "安排补课" in page and "感冒" in page


def test_a_lesson_of_another_campus_is_404(desk, other_campus, tomorrow_10):
    foreign_teacher = make_teacher(other_campus, "钢琴")
    lesson = lesson_book(student=StudentFactory(campus=other_campus), teacher=foreign_teacher,
                         subject=subject_get_or_create(name="钢琴"), starts_at=tomorrow_10,
                         ends_at=tomorrow_10 + timedelta(hours=1), by=None)
    assert desk.get(f"/schedule/lessons/{lesson.pk}/").status_code == 404
    assert desk.post(f"/schedule/lessons/{lesson.pk}/leave/", {"reason": "x"}).status_code == 404


def test_week_grid_and_day_ahead_list(desk, student, teacher, tomorrow_10):
    lesson = lesson_book(student=student, teacher=teacher, subject=subject_get_or_create(name="钢琴"),
                         starts_at=tomorrow_10, ends_at=tomorrow_10 + timedelta(hours=1), by=desk.staff, room="A101")
    week = desk.get("/schedule/", {"week": f"{tomorrow_10:%Y-%m-%d}", "teacher": teacher.pk}).content.decode()
    assert "王小明" in week and "A101" in week
    assert desk.get("/schedule/", {"teacher": 999999}).status_code == 404
    ahead = desk.get("/schedule/tomorrow/").content.decode()
    assert "王小明" in ahead and "13800000001" in ahead
    assert desk.post(f"/schedule/lessons/{lesson.pk}/confirm/").status_code == 302
    lesson.refresh_from_db()
    assert lesson.confirmed_by == desk.staff


@pytest.mark.parametrize(("language", "marker"), [("zh-hans", "（陪练）"), ("en", "（Practice session）")])
def test_the_week_grid_marks_a_practice_session_but_not_a_main_lesson(desk, student, teacher, tomorrow_10,
                                                                      language, marker):
    piano = subject_get_or_create(name="钢琴")
    lesson_book(student=student, teacher=teacher, subject=piano, starts_at=tomorrow_10,
                ends_at=tomorrow_10 + timedelta(hours=1), by=desk.staff)
    desk.cookies["django_language"] = language
    week = desk.get("/schedule/", {"week": f"{tomorrow_10:%Y-%m-%d}"}).content.decode()
    assert marker not in week
    lesson_book(student=student, teacher=teacher, subject=piano, starts_at=tomorrow_10 + timedelta(hours=2),
                ends_at=tomorrow_10 + timedelta(hours=3), by=desk.staff, lesson_kind="practice")
    week = desk.get("/schedule/", {"week": f"{tomorrow_10:%Y-%m-%d}"}).content.decode()
    assert week.count(marker) == 1


def test_the_timetable_pdf_has_three_copies_with_the_chinese_names(desk, student, teacher, tomorrow_10):
    lesson_book(student=student, teacher=teacher, subject=subject_get_or_create(name="钢琴"),
                starts_at=tomorrow_10, ends_at=tomorrow_10 + timedelta(hours=1), by=desk.staff, room="琴房一")
    response = desk.get("/schedule/week.pdf", {"week": f"{tomorrow_10:%Y-%m-%d}", "student": student.pk})
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3
    texts = [page.extract_text() for page in reader.pages]
    for copy, text in zip(("教员联", "家长联", "存档联"), texts, strict=True):
        assert copy in text
        assert "王小明" in text and "郑老师" in text and "钢琴" in text and "琴房一" in text


def test_timekeeping_flags_a_late_teacher(client, make_staff, campus, student, tomorrow_10):
    dean = make_staff(Role.DEAN)
    client.force_login(dean.user)
    on_time, late = make_teacher(campus, "钢琴"), make_teacher(campus, "钢琴")
    piano = subject_get_or_create(name="钢琴")
    lesson_book(student=student, teacher=on_time, subject=piano, starts_at=tomorrow_10,
                ends_at=tomorrow_10 + timedelta(hours=1), by=dean)
    lesson_book(student=StudentFactory(campus=campus), teacher=late, subject=piano, starts_at=tomorrow_10,
                ends_at=tomorrow_10 + timedelta(hours=1), by=dean)
    teacher_clock(teacher=on_time, at=tomorrow_10 - timedelta(minutes=10))
    teacher_clock(teacher=late, at=tomorrow_10 - timedelta(minutes=9))
    response = client.get("/schedule/timekeeping/", {"day": f"{tomorrow_10:%Y-%m-%d}"})
    rows = {row.teacher: row.late for row in response.context["rows"]}
    assert rows == {on_time: False, late: True}
    assert "迟到" in response.content.decode()


def test_teacher_profile_and_matching(desk, make_staff, campus, student):
    senior, junior = make_teacher(campus, "钢琴"), make_teacher(campus, "钢琴")
    make_teacher(campus, "数学")
    response = desk.post(f"/schedule/teachers/{senior.pk}/profile/",
                         {"level": 3, "style": "patient", "bio": "", "free_slots": "周一 14:00-18:00\n周三 09:00-12:00"})
    assert response.status_code == 302
    assert TeacherProfile.objects.get(teacher=senior).free_slots.count() == 2
    bad = desk.post(f"/schedule/teachers/{junior.pk}/profile/", {"level": 1, "free_slots": "礼拜八 全天"})
    assert bad.status_code == 422
    student.learning_type = "sprint"
    student.save()
    page = desk.get("/schedule/teachers/", {"subject": subject_get_or_create(name="钢琴").pk, "student": student.pk,
                                            "weekday": 0, "start": "15:00", "end": "16:00"})
    matches = page.context["matches"]
    assert [m.teacher for m in matches] == [senior, junior]
    assert matches[0].score > matches[1].score


def test_teacher_change_page_records_who_asked(desk, campus, student, teacher):
    new = make_teacher(campus, "钢琴")
    response = desk.post("/schedule/teacher-changes/", {"student": student.pk, "subject": subject_get_or_create(name="钢琴").pk,
                                                       "teacher": new.pk, "requested_by": "parent", "reason": "不适应"})
    assert response.status_code == 302
    change = TeacherChange.objects.get()
    assert (change.requested_by, change.reason, change.created_by) == ("parent", "不适应", desk.staff)
    assert "王小明" in desk.get("/schedule/teacher-changes/").content.decode()
