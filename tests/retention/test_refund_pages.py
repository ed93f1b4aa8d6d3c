"""The refund pages in Chinese: one application walked through its steps, each person
seeing the form of their own step only; refusals beside the field; the list; the settings."""

from decimal import Decimal

import pytest
from django.test import Client

from retention.models import CampusRefundFee, Refund, RefundReason
from tests.factories import drafted_refund, signed_in, sold_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_staff) -> dict:
    return {role: make_staff(role) for role in ("front_desk", "dean", "advisor", "consultant", "principal", "finance")}


@pytest.fixture
def refund(campus, team):
    package = sold_package(campus, team["front_desk"], lessons=3, price="7000.00", used=2)
    return drafted_refund(package, principal=team["principal"])


def step(client: Client, refund: Refund, name: str, **data):
    return client.post(f"/retention/refunds/{refund.pk}/step/", {"step": name, **data})


def test_one_refund_walked_through_its_pages(refund, team):
    url = f"/retention/refunds/{refund.pk}/"
    dean, advisor = signed_in(team["dean"]), signed_in(team["advisor"])
    principal, finance = signed_in(team["principal"]), signed_in(team["finance"])

    before = dean.get(url).content.decode()
    assert "请您办理：教务长确认课时" in before and "1533.33" in before and "预估" in before
    waiting = advisor.get(url).content.decode()
    assert "等待教务长办理" in waiting and "签字确认" not in waiting
    assert step(dean, refund, "confirm-lessons").status_code == 302

    form = advisor.get(url).content.decode()
    assert "请您办理：家长核对金额并填写退费原因" in form and "排课原因" in form
    blank = step(advisor, refund, "parent-sign", reason="", signed_by="李梅")
    assert blank.status_code == 422 and "errorlist" in blank.content.decode()
    category = RefundReason.objects.get(code="scheduling")
    assert step(advisor, refund, "parent-sign", reason="上课时间总冲突", signed_by="李梅", category=category.pk).status_code == 302

    taxed = step(advisor, refund, "documents", contract="returned", receipt="returned", invoice="returned", tax_deduction="10")
    assert taxed.status_code == 422 and "只有遗失发票才扣税" in taxed.content.decode()
    done = step(advisor, refund, "documents", contract="returned", receipt="lost_declared", invoice="none", tax_deduction="")
    assert done.status_code == 302

    assert step(principal, refund, "approve").status_code == 302
    pay_page = finance.get(url).content.decode()
    assert "付款 ¥1533.33" in pay_page
    assert step(finance, refund, "pay").status_code == 302

    refund.refresh_from_db()
    assert (refund.status, refund.amount, refund.category) == ("paid", Decimal("1533.33"), category)
    final = dean.get(url).content.decode()
    assert "已退费" in final and refund.payment.receipt_number in final and "请您办理" not in final
    for person in (team["dean"], team["advisor"], team["principal"], team["finance"]):
        assert person.display_name in final
    pdf = finance.get(f"/retention/refunds/{refund.pk}/application.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_step_posted_by_the_wrong_person_or_out_of_turn_changes_nothing(refund, team):
    advisor = signed_in(team["advisor"])
    wrong = step(advisor, refund, "confirm-lessons")
    assert wrong.status_code == 403 and "教务长" in wrong.content.decode()
    early = step(advisor, refund, "parent-sign", reason="x", signed_by="李梅")
    assert early.status_code == 409 and "请先完成“教务长确认课时”" in early.content.decode()
    assert step(advisor, refund, "nonsense").status_code == 302
    refund.refresh_from_db()
    assert (refund.status, refund.signatures.count()) == ("draft", 0)


def test_the_list_shows_what_waits_on_me(refund, team):
    html = signed_in(team["dean"]).get("/retention/refunds/").content.decode()
    assert "待我办理" in html and refund.student.name in html
    assert "待我办理" not in signed_in(team["finance"]).get("/retention/refunds/").content.decode()
    assert "没有退费申请" in signed_in(team["finance"]).get("/retention/refunds/", {"status": "paid"}).content.decode()


@pytest.mark.parametrize("role", ["front_desk", "teacher"])
def test_refund_pages_are_closed_to_the_desk_and_teachers(refund, make_staff, role):
    client = signed_in(make_staff(role))
    for url in ("/retention/refunds/", f"/retention/refunds/{refund.pk}/", f"/retention/refunds/{refund.pk}/application.pdf"):
        assert client.get(url).status_code == 403


def test_another_campus_refund_page_is_not_found(refund, make_staff, other_campus):
    client = signed_in(make_staff("dean", campus=other_campus))
    assert client.get(f"/retention/refunds/{refund.pk}/").status_code == 404
    assert step(client, refund, "confirm-lessons").status_code == 404


def test_the_principal_sets_the_fee_and_adds_a_reason_of_the_campus(refund, team, campus):
    client = signed_in(team["principal"])
    assert client.get("/retention/refunds/settings/").status_code == 200
    bad = client.post("/retention/refunds/settings/", {"action": "fee", "management_fee": "-5"})
    assert bad.status_code == 422 and not CampusRefundFee.objects.exists()
    assert client.post("/retention/refunds/settings/", {"action": "fee", "management_fee": "500"}).status_code == 302
    assert CampusRefundFee.objects.get(campus=campus).management_fee == Decimal("500.00")
    assert "1833.33" in client.get(f"/retention/refunds/{refund.pk}/").content.decode()  # 7000 − 4666.67 − 500
    assert client.post("/retention/refunds/settings/", {"action": "add_reason", "name": "学业冲突"}).status_code == 302
    added = RefundReason.objects.get(name="学业冲突")
    assert added.campus == campus
    shared = RefundReason.objects.get(code="family")
    client.post("/retention/refunds/settings/", {"action": "toggle", "reason": shared.pk})
    shared.refresh_from_db()
    assert shared.is_active  # the shared list is headquarters'
    client.post("/retention/refunds/settings/", {"action": "rename", "reason": added.pk, "name": "课业冲突"})
    added.refresh_from_db()
    assert added.name == "课业冲突"


def test_hq_keeps_the_shared_reasons(make_staff, other_campus):
    client = signed_in(make_staff("hq_admin", campus=other_campus))
    shared = RefundReason.objects.get(code="other")
    client.post("/retention/refunds/settings/", {"action": "toggle", "reason": shared.pk})
    shared.refresh_from_db()
    assert not shared.is_active
    client.post("/retention/refunds/settings/", {"action": "add_reason", "name": "政策原因"})
    assert RefundReason.objects.get(name="政策原因").campus is None


@pytest.mark.parametrize("role", ["advisor", "dean", "finance", "cs_supervisor"])
def test_the_settings_are_the_principals(make_staff, role):
    assert signed_in(make_staff(role)).get("/retention/refunds/settings/").status_code == 403


def test_the_seed_reasons_are_there(db):
    assert list(RefundReason.objects.filter(campus=None).values_list("name", flat=True)) == [
        "成绩不提高", "班主任无应对/改进", "服务不满意", "教务人员更替频繁", "排课原因", "更换教师未满足", "家庭原因", "其他",
    ]


def test_the_pages_speak_english_after_the_switch(refund, team):
    client = signed_in(team["dean"])
    assert "<h1>退费</h1>" in client.get("/retention/refunds/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    listing = client.get("/retention/refunds/").content.decode()
    assert "<h1>Refunds</h1>" in listing and "Waiting for me" in listing
    page = client.get(f"/retention/refunds/{refund.pk}/").content.decode()
    assert "Your step: Dean confirms the lessons used" in page and "Less: management fee" in page
    assert "<h1>Order saving</h1>" in client.get("/retention/save-cases/").content.decode()
