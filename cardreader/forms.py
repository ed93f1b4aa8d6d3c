"""Forms of the front-desk pages. They check the shape of the input; the services judge."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DomainErrorForm


class CardForm(DomainErrorForm):
    # a card reader's burst fills it wherever the focus is on the page (static/js/student_picker.js)
    card_number = forms.CharField(
        label=_("卡号（10 位数字）"), max_length=64, widget=forms.TextInput(attrs={"data-burst-fill": ""})
    )
    chip_uid = forms.CharField(label=_("芯片号（8 位十六进制，可不填）"), max_length=64, required=False)


class TeacherCardForm(CardForm):
    teacher = forms.ModelChoiceField(label=_("教员"), queryset=None)

    def __init__(self, *args, teachers=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers
        self.fields["teacher"].label_from_instance = lambda staff: staff.display_name
        self.order_fields(["teacher", "card_number", "chip_uid"])
