"""The students pages in English: the catalogue students/locale/en is used
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
    ("/students/", "<h1>Student</h1>", "<h1>学员</h1>"),
    ("/students/leads/", "<h1>Leads register</h1>", "<h1>意向客户登记表</h1>"),
    ("/students/reception/", "<h1>Reception log</h1>", "<h1>客户接待记录本</h1>"),
    ("/students/duty/", "<h1>Safety and hygiene round log</h1>", "<h1>安全卫生巡查记录表</h1>"),
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
def test_the_student_list_speaks_english(desk):
    html = english(desk).get("/students/").content.decode()
    for text in ("New student file", "Import from Excel", "Export to Excel", "Awaiting hand-over", "Leads"):
        assert text in html
    for text in ("新建学员档案", "从 Excel 导入", "待接档", "意向客户"):
        assert text not in html


@pytest.mark.django_db
def test_chinese_stays_the_default(desk):
    html = desk.get("/students/leads/").content.decode()
    assert "<h1>意向客户登记表</h1>" in html
    assert "Leads register" not in html
