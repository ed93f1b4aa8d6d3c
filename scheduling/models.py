from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from billing.models import LedgerEntry, LessonPackage
from core.models import Campus, Recorded, Staff, Subject, staff_or_none
from students.models import Student


class Room(models.Model):
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(_("教室"), max_length=50)

    class Meta:
        verbose_name = verbose_name_plural = _("教室")
        ordering = ["campus", "name"]
        constraints = [models.UniqueConstraint(fields=["campus", "name"], name="room_unique_name_per_campus")]

    def __str__(self) -> str:
        return self.name


class Lesson(Recorded):
    """One scheduled 1-on-1 lesson (小课): main lesson (上课) or accompanied practice (陪练)."""

    # main lesson (上课) or practice (陪练): the kinds a package is sold for
    Kind = LessonPackage.LessonKind

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
    series = models.ForeignKey(
        "LessonSeries", on_delete=models.SET_NULL, null=True, blank=True, related_name="lessons", verbose_name=_("系列")
    )
    makeup_for = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="makeups", verbose_name=_("补课对应")
    )
    leave_reason = models.CharField(_("请假原因"), max_length=200, blank=True)
    leave_at = models.DateTimeField(_("请假时间"), null=True, blank=True)
    late_notice = models.BooleanField(_("不足24小时通知"), default=False)
    confirmed_at = models.DateTimeField(_("已确认"), null=True, blank=True)
    confirmed_by = staff_or_none()
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("课程")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["teacher", "starts_at"]),
            models.Index(fields=["student", "starts_at"]),
            models.Index(fields=["campus", "starts_at"]),
            # a student's lessons that stand, in order: the first lesson the advisor's calls
            # turn on, and the lessons booked ahead of a renewal, without reading the others
            models.Index(
                fields=["student", "starts_at", "id"], condition=Q(status="scheduled"), name="lesson_student_scheduled"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="lesson_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.subject} · {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(Recorded):
    """A check-in (签到): a student came, and (usually) one lesson was used for it."""

    class Source(models.TextChoices):
        SWIPE = "swipe", _("刷卡")
        MANUAL = "manual", _("手工")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="attendances")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="attendances")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances")
    session = models.ForeignKey(
        "GroupSession", on_delete=models.PROTECT, null=True, blank=True, related_name="attendances",
        verbose_name=_("大课课次"),
    )
    package = models.ForeignKey(LessonPackage, on_delete=models.PROTECT, related_name="attendances")
    ledger_entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="attendance")
    lesson_kind = models.CharField(max_length=10, choices=Lesson.Kind.choices, default=Lesson.Kind.MAIN)
    checked_in_at = models.DateTimeField(_("签到时间"))
    source = models.CharField(max_length=10, choices=Source.choices)
    reason = models.CharField(_("原因"), max_length=200, blank=True, help_text=_("手工签到（手工扣课）的原因"))

    class Meta:
        verbose_name = verbose_name_plural = _("签到")
        ordering = ["-checked_in_at"]
        indexes = [models.Index(fields=["student", "checked_in_at"]), models.Index(fields=["campus", "checked_in_at"])]
        constraints = [
            # a member is charged once per group session, whoever writes the check-in (a
            # swipe and the desk's tick at once: the second insert fails, and is refused)
            models.UniqueConstraint(
                fields=["session", "student"], condition=Q(session__isnull=False), name="attendance_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.checked_in_at:%Y-%m-%d %H:%M}"


class TeacherClock(models.Model):
    """A teacher's clock-in or clock-out (考勤), usually a swipe of the teacher's card.

    `seq` numbers the swipes of one teacher within one local (Asia/Shanghai) day; `kind` is
    the teacher's choice, or the opposite of the day's previous one. The unique (teacher,
    day, seq) means two racing swipes can never both become the day's first "in"."""

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
        verbose_name = verbose_name_plural = _("教员打卡")
        ordering = ["teacher", "day", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "day", "seq"], name="teacherclock_unique_seq_per_day"),
        ]
        indexes = [models.Index(fields=["campus", "day"])]

    def __str__(self) -> str:
        return f"{self.teacher} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class TeacherClockCorrection(Recorded):
    """The dean's correction of a teacher's clock: a wrong one changed (its time or
    上班/下班), or a missing one added (`old_at` empty). Who, when and why stay on record."""

    clock = models.ForeignKey(TeacherClock, on_delete=models.PROTECT, related_name="corrections")
    teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="clock_corrections")
    old_at = models.DateTimeField(_("原打卡时间"), null=True, blank=True)
    old_kind = models.CharField(_("原类型"), max_length=3, choices=TeacherClock.Kind.choices, blank=True)
    new_at = models.DateTimeField(_("更正后时间"))
    new_kind = models.CharField(_("更正后类型"), max_length=3, choices=TeacherClock.Kind.choices)
    reason = models.CharField(_("原因"), max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = _("考勤更正")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.teacher} {self.new_at:%Y-%m-%d %H:%M} {self.reason}"


