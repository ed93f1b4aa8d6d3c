"""No dead ends around a student's card: 办卡 only without a card in use, 挂失 asked first,
补卡 lands on the fee's receipt."""

import pytest

from billing.models import Payment
from cardreader.models import Card
from cardreader.services import card_issue, card_report_lost
from core.roles import Role
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_staff, campus):
    """The front desk, with 李四 (`student`) at its campus."""
    staff = make_staff(Role.FRONT_DESK)
    staff.student = StudentFactory(campus=campus, name="李四")
    return staff


@pytest.fixture
def student(clerk):
    return clerk.student


def family_tab(client, student) -> str:
    return client.get(f"/students/{student.pk}/?tab=family").content.decode()


def test_the_file_offers_to_issue_a_card_only_to_a_student_without_one(client_as, clerk, student):
    page = client_as(clerk)
    issue_url = f"/cards/students/{student.pk}/issue/"
    assert issue_url in family_tab(page, student)
    card = card_issue(student=student, card_number="0012345678", by=clerk)
    html = family_tab(page, student)
    assert issue_url not in html and f"/cards/{card.pk}/lost/" in html
    card_report_lost(card=card, by=clerk)
    html = family_tab(page, student)
    # a lost card is replaced (补卡), not issued again
    assert issue_url not in html and f"/cards/{card.pk}/replace/" in html


def test_a_teacher_sees_no_card_actions(client_as, clerk, campus, student):
    card_issue(student=student, card_number="0012345678", by=clerk)
    html = family_tab(client_as(Role.ADVISOR), student)
    assert "/lost/" not in html and "/issue/" not in html


def test_reporting_a_card_lost_asks_first(client_as, clerk, student):
    card = card_issue(student=student, card_number="0012345678", by=clerk)
    page = client_as(clerk)
    asked = page.get(f"/cards/{card.pk}/lost/")
    assert asked.status_code == 200 and "确认挂失" in asked.content.decode() and "李四" in asked.content.decode()
    card.refresh_from_db()
    assert card.status == Card.Status.ACTIVE  # opening the question changes nothing
    assert page.post(f"/cards/{card.pk}/lost/").status_code == 302
    card.refresh_from_db()
    assert card.status == Card.Status.LOST


def test_another_role_cannot_report_a_card_lost(client_as, clerk, student):
    card = card_issue(student=student, card_number="0012345678", by=clerk)
    assert client_as(Role.TEACHER).post(f"/cards/{card.pk}/lost/").status_code == 403
    card.refresh_from_db()
    assert card.status == Card.Status.ACTIVE


def test_a_replacement_lands_on_the_fees_receipt(client_as, clerk, student):
    card = card_issue(student=student, card_number="0012345678", by=clerk)
    card_report_lost(card=card, by=clerk)
    page = client_as(clerk)
    response = page.post(f"/cards/{card.pk}/replace/", {"card_number": "0087654321"})
    fee = Payment.objects.get(purpose=Payment.Purpose.CARD_FEE)
    assert response.status_code == 302 and response["Location"] == f"/billing/receipts/{fee.pk}/"
    receipt = page.get(response["Location"]).content.decode()
    assert "补卡工本费" in receipt and "已补办新卡 0087654321" in receipt
