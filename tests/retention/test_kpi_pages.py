"""The KPI pages: the dashboard of each role, its charts under the CSP, the drill-down
listing exactly the students behind a number, the Excel export matching the page, and a
query count that does not grow with the students."""

import io
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from billing.models import LessonPackage
from billing.services import package_create, package_deduct
from core.roles import Role
from tests.factories import StudentFactory, signed_in

from .kpi_makers import at, consumption_month, desk_of, two_advisors

pytestmark = pytest.mark.django_db

DASHBOARD = "/retention/kpis/"


@pytest.fixture
def march(campus):
    """The worked month of test_kpis.test_lesson_consumption, with its two advisors."""
    wang, li = two_advisors(campus)
    return {**consumption_month(campus, wang, li), "wang": wang, "li": li}


def figures(html: str) -> dict[str, str]:
    """Each figure of the five cards, by `kpi.figure`, as the page shows it."""
    return dict(re.findall(r'data-figure="([\w.]+)">([^<]+)</a>', html))


def figure_links(html: str) -> dict[str, str]:
    """Where each figure of the five cards links."""
    return {k: v.replace("&amp;", "&") for v, k in re.findall(r'<a href="([^"]+)" data-figure="([\w.]+)"', html)}


def drill(client, url: str) -> set[int]:
    """The students a drill-down page lists."""
    return {int(i) for i in re.findall(r'data-student="(\d+)"', client.get(url).content.decode())}


def test_the_principal_sees_the_campus_with_trends_and_the_advisors_compared(march, make_staff):
    make_staff(Role.ADVISOR, user__first_name="离职老师", user__is_active=False)  # no figure of the month
    html = signed_in(make_staff(Role.PRINCIPAL)).get(DASHBOARD, {"month": "2026-03"}).content.decode()
    shown = figures(html)
    assert shown["lesson_consumption.rate"] == "100.0%"
    assert shown["lesson_consumption.used"] == "6" and shown["lesson_consumption.scheduled"] == "6"
    assert shown["refund_rate.active_students"] == "2" and shown["refund_rate.amount"] == "¥0.00"
    assert set(k.split(".")[0] for k in shown) == {
        "lesson_consumption", "renewal_rate", "subject_expansion", "referrals", "refund_rate"
    }
    assert html.count('class="kpi-trend"') == 5 and "<polyline" in html and "<rect" in html
    # the comparison: 王 75.0% (3 of 4), 李 150.0% (3 of 2)
    assert "班主任对比" in html and "王老师" in html and "75.0%" in html and "150.0%" in html
    assert ">离职老师</a>" not in html and ">离职老师</text>" not in html and ">离职老师</option>" in html
    # nothing a strict CSP would refuse
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_an_advisor_sees_their_own_figures_and_no_comparison(march):
    wang = march["wang"]
    client = signed_in(wang)
    html = client.get(DASHBOARD, {"month": "2026-03"}).content.decode()
    assert figures(html)["lesson_consumption.rate"] == "75.0%" and "班主任对比" not in html
    assert client.get(DASHBOARD, {"month": "2026-03", "advisor": "li"}).status_code == 403


def test_a_supervisor_narrows_to_an_advisor_of_the_campus_only(march, make_staff, other_campus):
    from tests.factories import StaffFactory

    StaffFactory(role=Role.ADVISOR, campus=other_campus, user__username="far")
    client = signed_in(make_staff(Role.CS_SUPERVISOR))
    html = client.get(DASHBOARD, {"month": "2026-03", "advisor": "li"}).content.decode()
    assert figures(html)["lesson_consumption.rate"] == "150.0%"
    assert client.get(DASHBOARD, {"advisor": "far"}).status_code == 404
    assert client.get(DASHBOARD, {"advisor": "nobody"}).status_code == 404
    assert client.get(DASHBOARD, {"advisor": "²"}).status_code == 404
    assert client.get(reverse("retention:kpi_students", args=["nothing"])).status_code == 404
    # a month no page can mean falls back to this month, never a 500
    for month in ("2026-13", "x", "9999-99", "0001-01", "9999-12", "2026-3"):
        assert client.get(DASHBOARD, {"month": month}).status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_the_roles_of_the_table(role, make_staff):
    allowed = role in (Role.ADVISOR, Role.CS_SUPERVISOR, Role.PRINCIPAL, Role.HQ_ADMIN)
    client = signed_in(make_staff(role))
    assert client.get(DASHBOARD).status_code == (200 if allowed else 403)
    drill_url = reverse("retention:kpi_students", args=["referrals"])
    assert client.get(drill_url).status_code == (200 if allowed else 403)