class TeacherProfile(models.Model):
    """What the front desk matches a student to: a teacher's level, style and free time.
    The subjects a teacher teaches are `Staff.subjects`."""

    class Level(models.IntegerChoices):
        JUNIOR = 1, _("初级")
        INTERMEDIATE = 2, _("中级")
        SENIOR = 3, _("高级")
        MASTER = 4, _("特级")

    class Style(models.TextChoices):
        PATIENT = "patient", _("耐心细致")
        STRICT = "strict", _("严谨规范")
        LIVELY = "lively", _("活泼有趣")
        EXAM = "exam", _("应试提分")

    teacher = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="teacher_profile")
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices, default=Level.INTERMEDIATE)
    style = models.CharField(_("教学风格"), max_length=20, choices=Style.choices, blank=True)
    bio = models.TextField(_("简介"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("教员档案")

    def __str__(self) -> str:
        return str(self.teacher)


class FreeSlot(models.Model):
    """A weekly window in which a teacher can take lessons (Monday = 0)."""

    profile = models.ForeignKey(TeacherProfile, on_delete=models.CASCADE, related_name="free_slots")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=[(i, n) for i, n in enumerate("一二三四五六日")])
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    class Meta:
        verbose_name = verbose_name_plural = _("空闲时段")
        ordering = ["weekday", "start"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")), name="freeslot_ends_after_start")]

    def __str__(self) -> str:
        return f"周{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class LessonSeries(Recorded):
    """Lessons booked in one action, e.g. every Monday 17:00 for 20 weeks."""

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="lesson_series")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="lesson_series")
    teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="lesson_series")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    first_starts_at = models.DateTimeField(_("首次开始"))
    first_ends_at = models.DateTimeField(_("首次结束"))
    weeks = models.PositiveSmallIntegerField(_("周数"))
    interval_weeks = models.PositiveSmallIntegerField(_("间隔周数"), default=1)
    booked = models.PositiveSmallIntegerField(_("已排"), default=0)
    skipped = models.PositiveSmallIntegerField(_("冲突跳过"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("循环排课")

    def __str__(self) -> str:
        return f"{self.student} · {self.subject} × {self.weeks}"


class GroupClass(Recorded):
    """A group class (大课) with a roster; its sessions are GroupSession rows."""

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="group_classes")
    name = models.CharField(_("班级名称"), max_length=100)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="group_classes", verbose_name=_("科目"))
    teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="group_classes", verbose_name=_("教员"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True, related_name="group_classes")
    capacity = models.PositiveSmallIntegerField(_("人数上限"), default=12)
    students = models.ManyToManyField(Student, through="GroupMember", related_name="group_classes")

    class Meta:
        verbose_name = verbose_name_plural = _("大课班级")
        constraints = [models.UniqueConstraint(fields=["campus", "name"], name="groupclass_unique_name_per_campus")]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(GroupClass, on_delete=models.CASCADE, related_name="members")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="group_memberships")
    # the group package sold for this class (or linked on joining): its sessions use it
    package = models.ForeignKey(
        LessonPackage, on_delete=models.PROTECT, null=True, blank=True, related_name="group_memberships",
        verbose_name=_("课时包"),
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    # removed from the class: the row stays (the history of who was on the roster)
    left_at = models.DateTimeField(_("退班时间"), null=True, blank=True)
    left_reason = models.CharField(_("退班原因"), max_length=200, blank=True)
    left_by = staff_or_none()

    class Meta:
        verbose_name = verbose_name_plural = _("班级学员")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "student"], condition=Q(left_at__isnull=True), name="groupmember_unique_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.student}"


