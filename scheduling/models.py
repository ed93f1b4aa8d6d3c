from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from billing.models import LedgerEntry, LessonPackage
from core.models import Campus, Staff, Subject
from students.models import Student


class Room(models.Model):
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(_("教室"), max_length=50)

    class Meta:
        verbose_name = _("教室")
        verbose_name_plural = _("教室")
        ordering = ["campus", "name"]
        constraints = [models.UniqueConstraint(fields=["campus", "name"], name="room_unique_name_per_campus")]

    def __str__(self) -> str:
        return self.name


class Lesson(models.Model):
    """One scheduled 1-on-1 lesson (小课): main lesson (上课) or accompanied practice (陪练)."""

    class Kind(models.TextChoices):
        MAIN = "main", _("上课")
        PRACTICE = "practice", _("陪练")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已排课")
        LEAVE = "leave", _("请假")
        RESCHEDULED = "rescheduled", _("已调课")
        CANCELLED = "cancelled", _("已取消")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="lessons")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="lessons", verbose_name=_("学员"))
    teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="lessons", verbose_name=_("教员"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="lessons", verbose_name=_("科目"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True, related_name="lessons")
    package = models.ForeignKey(
        LessonPackage, on_delete=models.PROTECT, null=True, blank=True, related_name="scheduled_lessons",
        help_text=_("上课签到时扣此课时包"),
    )
    lesson_kind = models.CharField(_("课型"), max_length=10, choices=Kind.choices, default=Kind.MAIN)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    created_by = models.ForeignKey(Staff, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["teacher", "starts_at"]),
            models.Index(fields=["student", "starts_at"]),
            models.Index(fields=["campus", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="lesson_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.subject} · {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    """A check-in (签到): a student came, and (usually) one lesson was used for it."""

    class Source(models.TextChoices):
        SWIPE = "swipe", _("刷卡")
        MANUAL = "manual", _("手工")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="attendances")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="attendances")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances")
    package = models.ForeignKey(LessonPackage, on_delete=models.PROTECT, related_name="attendances")
    ledger_entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="attendance")
    lesson_kind = models.CharField(max_length=10, choices=Lesson.Kind.choices, default=Lesson.Kind.MAIN)
    checked_in_at = models.DateTimeField(_("签到时间"))
    source = models.CharField(max_length=10, choices=Source.choices)
    created_by = models.ForeignKey(Staff, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        ordering = ["-checked_in_at"]
        indexes = [models.Index(fields=["student", "checked_in_at"]), models.Index(fields=["campus", "checked_in_at"])]

    def __str__(self) -> str:
        return f"{self.student} {self.checked_in_at:%Y-%m-%d %H:%M}"


class TeacherClock(models.Model):
    """A teacher's clock-in or clock-out (考勤), usually a swipe of the teacher's card.

    `seq` numbers the swipes of one teacher within one local (Asia/Shanghai) day: odd is
    "in", even is "out". The unique (teacher, day, seq) means two racing swipes can never
    both become the day's first "in"."""

    class Kind(models.TextChoices):
        IN = "in", _("上班")
        OUT = "out", _("下班")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="teacher_clocks")
    teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="clocks", verbose_name=_("教员"))
    at = models.DateTimeField(_("打卡时间"))
    day = models.DateField(_("日期"), help_text=_("北京时间的日期"))
    seq = models.PositiveSmallIntegerField(_("当日第几次"))
    kind = models.CharField(_("类型"), max_length=3, choices=Kind.choices)
    source = models.CharField(_("来源"), max_length=100, blank=True, help_text=_("读卡器名称或“手工”"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("教员打卡")
        verbose_name_plural = _("教员打卡")
        ordering = ["teacher", "day", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "day", "seq"], name="teacherclock_unique_seq_per_day"),
        ]
        indexes = [models.Index(fields=["campus", "day"])]

    def __str__(self) -> str:
        return f"{self.teacher} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
