"""The order-saving pages in Chinese: the save group's list (overdue flagged, days left),
opening a case from a package, and a case's page with the actions of each role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from retention.models import Refund, SaveCase
from retention.services import save_case_escalate, save_case_open
from tests.factories import StudentFactory, signed_in, sold_package

pytestmark = pytest.mark.django_db


def test_the_list_flags_overdue_cases_and_counts_the_days_left(campus, desk, make_staff):
    advisor = make_staff("advisor")
    late = sold_package(campus, desk, student=StudentFactory(campus=campus, name="迟到生"))
    save_case_open(package=late, by=advisor, reason="要求退费", at=timezone.now() - timedelta(days=12))
    fresh = sold_package(campus, desk, student=StudentFactory(campus=campus, name="新同学"))
    save_case_open(package=fresh, by=advisor, reason="要求退费")
    page = signed_in(make_staff("cs_supervisor")).get("/retention/save-cases/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "迟到生" in html and "已超期 2 天" in html
    assert "新同学" in html and "10 天" in html
    assert html.index("迟到生") < html.index("新同学")  # the nearest deadline first


@pytest.mark.parametrize("role", ["front_desk", "finance", "teacher"])
def test_the_list_is_for_the_family_owners_and_the_save_group(make_staff, role):
    assert signed_in(make_staff(role)).get("/retention/save-cases/").status_code == 403


def test_an_advisor_finds_a_package_and_opens_a_case(campus, desk, make_staff):
    package = sold_package(campus, desk, student=StudentFactory(campus=campus, name="周小雨"), used=2)
    client = signed_in(make_staff("advisor"))
    found = client.get("/retention/save-cases/", {"q": "周小"}).content.decode()
    assert f"/retention/packages/{package.pk}/save-case/" in found
    form = client.get(f"/retention/packages/{package.pk}/save-case/")
    assert form.status_code == 200 and "2200.00" not in form.content.decode()
    assert "1600.00" in form.content.decode()  # 3000 − 600 − 800, the quote beside the form
    refused = client.post(f"/retention/packages/{package.pk}/save-case/", {"reason": "  ", "regular": "yes"})
    assert refused.status_code == 422 and "errorlist" in refused.content.decode()
    assert not SaveCase.objects.exists()
    opened = client.post(f"/retention/packages/{package.pk}/save-case/", {"reason": "成绩没有提高", "regular": "no"})
    case = SaveCase.objects.get()
    assert opened.status_code == 302 and opened["Location"] == f"/retention/save-cases/{case.pk}/"
    assert case.stage == 3
    again = client.post(f"/retention/packages/{package.pk}/save-case/", {"reason": "再次", "regular": "yes"})
    assert again.status_code == 409 and "已有进行中的挽单" in again.content.decode()


def test_the_dean_finds_no_form_to_open_a_case(campus, desk, make_staff):
    package = sold_package(campus, desk)
    client = signed_in(make_staff("dean"))
    assert "上报挽单" not in client.get("/retention/save-cases/", {"q": package.student.name}).content.decode()
    assert client.get(f"/retention/packages/{package.pk}/save-case/").status_code == 403


def test_another_campus_package_and_case_are_not_found(campus, other_campus, desk, make_staff):
    case = save_case_open(package=sold_package(campus, desk), by=make_staff("advisor"), reason="要求退费")
    stranger = signed_in(make_staff("principal", campus=other_campus))
    assert stranger.get(f"/retention/packages/{case.package_id}/save-case/").status_code == 404
    assert stranger.get(f"/retention/save-cases/{case.pk}/").status_code == 404
    assert stranger.post(f"/retention/save-cases/{case.pk}/", {"action": "escalate"}).status_code == 404


def test_the_case_page_records_notes_escalates_and_the_principal_fails_it(campus, desk, make_staff):
    advisor = make_staff("advisor")
    case = save_case_open(package=sold_package(campus, desk, used=1), by=advisor, reason="孩子不想学了")
    client = signed_in(advisor)
    html = client.get(f"/retention/save-cases/{case.pk}/").content.decode()
    assert "还剩 10 天" in html and "记录沟通" in html and "升级到下一阶段" in html
    assert "挽单失败，进入退费" not in html
    assert client.post(f"/retention/save-cases/{case.pk}/", {"action": "note", "text": "电话沟通，家长同意试听新老师"}).status_code == 302
    blank = client.post(f"/retention/save-cases/{case.pk}/", {"action": "note", "text": ""})
    assert blank.status_code == 422
    client.post(f"/retention/save-cases/{case.pk}/", {"action": "escalate", "note": "约教务长面谈"})
    client.post(f"/retention/save-cases/{case.pk}/", {"action": "escalate"})
    case.refresh_from_db()
    assert case.stage == 3
    assert "电话沟通，家长同意试听新老师" in client.get(f"/retention/save-cases/{case.pk}/").content.decode()
    forbidden = client.post(f"/retention/save-cases/{case.pk}/", {"action": "fail"})
    assert forbidden.status_code == 403 and "只有校长" in forbidden.content.decode()

    principal = signed_in(make_staff("principal"))
    assert "挽单失败，进入退费" in principal.get(f"/retention/save-cases/{case.pk}/").content.decode()
    failed = principal.post(f"/retention/save-cases/{case.pk}/", {"action": "fail", "note": "家长坚持"})
    refund = Refund.objects.get()
    assert failed.status_code == 302 and failed["Location"] == f"/retention/refunds/{refund.pk}/"
    closed = principal.get(f"/retention/save-cases/{case.pk}/").content.decode()
    assert "挽单失败" in closed and "记录沟通" not in closed and f"/retention/refunds/{refund.pk}/" in closed


def test_an_overdue_case_page_says_so(campus, desk, make_staff):
    advisor = make_staff("advisor")
    case = save_case_open(package=sold_package(campus, desk), by=advisor, reason="a", at=timezone.now() - timedelta(days=11))
    save_case_escalate(case=case, by=advisor)
    html = signed_in(make_staff("dean")).get(f"/retention/save-cases/{case.pk}/").content.decode()
    assert "已超期 1 天" in html
