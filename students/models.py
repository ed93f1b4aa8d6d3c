from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Campus, Staff


class Student(models.Model):
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
    created_by = models.ForeignKey(Staff, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["campus", "name"]),
            models.Index(fields=["advisor"]),
        ]

    def __str__(self) -> str:
        return self.name

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
        verbose_name = _("家长")
        verbose_name_plural = _("家长")
        ordering = ["-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["student", "phone"], name="guardian_unique_phone_per_student"),
            models.UniqueConstraint(
                fields=["student"], condition=models.Q(is_primary=True), name="guardian_one_primary_per_student"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.relation}）{self.phone}"


