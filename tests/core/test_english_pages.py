"""The pages in English once a person switches, and Chinese until then. The catalogues
themselves are checked in test_translations.py."""

import pytest

from core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, make_staff):
    client.force_login(make_staff(Role.FRONT_DESK).user)
    return client


@pytest.fixture
def english_desk(desk):
    desk.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return desk


PAGES = [
    # (url, English heading, Chinese heading)
    ("/students/", "<h1>Student</h1>", "<h1>学员</h1>"),
    ("/students/leads/", "<h1>Leads register</h1>", "<h1>意向客户登记表</h1>"),
    ("/students/reception/", "<h1>Reception log</h1>", "<h1>客户接待记录本</h1>"),
    ("/students/duty/", "<h1>Safety and hygiene round log</h1>", "<h1>安全卫生巡查记录表</h1>"),
    ("/schedule/", "<h1>Weekly timetable <span", "<h1>周课表"),
    ("/schedule/lessons/new/", "<h1>Book a lesson</h1>", "<h1>排课</h1>"),
    ("/schedule/tomorrow/", "<h1>Confirm tomorrow <span", "<h1>课前确认"),
    ("/schedule/groups/", "<h1>Group classes</h1>", "<h1>大课班级</h1>"),
    ("/reports/daily/", "<h1>Daily report ·", "<h1>日报表 ·"),
]


@pytest.mark.parametrize(("url", "english", "chinese"), PAGES)
def test_the_page_is_in_english_after_the_switch(english_desk, url, english, chinese):
    html = english_desk.get(url).content.decode()
    assert english in html
    assert chinese not in html


@pytest.mark.parametrize(("url", "english", "chinese"), PAGES)
def test_the_page_is_chinese_by_default(desk, url, english, chinese):
    html = desk.get(url).content.decode()
    assert chinese in html
    assert english not in html


@pytest.mark.parametrize(
    ("url", "english", "chinese"),
    [
        ("/students/", ("New student file", "Import from Excel", "Export to Excel", "Awaiting hand-over", "Leads"),
         ("新建学员档案", "从 Excel 导入", "待接档", "意向客户")),
        ("/schedule/lessons/new/", ("Lesson type", "Practice session", "Repeat for weeks", "Back to the timetable"),
         ("课型", "陪练", "重复周数", "返回课表")),
    ],
)
def test_the_forms_and_buttons_speak_english(english_desk, url, english, chinese):
    html = english_desk.get(url).content.decode()
    assert [t for t in english if t not in html] == []
    assert [t for t in chinese if t in html] == []
