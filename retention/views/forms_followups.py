"""The forms of the follow-up pages. They only parse; the services decide and their
refusals are put beside the field they name."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DomainErrorForm
from core.models import Staff
from core.roles import Role

from ..models import FollowUp

SATISFACTION_CHOICES = [("", _("未询问")), *[(str(i), str(i)) for i in range(1, 6)]]
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class FollowUpForm(DomainErrorForm):
    """回访登记: with whom, how, of which kind, what was said, satisfaction, when."""

    kind = forms.ChoiceField(label=_("类别"), choices=FollowUp.Kind.choices, initial=FollowUp.Kind.REGULAR)
    contact = forms.ChoiceField(label=_("回访对象"), choices=FollowUp.Contact.choices, initial=FollowUp.Contact.PARENT)
    channel = forms.ChoiceField(label=_("方式"), choices=FollowUp.Channel.choices, initial=FollowUp.Channel.PHONE)
    summary = forms.CharField(
        label=_("回访内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("家长的反馈、孩子的情况、约定的下次沟通"),
    )
    satisfaction = forms.TypedChoiceField(
        label=_("满意度（1–5）"), choices=SATISFACTION_CHOICES, coerce=int, empty_value=None, required=False
    )
    contacted_at = forms.DateTimeField(
        label=_("回访时间"), required=False, input_formats=[LOCAL_MINUTE, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
        help_text=_("留空为现在"),
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in ("contact", "channel", "kind", "summary", "satisfaction", "contacted_at")}


class QuickFollowUpForm(FollowUpForm):
    """The one-step form beside a due call on the advisor's day: the kind comes preset,
    the time is now."""

    student = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, prefix_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["contacted_at"]
        if prefix_id is not None:
            for name, field in self.fields.items():
                field.widget.attrs["id"] = f"due-{prefix_id}-{name}"

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "contacted_at": None}


class FollowUpFilterForm(forms.Form):
    """The filters of the follow-up log page."""

    advisor = forms.ModelChoiceField(
        label=_("班主任"), queryset=Staff.objects.none(), required=False, empty_label=_("全部")
    )
    by = forms.ModelChoiceField(label=_("回访人"), queryset=Staff.objects.none(), required=False, empty_label=_("全部"))
    kind = forms.ChoiceField(label=_("类别"), choices=[("", _("全部")), *FollowUp.Kind.choices], required=False)
    q = forms.CharField(label=_("学员"), max_length=50, required=False)
    date_from = forms.DateField(label=_("从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("到"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, campus_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        callers = Staff.objects.filter(
            role__in=[Role.ADVISOR, Role.CONSULTANT, Role.CS_SUPERVISOR, Role.PRINCIPAL]
        ).select_related("user")
        if campus_id is not None:
            callers = callers.filter(campus_id=campus_id)
        self.fields["by"].queryset = callers.order_by("role", "user__username")
        self.fields["advisor"].queryset = callers.filter(role=Role.ADVISOR).order_by("user__username")

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
