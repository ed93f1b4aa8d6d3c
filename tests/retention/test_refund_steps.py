"""The refund application's five steps through the API: each by its role (403 otherwise),
in order (409 `refund_step_order` otherwise, a signed step included), each signed with a
name and a time and never changed."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.services import ledger_reverse, package_deduct
from retention.models import Refund, RefundSignature
from students.models import Lead
from tests.factories import StudentFactory, assert_written_once, drafted_refund, sold_package

pytestmark = pytest.mark.django_db

URL = "/api/v1/refunds"
PARENT = {"reason": "孩子学习时间紧张，家长决定停课", "signed_by": "李梅", "category": "family"}
DOCUMENTS = {"contract": "returned", "receipt": "returned", "invoice": "none", "tax_deduction": "0.00"}
STEPS = [
    ("confirm-lessons", "dean", None),
    ("parent-sign", "advisor", PARENT),
    ("documents", "advisor", DOCUMENTS),
    ("approve", "principal", None),
    ("pay", "finance", None),
]
ROLES = ["front_desk", "advisor", "consultant", "dean", "cs_supervisor", "principal", "finance", "teacher", "hq_admin"]


@pytest.fixture
def people(api_as):
    return {role: api_as(role) for role in ROLES}


@pytest.fixture
def refund(campus, desk, make_staff):
    package = sold_package(campus, desk, lessons=3, price="7000.00", used=1)
    return drafted_refund(package, principal=make_staff("principal"))


def walk(people, refund, until: str | None = None) -> dict:
    body = {}
    for step, role, data in STEPS:
        if step == until:
            break
        response = people[role].post(f"{URL}/{refund.pk}/{step}", data)
        assert response.status_code == 200, (step, response.json())
        body = response.json()
    return body


def test_a_refund_walks_through_its_steps_each_signed_with_who_and_when(refund, people):
    before = timezone.now()
    body = walk(people, refund)
    assert body["status"] == "paid"
    assert body["amount"] == "3866.67"  # 7000 − 2333.33 − 800
    assert body["next_step"] is None
    assert [s["step"] for s in body["steps"]] == [s for s, _r, _d in STEPS]
    for signed, (_step, role, _data) in zip(body["steps"], STEPS, strict=True):
        assert signed["done"] and signed["role"] == role
        assert signed["by"] == people[role].staff.username
        assert signed["by_name"] == people[role].staff.display_name
        assert signed["at"].endswith("+08:00") and signed["at"] >= timezone.localtime(before).isoformat()[:19]
    assert body["steps"][1]["parent"] == "李梅"
    assert (body["reason"], body["category"]["code"], body["parent_name"]) == (PARENT["reason"], "family", "李梅")
    assert people["dean"].get(f"{URL}/{refund.pk}").json() == body


def test_the_amount_is_fixed_by_the_dean_and_not_moved_by_lessons_used_later(refund, people, desk):
    draft = people["dean"].get(f"{URL}/{refund.pk}").json()
    assert (draft["status"], draft["amount_fixed"], draft["amount"]) == ("draft", False, "3866.67")
    confirmed = people["dean"].post(f"{URL}/{refund.pk}/confirm-lessons").json()
    assert (confirmed["status"], confirmed["amount_fixed"], confirmed["amount"]) == ("lessons_confirmed", True, "3866.67")
    assert confirmed["quote"]["lessons_used"] == 1
    package_deduct(package=refund.package, at=timezone.now(), by=desk, reason="上课")
    assert people["dean"].get(f"{URL}/{refund.pk}").json()["amount"] == "3866.67"
    again = people["dean"].post(f"{URL}/{refund.pk}/confirm-lessons")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "refund_step_order")
    assert "已签字" in again.json()["error"]["message"]


def test_a_lesson_used_after_the_confirmation_stops_the_payment_until_it_is_reversed(refund, people, desk):
    walk(people, refund, until="pay")
    entry = package_deduct(package=refund.package, at=timezone.now(), by=desk, reason="误刷")
    stopped = people["finance"].post(f"{URL}/{refund.pk}/pay")
    assert (stopped.status_code, stopped.json()["error"]["code"]) == (409, "refund_lessons_changed")
    assert Refund.objects.get().status == "approved"
    ledger_reverse(entry=entry, by=desk, reason="退费确认后误刷")
    paid = people["finance"].post(f"{URL}/{refund.pk}/pay").json()
    assert (paid["status"], paid["amount"]) == ("paid", "3866.67")


@pytest.mark.parametrize("index", range(len(STEPS)))
def test_each_step_refuses_every_other_role(refund, people, index):
    walk(people, refund, until=STEPS[index][0])
    step, role, data = STEPS[index]
    status = Refund.objects.get().status
    for other in ROLES:
        if other == role:
            continue
        response = people[other].post(f"{URL}/{refund.pk}/{step}", data)
        assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden"), (step, other)
    assert Refund.objects.get().status == status
    assert RefundSignature.objects.count() == index


@pytest.mark.parametrize("index", range(len(STEPS)))
def test_every_step_but_the_next_is_refused_as_out_of_order(refund, people, index):
    walk(people, refund, until=STEPS[index][0])
    for other, (step, role, data) in enumerate(STEPS):
        if other == index:
            continue
        response = people[role].post(f"{URL}/{refund.pk}/{step}", data)
        assert (response.status_code, response.json()["error"]["code"]) == (409, "refund_step_order"), step
    assert RefundSignature.objects.count() == index


def test_a_paid_refund_refuses_every_step(refund, people):
    walk(people, refund)
    for step, role, data in STEPS:
        response = people[role].post(f"{URL}/{refund.pk}/{step}", data)
        assert (response.status_code, response.json()["error"]["code"]) == (409, "refund_step_order")
    assert RefundSignature.objects.count() == 5


def test_a_package_not_started_is_handled_by_the_consultant(campus, desk, make_staff, people):
    refund = drafted_refund(sold_package(campus, desk, price="3000.00"), principal=make_staff("principal"))
    people["dean"].post(f"{URL}/{refund.pk}/confirm-lessons")
    assert people["advisor"].post(f"{URL}/{refund.pk}/parent-sign", PARENT).status_code == 403
    signed = people["consultant"].post(f"{URL}/{refund.pk}/parent-sign", PARENT)
    assert signed.status_code == 200
    assert signed.json()["steps"][1]["role"] == "consultant"
    assert people["advisor"].post(f"{URL}/{refund.pk}/documents", DOCUMENTS).status_code == 403
    assert people["consultant"].post(f"{URL}/{refund.pk}/documents", DOCUMENTS).json()["amount"] == "2200.00"


def test_only_the_family_advisor_signs_for_a_student_with_an_advisor(campus, desk, make_staff, people, api_as):
    own = make_staff("advisor")
    package = sold_package(campus, desk, student=StudentFactory(campus=campus, advisor=own), used=1)
    refund = drafted_refund(package, principal=make_staff("principal"))
    people["dean"].post(f"{URL}/{refund.pk}/confirm-lessons")
    assert people["advisor"].post(f"{URL}/{refund.pk}/parent-sign", PARENT).status_code == 403
    assert api_as(own).post(f"{URL}/{refund.pk}/parent-sign", PARENT).status_code == 200
    assert Refund.objects.get().advisor == own


def test_only_the_lead_consultant_signs_for_a_family_not_started(campus, desk, make_staff, people, api_as):
    converter = make_staff("consultant")
    student = StudentFactory(campus=campus)
    Lead.objects.create(campus=campus, name=student.name, phone="13800002222", source="phone", owner=converter, student=student)
    refund = drafted_refund(sold_package(campus, desk, student=student), principal=make_staff("principal"))
    people["dean"].post(f"{URL}/{refund.pk}/confirm-lessons")
    assert people["consultant"].post(f"{URL}/{refund.pk}/parent-sign", PARENT).status_code == 403
    assert api_as(converter).post(f"{URL}/{refund.pk}/parent-sign", PARENT).status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"signed_by": "李梅"}, "reason"),
        ({"reason": "  ", "signed_by": "李梅"}, "reason"),
        ({"reason": "不学了"}, "signed_by"),
        ({"reason": "不学了", "signed_by": " "}, "signed_by"),
        ({"reason": "不学了", "signed_by": "李梅", "category": "no_such_reason"}, "category"),
        ({"reason": "x" * 1001, "signed_by": "李梅"}, "reason"),
        ({"reason": "不学了", "signed_by": "李梅", "category": True}, "category"),
        ({"reason": "不学了", "signed_by": "李梅", "category": 2**40}, "category"),
    ],
)
def test_the_parent_step_needs_the_reason_in_words_and_the_parent_name(refund, people, body, field):
    walk(people, refund, until="parent-sign")
    response = people["advisor"].post(f"{URL}/{refund.pk}/parent-sign", body)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert Refund.objects.get().status == "lessons_confirmed"


def test_the_category_may_be_given_by_code_name_or_id_or_left_out(campus, desk, make_staff, people):
    from retention.models import RefundReason

    scheduling = RefundReason.objects.get(code="scheduling")
    for category, expected in (("排课原因", "scheduling"), (scheduling.pk, "scheduling"), (None, None)):
        refund = drafted_refund(sold_package(campus, desk, used=1), principal=make_staff("principal"))
        walk(people, refund, until="parent-sign")
        body = {**PARENT, "category": category}
        signed = people["advisor"].post(f"{URL}/{refund.pk}/parent-sign", body).json()
        assert (signed["category"] or {}).get("code") == expected


def test_a_lost_invoice_tax_is_an_other_deduction_and_lowers_the_amount(refund, people):
    walk(people, refund, until="documents")
    body = {"contract": "returned", "receipt": "lost_declared", "invoice": "lost_declared", "tax_deduction": "66.67"}
    done = people["advisor"].post(f"{URL}/{refund.pk}/documents", body).json()
    assert done["amount"] == "3800.00"
    assert (done["quote"]["other_deductions"], done["documents"]["tax_deduction"]) == ("66.67", "66.67")
    assert done["documents"]["receipt"] == "lost_declared"
    paid = walk_rest(people, refund)
    assert paid["amount"] == "3800.00"


def walk_rest(people, refund) -> dict:
    people["principal"].post(f"{URL}/{refund.pk}/approve")
    return people["finance"].post(f"{URL}/{refund.pk}/pay").json()


def test_a_tax_larger_than_the_amount_leaves_zero(refund, people):
    walk(people, refund, until="documents")
    body = {"contract": "returned", "receipt": "returned", "invoice": "lost_declared", "tax_deduction": "5000.00"}
    assert people["advisor"].post(f"{URL}/{refund.pk}/documents", body).json()["amount"] == "0.00"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"invoice": "returned", "tax_deduction": "10.00"}, "tax_deduction"),
        ({"invoice": "none", "tax_deduction": "0.01"}, "tax_deduction"),
        ({"invoice": "lost_declared", "tax_deduction": "-1.00"}, "tax_deduction"),
        ({"invoice": "lost_declared", "tax_deduction": "1.001"}, "tax_deduction"),
        ({"invoice": "lost_declared", "tax_deduction": "abc"}, "tax_deduction"),
        ({"invoice": "burned"}, "invoice"),
        ({"contract": "kept"}, "contract"),
        ({"receipt": ""}, "receipt"),
    ],
)
def test_the_documents_step_refuses_bad_input_and_changes_nothing(refund, people, change, field):
    walk(people, refund, until="documents")
    response = people["advisor"].post(f"{URL}/{refund.pk}/documents", {**DOCUMENTS, **change})
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    row = Refund.objects.get()
    assert (row.status, row.amount, row.other_deductions) == ("parent_signed", Decimal("3866.67"), Decimal("0.00"))


def test_the_model_refuses_a_second_signature_of_a_step_and_any_change(refund, people):
    walk(people, refund, until="parent-sign")
    signature = RefundSignature.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        RefundSignature.objects.create(
            refund=signature.refund, step="confirm-lessons", signed_by=signature.signed_by, signer_name="冒名",
            signed_at=timezone.now(),
        )
    signature.signer_name = "改名"
    assert_written_once(signature)
    assert RefundSignature.objects.get().signer_name == people["dean"].staff.display_name


def test_there_is_no_path_that_edits_a_refund(refund, people):
    for method in ("put", "patch", "delete"):
        response = getattr(people["principal"], method)(f"{URL}/{refund.pk}")
        assert response.status_code == 405


def test_another_campus_refund_is_not_found(refund, other_campus, api_as):
    for role, step, data in [("dean", "confirm-lessons", None), ("advisor", "parent-sign", PARENT)]:
        stranger = api_as(role, campus=other_campus)
        assert stranger.post(f"{URL}/{refund.pk}/{step}", data).status_code == 404
        assert stranger.get(f"{URL}/{refund.pk}").status_code == 404
    assert api_as("dean", campus=other_campus).get(f"{URL}/{refund.pk}/application.pdf").status_code == 404
    assert api_as("hq_admin", campus=other_campus).get(f"{URL}/{refund.pk}").status_code == 200
    assert Refund.objects.get().status == "draft"


@pytest.mark.parametrize("role", ["front_desk", "teacher"])
def test_the_desk_and_teachers_do_not_read_refunds(refund, people, role):
    assert people[role].get(f"{URL}/{refund.pk}").status_code == 403
    assert people[role].get(URL).status_code == 403


def test_the_refund_list_filters_by_status(refund, people):
    assert people["finance"].get(URL, {"status": "draft"}).json()["count"] == 1
    assert people["finance"].get(URL, {"status": "paid"}).json()["count"] == 0
