from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import CombinedExpression
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import Campus, Recorded, Staff, Subject, WrittenOnce
from core.money import money_field
from students.models import Student

# 续费要提前铺垫 (seed 003 §三.7): a package reaches its renewal line when no more than 30%
# of its lessons (bonus included) are left. Retention's renewal rule and KPI read it; the
# ledger records when a package first reached it (`LessonPackage.line_reached_at`).
RENEWAL_SHARE = (3, 10)


def renewal_line_of(total_lessons: int) -> int:
    """The lessons left at which a package of `total_lessons` (bonus included) reaches its
    renewal line, rounded down."""
    share, whole = RENEWAL_SHARE
    return total_lessons * share // whole


def renewal_line_in_sql() -> CombinedExpression:
    """The same line as a package's column expression (integers: the database rounds down)."""
    share, whole = RENEWAL_SHARE
    return (F("lessons") + F("bonus_lessons")) * share / whole


class LessonPackage(Recorded):
    """A lesson package (课时包 / 充次). Its balance comes from the ledger below;
    `lessons_left`, `lessons_used` and `line_reached_at` are caches changed in the same
    transaction as the ledger entry that moves them, and `sold_at` is its `bought` entry's
    moment (`python manage.py check_ledger` proves all four against the ledger)."""

    class Kind(models.TextChoices):
        ONE_ON_ONE = "one_on_one", _("一对一")
        GROUP = "group", _("大课")

    class LessonKind(models.TextChoices):
        # also scheduling's Lesson.Kind: a practice package (陪练) is its own balance
        MAIN = "main", _("上课")
        PRACTICE = "practice", _("陪练")

    class Plan(models.TextChoices):
        FULL = "full", _("全款")
        HALF = "half", _("半款")
        DEPOSIT = "deposit", _("定金")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="packages")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="packages", verbose_name=_("学员"))
    course = models.CharField(_("课程"), max_length=100)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="packages", verbose_name=_("科目")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    lesson_kind = models.CharField(_("课型"), max_length=10, choices=LessonKind.choices, default=LessonKind.MAIN)
    lessons = models.PositiveIntegerField(_("购买课时"))
    bonus_lessons = models.PositiveIntegerField(_("赠送课时"), default=0)
    price = money_field(verbose_name=_("价格"))
    paid = money_field(verbose_name=_("已付"))
    # Fixed at sale (package_create) and changed only to full when the balance is paid
    # (payment_record): a deposit paid up to 60% stays a deposit. Blank only on an unsaved
    # probe (the sale form's preview), whose plan follows what it says is paid.
    plan = models.CharField(_("付款方式"), max_length=10, choices=Plan.choices, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"))
    lessons_used = models.PositiveIntegerField(_("已用课时"), default=0)
    lessons_left = models.PositiveIntegerField(_("剩余课时"), default=0)
    refunded_at = models.DateTimeField(_("退费时间"), null=True, blank=True)
    # the moment of the `bought` entry (a sale taken over from the old software keeps its own)
    sold_at = models.DateTimeField(_("购买时间"))
    # the earliest `used` entry that left the package at its renewal line (`renewal_line`),
    # reversed or not: when the package first called for a renewal. None: not reached.
    line_reached_at = models.DateTimeField(_("到续费线时间"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["lessons_used", "lessons_left", "line_reached_at"])

    class Meta:
        verbose_name = verbose_name_plural = _("课时包")
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
            models.CheckConstraint(condition=Q(lessons_left__gte=0), name="package_left_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.course}"

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        EXPIRED = "expired", _("已过期")
        USED_UP = "used_up", _("已用完")
        REFUNDED = "refunded", _("已退费")

    @property
    def total_lessons(self) -> int:
        return self.lessons + self.bonus_lessons

    @property
    def renewal_line(self) -> int:
        """The lessons left at which the package reaches its renewal line (rounded down)."""
        return renewal_line_of(self.total_lessons)

    @property
    def balance_due(self) -> Decimal:
        return self.price - self.paid

    @classmethod
    def plan_paid(cls, price: Decimal, paid: Decimal) -> str:
        """The plan what is paid at sale makes: full: paid in full; half (家长经济困难): at
        least half paid; deposit (定金): less than half."""
        if paid >= price:
            return cls.Plan.FULL
        if paid * 2 >= price:
            return cls.Plan.HALF
        return cls.Plan.DEPOSIT

    @property
    def payment_plan(self) -> str:
        return self.plan or self.plan_paid(self.price, self.paid)

    @property
    def half_plan_lessons(self) -> int:
        """The half payment's gate (半款, 家长经济困难): such a package is usable while the
        lessons used are fewer than half of those bought (bonus lessons not counted), so
        the rest is due before this many lessons are used."""
        return (self.lessons + 1) // 2

    @property
    def is_started(self) -> bool:
        return self.lessons_used > 0

    def is_expired_on(self, day: date) -> bool:
        return day > self.valid_until

    def status_on(self, day: date) -> str:
        """The package's state on `day` (a local date), first match wins:
        refunded (whatever else is true), used_up (every lesson, bonus included, was used),
        expired (past valid_until: whether or not the remaining lessons were already written
        off by `package_expire`), used_up (nothing left for another reason), else active."""
        if self.refunded_at is not None:
            return self.Status.REFUNDED
        if self.lessons_used >= self.total_lessons:
            return self.Status.USED_UP
        if self.is_expired_on(day):
            return self.Status.EXPIRED
        if self.lessons_left == 0:
            return self.Status.USED_UP
        return self.Status.ACTIVE

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    def get_payment_plan_display(self) -> str:
        return str(self.Plan(self.payment_plan).label)


APPEND_ONLY = "ledger entries are append-only; write a reversal instead"


class LedgerQuerySet(models.QuerySet):
    # The instance guard below does not see a queryset's UPDATE or DELETE; on PostgreSQL
    # the triggers of migration 0004 refuse them too, whatever sends them.
    def update(self, **kwargs) -> int:
        raise ValueError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError(APPEND_ONLY)


class LedgerEntry(WrittenOnce):
    """One movement of lessons of a package. Append-only: a correction is a new entry.
    On PostgreSQL the database enforces it (migration 0004): no UPDATE, no DELETE, and an
    INSERT whose balance_after is not the package's previous balance plus its lessons is
    refused."""

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
    # PROTECT: who moved the lessons is part of the audit, and the database refuses the
    # UPDATE that SET_NULL would send
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # the ledger is the audit of lessons: once written, an entry is never changed
    never_changed = APPEND_ONLY
    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("课时流水")
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["package", "occurred_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(lessons=0), name="ledger_moves_lessons"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.lessons:+d}"


class ReceiptCounter(models.Model):
    """The last receipt number of a campus. Locked (SELECT … FOR UPDATE) by the service
    that takes a number, in the payment's transaction, so numbers have no gaps."""

    campus = models.OneToOneField(Campus, on_delete=models.PROTECT, related_name="receipt_counter")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("收据编号")

    def __str__(self) -> str:
        return f"{self.campus}: {self.last_number}"


class Payment(Recorded):
    """Money taken or paid back, each with its receipt (收据) numbered per campus.
    `amount` is signed: money paid out to a family (a card deposit returned, a refund) is
    negative, everything taken in is positive."""

    class Purpose(models.TextChoices):
        PACKAGE = "package", _("课时费")
        CARD_DEPOSIT = "card_deposit", _("学员卡押金")
        CARD_FEE = "card_fee", _("补卡工本费")
        CARD_DEPOSIT_REFUND = "card_deposit_refund", _("退学员卡押金")
        PACKAGE_REFUND = "package_refund", _("退课时费")
        GOODS_SALE = "goods_sale", _("商品销售")
        OTHER = "other", _("其他收费")

    class Method(models.TextChoices):
        CASH = "cash", _("现金")
        # a context of their own: the same Chinese words mean a check-in (刷卡) and a
        # contact channel (微信) elsewhere, and translate differently there
        WECHAT = "wechat", pgettext_lazy("payment method", "微信")
        ALIPAY = "alipay", _("支付宝")
        BANK_CARD = "bank_card", pgettext_lazy("payment method", "刷卡")
        TRANSFER = "transfer", _("转账")

    # the purposes that pay money out; their amounts are stored negative
    OUTGOING = frozenset({Purpose.CARD_DEPOSIT_REFUND, Purpose.PACKAGE_REFUND})

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="payments")
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, null=True, blank=True, related_name="payments", verbose_name=_("学员")
    )
    package = models.ForeignKey(
        LessonPackage, on_delete=models.PROTECT, null=True, blank=True, related_name="payments", verbose_name=_("课时包")
    )
    purpose = models.CharField(_("收费项目"), max_length=30, choices=Purpose.choices)
    amount = money_field(verbose_name=_("金额"))
    method = models.CharField(_("支付方式"), max_length=20, choices=Method.choices, default=Method.CASH)
    receipt_no = models.PositiveIntegerField(_("收据号"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    paid_at = models.DateTimeField(_("收费时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("收费记录")
        ordering = ["-paid_at", "-pk"]
        indexes = [
            models.Index(fields=["campus", "paid_at"]),
            models.Index(fields=["student", "paid_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campus", "receipt_no"], name="payment_receipt_unique_per_campus"),
            models.CheckConstraint(condition=~Q(amount=0), name="payment_moves_money"),
            models.CheckConstraint(
                condition=Q(package__isnull=True) | Q(purpose__in=["package", "package_refund"]),
                name="payment_package_purpose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.get_purpose_display()} {self.amount}"

    @property
    def receipt_number(self) -> str:
        return f"{self.campus.code.upper()}-{self.receipt_no:06d}"

    @property
    def is_outgoing(self) -> bool:
        return self.amount < 0


class GoodsItem(Recorded):
    """An article on the lobby shelf (商品). `stock` is changed only by the goods services,
    each with a StockMovement, under a row lock."""

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="goods")
    category = models.CharField(_("类别"), max_length=50)
    name = models.CharField(_("名称"), max_length=100)
    spec = models.CharField(_("规格"), max_length=100, blank=True)
    unit = models.CharField(_("单位"), max_length=20, default="个")
    warning_line = models.PositiveIntegerField(_("库存预警线"), default=0)
    price = money_field(verbose_name=_("售价"))
    stock = models.PositiveIntegerField(_("库存"), default=0)
    is_active = models.BooleanField(_("在售"), default=True)
    history = HistoricalRecords(excluded_fields=["stock"])

    class Meta:
        verbose_name = verbose_name_plural = _("商品")
        ordering = ["category", "name", "spec"]
        constraints = [
            models.UniqueConstraint(fields=["campus", "name", "spec"], name="goods_unique_per_campus"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="goods_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gte=0), name="goods_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.spec}".strip()

    @property
    def is_low(self) -> bool:
        """库存预警: at or below the warning line."""
        return self.stock <= self.warning_line


class StockMovement(Recorded):
    """One change of a shelf article's stock: stock in (+) or a sale (−)."""

    class Kind(models.TextChoices):
        STOCK_IN = "stock_in", _("入库")
        SALE = "sale", _("销售")

    item = models.ForeignKey(GoodsItem, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    quantity = models.IntegerField(_("数量"))
    stock_after = models.PositiveIntegerField(_("结余库存"))
    unit_price = money_field(verbose_name=_("单价"), null=True, blank=True)
    student = models.ForeignKey(Student, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    buyer_name = models.CharField(_("散客"), max_length=50, blank=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="stock_movement"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("出入库")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="stock_moves_quantity")]

    def __str__(self) -> str:
        return f"{self.item} {self.quantity:+d}"