class GroupSession(Recorded):
    """One session of a group class. Its teacher and room can be booked once at a time
    (an exclusion constraint on PostgreSQL, like Lesson's)."""

    group = models.ForeignKey(GroupClass, on_delete=models.CASCADE, related_name="sessions")
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="group_sessions")
    teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="group_sessions")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True, related_name="group_sessions")
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Lesson.Status.choices, default=Lesson.Status.SCHEDULED
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    late_notice = models.BooleanField(_("不足24小时通知"), default=False)

    class Meta:
        verbose_name = verbose_name_plural = _("大课课次")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["campus", "starts_at"]), models.Index(fields=["teacher", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="groupsession_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.starts_at:%Y-%m-%d %H:%M}"


class SessionLeave(Recorded):
    """One student's leave (请假) from one group session: not charged, not absent."""

    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="leaves")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="session_leaves")
    reason = models.CharField(_("请假原因"), max_length=200)
    late_notice = models.BooleanField(_("不足24小时通知"), default=False)

    class Meta:
        verbose_name = verbose_name_plural = _("大课请假")
        constraints = [models.UniqueConstraint(fields=["session", "student"], name="sessionleave_unique")]

    def __str__(self) -> str:
        return f"{self.student} · {self.session}"


class LessonChange(Recorded):
    """The record of a leave, a reschedule (调课) or a cancellation: who, when, why, and
    whether a day's notice was given."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("请假")
        RESCHEDULE = "reschedule", _("调课")
        CANCEL = "cancel", _("取消")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    old_starts_at = models.DateTimeField()
    old_ends_at = models.DateTimeField()
    new_starts_at = models.DateTimeField(null=True, blank=True)
    new_ends_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    late_notice = models.BooleanField(_("不足24小时"), default=False)

    class Meta:
        verbose_name = verbose_name_plural = _("课程变动")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.lesson}"


class Notification(models.Model):
    """A message to a teacher or a parent about a change of the timetable. Written here
    when the change happens; sending (SMS, WeChat) is a job's work and sets `sent_at`."""

    class Recipient(models.TextChoices):
        TEACHER = "teacher", _("教员")
        PARENT = "parent", _("家长")

    class Kind(models.TextChoices):
        BOOKED = "booked", _("新排课")
        LEAVE = "leave", _("请假")
        RESCHEDULED = "rescheduled", _("调课")
        MAKEUP = "makeup", _("补课")
        CANCELLED = "cancelled", _("取消")
        TEACHER_CHANGED = "teacher_changed", _("更换教员")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="schedule_notifications")
    recipient = models.CharField(max_length=10, choices=Recipient.choices)
    teacher = models.ForeignKey(Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="schedule_notifications")
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    lesson = models.ForeignKey(Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications")
    session = models.ForeignKey(
        GroupSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(_("内容"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("排课通知")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        return self.message


class TeacherChange(Recorded):
    """A student's teacher of a subject was changed (换老师): who asked and why. Three or
    more in one subject is what the staff rules look for."""

    class RequestedBy(models.TextChoices):
        PARENT = "parent", _("家长")
        STUDENT = "student", _("学员")
        SCHOOL = "school", _("学校")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="teacher_changes")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="teacher_changes")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    from_teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    requested_by = models.CharField(_("提出方"), max_length=10, choices=RequestedBy.choices)
    reason = models.CharField(_("原因"), max_length=200)
    lessons_moved = models.PositiveIntegerField(_("改派课次"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("更换教员")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["student", "subject"])]

    def __str__(self) -> str:
        return f"{self.student} · {self.subject} → {self.to_teacher}"
