from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Campus, Recorded, Staff, staff_author, staff_or_none

NUMBER_MAX = 20
NUMBER_DIGITS = 6


class StudentNumberSequence(models.Model):
    """The last 学生编号 given at a campus. A new file takes the next one, as six digits
    (000001, 000002, …), skipping any number already given by hand."""

    campus = models.OneToOneField(Campus, on_delete=models.CASCADE, primary_key=True, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.campus_id}: {self.last}"

    @classmethod
    def take(cls, campus_id: int) -> str:
        """The next free number of the campus; the sequence row is locked until the caller's
        transaction ends, so two files opened at once never take the same number."""
        cls.objects.get_or_create(campus_id=campus_id)
        sequence = cls.objects.select_for_update().get(campus_id=campus_id)
        taken = Student.objects.filter(campus_id=campus_id)
        while True:
            sequence.last += 1
            number = f"{sequence.last:0{NUMBER_DIGITS}d}"
            if not taken.filter(number=number).exists():
                break
        sequence.save(update_fields=["last"])
        return number


class Student(Recorded):
    """The student file (学员档案)."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class LearningType(models.TextChoices):
        FOUNDATION = "foundation", _("基础巩固型")
        STEADY = "steady", _("稳固提升型")
        SPRINT = "sprint", _("拔高冲刺型")

    class Profile(models.TextChoices):
        # the four-way profile: grades good/poor × mentally well/unwell
        GOOD_WELL = "good_well", _("成绩好·心理健康")
        GOOD_UNWELL = "good_unwell", _("成绩好·心理欠佳")
        POOR_WELL = "poor_well", _("成绩差·心理健康")
        POOR_UNWELL = "poor_unwell", _("成绩差·心理欠佳")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="students", verbose_name=_("校区"))
    # 学生编号: unique per campus, taken from the campus's sequence when the file is opened
    # (StudentNumberSequence), changed by hand with services.student_number_change
    number = models.CharField(_("学生编号"), max_length=NUMBER_MAX, blank=True)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birthday = models.DateField(_("出生日期"))
    address = models.CharField(_("家庭住址"), max_length=200)
    school = models.CharField(_("学校"), max_length=100, blank=True)
    grade = models.CharField(_("年级"), max_length=20, blank=True)
    class_rank = models.CharField(_("班级排名"), max_length=50, blank=True)
    personality = models.TextField(_("性格特点"), blank=True)
    goals = models.TextField(_("学习目标"), blank=True)
    home_situation = models.TextField(_("家庭情况"), blank=True)
    learning_type = models.CharField(_("学习类型"), max_length=20, choices=LearningType.choices, blank=True)
    profile = models.CharField(_("学员类型"), max_length=20, choices=Profile.choices, blank=True)
    advisor = models.ForeignKey(
        Staff, on_delete=models.SET_NULL, null=True, blank=True, related_name="advised_students", verbose_name=_("班主任")
    )
    advisor_since = models.DateTimeField(_("接档时间"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    # a referral by an existing family (转介绍) counts in that family's advisor's KPI
    referred_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals", verbose_name=_("介绍家庭")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("学员")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["campus", "name"]),
            models.Index(fields=["advisor"]),
            # name prefix search on PostgreSQL (LIKE 'x%' needs the pattern operator class)
            models.Index(fields=["name"], name="student_name_prefix", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campus", "number"], condition=~models.Q(number=""), name="student_unique_number_per_campus"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # every way a file is opened (the form, the API, a lead enrolled, the roster import)
        # gets its number here, from the campus's sequence
        if self._state.adding and not self.number:
            with transaction.atomic():
                self.number = StudentNumberSequence.take(self.campus_id)
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    @property
    def primary_guardian(self) -> "Guardian | None":
        return next((g for g in self.guardians.all() if g.is_primary), None)


class Guardian(models.Model):
    """A family contact. The primary one is the main decision maker (主要决策人)."""

    class Relation(models.TextChoices):
        MOTHER = "mother", _("母亲")
        FATHER = "father", _("父亲")
        GRANDPARENT = "grandparent", _("祖父母/外祖父母")
        OTHER = "other", _("其他")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("关系"), max_length=20)
    phone = models.CharField(_("手机号"), max_length=11, db_index=True)
    is_primary = models.BooleanField(_("主要决策人"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("家长")
        ordering = ["-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["student", "phone"], name="guardian_unique_phone_per_student"),
            models.UniqueConstraint(
                fields=["student"], condition=models.Q(is_primary=True), name="guardian_one_primary_per_student"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.relation}）{self.phone}"

    @property
    def relation_label(self) -> str:
        """The relation in words: its label when it is one of the choices, else as typed."""
        return str(dict(self.Relation.choices).get(self.relation, self.relation))


class AdvisorAssignment(models.Model):
    """One hand-over (接档) of a student to an advisor. The latest open one is current;
    a reassignment closes it, so the whole history stays."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="advisor_assignments")
    advisor = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("班主任"))
    previous_advisor = staff_or_none()
    assigned_at = models.DateTimeField(_("接档时间"))
    first_call_due = models.DateField(_("首次回访截止"))
    first_call_done_at = models.DateTimeField(_("首次回访时间"), null=True, blank=True)
    first_call_done_by = staff_or_none()
    ended_at = models.DateTimeField(_("移交时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(Staff, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = _("接档记录")
        ordering = ["-assigned_at", "-pk"]
        indexes = [models.Index(fields=["advisor", "ended_at", "first_call_done_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=models.Q(ended_at__isnull=True), name="assignment_one_open_per_student"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.advisor}"


class Lead(Recorded):
    """A prospective family (意向客户登记表)."""

    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("上门")
        PHONE = "phone", _("来电")
        ONLINE = "online", _("网络")
        REFERRAL = "referral", _("转介绍")

    class Status(models.TextChoices):
        NEW = "new", _("新登记")
        FOLLOWING = "following", _("跟进中")
        TRIAL = "trial", _("已约试听")
        ASSESSED = "assessed", _("已测评")
        CONVERTED = "converted", _("已报名")
        LOST = "lost", _("已流失")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="leads", verbose_name=_("校区"))
    name = models.CharField(_("学生姓名"), max_length=50)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=11, db_index=True)
    course = models.CharField(_("意向课程"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    referred_by = models.ForeignKey(
        Student, on_delete=models.SET_NULL, null=True, blank=True, related_name="referred_leads",
        verbose_name=_("介绍家庭"),
    )
    needs = models.TextField(_("需求"), blank=True)
    next_step = models.CharField(_("下一步"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NEW)
    owner = models.ForeignKey(
        Staff, on_delete=models.SET_NULL, null=True, blank=True, related_name="leads", verbose_name=_("负责顾问")
    )
    student = models.OneToOneField(
        Student, on_delete=models.SET_NULL, null=True, blank=True, related_name="lead", verbose_name=_("转为学员")
    )
    converted_at = models.DateTimeField(_("报名时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("意向客户")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["campus", "status"])]

    def __str__(self) -> str:
        return f"{self.name} {self.phone}"


class ReceptionEntry(models.Model):
    """A line of the reception log (客户接待记录本): a call or a visit, classified."""

    class Channel(models.TextChoices):
        VISIT = "visit", _("来访")
        PHONE = "phone", _("来电")
        WECHAT = "wechat", _("微信")

    class Category(models.TextChoices):
        CONSULT = "consult", _("课程咨询")
        TRIAL = "trial", _("试听预约")
        PAYMENT = "payment", _("缴费续费")
        LEAVE = "leave", _("请假调课")
        COMPLAINT = "complaint", _("投诉建议")
        REFUND = "refund", _("退费咨询")
        PICKUP = "pickup", _("接送事宜")
        OTHER = "other", _("其他")

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="reception_entries")
    occurred_at = models.DateTimeField(_("时间"))
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    visitor = models.CharField(_("来访人"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    summary = models.TextField(_("内容"))
    lead = models.ForeignKey(Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="reception_entries")
    student = models.ForeignKey(
        Student, on_delete=models.SET_NULL, null=True, blank=True, related_name="reception_entries"
    )
    created_by = models.ForeignKey(Staff, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = _("接待记录")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["campus", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_category_display()}"


class TrialLesson(Recorded):
    """A trial lesson (试听) of a lead. The first one lasts 40 minutes."""

    FIRST_MINUTES = 40
    LONGEST_MINUTES = 180

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        ATTENDED = "attended", _("已试听")
        NO_SHOW = "no_show", _("未到")
        CANCELLED = "cancelled", _("已取消")

    # a trial in these holds its teacher's time (the timetable and the double-booking checks)
    HOLDS_TIME = (Status.BOOKED, Status.ATTENDED)

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="trials")
    subject = models.CharField(_("科目"), max_length=50)
    teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="trial_lessons", verbose_name=_("教员"))
    starts_at = models.DateTimeField(_("开始时间"))
    minutes = models.PositiveSmallIntegerField(_("时长（分钟）"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.BOOKED)
    feedback = models.TextField(_("试听反馈"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("试听课")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.lead.name} {self.subject} {self.starts_at:%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


class Assessment(models.Model):
    """An assessment test (测评). The paper is analysed within one day and a teaching plan made."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="assessments")
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, null=True, blank=True, related_name="entry_assessments"
    )
    subject = models.CharField(_("科目"), max_length=50)
    taken_at = models.DateTimeField(_("测评时间"))
    score = models.CharField(_("成绩"), max_length=20, blank=True)
    analysis_due = models.DateTimeField(_("试卷分析截止"))
    analysis = models.TextField(_("试卷分析"), blank=True)
    teaching_plan = models.TextField(_("教学方案"), blank=True)
    analysed_at = models.DateTimeField(_("分析时间"), null=True, blank=True)
    analysed_by = staff_or_none()
    created_by = models.ForeignKey(Staff, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = _("入学测评")
        ordering = ["-taken_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lead__isnull=False) | models.Q(student__isnull=False),
                name="assessment_of_lead_or_student",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.taken_at:%Y-%m-%d}"

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.analysed_at is None and timezone.now() > self.analysis_due


class HygieneRound(models.Model):
    """One hourly round of the lobby (安全卫生巡查记录表), checked against the standard."""

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="hygiene_rounds")
    checked_at = models.DateTimeField(_("巡查时间"))
    checked_by = staff_author(_("巡查人"))
    all_ok = models.BooleanField(_("全部合格"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("安全卫生巡查")
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["campus", "checked_at"])]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M}"


class HygieneFinding(models.Model):
    """A spot of the lobby that failed the standard, routed to the department that fixes it."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        CLOSED = "closed", _("已整改")

    round = models.ForeignKey(HygieneRound, on_delete=models.CASCADE, related_name="findings")
    area = models.CharField(_("区域"), max_length=20)
    problem = models.CharField(_("问题"), max_length=200)
    department = models.CharField(_("责任部门"), max_length=20)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    closed_by = staff_or_none()
    fix_note = models.CharField(_("整改说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("巡查问题")
        ordering = ["status", "-pk"]

    def __str__(self) -> str:
        return f"{self.area}: {self.problem}"
