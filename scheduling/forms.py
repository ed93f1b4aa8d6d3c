"""Forms of the scheduling pages. They only parse; the services decide."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import CAMPUS_TZ
from core.forms import DomainErrorForm
from core.models import Campus, Staff, Subject
from students.models import Student
from students.picker import StudentPickerField

from .models import Lesson, TeacherChange, TeacherClock, TeacherProfile
from .selectors import teachers_of

# an <input type="date"> reads only ISO dates: the locale's "2026/12/01" would show it empty
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _students_of(campus: Campus) -> QuerySet[Student]:
    return Student.objects.filter(campus=campus).order_by("name")


def combine(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=CAMPUS_TZ)


class SchedulingForm(DomainErrorForm):
    """A scheduling page's form: a service's refusal names the API's fields; these are
    the form's fields that show them."""

    error_fields = {"starts_at": "start", "ends_at": "end", "to_teacher": "teacher"}


class TimeSpanForm(SchedulingForm):
    day = forms.DateField(label=_("日期"), widget=DATE)
    start = forms.TimeField(label=_("开始"), widget=TIME)
    end = forms.TimeField(label=_("结束"), widget=TIME)
    room = forms.CharField(label=_("教室"), max_length=50, required=False, help_text=_("新教室名称会自动创建"))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("结束时间须晚于开始时间"))
        return data

    @property
    def starts_at(self) -> datetime:
        return combine(self.cleaned_data["day"], self.cleaned_data["start"])

    @property
    def ends_at(self) -> datetime:
        return combine(self.cleaned_data["day"], self.cleaned_data["end"])

    def new_time(self) -> dict[str, Any]:
        """The lesson's new time and room, as the services that move a lesson take them."""
        return {"starts_at": self.starts_at, "ends_at": self.ends_at, "room": self.cleaned_data["room"] or None}


