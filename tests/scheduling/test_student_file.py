"""scheduling's contribution to the student file (scheduling/contributions.py): the 课程 tab
with the student's lessons and check-ins, above students' own assessments."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Subject
from core.roles import Role
from scheduling.services import lesson_book
from tests.students.helpers import make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_client(client_as):
    return client_as(Role.FRONT_DESK)


def test_the_lessons_tab_shows_the_booked_lessons(desk_client, campus, make_staff):
    piano = Subject.objects.create(name="钢琴")
    teacher = make_staff(Role.TEACHER)
    teacher.subjects.add(piano)
    student = make_student(campus, desk_client.staff)
    starts = timezone.now() + timedelta(days=2)
    lesson_book(
        student=student,
        teacher=teacher,
        subject=piano,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        by=desk_client.staff,
        room="A101",
        send_notice=False,
    )
    html = desk_client.get(reverse("students:detail", args=[student.pk]), {"tab": "lessons"}).content.decode()
    assert "钢琴" in html and "A101" in html and timezone.localtime(starts).strftime("%Y-%m-%d %H:%M") in html



def test_the_lessons_tab_keeps_the_assessments_below_the_lessons(desk_client, campus):
    student = make_student(campus, desk_client.staff)
    html = desk_client.get(reverse("students:detail", args=[student.pk]), {"tab": "lessons"}).content.decode()
    assert html.index("这段时间没有课") < html.index("暂无签到") < html.index("暂无测评")
    assert "登记测评" in html
