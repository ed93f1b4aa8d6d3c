"""A service's refusal on a page: beside each field it names, and its message on top."""

from django import forms

from core.errors import Conflict, InvalidInput
from core.forms import DomainErrorForm


class SlotForm(DomainErrorForm):
    error_fields = {"starts_at": "start"}

    start = forms.CharField()
    room = forms.CharField()


def test_each_named_field_gets_its_message_and_the_form_the_whole_message():
    form = SlotForm({"start": "9:00", "room": "A101"})
    assert form.is_valid()
    form.add_domain_error(Conflict("schedule_conflict", "撞课：教室在该时间已有安排", {"room": "A101 已有课"}))
    assert form.errors["room"] == ["A101 已有课"]
    assert form.non_field_errors() == ["撞课：教室在该时间已有安排"]


def test_a_service_field_name_is_shown_beside_the_form_field_it_maps_to():
    form = SlotForm({"start": "9:00", "room": "A101"})
    form.is_valid()
    form.add_domain_error(InvalidInput("时间不对", {"starts_at": "须晚于现在", "teacher": "不存在"}))
    assert form.errors["start"] == ["须晚于现在"]
    assert "teacher" not in form.errors  # not a field of this form: the message on top says it
    assert form.non_field_errors() == ["时间不对"]


def test_a_refusal_without_fields_is_shown_once_on_top():
    form = SlotForm({"start": "9:00", "room": "A101"})
    form.is_valid()
    form.add_domain_error(Conflict("payment_due", "尚欠学费", {"room": "尚欠学费"}))
    assert "room" not in form.errors and form.non_field_errors() == ["尚欠学费"]
