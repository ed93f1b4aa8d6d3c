"""What the kiosk is told (API.md § Swipes, added fields): the 主课 / 陪练 question when no
lesson decides and both kinds are usable (`ask_kind`), and the next step of a refusal, in
Chinese (`next_steps`). The reader agent's `--lesson-kind`."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import LedgerEntry
from cardreader.agent import Outbox, Sender
from cardreader.models import Card
from cardreader.services import card_report_lost
from scheduling.models import Attendance

from .helpers import a_package, a_student_with_card, swipe

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_kinds(campus, desk):
    student, _card = a_student_with_card(campus, desk, name="李小红")
    main = a_package(student, desk, course="钢琴课程")
    practice = a_package(student, desk, course="钢琴陪练", lesson_kind="practice")
    return student, main, practice


def test_with_both_kinds_usable_the_kiosk_is_asked_and_nothing_is_deducted(both_kinds, reader):
    response = swipe(reader[1], "0012345678", ask_kind=True)
    assert response.status_code == 409
    body = response.json()
    assert body["error"]["code"] == "lesson_kind_required"
    assert body["student"]["name"] == "李小红"
    assert [(c["value"], c["label"], c["key"]) for c in body["choices"]] == [
        ("main", "主课", "1"),
        ("practice", "陪练", "2"),
    ]
    assert not LedgerEntry.objects.filter(kind="used").exists()


def test_the_answer_posted_again_with_the_kind_uses_that_balance(both_kinds, reader):
    _student, main, practice = both_kinds
    at = timezone.now() - timedelta(seconds=5)
    assert swipe(reader[1], "0012345678", at=at, ask_kind=True).status_code == 409
    response = swipe(reader[1], "0012345678", at=at, ask_kind=True, lesson_kind="practice")
    assert response.status_code == 201
    assert response.json()["package_id"] == practice.pk
    assert Attendance.objects.get().lesson_kind == "practice"
    main.refresh_from_db()
    assert main.lessons_used == 0


def test_without_ask_kind_a_bare_swipe_stays_a_main_lesson(both_kinds, reader):
    """The contract of API.md: lesson_kind defaults to main for a reader that never asks."""
    _student, main, _practice = both_kinds
    response = swipe(reader[1], "0012345678")
    assert response.status_code == 201 and response.json()["package_id"] == main.pk


def test_one_usable_kind_is_not_asked(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    main = a_package(student, desk)
    a_package(student, desk, lesson_kind="practice", price="1000.00", paid="200.00")  # deposit: unusable
    response = swipe(reader[1], "0012345678", ask_kind=True)
    assert response.status_code == 201 and response.json()["package_id"] == main.pk


def test_the_desks_own_refusals_list_leaves_the_question_out(both_kinds, reader, client_as):
    swipe(reader[1], "0012345678", ask_kind=True)
    page = client_as("front_desk").get("/")
    assert "主课和陪练" not in page.content.decode()


# --- next steps ----------------------------------------------------------------------------


def steps(response) -> dict[str, str]:
    return {s["action"]: (s["label"], s["url"]) for s in response.json()["next_steps"]}


def test_payment_due_points_to_the_payment_form_of_that_package(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk, price="1000.00", paid="200.00")
    response = swipe(reader[1], "0012345678")
    assert response.json()["error"]["code"] == "payment_due"
    assert steps(response)["pay"] == ("补交", f"/billing/packages/{package.pk}/#pay")


@pytest.mark.parametrize("case", ["no_package", "no_lessons_left", "package_expired"])
def test_no_lessons_point_to_selling_a_new_package(campus, desk, reader, case):
    student, _card = a_student_with_card(campus, desk)
    if case == "no_lessons_left":
        a_package(student, desk, lessons=1)
        swipe(reader[1], "0012345678", at=timezone.now() - timedelta(hours=5))
    elif case == "package_expired":
        today = timezone.localdate()
        a_package(student, desk, valid_from=today - timedelta(days=60), valid_until=today - timedelta(days=1))
    response = swipe(reader[1], "0012345678")
    assert response.json()["error"]["code"] == case
    assert steps(response)["renew"] == ("续费", f"/billing/students/{student.pk}/packages/new/")


def test_an_unknown_card_points_to_issuing_one(campus, reader):
    response = swipe(reader[1], "0077777777")
    assert response.json()["error"]["code"] == "unknown_card"
    assert steps(response)["issue_card"] == ("办卡", "/cards/")


def test_a_lost_card_points_to_its_replacement(campus, desk, reader):
    _student, card = a_student_with_card(campus, desk)
    card_report_lost(card=card, by=desk)
    response = swipe(reader[1], "0012345678")
    assert steps(response)["replace_card"] == ("补卡", f"/cards/{card.pk}/replace/")


def test_already_checked_in_says_when_and_points_to_the_manual_deduction(campus, desk, reader):
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk)
    first = timezone.now() - timedelta(minutes=50)
    swipe(reader[1], "0012345678", at=first)
    response = swipe(reader[1], "0012345678")
    assert response.json()["error"]["code"] == "already_checked_in"
    assert f"{timezone.localtime(first):%H:%M}" in response.json()["error"]["message"]
    assert steps(response)["manual_deduction"] == ("手工扣课", "/kiosk/deduct/?q=0012345678")


def test_a_deposit_plan_refusal_names_its_own_package(campus, desk, reader):
    """Of two packages the one refused is the one the 补交 link opens."""
    student, _card = a_student_with_card(campus, desk)
    a_package(student, desk, lessons=1)
    swipe(reader[1], "0012345678", at=timezone.now() - timedelta(hours=5))
    owing = a_package(student, desk, price="1000.00", paid=str(Decimal("100.00")))
    response = swipe(reader[1], "0012345678")
    assert response.json()["error"]["code"] == "payment_due"
    assert steps(response)["pay"][1] == f"/billing/packages/{owing.pk}/#pay"
    assert Card.objects.count() == 1


# --- the reader agent's --lesson-kind ----------------------------------------------------------


class _Answer:
    status = 201

    def __init__(self, sent: list):
        self.sent = sent

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self):
        return b'{"result": "checked_in"}'


@pytest.mark.parametrize("kind", [None, "practice"])
def test_the_agent_sends_its_lesson_kind_with_every_swipe(tmp_path, monkeypatch, kind):
    sent: list[dict] = []

    def urlopen(request, timeout):
        sent.append(json.loads(request.data))
        return _Answer(sent)

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    outbox = Outbox(tmp_path / "o.sqlite3")
    outbox.add("0012345678")
    Sender(outbox, server="http://127.0.0.1:9", token="t", lesson_kind=kind).send_one()
    assert sent[0].get("lesson_kind") == kind
    assert len(outbox) == 0
    outbox.close()


def test_the_agent_refuses_a_lesson_kind_no_server_knows(tmp_path):
    outbox = Outbox(tmp_path / "o.sqlite3")
    with pytest.raises(ValueError, match="lesson-kind"):
        Sender(outbox, server="http://127.0.0.1:9", token="t", lesson_kind="group")
    outbox.close()
