"""The scheduling pages in English: the catalogue scheduling/locale/en is complete and used."""

import ast
import re
from pathlib import Path

import pytest

from core.roles import Role

PO = Path(__file__).resolve().parents[2] / "scheduling/locale/en/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|\{\w*\}|<[^>]+>")


def po_entries(path: Path) -> list[dict]:
    """Each entry of a .po file as {"msgid": …, "msgstr": …, "msgstr[0]": …, "flags": "…"}."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": ""}
        current = None
        for line in block.splitlines():
            if line.startswith("#~"):
                continue
            if line.startswith("#,"):
                entry["flags"] += line[2:]
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', line)
            if match:
                current = match.group(1)
                entry[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                entry[current] += ast.literal_eval(line)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def test_the_catalogue_is_complete():
    entries = po_entries(PO)
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "Language: en" in header["msgstr"]
    assert len(messages) > 100
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    empty = [e["msgid"] for e in messages if not all(v for k, v in e.items() if k.startswith("msgstr"))]
    assert fuzzy == [] and empty == []
    for e in messages:
        assert sorted(PLACEHOLDER.findall(e["msgid"])) == sorted(PLACEHOLDER.findall(e.get("msgstr", ""))), e


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