def test_every_number_links_to_exactly_the_students_behind_it(march, make_staff):
    client = signed_in(make_staff(Role.PRINCIPAL))
    html = client.get(DASHBOARD, {"month": "2026-03"}).content.decode()
    links = figure_links(html)
    both = {march["ming"].pk, march["hong"].pk}
    assert drill(client, links["lesson_consumption.scheduled"]) == both
    assert drill(client, links["lesson_consumption.used"]) == both
    assert drill(client, links["refund_rate.active_students"]) == both
    assert drill(client, links["refund_rate.refunded_students"]) == set()
    # one advisor's
    one = client.get(DASHBOARD, {"month": "2026-03", "advisor": "wang"}).content.decode()
    link = figure_links(one)
    assert drill(client, link["lesson_consumption.used"]) == {march["ming"].pk}
    page = client.get(link["lesson_consumption.used"]).content.decode()
    assert "小明" in page and "小红" not in page and "75.0%" in page


def test_the_excel_export_has_the_figures_of_the_page(march, make_staff):
    client = signed_in(make_staff(Role.PRINCIPAL))
    html = client.get(DASHBOARD, {"month": "2026-03"}).content.decode()
    shown = figures(html)
    response = client.get(DASHBOARD, {"month": "2026-03", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == ["五大指标", "十二个月趋势", "班主任对比"]
    rows = list(book["五大指标"].iter_rows(min_row=2, values_only=True))
    labels = {"课时消耗": "lesson_consumption", "续费": "renewal_rate", "扩科": "subject_expansion",
              "转介绍": "referrals", "退费率": "refund_rate"}
    from retention.kpis import DEFINITIONS

    by_label = {(labels[k], str(label)): name for k in labels for name, label, _h in DEFINITIONS[labels[k]].figures}
    for kpi_label, figure_label, value in rows:
        key = labels[kpi_label]
        name = by_label[(key, figure_label)]
        page = shown[f"{key}.{name}"]
        if name == "rate":
            assert page == ("—" if value is None else f"{value * 100:.1f}%")
        elif name == "amount":
            assert page == f"¥{value:.2f}"
        else:
            assert page == str(value)
    consumption = list(book["课时消耗"].iter_rows(min_row=2, values_only=True))
    assert sorted((r[0], r[3], r[4]) for r in consumption) == [("小明", 3, 4), ("小红", 3, 2)]
    trend = list(book["十二个月趋势"].iter_rows(min_row=2, values_only=True))
    assert trend[-1][0] == "2026-03" and trend[-1][1] == 1 and len(trend) == 12


def _students(campus, advisors, count: int) -> None:
    """`count` students shared between the advisors, each with a package and a lesson used
    in March 2026."""
    for i in range(count):
        student = StudentFactory(campus=campus, advisor=advisors[i % len(advisors)])
        package = package_create(
            student=student, course="钢琴", kind=LessonPackage.Kind.ONE_ON_ONE, lessons=10, bonus_lessons=0,
            price="3000.00", paid="3000.00", valid_from=date(2026, 1, 1), valid_until=date(2027, 1, 1),
            by=desk_of(campus), sold_at=at(1, 5),
        )
        package_deduct(package=package, at=at(3, 2) + timedelta(minutes=i), by=None, reason="上课")


def test_the_dashboard_does_not_query_per_student(campus, make_staff, django_assert_max_num_queries):
    wang, li = two_advisors(campus)
    client = signed_in(make_staff(Role.PRINCIPAL))
    _students(campus, [wang, li], 10)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(DASHBOARD, {"month": "2026-03"}).status_code == 200
    _students(campus, [wang, li], 190)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        html = client.get(DASHBOARD, {"month": "2026-03"}).content.decode()
    assert figures(html)["lesson_consumption.used"] == "200"


def test_the_page_in_english(march, make_staff):
    client = signed_in(make_staff(Role.PRINCIPAL))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(DASHBOARD, {"month": "2026-03"}).content.decode()
    assert "Five KPIs" in html and "Lesson consumption" in html and "五大指标" not in html
