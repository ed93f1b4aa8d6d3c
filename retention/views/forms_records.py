"""The forms of the monthly-record pages. They only parse; the services decide, and their
refusals land beside the field they name."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import DomainErrorForm
from core.models import Subject

from ..models import Homework, SatisfactionSurvey, SurveyQuestion, TeacherSummary

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"})
TEXT = forms.Textarea(attrs={"rows": 3})
SCORES = [("", "—"), *[(str(i), str(i)) for i in range(1, 6)]]


def month_param(value: str | None, default: date) -> date:
    """A month from "YYYY-MM" (the first day of it); anything else is `default`'s month."""
    try:
        return datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return default.replace(day=1)


class SubjectForm(DomainErrorForm):
    subject = forms.ModelChoiceField(label=_("科目"), queryset=Subject.objects.none())

    def __init__(self, *args: Any, subjects: QuerySet[Subject] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects if subjects is not None else Subject.objects.all()


class AssessmentForm(SubjectForm):
    score = forms.CharField(label=_("成绩"), max_length=20, required=False)
    analysis = forms.CharField(label=_("质量分析"), widget=TEXT, required=False)


class PlanForm(DomainErrorForm):
    content = forms.CharField(
        label=_("学习计划"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
        help_text=_("本月目标、重点难点、每周安排、家长配合事项"),
    )


class GrowthForm(DomainErrorForm):
    on = forms.DateField(label=_("日期"), widget=DATE, help_text=_("1–15 日为上半月，16 日起为下半月"))
    content = forms.CharField(label=_("成长记录"), widget=TEXT, required=False)


class HomeworkForm(SubjectForm):
    content = forms.CharField(label=_("作业内容"), widget=TEXT, required=False)
    due_on = forms.DateField(label=_("完成期限"), widget=DATE)


class HomeworkCheckForm(DomainErrorForm):
    homework = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("完成情况"), choices=[("", "—"), *Homework.Result.choices], required=False)
    check_note = forms.CharField(label=_("检查说明"), max_length=500, required=False)


class SummaryForm(SubjectForm):
    kind = forms.ChoiceField(label=_("类别"), choices=TeacherSummary.Kind.choices, initial=TeacherSummary.Kind.MONTHLY)
    month = forms.CharField(label=_("月份（月总结）"), widget=MONTH, required=False)
    period_start = forms.DateField(label=_("阶段起（阶段总结）"), widget=DATE, required=False)
    period_end = forms.DateField(label=_("阶段止（阶段总结）"), widget=DATE, required=False)
    content = forms.CharField(label=_("总结"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class SurveyForm(DomainErrorForm):
    """The month's satisfaction survey: one 1–5 score for each active question."""

    respondent = forms.ChoiceField(
        label=_("填写人"), choices=SatisfactionSurvey.Respondent.choices, initial=SatisfactionSurvey.Respondent.PARENT
    )
    comment = forms.CharField(label=_("意见与建议"), widget=TEXT, required=False)

    def __init__(self, *args: Any, questions: list[SurveyQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text, choices=SCORES, coerce=int, empty_value=None, required=False
            )
        self.order_fields(["respondent", *[f"q{q.pk}" for q in questions], "comment"])

    def scores(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}
