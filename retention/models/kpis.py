"""The five KPIs of a closed month, stored: a month whose figures can no longer change
(`retention.kpis.is_settled`) is computed once per campus and kept, so the dashboard's
twelve-month trends read eleven stored months and compute only the months still open.

A stored month keeps each student's own figures (`KpiStudentMonth`), not the campus's
sums: the trends of a campus, of one advisor (the students handed to them now) or of every
campus are summed from them in the database, exactly as the live selectors sum their rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Campus, staff_or_none
from core.money import ZERO, money_field
from students.models import Student

__all__ = ["KpiMonth", "KpiStudentMonth"]


class KpiMonth(models.Model):
    """A campus's closed month whose KPI figures are stored (`month`: its first day)."""

    campus = models.ForeignKey(Campus, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"))
    closed_at = models.DateTimeField(_("计算时间"))
    closed_by = staff_or_none()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campus", "month"], name="kpi_month_once_per_campus")]

    def __str__(self) -> str:
        return f"{self.campus} {self.month:%Y-%m}"


class KpiStudentMonth(models.Model):
    """One student's figures of a closed month, one field (or two) per KPI: what the live
    selector's row of that student holds (`retention.kpis`). Referrals are kept with the
    referring family, whose advisor they count for."""

    kpi_month = models.ForeignKey(KpiMonth, on_delete=models.CASCADE, related_name="students")
    # the unique (student, month) index is the student's index as well
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    # lesson consumption: a row of the student (any lesson used or scheduled), and the counts
    consumption = models.BooleanField(default=False)
    used = models.PositiveIntegerField(default=0)
    scheduled = models.PositiveIntegerField(default=0)
    # renewals: a family due a renewal in the month, and whether it renewed
    renewal_due = models.BooleanField(default=False)
    renewed = models.BooleanField(default=False)
    # subject expansion: the new subjects bought in the month (0: no expansion)
    new_subjects = models.PositiveIntegerField(default=0)
    # referrals: the referred students who enrolled in the month
    referred = models.PositiveIntegerField(default=0)
    # refund rate: a row of the student (active, or refunded), refunds paid and their amount
    refund_row = models.BooleanField(default=False)
    refunds = models.PositiveIntegerField(default=0)
    refund_amount = money_field(default=ZERO)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "month"], name="kpi_student_month_once")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.month:%Y-%m}"
