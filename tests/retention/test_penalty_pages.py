"""The staff-rule pages: incidents by person and month with entry and void, the monthly
statement (PDF read back, Excel) and its sign-off, the rules and their edit, the weekly
spot-check; each role let in or refused on the server, another campus 404."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from core.roles import Role
from retention.models import Incident, SpotCheck, StaffRule, StaffStatement
from retention.services import incident_record
from tests.factories import signed_in

from .followup_makers import at, log, make_student

pytestmark = pytest.mark.django_db


def month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def test_the_supervisor_records_by_hand_and_the_principal_voids(person, supervisor, principal):
    page = signed_in(supervisor)
    url = reverse("retention:penalties")
    shown = page.get(url, {"staff": person.pk, "month": month()})
    assert shown.status_code == 200 and "登记处罚" in shown.content.decode()
    response = page.post(url, {"staff": person.pk, "rule": "not_notified", "occurred_on": timezone.localdate(),
                               "note": "未通知家长调课"})
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.level, incident.created_by) == ("warning", supervisor)
    refused = page.post(url, {"staff": person.pk, "rule": "not_notified",
                              "occurred_on": timezone.localdate() + timedelta(days=2)})
    assert refused.status_code == 422 and "不能晚于今天" in refused.content.decode()
    assert Incident.objects.count() == 1
    # the supervisor may not void; the principal does, with a reason
    assert page.post(reverse("retention:penalty_void", args=[incident.pk]), {"reason": "误记"}).status_code == 403
    signed_in(principal).post(reverse("retention:penalty_void", args=[incident.pk]), {"reason": "误记"})
    incident.refresh_from_db()
    assert incident.void_reason == "误记"
    html = page.get(url, {"staff": person.pk, "month": month()}).content.decode()
    assert "已作废" in html and "误记" in html


def test_a_person_sees_their_own_only(person, supervisor, make_staff):
    incident_record(by=supervisor, staff=person, rule="not_notified", occurred_on=timezone.localdate())
    own = signed_in(person)
    html = own.get(reverse("retention:penalties")).content.decode()
    assert "未通知到客户或任课老师" in html and "登记处罚" not in html
    other = make_staff(Role.ADVISOR)
    assert own.get(reverse("retention:penalties"), {"staff": other.pk}).status_code == 403
    assert own.post(reverse("retention:penalties"), {"staff": person.pk, "rule": "not_notified",
                                                     "occurred_on": timezone.localdate()}).status_code == 403


def test_another_campus_is_404(person, supervisor, make_staff, other_campus):
    [incident] = incident_record(by=supervisor, staff=person, rule="not_notified", occurred_on=timezone.localdate())
    theirs = signed_in(make_staff(Role.PRINCIPAL, campus=other_campus))
    assert theirs.get(reverse("retention:penalties"), {"staff": person.pk}).status_code == 404
    assert theirs.get(reverse("retention:statement"), {"staff": person.pk}).status_code == 404
    assert theirs.post(reverse("retention:penalty_void", args=[incident.pk]), {"reason": "x"}).status_code == 404
    assert Incident.objects.get().voided_at is None


def test_the_statement_pdf_excel_and_sign_off(person, supervisor, principal):
    incident_record(by=supervisor, staff=person, rule="scheduling_refund", occurred_on=timezone.localdate(),
                    note="=HYPERLINK(\"x\")")
    query = {"staff": person.pk, "month": month()}
    pdf = signed_in(principal).get(reverse("retention:statement_pdf"), query)
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "月度处罚确认单" in text and "王老师" in text and "100.00" in text
    book = load_workbook(BytesIO(signed_in(principal).get(reverse("retention:statement_xlsx"), query).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[2][1] == "排课原因造成退费" and rows[2][9] == '=HYPERLINK("x")'
    assert book.active.cell(row=3, column=10).data_type == "s"
    assert signed_in(supervisor).post(f"{reverse('retention:statement')}?staff={person.pk}&month={month()}").status_code == 403
    signed_in(principal).post(f"{reverse('retention:statement')}?staff={person.pk}&month={month()}")
    statement = StaffStatement.objects.get()
    assert (statement.total, statement.signed_by) == (100, principal)
    html = signed_in(person).get(reverse("retention:statement")).content.decode()
    assert "校长确认" in html


def test_the_rules_and_their_edit(principal, supervisor, campus, make_staff):
    html = signed_in(supervisor).get(reverse("retention:staff_rules")).content.decode()
    assert "weekly_contact" in html and "修改" not in html.split("<table")[1]
    edit = reverse("retention:staff_rule_edit", args=["not_notified"])
    assert signed_in(supervisor).get(edit).status_code == 403
    assert signed_in(make_staff(Role.ADVISOR)).get(reverse("retention:staff_rules")).status_code == 403
    page = signed_in(principal)
    assert "警告\n罚款 50.00\n谈话转岗" in page.get(edit).content.decode()
    refused = page.post(edit, {"effective_from": timezone.localdate() - timedelta(days=1), "steps": "警告",
                               "supervisor_amount": "0", "principal_amount": "0"})
    assert refused.status_code == 422
    page.post(edit, {"effective_from": timezone.localdate(), "steps": "警告\n罚款 80", "supervisor_amount": "0",
                     "principal_amount": "0"})
    version = StaffRule.objects.get(campus=campus, code="not_notified")
    assert version.steps == [{"level": "warning", "amount": "0.00"}, {"level": "fine", "amount": "80.00"}]
    assert version.changed_by == principal
    assert page.get(reverse("retention:staff_rule_edit", args=["nonsense"])).status_code == 404


def test_the_spot_check_page(campus, supervisor, make_staff):
    advisor = make_staff(Role.ADVISOR, supervisor=supervisor)
    student = make_student(campus, advisor, since=at("2026-03-02"))
    log(student, advisor, "regular", at("2026-03-11"))
    page = signed_in(supervisor)
    url = reverse("retention:spot_checks")
    assert "本周尚未抽取" in page.get(url, {"week": "2026-03-11"}).content.decode()
    page.post(f"{url}?week=2026-03-11", {"draw": "1"})
    check = SpotCheck.objects.get()
    assert check.week == date(2026, 3, 9)
    assert "与家长沟通孩子近况" in page.get(url, {"week": "2026-03-09"}).content.decode()
    page.post(f"{url}?week=2026-03-09", {"check": check.pk, "result": "false", "note": "家长说没有接到电话"})
    check.refresh_from_db()
    assert check.result == "false" and Incident.objects.filter(rule_code="falsified_record").exists()
    assert signed_in(advisor).get(url).status_code == 403


def test_the_pages_in_english(person, supervisor):
    page = signed_in(supervisor)
    page.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = page.get(reverse("retention:penalties")).content.decode()
    assert "Penalties" in html and "处罚记录" not in html


def test_hq_reads_rules_incidents_and_spot_checks_in_the_admin(person, supervisor, make_staff):
    incident_record(by=supervisor, staff=person, rule="not_notified", occurred_on=timezone.localdate())
    page = signed_in(make_staff(Role.HQ_ADMIN))
    for model in ("staffrule", "incident", "spotcheck"):
        assert page.get(f"/admin/retention/{model}/").status_code == 200
    assert page.get(f"/admin/retention/incident/{Incident.objects.get().pk}/change/").status_code == 200
    assert page.get("/admin/retention/incident/add/").status_code == 403
