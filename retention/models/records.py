"""The monthly records of a student's stay (辅导中期): an assessment per subject each month,
a learning plan each month, a growth record each half month, homework set and checked,
the teachers' stage and monthly summaries, and the monthly satisfaction survey.

A month is stored as the date of its first day."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Campus, Subject, staff_author, staff_or_none
from students.models import Student

__all__ = [
    "GrowthRecord",
    "Homework",
    "LearningPlan",
    "MonthlyAssessment",
    "SatisfactionSurvey",
    "SurveyAnswer",
    "SurveyQuestion",
    "TeacherSummary",
]


class StudentRecord(models.Model):
    """A record of one student, kept with the student's campus for the campus's lists. The
    campus gets no accessor for it; the student's is Django's `<model>_set`."""

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, verbose_name=_("学员"))

    class Meta:
        abstract = True


class MonthlyRecord(StudentRecord):
    """A student's record of one month (`month`: its first day)."""

    month = models.DateField(_("月份"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.student} {self.month:%Y-%m}"


class MonthlyAssessment(MonthlyRecord):
    """The month's test of one subject (月测评) with its quality analysis, shared with the
    parent (测试结果及时通知教员和学员家长). Not the entry assessment of a lead: that is
    students.Assessment."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("科目"))
    score = models.CharField(_("成绩"), max_length=20)
    analysis = models.TextField(_("质量分析"))
    shared_with_parent_at = models.DateTimeField(_("已告知家长"), null=True, blank=True)
    shared_by = staff_or_none()
    by = staff_author(_("登记人"))

    class Meta:
        verbose_name = verbose_name_plural = _("月测评")
        ordering = ["-month", "subject__name"]
        constraints = [
            models.UniqueConstraint(fields=["student", "subject", "month"], name="monthlyassessment_one_per_subject"),
        ]

    def __str__(self) -> str:
        return f"{super().__str__()} {self.subject}：{self.score}"


class LearningPlan(MonthlyRecord):
    """The learning plan (学习计划/辅导方案) of a student for one month, written by a teacher:
    the first after the student's first two lessons, then one a month."""

    content = models.TextField(_("学习计划"))
    by = staff_author(_("制定人"))

    class Meta(MonthlyRecord.Meta):
        verbose_name = verbose_name_plural = _("学习计划")
        constraints = [models.UniqueConstraint(fields=["student", "month"], name="learningplan_one_per_month")]


class GrowthRecord(MonthlyRecord):
    """The growth record (成长记录), one per half month: days 1–15 and 16 to the end."""

    class Half(models.IntegerChoices):
        FIRST = 1, _("上半月")
        SECOND = 2, _("下半月")

    half = models.PositiveSmallIntegerField(_("半月"), choices=Half.choices)
    content = models.TextField(_("成长记录"))
    by = staff_author(_("记录人"))

    class Meta:
        verbose_name = verbose_name_plural = _("成长记录")
        ordering = ["-month", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["student", "month", "half"], name="growthrecord_one_per_half_month"),
        ]

    def __str__(self) -> str:
        return f"{super().__str__()} {self.get_half_display()}"


class Homework(StudentRecord):
    """Homework set by the teacher after a lesson, checked before the next one, and shown
    to the parent (及时向家长反映学生作业完成情况)."""

    class Result(models.TextChoices):
        DONE = "done", _("已完成")
        PARTLY = "partly", _("部分完成")
        NOT_DONE = "not_done", _("未完成")

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("科目"))
    content = models.TextField(_("作业内容"))
    due_on = models.DateField(_("完成期限"))
    set_by = staff_author(_("布置人"))
    set_at = models.DateTimeField(_("布置时间"))
    result = models.CharField(_("完成情况"), max_length=10, choices=Result.choices, blank=True)
    check_note = models.CharField(_("检查说明"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    checked_by = staff_or_none()
    shown_to_parent_at = models.DateTimeField(_("已告知家长"), null=True, blank=True)
    shown_by = staff_or_none()

    class Meta:
        verbose_name = verbose_name_plural = _("作业")
        ordering = ["-set_at", "-pk"]
        indexes = [models.Index(fields=["student", "set_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="") | Q(checked_at__isnull=False), name="homework_result_when_checked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.subject}：{self.content[:40]}"


class TeacherSummary(StudentRecord):
    """A teacher's summary of a student in a subject: at the end of a stage (阶段性总结)
    or of a month (月总结)."""

    class Kind(models.TextChoices):
        STAGE = "stage", _("阶段总结")
        MONTHLY = "monthly", _("月总结")

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("科目"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("起"))
    period_end = models.DateField(_("止"))
    content = models.TextField(_("总结"))
    by = staff_author(_("教员"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("教员总结")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="teachersummary_period_ordered"),
            models.UniqueConstraint(
                fields=["student", "subject", "by", "period_start"],
                condition=Q(kind="monthly"),
                name="teachersummary_one_monthly_per_teacher",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.subject} {self.get_kind_display()} {self.period_start:%Y-%m-%d}"


class SurveyQuestion(models.Model):
    """A question of the monthly satisfaction survey (问卷调查), scored 1–5. Questions are
    data: headquarters edits them in the admin; a retired one keeps its old answers."""

    text = models.CharField(_("调查问题"), max_length=200, unique=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = verbose_name_plural = _("满意度问题")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class SatisfactionSurvey(MonthlyRecord):
    """The monthly satisfaction survey of a family (每生每月书面或者表格文字反馈)."""

    class Respondent(models.TextChoices):
        PARENT = "parent", _("家长")
        STUDENT = "student", _("学员")

    respondent = models.CharField(_("填写人"), max_length=10, choices=Respondent.choices)
    comment = models.TextField(_("意见与建议"), blank=True)
    by = staff_author(_("登记人"))

    class Meta(MonthlyRecord.Meta):
        verbose_name = verbose_name_plural = _("满意度调查")
        constraints = [models.UniqueConstraint(fields=["student", "month"], name="survey_one_per_month")]

    @property
    def average(self) -> float | None:
        scores = [a.score for a in self.answers.all()]
        return round(sum(scores) / len(scores), 1) if scores else None


class SurveyAnswer(models.Model):
    survey = models.ForeignKey(SatisfactionSurvey, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(_("评分"))

    class Meta:
        verbose_name = verbose_name_plural = _("满意度评分")
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "question"], name="surveyanswer_one_per_question"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="surveyanswer_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.score}"
