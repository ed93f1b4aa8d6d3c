from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from core.services import subject_get_or_create
from scheduling.dashboard import panels
from scheduling.models import Lesson, Room
from scheduling.selectors import checkins_without_lesson, day_bounds, no_shows
from scheduling.services import attendance_record, lesson_book
from tests.factories import StudentFactory

from .helpers import at, make_package_with_use, make_teacher

pytestmark = pytest.mark.django_db


def test_no_shows_and_check_ins_without_a_lesson(campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    teacher = make_teacher(campus, "钢琴")
    piano = subject_get_or_create(name="钢琴")
    came, missed, walked_in = (StudentFactory(campus=campus) for _ in range(3))
    attended = lesson_book(student=came, teacher=teacher, subject=piano, starts_at=at("2026-12-07", "09:00"),
                           ends_at=at("2026-12-07", "10:00"), by=desk)
    absent = lesson_book(student=missed, teacher=teacher, subject=piano, starts_at=at("2026-12-07", "10:00"),
                         ends_at=at("2026-12-07", "11:00"), by=desk)
    later = lesson_book(student=missed, teacher=teacher, subject=piano, starts_at=at("2026-12-07", "18:00"),
                        ends_at=at("2026-12-07", "19:00"), by=desk)
    package, used = make_package_with_use(came, at("2026-12-07", "08:50"))
    attendance_record(student=came, package=package, ledger_entry=used, at=at("2026-12-07", "08:50"), by=desk,
                      source="swipe", lesson=attended)
    package2, used2 = make_package_with_use(walked_in, at("2026-12-07", "14:00"))
    stray = attendance_record(student=walked_in, package=package2, ledger_entry=used2, at=at("2026-12-07", "14:00"),
                              by=desk, source="manual")
    start, end = day_bounds(at("2026-12-07", "00:00").date())
    # at 12:00 the evening lesson has not happened yet: it is not a no-show
    assert list(no_shows(campus=campus, start=start, end=end, now=at("2026-12-07", "12:00"))) == [absent]
    assert set(no_shows(campus=campus, start=start, end=end, now=at("2026-12-08", "00:00"))) == {absent, later}
    assert list(checkins_without_lesson(campus=campus, start=start, end=end)) == [stray]


def test_the_reconciliation_api(api_as, campus):
    desk = api_as(Role.FRONT_DESK)
    teacher = make_teacher(campus, "钢琴")
    yesterday = timezone.localdate() - timedelta(days=1)
    start = timezone.make_aware(timezone.datetime(yesterday.year, yesterday.month, yesterday.day, 10))
    lesson = lesson_book(student=StudentFactory(campus=campus), teacher=teacher, subject=subject_get_or_create(name="钢琴"),
                         starts_at=start, ends_at=start + timedelta(hours=1), by=desk.staff)
    data = desk.get("/api/v1/lessons-reconciliation", {"from": f"{yesterday:%Y-%m-%d}", "to": f"{yesterday:%Y-%m-%d}"}).json()
    assert [row["id"] for row in data["no_shows"]] == [lesson.pk]
    assert data["checkins_without_lesson"] == []


def test_the_demo_is_idempotent(campus, make_staff):
    from scheduling import demo

    teacher = make_teacher(campus, "钢琴", "数学")
    staff = {Role.TEACHER: teacher, Role.FRONT_DESK: make_staff(Role.FRONT_DESK)}
    for _ in range(4):
        StudentFactory(campus=campus)
    first = demo.seed(campus, staff)
    assert "4 lessons" in first
    assert demo.seed(campus, staff).endswith("0 lessons booked this week")
    assert Lesson.objects.count() == 4
    assert Room.objects.filter(campus=campus).count() == 4


def test_dashboard_shows_a_teacher_their_lessons_today(campus, make_staff):
    teacher = make_teacher(campus, "钢琴")
    now = timezone.localtime()
    start = now.replace(hour=23, minute=0, second=0, microsecond=0)
    lesson_book(student=StudentFactory(campus=campus, name="赵小雨"), teacher=teacher,
                subject=subject_get_or_create(name="钢琴"), starts_at=start, ends_at=start + timedelta(minutes=45), by=None)
    (panel,) = panels(teacher)
    assert "赵小雨" in panel.rows[0]["text"]
    desk_panels = panels(make_staff(Role.FRONT_DESK))
    assert "赵小雨" in desk_panels[0].rows[0]["text"]
