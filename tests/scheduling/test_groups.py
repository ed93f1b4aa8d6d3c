from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from core.roles import Role
from core.services import subject_get_or_create
from scheduling.models import GroupMember, GroupSession
from scheduling.services import group_class_create, group_member_add, group_session_add, lesson_book
from tests.billing.helpers import sell
from tests.factories import StudentFactory

from .helpers import make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def soon():
    day = timezone.localdate() + timedelta(days=2)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 14, 0))


@pytest.fixture
def group(campus, make_staff):
    teacher = make_teacher(campus, "乐理", user__username="t_group")
    return group_class_create(campus=campus, name="乐理周末班", subject=subject_get_or_create(name="乐理"),
                              teacher=teacher, by=make_staff(Role.DEAN), room="大教室", capacity=2)


def test_the_roster_has_a_capacity(group, campus):
    group_member_add(group=group, student=StudentFactory(campus=campus), by=None)
    group_member_add(group=group, student=StudentFactory(campus=campus), by=None)
    with pytest.raises(Conflict) as refused:
        group_member_add(group=group, student=StudentFactory(campus=campus), by=None)
    assert refused.value.code == "group_full"
    assert GroupMember.objects.count() == 2


def test_a_student_busy_at_a_coming_session_cannot_join(group, campus, soon):
    student = StudentFactory(campus=campus)
    group_session_add(group=group, starts_at=soon, ends_at=soon + timedelta(hours=2), by=None)
    lesson_book(student=student, teacher=make_teacher(campus, "钢琴"), subject=subject_get_or_create(name="钢琴"),
                starts_at=soon + timedelta(hours=1), ends_at=soon + timedelta(hours=2), by=None)
    with pytest.raises(Conflict):
        group_member_add(group=group, student=student, by=None)
    assert not GroupMember.objects.exists()


def test_a_group_needs_a_teacher_of_its_subject(campus):
    with pytest.raises(InvalidInput) as refused:
        group_class_create(campus=campus, name="数学班", subject=subject_get_or_create(name="数学"),
                           teacher=make_teacher(campus, "钢琴"), by=None)
    assert refused.value.code == "wrong_subject"


def test_group_api_creates_a_class_adds_students_and_weekly_sessions(api_as, campus, soon):
    make_teacher(campus, "乐理", user__username="t_yueli")
    dean = api_as(Role.DEAN)
    response = dean.post("/api/v1/group-classes", {"name": "乐理一班", "subject": "乐理", "teacher": "t_yueli",
                                                   "room": "大教室", "capacity": 10})
    assert response.status_code == 201, response.content
    group_id = response.json()["id"]
    student = StudentFactory(campus=campus)
    assert dean.post(f"/api/v1/group-classes/{group_id}/members", {"student_id": student.pk}).status_code == 201
    start = timezone.localtime(soon)
    response = dean.post(f"/api/v1/group-classes/{group_id}/sessions",
                         {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(), "weeks": 3})
    assert response.status_code == 201
    assert all(o["session_id"] for o in response.json()["occurrences"])
    assert GroupSession.objects.count() == 3
    # the roster's student is now busy at those times
    response = dean.post("/api/v1/lessons", {"student_id": student.pk, "teacher": "t_yueli", "subject": "乐理",
                                             "starts_at": (start + timedelta(weeks=1)).isoformat(),
                                             "ends_at": (start + timedelta(weeks=1, hours=1)).isoformat()})
    assert response.status_code == 409
    assert set(response.json()["error"]["fields"]) == {"teacher", "student"}


def test_group_pages(client, make_staff, group, campus, soon):
    desk = make_staff(Role.FRONT_DESK)
    client.force_login(desk.user)
    assert "乐理周末班" in client.get("/schedule/groups/").content.decode()
    student = StudentFactory(campus=campus, name="周小乐")
    response = client.post(f"/schedule/groups/{group.pk}/", {"action": "member", "student": student.pk})
    assert response.status_code == 302
    local = timezone.localtime(soon)
    response = client.post(f"/schedule/groups/{group.pk}/", {"action": "session", "day": f"{local:%Y-%m-%d}",
                                                            "start": "14:00", "end": "13:00", "room": "", "weeks": 1})
    assert response.status_code == 422
    response = client.post(f"/schedule/groups/{group.pk}/", {"action": "session", "day": f"{local:%Y-%m-%d}",
                                                            "start": "14:00", "end": "16:00", "room": "", "weeks": 1})
    assert response.status_code == 302
    assert "周小乐" in client.get(f"/schedule/groups/{group.pk}/").content.decode()
    assert GroupSession.objects.get().room.name == "大教室"


def test_a_member_joins_with_the_group_package_sold_for_the_class(api_as, campus, group, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    dean = api_as(Role.DEAN)
    student = StudentFactory(campus=campus)
    one_on_one = sell(student, desk)
    group_package = sell(student, desk, kind="group", course="乐理大课")
    url = f"/api/v1/group-classes/{group.pk}/members"
    refused = dean.post(url, {"student_id": student.pk, "package_id": one_on_one.pk})
    assert refused.status_code == 422 and "package_id" in refused.json()["error"]["fields"]
    stranger = sell(StudentFactory(campus=campus), desk, kind="group", course="乐理大课")
    assert dean.post(url, {"student_id": student.pk, "package_id": stranger.pk}).status_code == 422
    assert dean.post(url, {"student_id": student.pk, "package_id": group_package.pk}).status_code == 201
    assert GroupMember.objects.get(student=student).package == group_package