class LessonForm(TimeSpanForm):
    student = StudentPickerField(label=_("学员"))
    teacher = forms.ModelChoiceField(label=_("教员"), queryset=Staff.objects.none())
    subject = forms.ModelChoiceField(label=_("科目"), queryset=Subject.objects.all())
    lesson_kind = forms.ChoiceField(label=_("课型"), choices=Lesson.Kind.choices, initial=Lesson.Kind.MAIN)
    weeks = forms.IntegerField(
        label=_("重复周数"), min_value=1, max_value=52, initial=1, help_text=_("大于 1 时每周同一时间排课")
    )

    field_order = ["student", "teacher", "subject", "lesson_kind", "day", "start", "end", "room", "weeks"]

    def __init__(self, *args, campus: Campus, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = _students_of(campus)
        self.fields["teacher"].queryset = teachers_of(campus=campus)


class LeaveForm(SchedulingForm):
    reason = forms.CharField(label=_("请假原因"), max_length=200, widget=forms.TextInput())


class CancelForm(SchedulingForm):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class RescheduleForm(TimeSpanForm):
    reason = forms.CharField(label=_("调课原因"), max_length=200, required=False)


class TeacherProfileForm(SchedulingForm):
    level = forms.TypedChoiceField(label=_("级别"), choices=TeacherProfile.Level.choices, coerce=int)
    style = forms.ChoiceField(label=_("教学风格"), choices=[("", "—"), *TeacherProfile.Style.choices], required=False)
    bio = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    free_slots = forms.CharField(
        label=_("每周空闲时段"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("每行一段，如“周一 14:00-18:00”"),
    )

    def clean_free_slots(self) -> list[tuple[int, time, time]]:
        slots = []
        for raw in self.cleaned_data["free_slots"].splitlines():
            line = raw.strip().replace("–", "-").replace("～", "-").replace("~", "-")
            if not line:
                continue
            try:
                head, span = line.split(maxsplit=1)
                weekday = "一二三四五六日".index(head.removeprefix("周").removeprefix("星期"))
                start, end = (time.fromisoformat(part.strip()) for part in span.split("-"))
            except ValueError:
                raise forms.ValidationError(_("无法识别“%(line)s”，请写成“周一 14:00-18:00”"), params={"line": raw})
            if end <= start:
                raise forms.ValidationError(_("“%(line)s”的结束须晚于开始"), params={"line": raw})
            slots.append((weekday, start, end))
        return slots


class MatchForm(SchedulingForm):
    subject = forms.ModelChoiceField(label=_("科目"), queryset=Subject.objects.all())
    student = StudentPickerField(label=_("学员"), required=False)
    weekday = forms.TypedChoiceField(
        label=_("星期"), choices=[("", "—"), *[(i, f"周{n}") for i, n in enumerate("一二三四五六日")]],
        coerce=int, required=False, empty_value=None,
    )
    start = forms.TimeField(label=_("开始"), widget=TIME, required=False)
    end = forms.TimeField(label=_("结束"), widget=TIME, required=False)

    def __init__(self, *args, campus: Campus, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = _students_of(campus)


class TeacherChangeForm(SchedulingForm):
    student = StudentPickerField(label=_("学员"))
    subject = forms.ModelChoiceField(label=_("科目"), queryset=Subject.objects.all())
    teacher = forms.ModelChoiceField(label=_("新教员"), queryset=Staff.objects.none())
    requested_by = forms.ChoiceField(label=_("提出方"), choices=TeacherChange.RequestedBy.choices)
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, *args, campus: Campus, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = _students_of(campus)
        self.fields["teacher"].queryset = teachers_of(campus=campus)


def week_param(value: str | None) -> date:
    """The Monday of the week containing `value` (YYYY-MM-DD), else of this week."""
    try:
        day = date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


def day_param(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


class GroupClassForm(SchedulingForm):
    name = forms.CharField(label=_("班级名称"), max_length=100)
    subject = forms.ModelChoiceField(label=_("科目"), queryset=Subject.objects.all())
    teacher = forms.ModelChoiceField(label=_("教员"), queryset=Staff.objects.none())
    room = forms.CharField(label=_("教室"), max_length=50, required=False)
    capacity = forms.IntegerField(label=_("人数上限"), min_value=1, max_value=200, initial=12)

    def __init__(self, *args, campus: Campus, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers_of(campus=campus)


class GroupMemberForm(SchedulingForm):
    student = StudentPickerField(label=_("学员"))

    def __init__(self, *args, campus: Campus, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = _students_of(campus)


class RosterActionForm(SchedulingForm):
    """One member's row of a group session's check-in list (手工扣课 / 请假), or the class's
    roster (退班): who, and the reason every one of them needs."""

    student = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("原因"), max_length=200)


class GroupSessionForm(TimeSpanForm):
    weeks = forms.IntegerField(label=_("重复周数"), min_value=1, max_value=52, initial=1)


class ClockForm(SchedulingForm):
    """打卡 on the time-keeping page: the teacher says 上班 or 下班 (now)."""

    error_fields = {"clock": "kind"}
    teacher = forms.ModelChoiceField(label=_("教员"), queryset=Staff.objects.none())
    kind = forms.ChoiceField(label=_("上班 / 下班"), choices=TeacherClock.Kind.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, campus: Campus, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers_of(campus=campus)


class ClockCorrectionForm(SchedulingForm):
    """更正考勤 (the dean): a clock of the day changed, or a missing one added, with a reason."""

    error_fields = {"at": "time"}
    teacher = forms.ModelChoiceField(label=_("教员"), queryset=Staff.objects.none())
    clock = forms.ModelChoiceField(
        label=_("更正哪一次打卡"), queryset=TeacherClock.objects.none(), required=False,
        empty_label=_("（补录一次漏打的卡）"),
    )
    kind = forms.ChoiceField(label=_("上班 / 下班"), choices=TeacherClock.Kind.choices)
    time = forms.TimeField(label=_("时间"), widget=TIME)
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, *args: Any, campus: Campus, day: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.day = day
        self.fields["teacher"].queryset = teachers_of(campus=campus)
        clocks = TeacherClock.objects.filter(campus=campus, day=day).select_related("teacher__user").order_by("at")
        self.fields["clock"].queryset = clocks
        self.fields["clock"].label_from_instance = lambda c: (
            f"{c.teacher.display_name} {c.get_kind_display()} {timezone.localtime(c.at):%H:%M}"
        )

    @property
    def at(self) -> datetime:
        return combine(self.day, self.cleaned_data["time"])
