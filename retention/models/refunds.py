"""Refunds (退费): the application a failed save case starts, signed step by step by named
people and never edited, and the reasons parents give, analysed."""

from django.db import models
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from billing.models import LessonPackage, Payment
from billing.pricing import MANAGEMENT_FEE
from core.models import Campus, Staff, WrittenOnce, staff_author, staff_or_none
from core.money import money_field
from students.models import Student

from .saving import SaveCase

__all__ = ["CampusRefundFee", "Refund", "RefundReason", "RefundSignature", "RefundStep"]

# The seed's refund reasons (退费原因), by a stable code other rules can name (the staff
# penalties single out scheduling and an unmet teacher change).
DEFAULT_REASONS = [
    ("grades", "成绩不提高"),
    ("advisor_response", "班主任无应对/改进"),
    ("service", "服务不满意"),
    ("staff_turnover", "教务人员更替频繁"),
    ("scheduling", "排课原因"),
    ("teacher_change", "更换教师未满足"),
    ("family", "家庭原因"),
    ("other", "其他"),
]


class RefundReason(models.Model):
    """A category of refund reason. The shared list (campus empty) is seeded from the seed's
    categories and kept by hq_admin; a principal adds and keeps their own campus's."""

    campus = models.ForeignKey(
        Campus, on_delete=models.PROTECT, null=True, blank=True, related_name="refund_reasons",
        verbose_name=_("校区"),
    )
    code = models.SlugField(_("代码"), max_length=40, blank=True)
    name = models.CharField(_("退费原因"), max_length=50)
    position = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("退费原因")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="refundreason_code_unique"),
            models.UniqueConstraint(fields=["name"], condition=Q(campus__isnull=True), name="refundreason_shared_name"),
            models.UniqueConstraint(fields=["campus", "name"], name="refundreason_campus_name"),
        ]

    def __str__(self) -> str:
        return self.name


def seed_refund_reasons(**kwargs) -> None:
    """Create the seed's reasons that are missing, by code; a renamed or switched-off one is
    left as it is. Runs after every migrate (and a test database's flush)."""
    for position, (code, name) in enumerate(DEFAULT_REASONS, start=1):
        if not RefundReason.objects.filter(code=code).exists():
            RefundReason.objects.create(code=code, name=name, position=position * 10)


post_migrate.connect(seed_refund_reasons, dispatch_uid="retention_seed_refund_reasons")


