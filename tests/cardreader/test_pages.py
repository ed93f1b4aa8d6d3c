"""The front-desk pages: kiosk, cards, manual deduction, lesson slip. Roles and campuses
are checked on the server; refusals come back beside the field and change nothing."""

from decimal import Decimal

import pytest
from django.test import Client

from billing.models import LedgerEntry, Payment
from cardreader.models import Card
from core.roles import Role
from scheduling.models import Attendance
from tests.factories import StudentFactory

from .helpers import a_package, a_student_with_card

pytestmark = pytest.mark.django_db


def browser(staff) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/kiosk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.FRONT_DESK, 200), (Role.HQ_ADMIN, 200), (Role.TEACHER, 403), (Role.ADVISOR, 403)],
)
def test_the_kiosk_is_for_the_front_desk(make_staff, role, status):
    response = browser(make_staff(role)).get("/kiosk/")
    assert response.status_code == status
    if status == 200:
        assert 'id="kiosk"' in response.content.decode()
        assert "cardreader/kiosk.js" in response.content.decode()


def test_the_navigation_lists_the_kiosk_for_the_front_desk(desk):
    page = browser(desk).get("/").content.decode()
    assert 'href="/kiosk/"' in page and 'href="/cards/"' in page and 'href="/kiosk/deduct/"' in page


def test_a_card_is_issued_from_the_cards_page(desk, campus):
    student = StudentFactory(campus=campus, name="赵六")
    client = browser(desk)
    search = client.get("/cards/", {"q": "赵六"}).content.decode()
    assert f"/cards/students/{student.pk}/issue/" in search

    response = client.post(
        f"/cards/students/{student.pk}/issue/", {"card_number": "0012345678", "chip_uid": ""}
    )

    assert response.status_code == 302
    card = Card.objects.get(student=student)
    assert card.deposit == Decimal("20.00")
    assert Payment.objects.get(purpose="card_deposit").amount == Decimal("20.00")


def test_a_bad_or_taken_number_is_shown_beside_the_field(desk, campus):
    a_student_with_card(campus, desk)
    student = StudentFactory(campus=campus)
    client = browser(desk)
    bad = client.post(f"/cards/students/{student.pk}/issue/", {"card_number": "abc!", "chip_uid": ""})
    taken = client.post(f"/cards/students/{student.pk}/issue/", {"card_number": "0012345678", "chip_uid": ""})
    assert bad.status_code == taken.status_code == 422
    assert "卡号格式不正确" in bad.content.decode()
    assert "已在另一张未退的卡上使用" in taken.content.decode()
    assert not Card.objects.filter(student=student).exists()


def test_lost_replace_and_return_from_the_cards_page(desk, campus):
    _student, card = a_student_with_card(campus, desk)
    client = browser(desk)
    early = client.post(f"/cards/{card.pk}/replace/", {"card_number": "0000000002", "chip_uid": ""})
    assert early.status_code == 422
    assert "先挂失" in early.content.decode()

    client.post(f"/cards/{card.pk}/lost/")
    assert (
        client.post(f"/cards/{card.pk}/replace/", {"card_number": "0000000002", "chip_uid": ""}).status_code
        == 302
    )
    new = Card.objects.get(replaces=card)
    client.post(f"/cards/{new.pk}/return/")
    new.refresh_from_db()
    assert new.status == "returned"
    assert sorted(Payment.objects.values_list("purpose", "amount")) == [
        ("card_deposit", Decimal("20.00")),
        ("card_deposit_refund", Decimal("-20.00")),
        ("card_fee", Decimal("20.00")),
    ]


def test_another_campuses_card_is_404_on_the_pages(desk, other_campus, make_staff):
    other_desk = make_staff(Role.FRONT_DESK, campus=other_campus)
    _student, card = a_student_with_card(other_campus, other_desk)
    client = browser(desk)
    assert client.post(f"/cards/{card.pk}/lost/").status_code == 404
    assert client.get(f"/cards/{card.pk}/replace/").status_code == 404
    card.refresh_from_db()
    assert card.status == "active"


