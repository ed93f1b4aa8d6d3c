import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
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
        verbose_name = verbose_name_plural = _("校区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    """A subject taught at the center (钢琴, 数学, …)."""

    name = models.CharField(_("科目"), max_length=50, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = _("科目")
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
        verbose_name = verbose_name_plural = _("员工")
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


def staff_author(verbose_name: str | Promise | None = None) -> models.ForeignKey:
    """The member of staff who wrote or signed a record. PROTECT: a record keeps its author;
    Staff gets no accessor for it."""
    return models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name=verbose_name)


def staff_or_none(verbose_name: str | Promise | None = None) -> models.ForeignKey:
    """A member of staff a record may name: who did a later step (closed it, checked it, told
    the parent), empty until then, or whom it is counted against. SET_NULL: the record
    outlives the account; Staff gets no accessor for it."""
    return models.ForeignKey(
        Staff, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=verbose_name
    )


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
        verbose_name = verbose_name_plural = _("API 令牌")
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


class JobRun(models.Model):
    """One scheduled job for one campus day (core/jobs.py). The row is the job's claim:
    whoever moves it to `running` with a conditional UPDATE runs the job, a second worker
    (a beat sent it twice, a task redelivered after a crash) finds it claimed and does
    nothing. A run that failed, or was left `running` longer than the job could take, may
    be claimed again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待运行")
        RUNNING = "running", _("运行中")
        DONE = "done", _("完成")
        FAILED = "failed", _("失败")

    job = models.CharField(_("任务"), max_length=60)
    day = models.DateField(_("日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("运行次数"), default=0)
    created = models.PositiveIntegerField(_("新建记录数"), default=0)
    started_at = models.DateTimeField(_("开始"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("定时任务记录")
        ordering = ["-day", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="jobrun_once_per_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.day:%Y-%m-%d} {self.get_status_display()}"


class Todo(models.Model):
    """A to-do a job put in a person's inbox (待办): shown on their landing page beside the
    to-dos computed on the spot, counted in the top bar, ticked off by them. `key` names
    what it is about (`goods_low:12`); one per person, key and day, and none while an open
    one of the same key waits (core.todos.todo_raise)."""

    assignee = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="todos", verbose_name=_("负责人"))
    campus = models.ForeignKey(Campus, on_delete=models.CASCADE, related_name="todos", verbose_name=_("校区"))
    kind = models.CharField(_("类型"), max_length=40)
    key = models.CharField(max_length=120)
    day = models.DateField(_("日期"))
    text = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("待办")
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["assignee", "done_at"])]
        constraints = [models.UniqueConstraint(fields=["assignee", "key", "day"], name="todo_once_per_day")]

    def __str__(self) -> str:
        return self.text


class Message(models.Model):
    """An outgoing message to a parent, a teacher or a member of staff, on record whatever
    becomes of it (core/messaging.py): the channel that carries it, its status, how many
    attempts, the last failure and when it went. `key` makes queueing it twice one
    message (`day_ahead:lesson:12`)."""

    class Channel(models.TextChoices):
        OUTBOX = "outbox", _("站内记录")
        EMAIL = "email", _("邮件")
        SMS = "sms", _("短信")
        WECHAT = "wechat", _("企业微信")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    campus = models.ForeignKey(Campus, on_delete=models.CASCADE, null=True, blank=True, related_name="messages")
    key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    to = models.CharField(_("收件人"), max_length=200)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("失败原因"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to}: {self.body[:40]}"


class DailyReport(models.Model):
    """The front desk's daily report (日报表) of a campus day, filed by the end-of-day job:
    the figures as they were that evening and the Excel file."""

    campus = models.ForeignKey(Campus, on_delete=models.CASCADE, related_name="daily_reports")
    day = models.DateField(_("日期"))
    data = models.JSONField(_("内容"))
    file = models.FileField(_("Excel 文件"), upload_to="reports/daily/", blank=True)
    filed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("日报表")
        ordering = ["-day", "campus"]
        constraints = [models.UniqueConstraint(fields=["campus", "day"], name="dailyreport_once_per_day")]

    def __str__(self) -> str:
        return f"{self.campus} {self.day:%Y-%m-%d}"
