from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.models import LedgerEntry
from core.models import ApiToken, Campus, Staff, staff_or_none
from core.money import money_field
from scheduling.models import Attendance, TeacherClock
from students.models import Student


class Reader(models.Model):
    """A card reader at a campus's reception: a kiosk browser or the reader agent."""

    name = models.CharField(_("名称"), max_length=100)
    campus = models.ForeignKey(
        Campus, on_delete=models.PROTECT, related_name="readers", verbose_name=_("校区")
    )
    token = models.OneToOneField(ApiToken, on_delete=models.PROTECT, related_name="reader")
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = verbose_name_plural = _("读卡器")
        constraints = [
            models.UniqueConstraint(fields=["campus", "name"], name="reader_unique_name_per_campus")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.campus}）"


class Card(models.Model):
    """A student's card (学员卡, ¥20 deposit) or a teacher's card (for clocking in/out).

    `card_number` and `chip_uid` are kept as typed; `number_key`/`chip_key` are their
    canonical ids (cardids.py) and `number_key24`/`chip_key24` the low 24 bits a Wiegand-26
    reader sends. A number or chip is unique among the cards not returned; a student or a
    teacher has at most one active card."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("使用中")
        LOST = "lost", _("已挂失")
        RETURNED = "returned", _("已退卡")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="cards", verbose_name=_("校区"))
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, null=True, blank=True, related_name="cards", verbose_name=_("学员")
    )
    teacher = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="cards", verbose_name=_("教员")
    )
    card_number = models.CharField(_("卡号"), max_length=64)
    chip_uid = models.CharField(_("芯片号"), max_length=64, blank=True)
    number_key = models.CharField(max_length=64, editable=False)
    number_key24 = models.CharField(max_length=6, blank=True, editable=False)
    chip_key = models.CharField(max_length=64, blank=True, editable=False)
    chip_key24 = models.CharField(max_length=6, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    deposit = money_field(verbose_name=_("押金"), default=Decimal("0.00"))
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by",
        verbose_name=_("补办自"),
    )
    issued_at = models.DateTimeField(_("发卡时间"))
    issued_by = staff_or_none()
    lost_at = models.DateTimeField(_("挂失时间"), null=True, blank=True)
    lost_by = staff_or_none()
    returned_at = models.DateTimeField(_("退卡时间"), null=True, blank=True)
    returned_by = staff_or_none()

    class Meta:
        verbose_name = verbose_name_plural = _("卡")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(student__isnull=False, teacher__isnull=True)
                | Q(student__isnull=True, teacher__isnull=False),
                name="card_student_xor_teacher",
            ),
            models.UniqueConstraint(
                fields=["number_key"], condition=~Q(status="returned"), name="card_unique_number_not_returned"
            ),
            models.UniqueConstraint(
                fields=["chip_key"],
                condition=~Q(status="returned") & ~Q(chip_key=""),
                name="card_unique_chip_not_returned",
            ),
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(status="active", student__isnull=False),
                name="card_one_active_per_student",
            ),
            models.UniqueConstraint(
                fields=["teacher"],
                condition=Q(status="active", teacher__isnull=False),
                name="card_one_active_per_teacher",
            ),
            models.CheckConstraint(condition=Q(deposit__gte=0), name="card_deposit_not_negative"),
        ]
        indexes = [
            models.Index(fields=["campus", "number_key"]),
            models.Index(fields=["campus", "chip_key"]),
            models.Index(fields=["campus", "number_key24"]),
            models.Index(fields=["campus", "chip_key24"]),
        ]

    def __str__(self) -> str:
        return f"{self.card_number}（{self.get_status_display()}）"

    @property
    def holder_name(self) -> str:
        if self.student_id:
            return self.student.name
        return self.teacher.display_name if self.teacher_id else ""


class Swipe(models.Model):
    """Every swipe, accepted or refused, for audit and for idempotency: `swipe_id` is
    unique for ever (an offline reader may replay its queue days later), and the first
    answer (`http_status`, `response`) is stored so a replay gets it back unchanged."""

    class Result(models.TextChoices):
        CHECKED_IN = "checked_in", _("签到扣课")
        CLOCK_IN = "clock_in", _("上班打卡")
        CLOCK_OUT = "clock_out", _("下班打卡")
        REFUSED = "refused", _("拒绝")

    swipe_id = models.CharField(max_length=64, unique=True)
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="swipes")
    reader = models.ForeignKey(Reader, on_delete=models.PROTECT, null=True, blank=True, related_name="swipes")
    staff = models.ForeignKey(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("前台令牌/页面刷卡时的员工"),
    )
    card_text = models.CharField(_("刷卡内容"), max_length=64)
    card = models.ForeignKey(Card, on_delete=models.PROTECT, null=True, blank=True, related_name="swipes")
    lesson_kind = models.CharField(max_length=10, blank=True)
    swiped_at = models.DateTimeField(_("刷卡时间"))
    # a swiped_at refused as out of range is kept as sent, and the row dated when it
    # arrived: a date no page could read back must never be stored
    swiped_at_text = models.CharField(_("刷卡时间（原文）"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("收到时间"), auto_now_add=True)
    result = models.CharField(_("结果"), max_length=12, choices=Result.choices)
    code = models.CharField(_("拒绝代码"), max_length=40, blank=True)
    http_status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    ledger_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="swipe"
    )
    attendance = models.OneToOneField(
        Attendance, on_delete=models.PROTECT, null=True, blank=True, related_name="swipe"
    )
    clock = models.OneToOneField(
        TeacherClock, on_delete=models.PROTECT, null=True, blank=True, related_name="swipe"
    )

    class Meta:
        verbose_name = verbose_name_plural = _("刷卡记录")
        ordering = ["-swiped_at", "-pk"]
        indexes = [
            # the repeat guard: deductions by one card around a moment
            models.Index(fields=["card", "result", "swiped_at"]),
            models.Index(fields=["campus", "swiped_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.card_text} {self.swiped_at:%Y-%m-%d %H:%M:%S} {self.result}"