def test_a_manual_deduction_needs_a_reason_and_is_on_record(desk, campus):
    student, _card = a_student_with_card(campus, desk, name="孙七")
    package = a_package(student, desk)
    client = browser(desk)
    found = client.get("/kiosk/deduct/", {"q": "孙七"}).content.decode()
    assert f"/kiosk/deduct/{package.pk}/" in found

    refused = client.post(f"/kiosk/deduct/{package.pk}/", {"reason": "  "})
    assert refused.status_code == 422
    assert LedgerEntry.objects.filter(kind="used").count() == 0

    done = client.post(f"/kiosk/deduct/{package.pk}/", {"reason": "忘带卡"})
    assert done.status_code == 302
    entry = LedgerEntry.objects.get(kind="used")
    assert (entry.reason, entry.created_by) == ("忘带卡", desk)
    attendance = Attendance.objects.get()
    assert attendance.source == "manual"
    assert done["Location"] == f"/kiosk/slips/{attendance.pk}/"
    slip = client.get(done["Location"]).content.decode()
    assert "课次小票" in slip and "孙七" in slip and "<strong>9</strong>" in slip


def test_a_manual_deduction_follows_the_package_rules(desk, campus):
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk, price="1000.00", paid="100.00")
    response = browser(desk).post(f"/kiosk/deduct/{package.pk}/", {"reason": "忘带卡"})
    assert response.status_code == 422
    assert "欠" in response.content.decode()
    assert LedgerEntry.objects.filter(kind="used").count() == 0


def test_only_the_front_desk_deducts_by_hand_and_only_at_its_campus(desk, campus, make_staff, other_campus):
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk)
    assert (
        browser(make_staff(Role.ADVISOR)).post(f"/kiosk/deduct/{package.pk}/", {"reason": "x"}).status_code
        == 403
    )
    stranger = make_staff(Role.FRONT_DESK, campus=other_campus)
    assert browser(stranger).post(f"/kiosk/deduct/{package.pk}/", {"reason": "x"}).status_code == 404
    assert (
        browser(stranger).get("/kiosk/deduct/", {"q": student.name}).content.decode().count("扣除 1 课时")
        == 0
    )
    assert LedgerEntry.objects.filter(kind="used").count() == 0


def test_the_ping_answers_for_the_banner(desk):
    assert browser(desk).get("/kiosk/ping/").json()["ok"] is True


def test_a_teacher_card_is_issued_from_its_page(desk, make_staff):
    teacher = make_staff(Role.TEACHER)
    client = browser(desk)
    assert teacher.display_name in client.get("/cards/teachers/issue/").content.decode()
    response = client.post("/cards/teachers/issue/", {"teacher": teacher.pk, "card_number": "0000004321"})
    assert response.status_code == 302
    assert Card.objects.get(teacher=teacher).deposit == Decimal("0.00")


def test_the_landing_page_lists_todays_refused_swipes(desk, campus):
    from .helpers import a_reader, swipe

    a_student_with_card(campus, desk, name="周八")
    swipe(a_reader(campus)[1], "0012345678")
    page = browser(desk).get("/").content.decode()
    assert "今日刷卡未通过" in page
    assert "周八" in page and "没有课时包" in page


def test_the_kiosk_speaks_english_when_asked(desk):
    client = browser(desk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/kiosk/"})
    page = client.get("/kiosk/").content.decode()
    assert "Please swipe your card" in page


def test_a_manual_deduction_through_the_api_is_a_check_in_too(api_as, campus):
    from tests.cardreader.helpers import a_package, a_student_with_card

    api = api_as("front_desk")
    student, _card = a_student_with_card(campus, api.staff)
    package = a_package(student, api.staff)
    response = api.post(f"/api/v1/packages/{package.pk}/deductions", {"reason": "读卡器坏了"})
    assert response.status_code == 201
    body = response.json()
    checkins = api.get(f"/api/v1/students/{student.pk}/attendance").json()
    assert checkins["count"] == 1
    assert checkins["items"][0]["id"] == body["attendance_id"]
    assert checkins["items"][0]["source"] == "manual"
    assert body["reason"] == "读卡器坏了"
