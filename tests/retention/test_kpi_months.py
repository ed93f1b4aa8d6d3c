"""The stored KPIs of closed months (retention.services.kpi_months_close): every figure of a
stored month equals the live selectors' on the same records — for the campus, for each
advisor, for every campus at once — and the dashboard's trends read them."""

from datetime import date, datetime

import pytest

from billing.models import LedgerEntry
from billing.services import ledger_reverse
from core.errors import InvalidInput
from core.roles import Role
from retention import kpis, services
from retention.jobs import kpi_months
from retention.models import KpiMonth, KpiStudentMonth
from students.models import Student
from tests.factories import CampusFactory, StaffFactory

from .followup_makers import make_student
from .kpi_makers import (
    MARCH,
    at,
    consumption_month,
    desk_of,
    enrol_referral,
    refund_paid,
    sell,
    two_advisors,
    use,
)

pytestmark = pytest.mark.django_db

MONTHS = [date(2026, m, 1) for m in (1, 2, 3, 4)]
# long after every month above has settled
LATER = at(11, 20)


def a_campus_of_every_kpi(campus, advisors=None, phones=10):
    """The worked examples' records, several of each KPI in several months, two advisors."""
    wang, li = advisors or two_advisors(campus)
    consumption_month(campus, wang, li)
    a, b, c = (make_student(campus, wang, name=n) for n in "ABC")
    d, e = (make_student(campus, li, name=n) for n in "DE")
    first_a = sell(a, sold_at=at(1, 5), subject="钢琴")
    use(first_a, *[at(1, 10 + i) for i in range(6)], at(3, 10))
    sell(a, sold_at=at(3, 25), subject="数学", course="数学一对一")
    use(sell(b, sold_at=at(1, 5)), *[at(1, 10 + i) for i in range(7)])
    sell(c, sold_at=at(1, 5), valid_until=date(2026, 3, 20))
    sell(d, sold_at=at(2, 5), subject="钢琴")
    sell(d, sold_at=at(3, 8), subject="英语", course="英语一对一")
    sell(d, sold_at=at(3, 9), subject="数学", course="数学一对一")
    refund_paid(sell(e, sold_at=at(1, 5)), paid_at=at(3, 15))
    enrol_referral(campus, a, "新一", f"139000{phones:03d}10", at(3, 8))
    enrol_referral(campus, a, "新二", f"139000{phones:03d}20", at(3, 9))
    enrol_referral(campus, d, "新三", f"139000{phones:03d}30", at(2, 20))
    return wang, li


def live(students, months):
    return {key: {m: k.figures for m, k in d.compute.over(students, months).items()} for key, d in kpis.DEFINITIONS.items()}


def stored(students, months):
    found = kpis.stored_figures(students, months)
    return {key: {m: found[m][key] for m in months} for key in kpis.DEFINITIONS}


def test_a_stored_month_has_the_live_figures_of_the_campus_each_advisor_and_every_campus(campus):
    wang, li = a_campus_of_every_kpi(campus)
    other = CampusFactory()
    a_campus_of_every_kpi(other, [StaffFactory(role=Role.ADVISOR, campus=other) for _ in "12"], phones=20)
    assert services.kpi_months_close(campus=campus, months=MONTHS, now=LATER) == 4
    assert services.kpi_months_close(campus=other, months=MONTHS, now=LATER) == 4
    everyone = Student.objects.filter(campus=campus)
    for students in (everyone, everyone.filter(advisor=wang), everyone.filter(advisor=li), Student.objects.all()):
        assert stored(students, MONTHS) == live(students, MONTHS)
    march = stored(everyone, [MARCH])
    # the worked examples' own figures are there, not only equal ones
    assert march["lesson_consumption"][MARCH]["used"] >= 6
    assert march["referrals"][MARCH] == {"enrolled": 2, "referring_families": 1}
    assert march["refund_rate"][MARCH]["refunded_students"] == 1
    assert march["subject_expansion"][MARCH] == {"students": 2, "subjects": 3}
    # stored once: a second close stores nothing
    assert services.kpi_months_close(campus=campus, months=MONTHS, now=LATER) == 0
    assert KpiMonth.objects.filter(campus=campus).count() == 4


def test_the_trends_read_stored_months_and_store_those_missing(campus):
    a_campus_of_every_kpi(campus)
    everyone = Student.objects.filter(campus=campus)
    months = kpis.trend_months(date(2026, 4, 1))
    assert not KpiMonth.objects.exists()
    trend = kpis.trends(everyone, date(2026, 4, 1), now=LATER)
    # the eleven months before April stored on the spot; April itself live, with its rows
    assert sorted(KpiMonth.objects.values_list("month", flat=True)) == months[:-1]
    assert all(k.stored is not None for series in trend.values() for k in series[:-1])
    assert all(series[-1].stored is None for series in trend.values())
    assert {key: {k.month: k.figures for k in series} for key, series in trend.items()} == live(everyone, months)


def test_the_months_still_open_are_live(campus):
    a_campus_of_every_kpi(campus)
    everyone = Student.objects.filter(campus=campus)
    # 10 April: March ended less than 30 days ago (a renewal may still count for it)
    now = at(4, 10)
    assert not kpis.is_settled(MARCH, now) and kpis.is_settled(date(2026, 2, 1), now)
    trend = kpis.trends(everyone, date(2026, 4, 1), now=now)
    assert not KpiMonth.objects.filter(month__gte=MARCH).exists()
    assert trend["renewal_rate"][-2].stored is None and trend["renewal_rate"][-3].stored is not None
    with pytest.raises(InvalidInput):
        services.kpi_months_close(campus=campus, months=[MARCH], now=now)


def test_the_nightly_job_stores_the_months_again_with_a_late_correction(campus):
    a_campus_of_every_kpi(campus)
    everyone = Student.objects.filter(campus=campus)
    # December 2025 to September 2026: October is not settled until 30 November
    assert kpi_months(LATER) == 10
    before = stored(everyone, [MARCH])["lesson_consumption"][MARCH]["used"]
    used = LedgerEntry.objects.filter(
        package__student__campus=campus, kind=LedgerEntry.Kind.USED, reversed_by__isnull=True,
        occurred_at__gte=at(3, 1, 0), occurred_at__lt=at(4, 1, 0),
    ).first()
    ledger_reverse(entry=used, by=desk_of(campus), reason="补录冲正", at=LATER)
    assert kpi_months(datetime.combine(date(2026, 11, 21), datetime.min.time(), tzinfo=LATER.tzinfo)) == 10
    after = stored(everyone, [MARCH])
    assert after["lesson_consumption"][MARCH]["used"] == before - 1
    assert after == live(everyone, [MARCH])
    assert KpiStudentMonth.objects.filter(month=MARCH, kpi_month__campus=campus).exists()
