from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Campus, Staff, Subject
from core.money import money_field
from students.models import Student


class LessonPackage(models.Model):
    """A lesson package (课时包 / 充次). Its balance comes from the ledger below;
    `lessons_left` and `lessons_used` are caches changed in the same transaction as the
    ledger entry that moves them (`python manage.py check_ledger` proves it)."""

    class Kind(models.TextChoices):
        ONE_ON_ONE = "one_on_one", _("一对一")
        GROUP = "group", _("大课")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="packages")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="packages", verbose_name=_("学员"))
    course = models.CharField(_("课程"), max_length=100)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="packages", verbose_name=_("科目")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    lessons = models.PositiveIntegerField(_("购买课时"))
    bonus_lessons = models.PositiveIntegerField(_("赠送课时"), default=0)
    price = money_field(verbose_name=_("价格"))
    paid = money_field(verbose_name=_("已付"))
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"))
    lessons_used = models.PositiveIntegerField(_("已用课时"), default=0)
    lessons_left = models.PositiveIntegerField(_("剩余课时"), default=0)
    refunded_at = models.DateTimeField(_("退费时间"), null=True, blank=True)
    created_by = models.ForeignKey(Staff, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["lessons_used", "lessons_left"])

    class Meta:
        verbose_name = _("课时包")
        verbose_name_plural = _("课时包")
        ordering = ["valid_until", "pk"]
        indexes = [models.Index(fields=["student", "valid_until"])]
        constraints = [
            models.CheckConstraint(condition=Q(lessons__gte=1), name="package_lessons_positive"),
            models.CheckConstraint(condition=Q(price__gt=0), name="package_price_positive"),
            models.CheckConstraint(condition=Q(paid__gte=0) & Q(paid__lte=F("price")), name="package_paid_in_range"),
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="package_validity_ordered"),
            models.CheckConstraint(
                condition=Q(lessons_left__lte=F("lessons") + F("bonus_lessons")), name="package_left_within_bought"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.course}"


class LedgerEntry(models.Model):
    """One movement of lessons of a package. Append-only: a correction is a new entry."""

    class Kind(models.TextChoices):
        BOUGHT = "bought", _("购买")
        BONUS = "bonus", _("赠送")
        USED = "used", _("消课")
        EXPIRED = "expired", _("过期")
        REFUNDED = "refunded", _("退费")
        REVERSAL = "reversal", _("冲正")

    package = models.ForeignKey(LessonPackage, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    lessons = models.IntegerField(help_text=_("正数增加、负数减少剩余课时"))
    balance_after = models.PositiveIntegerField()
    occurred_at = models.DateTimeField(_("发生时间"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(Staff, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("课时流水")
        verbose_name_plural = _("课时流水")
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["package", "occurred_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(lessons=0), name="ledger_moves_lessons"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.lessons:+d}"
