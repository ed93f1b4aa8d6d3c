"""The scheduling pages in English: the catalogue scheduling/locale/en is used
(tests/core/test_translations.py checks every catalogue is complete)."""

import pytest

from core.roles import Role


@pytest.fixture
def desk(client, make_staff):
    staff = make_staff(Role.FRONT_DESK)
    client.force_login(staff.user)
    return client


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


PAGES = [
    # (url, English heading, Chinese heading)
    ("/schedule/", "<h1>Weekly timetable <span", "<h1>周课表"),
    ("/schedule/lessons/new/", "<h1>Book a lesson</h1>", "<h1>排课</h1>"),
    ("/schedule/tomorrow/", "<h1>Confirm tomorrow <span", "<h1>课前确认"),
    ("/schedule/groups/", "<h1>Group classes</h1>", "<h1>大课班级</h1>"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "heading", "chinese"), PAGES)
def test_the_page_is_in_english(desk, url, heading, chinese):
    response = english(desk).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    assert chinese not in html


@pytest.mark.django_db
def test_the_booking_form_speaks_english(desk):
    html = english(desk).get("/schedule/lessons/new/").content.decode()
    for text in ("Lesson type", "Practice session", "Repeat for weeks", "Back to the timetable", "Timetable"):
        assert text in html
    for text in ("课型", "陪练", "重复周数", "返回课表", "课表"):
        assert text not in html


@pytest.mark.django_db
def test_chinese_stays_the_default(desk):
    html = desk.get("/schedule/groups/").content.decode()
    assert "<h1>大课班级</h1>" in html
    assert "Group classes" not in html
