"""The refund reasons analysis on a small worked set: the paid refunds counted and summed
by reason, by advisor, by teacher (of most of the package's lessons) and by month; the
page with its chart and the Excel export."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from billing.services import package_deduct
from core.models import Subject
from retention.analysis import refund_analysis
from retention.models import Refund
from scheduling.services import attendance_record, lesson_book
from tests.factories import StudentFactory, drafted_refund, signed_refund, sold_package

pytestmark = pytest.mark.django_db


def teach(package, teacher, subject, count: int, desk, first_hour: int) -> None:
    """`count` lessons of `package` taught by `teacher`, each checked in."""
    day = timezone.localtime() + timedelta(days=1)
    for i in range(count):
        starts = day.replace(hour=first_hour + i, minute=0, second=0, microsecond=0)
        lesson = lesson_book(
            student=package.student, teacher=teacher, subject=subject, starts_at=starts,
            ends_at=starts + timedelta(minutes=50), by=desk, package=package, send_notice=False,
        )
        entry = package_deduct(package=package, at=starts, by=desk, reason="上课")
        attendance_record(
            student=package.student, package=package, ledger_entry=entry, at=starts, by=desk, source="manual", lesson=lesson
        )


def refund_paid(package, team, *, category: str, reason: str, at) -> Refund:
    refund = drafted_refund(package, principal=team["principal"])
    return signed_refund(refund, team, category=category, reason=reason, paid_at=at)


@pytest.fixture
def worked(campus, make_staff):
    """Three paid refunds and one still in draft:
    R1 王老师's student, piano ¥3000/10, 2 lessons by 张琴 → ¥1600, 排课原因, month 1
    R2 王老师's student, maths ¥5000/10, 2 by 陈数 + 1 by 张琴 → ¥2700, 排课原因, month 2
    R3 李老师's student, ¥2000/10, not started → ¥1200, 家庭原因, month 2"""
    piano, maths = Subject.objects.create(name="钢琴"), Subject.objects.create(name="数学")
    zhang = make_staff("teacher", user__first_name="张琴")
    zhang.subjects.add(piano, maths)
    chen = make_staff("teacher", user__first_name="陈数")
    chen.subjects.add(maths)
    wang = make_staff("advisor", user__first_name="王老师")
    li = make_staff("advisor", user__first_name="李老师")
    desk = make_staff("front_desk")
    team = {role: make_staff(role) for role in ("dean", "consultant", "principal", "finance")}
    month1 = timezone.now() + timedelta(days=2)
    month2 = month1 + timedelta(days=35)

    p1 = sold_package(campus, desk, student=StudentFactory(campus=campus, advisor=wang, name="甲"), price="3000.00")
    teach(p1, zhang, piano, 2, desk, first_hour=9)
    r1 = refund_paid(p1, {**team, "advisor": wang}, category="scheduling", reason="=HYPERLINK(\"http://x\",\"点我\")", at=month1)

    p2 = sold_package(campus, desk, student=StudentFactory(campus=campus, advisor=wang, name="乙"), price="5000.00")
    teach(p2, chen, maths, 2, desk, first_hour=13)
    teach(p2, zhang, maths, 1, desk, first_hour=16)
    r2 = refund_paid(p2, {**team, "advisor": wang}, category="排课原因", reason="上课时间总是冲突", at=month2)

    p3 = sold_package(campus, desk, student=StudentFactory(campus=campus, advisor=li, name="丙"), price="2000.00")
    r3 = refund_paid(p3, {**team, "advisor": li}, category="family", reason="搬家", at=month2 + timedelta(hours=1))

    drafted_refund(sold_package(campus, desk, used=1), principal=team["principal"])
    return {"refunds": (r1, r2, r3), "month1": month1, "month2": month2}


def rows(groups) -> list[tuple[str, int, str]]:
    return [(g["label"], g["count"], g["amount"]) for g in groups]


