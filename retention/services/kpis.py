"""Storing the KPI figures of closed months (`KpiMonth`, `KpiStudentMonth`): what the
dashboard's trends read instead of computing eleven months live. A settled month is stored
by the nightly `kpi_months` job, or on the spot when a page asks for one not stored yet."""

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from core.errors import InvalidInput
from core.models import Campus, Staff
from students.models import Student

from .. import kpis
from ..models import KpiMonth, KpiStudentMonth


def _student_months(found: dict[str, dict[date, kpis.Kpi]]) -> dict[tuple[date, int], KpiStudentMonth]:
    """Each student's figures of each month, from the rows of the five KPIs."""
    out: dict[tuple[date, int], KpiStudentMonth] = {}

    def of(month: date, student_id: int) -> KpiStudentMonth:
        if (month, student_id) not in out:
            out[month, student_id] = KpiStudentMonth(student_id=student_id, month=month)
        return out[month, student_id]

    for month, kpi in found["lesson_consumption"].items():
        for row in kpi.rows:
            stored = of(month, row.student_id)
            stored.consumption, stored.used, stored.scheduled = True, row.values["used"], row.values["scheduled"]
    for month, kpi in found["renewal_rate"].items():
        for row in kpi.rows:
            stored = of(month, row.student_id)
            stored.renewal_due, stored.renewed = True, row.hit
    for month, kpi in found["subject_expansion"].items():
        for row in kpi.rows:
            of(month, row.student_id).new_subjects = len(row.values["subjects"])
    for month, kpi in found["referrals"].items():
        for row in kpi.rows:
            of(month, row.values["referrer_id"]).referred += 1
    for month, kpi in found["refund_rate"].items():
        for row in kpi.rows:
            stored = of(month, row.student_id)
            stored.refund_row, stored.refunds, stored.refund_amount = True, row.values["refunds"], row.values["amount"]
    return out


@transaction.atomic
def kpi_months_close(
    *, campus: Campus, months: Sequence[date], by: Staff | None = None, now: datetime | None = None,
    refresh: bool = False,
) -> int:
    """Store the five KPIs of the campus's `months` (each settled: `kpis.is_settled`), each
    student's figures computed by the live selectors. A month stored already is left as it
    is, unless `refresh`: then it is computed again. Returns the number of months stored."""
    now = now or timezone.now()
    months = sorted({kpis.first_of_month(m) for m in months})
    open_months = [m for m in months if not kpis.is_settled(m, now)]
    if open_months:
        raise InvalidInput(
            "只能保存已结束 30 天以上的月份", {"months": ", ".join(f"{m:%Y-%m}" for m in open_months)}
        )
    Campus.objects.select_for_update().get(pk=campus.pk)
    if not refresh:
        done = set(KpiMonth.objects.filter(campus=campus, month__in=months).values_list("month", flat=True))
        months = [m for m in months if m not in done]
    if not months:
        return 0
    students = Student.objects.filter(campus=campus)
    found = {key: d.compute.over(students, months) for key, d in kpis.DEFINITIONS.items()}
    KpiMonth.objects.filter(campus=campus, month__in=months).delete()
    KpiStudentMonth.objects.filter(student__in=students, month__in=months).delete()
    closes = {m: KpiMonth.objects.create(campus=campus, month=m, closed_at=now, closed_by=by) for m in months}
    rows = list(_student_months(found).values())
    for row in rows:
        row.kpi_month = closes[row.month]
    KpiStudentMonth.objects.bulk_create(rows, batch_size=2000)
    return len(months)


def kpi_months_ensure(*, students: QuerySet[Student], months: Sequence[date], now: datetime) -> int:
    """Store the settled `months` of every campus of `students` that has not stored them yet
    (a page asking before the nightly job did). Returns the number of months stored."""
    campuses = list(Campus.objects.filter(Exists(students.filter(campus=OuterRef("pk")))))
    done = set(KpiMonth.objects.filter(campus__in=campuses, month__in=months).values_list("campus_id", "month"))
    return sum(
        kpi_months_close(campus=campus, months=months, now=now)
        for campus in campuses
        if any((campus.pk, m) not in done for m in months)
    )
