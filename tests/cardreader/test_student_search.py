"""cardreader's contributions to the student pages and API (cardreader/contributions.py):
a card typed in any format finds its student from the student search box and from
`GET /api/v1/students?q=`; the file's family tab and `GET /api/v1/students/{id}` list
the card."""

import pytest
from django.urls import reverse

from cardreader.services import card_issue, card_report_lost
from core.roles import Role
from tests.students.helpers import make_student

pytestmark = pytest.mark.django_db

URL = "/api/v1/students"
# one card: number 0005880248 = 0x0059B9B8, chip 04A1B2C3 = 77705923
NUMBER, CHIP = "0005880248", "04A1B2C3"
FORMATS = [
    pytest.param("0005880248", id="10-digit decimal number"),
    pytest.param("5880248", id="decimal without leading zeros"),
    pytest.param("0059B9B8", id="8-hex of the number"),
    pytest.param("04a1b2c3", id="8-hex chip, lower case"),
    pytest.param("04:A1:B2:C3", id="8-hex chip with colons"),
    pytest.param("0077705923", id="10-digit decimal of the chip"),
    pytest.param("089,47544", id="Wiegand 26 facility,number"),
]


@pytest.fixture
def desk(client_as):
    return client_as(Role.FRONT_DESK)


@pytest.fixture
def holder(campus, desk):
    student = make_student(campus, desk.staff, name="持卡生")
    make_student(campus, desk.staff, name="无卡生", phones=("13900000011", "13900000012"))
    card_issue(student=student, card_number=NUMBER, chip_uid=CHIP, by=desk.staff)
    return student


def rows_for(client, q: str) -> str:
    response = client.get(reverse("students:list"), {"q": q}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("typed", FORMATS)
def test_a_card_in_any_format_finds_its_student_in_the_search_box(desk, holder, typed):
    rows = rows_for(desk, typed)
    assert "持卡生" in rows and "无卡生" not in rows


@pytest.mark.parametrize("typed", FORMATS)
def test_a_card_in_any_format_finds_its_student_through_the_api(api_as, holder, typed):
    body = api_as(Role.FRONT_DESK).get(URL, {"q": typed}).json()
    assert [s["id"] for s in body["items"]] == [holder.pk]


@pytest.mark.parametrize("typed", ["089,47545", "0005880249", "04A1B2C4"])
def test_another_card_finds_nobody(desk, api_as, holder, typed):
    assert "持卡生" not in rows_for(desk, typed)
    assert api_as(Role.FRONT_DESK).get(URL, {"q": typed}).json()["count"] == 0


def test_a_lost_card_still_names_its_student(api_as, holder):
    card_report_lost(card=holder.cards.get(), by=holder.created_by)
    assert [s["id"] for s in api_as(Role.FRONT_DESK).get(URL, {"q": "089,47544"}).json()["items"]] == [holder.pk]


def test_a_card_of_another_campus_is_found_by_hq_only(api_as, make_staff, other_campus):
    theirs = make_staff(Role.FRONT_DESK, campus=other_campus)
    student = make_student(other_campus, theirs, name="别校持卡生")
    card_issue(student=student, card_number=NUMBER, chip_uid="", by=theirs)
    assert api_as(Role.FRONT_DESK).get(URL, {"q": "089,47544"}).json()["count"] == 0
    body = api_as(Role.HQ_ADMIN).get(URL, {"q": "089,47544"}).json()
    assert [s["id"] for s in body["items"]] == [student.pk]


def test_search_by_card_number_or_chip_and_the_card_in_the_file(api_as, campus):
    api = api_as("front_desk")
    student = make_student(campus, api.staff, name="持卡生")
    make_student(campus, api.staff, name="无卡生", phones=("13900000011", "13900000012"))
    card_issue(student=student, card_number="0012345678", chip_uid="04A1B2C3", by=api.staff)
    for q in ("0012345678", "04a1b2c3", "04A1B2C3"):
        assert [s["id"] for s in api.get(URL, {"q": q}).json()["items"]] == [student.pk], q
    cards = api.get(f"{URL}/{student.pk}").json()["cards"]
    assert [(c["card_number"], c["chip_uid"], c["status"], c["deposit"]) for c in cards] == [
        ("0012345678", "04A1B2C3", "active", "20.00")
    ]


def test_the_family_tab_offers_a_card_only_without_one_in_use(desk, campus):
    student = make_student(campus, desk.staff, name="待办卡")
    page = reverse("students:detail", args=[student.pk])
    issue = reverse("cardreader:card_issue", args=[student.pk])
    html = desk.get(page).content.decode()
    assert "尚未办卡" in html and issue in html
    card = card_issue(student=student, card_number=NUMBER, chip_uid="", by=desk.staff)
    html = desk.get(page).content.decode()
    assert NUMBER in html and "使用中" in html and issue not in html
    card_report_lost(card=card, by=desk.staff)
    html = desk.get(page).content.decode()
    # a lost card is replaced (补卡, which carries the deposit over), not issued anew
    assert "已挂失" in html and issue not in html
    assert reverse("cardreader:card_replace", args=[card.pk]) in html


def test_only_the_card_desk_is_offered_a_card(client, make_staff, campus):
    student = make_student(campus, make_staff(), name="待办卡")
    issue = reverse("cardreader:card_issue", args=[student.pk])
    client.force_login(make_staff(Role.ADVISOR).user)
    html = client.get(reverse("students:detail", args=[student.pk])).content.decode()
    assert "尚未办卡" in html and issue not in html
