"""Order saving (挽单): a parent's refund request opens a case the save group works on for
ten days, in three stages, before a refund may start."""

from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import LessonPackage
from core.models import Campus, Staff, WrittenOnce, staff_author
from students.models import Student

__all__ = ["SaveCase", "SaveCaseEntry"]

SAVE_WINDOW = timedelta(days=10)  # 挽单期: the seed gives the save group ten days
FIRST_STAGE, LAST_STAGE = 1, 3


class SaveCase(models.Model):
    """One refund request being saved (挽单). Stage 1: the advisor or consultant talks to the
    parent with the save group's advice; stage 2: a meeting with the dean or principal and a
    proposal; stage 3: the principal. A non-regular request starts at stage 3."""

    class Status(models.TextChoices):
        OPEN = "open", _("挽单中")
        SAVED = "saved", _("挽单成功")
        FAILED = "failed", _("挽单失败")

    STAGE_LABELS = {
        1: _("班主任/顾问与家长沟通"),
        2: _("约家长与教务长或校长面谈"),
        3: _("上报校长"),
    }

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="save_cases")
    package = models.ForeignKey(
        LessonPackage, on_delete=models.PROTECT, related_name="save_cases", verbose_name=_("课时包")
    )
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="save_cases", verbose_name=_("学员"))
    reason = models.CharField(_("家长退费诉求"), max_length=500)
    regular = models.BooleanField(_("常规退费"), default=True)
    stage = models.PositiveSmallIntegerField(_("阶段"), default=FIRST_STAGE)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("上报时间"))
    deadline = models.DateField(_("挽单截止"))
    opened_by = staff_author(_("上报人"))
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = _("挽单")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["campus", "status", "deadline"])]
        constraints = [
            # the service refuses a second open case with 409; this holds even for a race
            models.UniqueConstraint(
                fields=["package"], condition=Q(status="open"), name="savecase_one_open_per_package"
            ),
            models.CheckConstraint(
                condition=Q(stage__gte=FIRST_STAGE) & Q(stage__lte=LAST_STAGE), name="savecase_stage_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.package.course}"

    @staticmethod
    def deadline_for(opened_at) -> date:
        return timezone.localdate(opened_at + SAVE_WINDOW)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def days_left(self, today: date | None = None) -> int:
        """Whole days until the deadline (0 on the day itself, negative once past)."""
        return (self.deadline - (today or timezone.localdate())).days

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.days_left(today) < 0

    @property
    def stage_label(self) -> str:
        return str(self.STAGE_LABELS[self.stage])


class SaveCaseEntry(WrittenOnce):
    """What happened to a case, in order: opened, each escalation, each meeting's note, the
    outcome. Append-only, like the ledger: the record of a talk is never rewritten."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("上报")
        ESCALATED = "escalated", _("升级")
        NOTE = "note", _("沟通记录")
        SAVED = "saved", _("挽单成功")
        FAILED = "failed", _("挽单失败")

    case = models.ForeignKey(SaveCase, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    stage = models.PositiveSmallIntegerField(_("阶段"))
    text = models.TextField(_("内容"), blank=True)
    at = models.DateTimeField(_("时间"))
    by = staff_author(_("记录人"))

    never_changed = "save-case entries are append-only"

    class Meta:
        verbose_name = verbose_name_plural = _("挽单记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"
