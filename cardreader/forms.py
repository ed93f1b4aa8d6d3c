"""Forms of the front-desk pages. They check the shape of the input; the services judge."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class ServiceForm(forms.Form):
    def add_domain_error(self, exc: DomainError) -> None:
        placed = False
        for name, message in exc.fields.items():
            if name in self.fields:
                self.add_error(name, f"{message}：{exc.message}")
                placed = True
        if not placed:
            self.add_error(None, exc.message)


class CardForm(ServiceForm):
    card_number = forms.CharField(label=_("卡号（10 位数字）"), max_length=64)
    chip_uid = forms.CharField(label=_("芯片号（8 位十六进制，可不填）"), max_length=64, required=False)


class TeacherCardForm(CardForm):
    teacher = forms.ModelChoiceField(label=_("教员"), queryset=None)

    def __init__(self, *args, teachers=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers
        self.fields["teacher"].label_from_instance = lambda staff: staff.display_name
        self.order_fields(["teacher", "card_number", "chip_uid"])


class DeductionForm(ServiceForm):
    reason = forms.CharField(label=_("扣课原因"), max_length=200, help_text=_("例如：忘带卡、读卡器故障"))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写扣课原因"))
        return reason