class CampusRefundFee(models.Model):
    """The management fee (综合管理费: registration, assessment, file) a campus keeps on a
    refund. A campus without a row keeps billing's default, ¥800."""

    campus = models.OneToOneField(Campus, on_delete=models.PROTECT, related_name="refund_fee")
    management_fee = money_field(verbose_name=_("综合管理费"), default=MANAGEMENT_FEE)
    updated_by = models.ForeignKey(Staff, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("退费管理费")
        constraints = [models.CheckConstraint(condition=Q(management_fee__gte=0), name="refundfee_not_negative")]

    def __str__(self) -> str:
        return f"{self.campus}: {self.management_fee}"


class RefundStep(models.TextChoices):
    """The steps of a refund in their order; the values are the API's path segments."""

    CONFIRM_LESSONS = "confirm-lessons", _("教务长确认课时")
    PARENT_SIGN = "parent-sign", _("家长核对金额并填写退费原因")
    DOCUMENTS = "documents", _("收回合同、收据与发票")
    APPROVE = "approve", _("校长审批")
    PAY = "pay", _("财务付款")


class Refund(models.Model):
    """A refund application (退费申请). Drafted when the principal fails a save case; each
    step moves `status` one place on and leaves its RefundSignature. The amounts are fixed
    when the dean confirms the lessons used; only the tax deduction of a lost invoice lowers
    `amount` afterwards, and paying does not change it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待教务长确认课时")
        LESSONS_CONFIRMED = "lessons_confirmed", _("待家长签字")
        PARENT_SIGNED = "parent_signed", _("待收回单据")
        DOCUMENTS_COLLECTED = "documents_collected", _("待校长审批")
        APPROVED = "approved", _("待财务付款")
        PAID = "paid", _("已退费")

    class Returned(models.TextChoices):
        RETURNED = "returned", _("已收回")
        LOST_DECLARED = "lost_declared", _("遗失，已签声明")

    class Invoice(models.TextChoices):
        NONE = "none", _("未开发票")
        RETURNED = "returned", _("已收回")
        LOST_DECLARED = "lost_declared", _("遗失，已签声明")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="refunds")
    package = models.OneToOneField(
        LessonPackage, on_delete=models.PROTECT, related_name="refund", verbose_name=_("课时包")
    )
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("学员"))
    save_case = models.OneToOneField(
        SaveCase, on_delete=models.PROTECT, null=True, blank=True, related_name="refund", verbose_name=_("挽单")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # who the refund is counted against in the analysis: the family's advisor when drafted
    advisor = staff_or_none(_("班主任"))
    # fixed by the dean's confirmation
    price = money_field(verbose_name=_("课程总价"), null=True, blank=True)
    paid = money_field(verbose_name=_("已付金额"), null=True, blank=True)
    lessons = models.PositiveIntegerField(_("购买课时"), null=True, blank=True)
    bonus_lessons = models.PositiveIntegerField(_("赠送课时"), null=True, blank=True)
    lessons_used = models.PositiveIntegerField(_("已用课时"), null=True, blank=True)
    unit_price = money_field(verbose_name=_("课时单价"), null=True, blank=True)
    used_amount = money_field(verbose_name=_("已用课时费"), null=True, blank=True)
    management_fee = money_field(verbose_name=_("综合管理费"), null=True, blank=True)
    other_deductions = money_field(verbose_name=_("其他扣款"), default=0)
    amount = money_field(verbose_name=_("应退金额"), null=True, blank=True)
    # the parent's part
    reason = models.TextField(_("家长填写的退费原因"), blank=True)
    category = models.ForeignKey(
        RefundReason, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds",
        verbose_name=_("原因分类"),
    )
    parent_name = models.CharField(_("家长签名"), max_length=50, blank=True)
    # the documents collected
    contract = models.CharField(_("合同"), max_length=20, choices=Returned.choices, blank=True)
    receipt = models.CharField(_("收据"), max_length=20, choices=Returned.choices, blank=True)
    invoice = models.CharField(_("发票"), max_length=20, choices=Invoice.choices, blank=True)
    tax_deduction = money_field(verbose_name=_("遗失发票扣税"), default=0)
    # the payment
    teacher = staff_or_none(_("任课教员"))
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="refund", verbose_name=_("退款记录")
    )
    paid_at = models.DateTimeField(_("退款时间"), null=True, blank=True)
    created_by = staff_author()
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = verbose_name_plural = pgettext_lazy("refund applications", "退费")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["campus", "status"]), models.Index(fields=["campus", "paid_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="refund_amount_not_negative"),
            models.CheckConstraint(condition=Q(tax_deduction__gte=0), name="refund_tax_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False), name="refund_paid_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.package.course}"

    @property
    def is_fixed(self) -> bool:
        """The dean has confirmed the lessons: the amounts are the application's own."""
        return self.amount is not None


class RefundSignature(WrittenOnce):
    """One signed step of a refund: who, and when. Written once; the database refuses a
    second signature of the same step and the model refuses any change."""

    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, related_name="signatures")
    step = models.CharField(_("步骤"), max_length=20, choices=RefundStep.choices)
    signed_by = staff_author(_("签字人"))
    # the name as it was signed: a later rename of the account does not change a signature
    signer_name = models.CharField(_("签名"), max_length=150)
    signed_at = models.DateTimeField(_("签字时间"))

    never_changed = "a signature is never changed or removed"

    class Meta:
        verbose_name = verbose_name_plural = _("退费签字")
        ordering = ["signed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["refund", "step"], name="refundsignature_once_per_step")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} · {self.signer_name}"
