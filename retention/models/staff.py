"""Staff rules and penalties (辅导中期 §1–8 of seed 000): the rules as data, each incident a
member of staff is charged with, the supervisor's spot-checks of logged follow-ups, and the
principal's sign-off of a person's monthly statement.

A rule is kept in versions: a row per (campus, code, effective_from). The chain's defaults
have no campus (hq_admin edits them); a campus principal's edit writes a row of the campus,
which from its date on overrides the chain's rule for that campus. An edit is a new version
from its date: an incident keeps the version it was charged under, so an edit never rewrites
a past incident."""

from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Campus, Recorded, Staff, Subject, staff_author, staff_or_none
from core.money import money_field
from students.models import Student

from .followups import FollowUp

__all__ = ["Incident", "Level", "RuleCode", "SpotCheck", "StaffRule", "StaffStatement"]


class Level(models.TextChoices):
    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    TRANSFER_TALK = "transfer_talk", _("谈话转岗")


class RuleCode(models.TextChoices):
    WEEKLY_CONTACT = "weekly_contact", _("每周沟通")
    MONTHLY_ASSESSMENT = "monthly_assessment", _("月测评")
    MONTHLY_PLAN = "monthly_plan", _("辅导计划与方案")
    SCHEDULING_REFUND = "scheduling_refund", _("排课原因退费")
    NOT_NOTIFIED = "not_notified", _("未通知到")
    SCHEDULING_ERROR = "scheduling_error", _("排课错误")
    RESCHEDULE_NOT_NOTIFIED = "reschedule_not_notified", _("调课未通知到")
    TEACHER_CHANGE_REFUND = "teacher_change_refund", _("未满足更换教师要求退费")
    SERVICE_CONDUCT = "service_conduct", _("服务冲突/态度恶劣")
    FREQUENT_TEACHER_CHANGE = "frequent_teacher_change", _("频繁更换任课老师退费")
    LOW_SATISFACTION = "low_satisfaction", _("满意度低")
    LESSONS_OVERUSED = "lessons_overused", _("课时上超")
    FALSIFIED_RECORD = "falsified_record", _("作弊（回访不实）")


