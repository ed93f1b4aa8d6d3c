"""The follow-up log (回访表): every contact of the school with a family, a student or a
teacher about a student. A contact is never edited: a correction is a new entry."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Campus, Staff
from students.models import Student

__all__ = ["FollowUp", "NOT_REAL_CONTACT", "REAL_CONTACT"]


class FollowUp(models.Model):
    """One contact about a student, who made it, how, and what came of it."""

    class Contact(models.TextChoices):
        PARENT = "parent", _("家长")
        STUDENT = "student", _("学员")
        TEACHER = "teacher", _("教员")

    class Channel(models.TextChoices):
        PHONE = "phone", _("电话")
        VISIT = "visit", _("面访")
        WECHAT = "wechat", _("微信")
        SMS = "sms", _("短信")

    class Kind(models.TextChoices):
        FIRST_CALL = "first_call", _("接档首次回访")
        PRE_FIRST_LESSON = "pre_first_lesson", _("首课前确认")
        AFTER_FIRST_LESSON = "after_first_lesson", _("首课后回访")
        REGULAR = "regular", _("定期回访")
        RENEWAL = "renewal", _("续费沟通")
        SAVE_ORDER = "save_order", _("挽单沟通")
        SCHEDULE_NOTICE = "schedule_notice", _("排课通知")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("校区"))
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("学员")
    )
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="follow_ups_made", verbose_name=_("回访人"))
    contact = models.CharField(_("回访对象"), max_length=10, choices=Contact.choices)
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    summary = models.TextField(_("回访内容"))
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("回访时间"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("回访记录")
        ordering = ["-contacted_at", "-pk"]
        indexes = [
            models.Index(fields=["student", "kind", "contacted_at"]),
            models.Index(fields=["campus", "contacted_at"]),
            models.Index(fields=["by", "contacted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="followup_satisfaction_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.contacted_at)
        return f"{when:%Y-%m-%d %H:%M} {self.get_kind_display()}（{self.get_channel_display()}）：{self.summary[:60]}"

    @property
    def is_real_contact(self) -> bool:
        return self.kind not in NOT_REAL_CONTACT


# A schedule notice tells a family when to come; the seed does not count it as the
# weekly contact (每周每名客户至少沟通一次（除排课通知外）).
NOT_REAL_CONTACT = frozenset({FollowUp.Kind.SCHEDULE_NOTICE})
REAL_CONTACT = ~Q(kind__in=NOT_REAL_CONTACT)
