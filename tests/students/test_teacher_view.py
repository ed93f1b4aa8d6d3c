"""A teacher's student pages show their own students only (those they give lessons or group
sessions to), without the family's phone numbers; checked on the server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from core.services import subject_get_or_create
from scheduling.services import group_class_create, group_member_add, lesson_book
from tests.scheduling.helpers import make_teacher

from .helpers import make_student

pytestmark = pytest.mark.django_db

PHONE = "13811112222"


@pytest.fixture
def world(campus, desk):
    teacher = make_teacher(campus, "钢琴", "乐理")
    mine = make_student(campus, desk, "王自己", phones=(PHONE, "13811113333"))
    in_group = make_student(campus, desk, "李大课", phones=("13822221111", "13822223333"))
    stranger = make_student(campus, desk, "赵别人", phones=("13833331111", "13833332222"))
    day = timezone.localdate() + timedelta(days=2)
    start = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10, 0))
    lesson_book(student=mine, teacher=teacher, subject=subject_get_or_create(name="钢琴"), starts_at=start,
                ends_at=start + timedelta(hours=1), by=desk)
    group = group_class_create(campus=campus, name="乐理班", subject=subject_get_or_create(name="乐理"),
                               teacher=teacher, by=desk, capacity=5)
    group_member_add(group=group, student=in_group, by=desk)
    return {"teacher": teacher, "mine": mine, "in_group": in_group, "stranger": stranger}


def test_the_list_holds_only_the_teachers_students_and_no_phone(client_as, world):
    page = client_as(world["teacher"])
    html = page.get("/students/").content.decode()
    assert "王自己" in html and "李大课" in html and "赵别人" not in html
    assert PHONE not in html
    # searching does not reach past the teacher's own students either
    link = f'href="/students/{world["stranger"].pk}/"'
    assert link not in page.get("/students/", {"q": "赵别人"}).content.decode()
    assert link not in page.get("/students/", {"q": "13833331111"}).content.decode()
    assert f'href="/students/{world["mine"].pk}/"' in page.get("/students/", {"q": "王自己"}).content.decode()


def test_another_students_file_is_refused_and_an_own_one_shows_no_phone(client_as, world):
    page = client_as(world["teacher"])
    assert page.get(f"/students/{world['stranger'].pk}/").status_code == 403
    assert page.get(f"/students/{world['stranger'].pk}/file.pdf").status_code == 403
    response = page.get(f"/students/{world['mine'].pk}/")
    assert response.status_code == 200
    assert PHONE not in response.content.decode()
    assert page.get(f"/students/{world['in_group'].pk}/").status_code == 200


def test_the_teacher_cannot_export_the_roster(client_as, world):
    assert client_as(world["teacher"]).get("/students/export.xlsx").status_code == 403


def test_the_api_answers_a_teacher_the_same_way(api_as, world):
    api = api_as(world["teacher"])
    listed = api.get("/api/v1/students").json()
    assert sorted(s["name"] for s in listed["items"]) == ["李大课", "王自己"]
    assert all(g["phone"] == "" for s in listed["items"] for g in s["guardians"])
    assert api.get(f"/api/v1/students/{world['stranger'].pk}").status_code == 404
    own = api.get(f"/api/v1/students/{world['mine'].pk}").json()
    assert PHONE not in str(own)


def test_the_desk_still_sees_every_student_with_phones(client_as, world):
    html = client_as(Role.FRONT_DESK).get("/students/").content.decode()
    assert "赵别人" in html and PHONE in html