class StaffRule(models.Model):
    """One version of a staff rule: its ladder of steps and its joint liability.

    `steps` is a list of {"level": warning|fine|transfer_talk, "amount": "10.00"}; the n-th
    incident of a person under the rule takes step n, the last step repeating. A fine's
    amount of None means the fine is the value the audit found (课时上超: the over-used
    lessons at their package's unit price)."""

    campus = models.ForeignKey(
        Campus, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("校区"),
        help_text=_("空：全校通用（总部）；填写：本校区覆盖"),
    )
    code = models.CharField(_("规则代码"), max_length=40, choices=RuleCode.choices)
    name = models.CharField(_("名称"), max_length=100)
    steps = models.JSONField(_("处罚阶梯"))
    supervisor_amount = money_field(verbose_name=_("主管连带"), default=Decimal("0.00"))
    principal_amount = money_field(verbose_name=_("校长连带"), default=Decimal("0.00"))
    effective_from = models.DateField(_("生效日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    changed_by = staff_or_none()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("员工规则")
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["campus", "code", "effective_from"], name="staffrule_one_version_per_day"
            ),
            models.UniqueConstraint(
                fields=["code", "effective_from"], condition=Q(campus__isnull=True),
                name="staffrule_one_default_version_per_day",
            ),
            models.CheckConstraint(
                condition=Q(supervisor_amount__gte=0) & Q(principal_amount__gte=0), name="staffrule_joint_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from:%Y-%m-%d}）"

    def step(self, index: int) -> dict:
        """The step of the `index`-th incident (0-based), the last one repeating."""
        return self.steps[min(index, len(self.steps) - 1)]

    @property
    def has_joint(self) -> bool:
        return self.supervisor_amount > 0 or self.principal_amount > 0


class Incident(Recorded):
    """A penalty incident: who, under which rule (the version in effect on `occurred_on`),
    the ladder's step and its amount. An audit incident carries `audit_key` (rule, person,
    student, subject, period), unique, so a second run finds it and creates nothing. A joint
    incident (连带) points at the fine it accompanies (`joint_of`). A void keeps the row."""

    class Source(models.TextChoices):
        AUDIT = "audit", _("稽核")
        MANUAL = "manual", _("手工")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="+", verbose_name=_("校区"))
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("员工"))
    rule = models.ForeignKey(StaffRule, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("规则"))
    rule_code = models.CharField(_("规则代码"), max_length=40, choices=RuleCode.choices)
    level = models.CharField(_("处罚"), max_length=20, choices=Level.choices)
    amount = money_field(verbose_name=_("金额"))
    occurred_on = models.DateField(_("发生日期"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("学员")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("科目")
    )
    period = models.CharField(_("期间"), max_length=20, blank=True)
    audit_key = models.CharField(max_length=120, blank=True)
    joint_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="joint", verbose_name=_("连带于")
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = staff_or_none()
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("处罚记录")
        ordering = ["occurred_on", "pk"]
        indexes = [
            models.Index(fields=["staff", "rule_code", "occurred_on"]),
            models.Index(fields=["campus", "occurred_on"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["audit_key"], condition=~Q(audit_key=""), name="incident_audit_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="incident_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.occurred_on:%Y-%m-%d} {self.get_rule_code_display()} {self.get_level_display()}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class SpotCheck(Recorded):
    """A logged follow-up drawn for the CS supervisor's spot-check (抽检) of its ISO week
    (`week`: its Monday). The supervisor calls the family and marks it confirmed or false; a
    false one no longer counts as the week's contact and charges the caller `falsified_record`."""

    class Result(models.TextChoices):
        PENDING = "pending", _("待抽检")
        CONFIRMED = "confirmed", _("属实")
        FALSE = "false", _("不实")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="+")
    week = models.DateField(_("周"))
    follow_up = models.OneToOneField(FollowUp, on_delete=models.PROTECT, related_name="spot_check")
    advisor = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("回访人"))
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, default=Result.PENDING)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("抽检时间"), null=True, blank=True)
    checked_by = staff_or_none()
    incident = models.ForeignKey(Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = _("回访抽检")
        ordering = ["-week", "advisor", "pk"]
        indexes = [models.Index(fields=["campus", "week"])]

    def __str__(self) -> str:
        return f"{self.week:%Y-%m-%d} {self.follow_up}"


class StaffStatement(models.Model):
    """A principal's sign-off of one person's monthly statement: the total at that moment."""

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="statements")
    month = models.DateField(_("月份"))
    total = money_field(verbose_name=_("合计"))
    incidents = models.PositiveIntegerField(_("条数"))
    signed_by = staff_author()
    signed_at = models.DateTimeField(_("签字时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("月度处罚确认")
        constraints = [models.UniqueConstraint(fields=["staff", "month"], name="staffstatement_once_per_month")]

    def __str__(self) -> str:
        return f"{self.staff} {self.month:%Y-%m}"


# --- the defaults (API.md § Staff rules; seed 000 辅导中期 §1–8) ---------------------------

WARNING = {"level": "warning", "amount": "0.00"}
TRANSFER_TALK = {"level": "transfer_talk", "amount": "0.00"}


def _fine(amount: str | None) -> dict:
    return {"level": "fine", "amount": amount}


DEFAULTS_FROM = date(2000, 1, 1)
# code, name, steps, supervisor's joint amount, principal's joint amount
DEFAULT_RULES = [
    ("weekly_contact", "每周沟通（除排课通知外）", [WARNING, _fine("10.00")], "10.00", "0.00"),
    ("monthly_assessment", "月测评（每生每科每月）", [WARNING, _fine("10.00")], "10.00", "0.00"),
    ("monthly_plan", "辅导计划与方案（每生每月）", [WARNING, _fine("10.00")], "10.00", "0.00"),
    ("scheduling_refund", "排课原因造成退费", [_fine("100.00")], "100.00", "0.00"),
    ("not_notified", "未通知到客户或任课老师", [WARNING, _fine("50.00"), TRANSFER_TALK], "0.00", "0.00"),
    ("scheduling_error", "排课错误（撞课或排错科目）", [WARNING, _fine("50.00"), TRANSFER_TALK], "0.00", "0.00"),
    ("reschedule_not_notified", "调课未通知到客户或任课教师", [WARNING, _fine("50.00"), TRANSFER_TALK], "0.00", "0.00"),
    ("teacher_change_refund", "未满足更换教师要求造成退费", [_fine("100.00")], "100.00", "0.00"),
    ("service_conduct", "服务：冲突、态度恶劣、不接电话、不参与挽单", [WARNING, _fine("100.00"), TRANSFER_TALK], "0.00", "0.00"),
    ("frequent_teacher_change", "频繁更换任课老师：单科3次以上退费", [_fine("100.00")], "100.00", "0.00"),
    ("low_satisfaction", "客服电话调查满意度低", [WARNING, _fine("50.00"), TRANSFER_TALK], "0.00", "0.00"),
    ("lessons_overused", "课时上超（班主任扣超出的课时费用）", [_fine(None)], "50.00", "50.00"),
    ("falsified_record", "作弊者重罚（回访不实）", [_fine("100.00"), TRANSFER_TALK], "0.00", "0.00"),
]


def create_default_rules(rule_model: type[models.Model]) -> None:
    """The chain's version of each default rule that has none; an edited one is left as it
    is. `rule_model` is StaffRule, or its historical model in the data migration."""
    for code, name, steps, supervisor, principal in DEFAULT_RULES:
        if not rule_model.objects.filter(campus__isnull=True, code=code).exists():
            rule_model.objects.create(
                campus=None, code=code, name=name, steps=steps, effective_from=DEFAULTS_FROM,
                supervisor_amount=Decimal(supervisor), principal_amount=Decimal(principal),
            )


def seed_staff_rules(**kwargs) -> None:
    """After every migrate (and a test database's flush): the defaults that are missing."""
    create_default_rules(StaffRule)


post_migrate.connect(seed_staff_rules, dispatch_uid="retention_seed_staff_rules")