def test_the_worked_set_by_reason_advisor_teacher_and_month(worked):
    r1, r2, r3 = worked["refunds"]
    assert (r1.amount, r2.amount, r3.amount) == (Decimal("1600.00"), Decimal("2700.00"), Decimal("1200.00"))
    assert (r1.teacher.display_name, r2.teacher.display_name, r3.teacher) == ("张琴", "陈数", None)
    report = refund_analysis(Refund.objects.all()).as_json()
    assert (report["count"], report["amount"]) == (3, "5500.00")
    assert rows(report["by_reason"]) == [("排课原因", 2, "4300.00"), ("家庭原因", 1, "1200.00")]
    assert rows(report["by_advisor"]) == [("王老师", 2, "4300.00"), ("李老师", 1, "1200.00")]
    assert rows(report["by_teacher"]) == [("陈数", 1, "2700.00"), ("张琴", 1, "1600.00"), ("无任课教员", 1, "1200.00")]
    month1 = f"{timezone.localtime(worked['month1']):%Y-%m}"
    month2 = f"{timezone.localtime(worked['month2']):%Y-%m}"
    assert rows(report["by_month"]) == [(month1, 1, "1600.00"), (month2, 2, "3900.00")]


def test_the_period_takes_whole_local_days(worked):
    day2 = timezone.localdate(worked["month2"])
    report = refund_analysis(Refund.objects.all(), date_from=day2, date_to=day2)
    assert (report.count, report.amount) == (2, Decimal("3900.00"))
    assert refund_analysis(Refund.objects.all(), date_to=day2 - timedelta(days=1)).count == 1


def test_the_analysis_endpoint_is_for_the_principal_supervisor_and_finance(worked, api_as, other_campus):
    for role in ("principal", "cs_supervisor", "finance"):
        assert api_as(role).get("/api/v1/refund-analysis").json()["count"] == 3
    for role in ("advisor", "dean", "front_desk", "teacher"):
        assert api_as(role).get("/api/v1/refund-analysis").status_code == 403
    assert api_as("principal", campus=other_campus).get("/api/v1/refund-analysis").json()["count"] == 0


def period(worked) -> dict[str, str]:
    return {
        "date_from": f"{timezone.localdate(worked['month1']):%Y-%m-%d}",
        "date_to": f"{timezone.localdate(worked['month2']):%Y-%m-%d}",
    }


def test_the_page_shows_the_breakdowns_as_a_chart(worked, client, make_staff):
    client.force_login(make_staff("principal").user)
    page = client.get("/retention/refunds/analysis/", period(worked))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "排课原因" in html and "4300.00" in html and "陈数" in html
    client.force_login(make_staff("advisor").user)
    assert client.get("/retention/refunds/analysis/").status_code == 403


def test_the_page_shows_the_last_twelve_months_by_default(worked, client, make_staff):
    client.force_login(make_staff("principal").user)
    html = client.get("/retention/refunds/analysis/").content.decode()
    assert "已退费 0 笔" in html  # the worked set is paid in the coming days
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html


def test_the_excel_export_has_the_rows_and_keeps_text_as_text(worked, client, make_staff):
    client.force_login(make_staff("finance").user)
    response = client.get("/retention/refunds/analysis/", {**period(worked), "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["退费明细", "按原因", "按班主任", "按教员", "按月份"]
    detail = list(book["退费明细"].iter_rows(values_only=True))
    assert detail[0][:3] == ("退费编号", "付款日期", "学员")
    assert [r[2] for r in detail[1:4]] == ["甲", "乙", "丙"]
    assert [r[10] for r in detail[1:4]] == [1600, 2700, 1200]
    assert detail[4][10] == 5500
    injected = book["退费明细"].cell(row=2, column=6)
    assert (injected.value, injected.data_type) == ("=HYPERLINK(\"http://x\",\"点我\")", "s")
    by_reason = list(book["按原因"].iter_rows(values_only=True))
    assert by_reason == [("退费原因", "笔数", "金额（元）"), ("排课原因", 2, 4300), ("家庭原因", 1, 1200)]
