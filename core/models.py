import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .roles import Role


class Campus(models.Model):
    """A school of the chain (分校). Everything but hq_admin sees one campus only."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    # A child swipes on arriving and again on leaving: a swipe that no scheduled lesson
    # explains, this soon after a check-in of the same kind, is the same visit.
    repeat_window_minutes = models.PositiveSmallIntegerField(
        _("重复签到间隔（分钟）"), default=120, help_text=_("无排课时，距上次同类刷卡签到不足此时间的刷卡不扣课")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("校区")
        verbose_name_plural = _("校区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    """A subject taught at the center (钢琴, 数学, …)."""

    name = models.CharField(_("科目"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("科目")
        verbose_name_plural = _("科目")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A member of staff: the user, their role and campus. Teachers also have subjects."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="staff", verbose_name=_("校区"))
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("主管"),
        help_text=_("连带责任人：罚款时主管一并承担。"),
    )
    subjects = models.ManyToManyField(Subject, blank=True, related_name="teachers", verbose_name=_("任教科目"))
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    history = HistoricalRecords(m2m_fields=[subjects])

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = _("员工")
        ordering = ["campus", "user__username"]
        indexes = [models.Index(fields=["campus", "role"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def sees_all_campuses(self) -> bool:
        return self.role == Role.HQ_ADMIN

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class Recorded(models.Model):
    """Who wrote a business record and when: the audit most records of the apps carry.
    SET_NULL: a member of staff may leave, their records stay."""

    created_by = models.ForeignKey(Staff, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class WrittenOnce(models.Model):
    """A record of what happened, never rewritten: a correction is a new record. The
    instance refuses a second save and a delete, saying `never_changed`."""

    never_changed = "this record is append-only"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError(self.never_changed)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(self.never_changed)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token of a staff member or a card reader. Only its SHA-256 is stored."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("员工")
        READER = "reader", _("读卡器")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False, help_text=_("便于辨认的前几位"))
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="tokens")
    campus = models.ForeignKey(Campus, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="staff", staff__isnull=False) | models.Q(kind="reader", staff__isnull=True),
                name="apitoken_staff_iff_staff_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.get_kind_display()})"

    @staticmethod
    def generate() -> str:
        return "tk_" + secrets.token_urlsafe(32)
