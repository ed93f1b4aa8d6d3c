"""The one student picker: every form where a student is chosen (booking a lesson, selling
goods, a group class's roster, …) uses `StudentPickerField`. It shows as a search box: as
the clerk types a name, a phone, a card or a 学生编号, `students:pick` answers the matches
(the same `selectors.student_list` as the student search box), and a card reader's burst
fills it wherever the focus is on the page (static/js/student_picker.js). What is posted is
the student's id, judged by the field's queryset (the caller's campus) like any choice."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Student


def picker_label(student: Student) -> str:
    return f"{student.name}（{student.number}）" if student.number else student.name


class StudentPicker(forms.Widget):
    template_name = "students/widgets/student_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None, queryset: QuerySet[Student] | None = None) -> None:
        super().__init__(attrs)
        self.queryset = queryset

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = None
        if self.queryset is not None and str(value or "").isdigit():
            chosen = self.queryset.filter(pk=int(value)).first()
        context["widget"]["chosen"] = picker_label(chosen) if chosen is not None else ""
        context["widget"]["value"] = chosen.pk if chosen is not None else ""
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class StudentPickerField(forms.ModelChoiceField):
    """A student of `queryset` (give the caller's campus's), chosen with the picker."""

    default_error_messages = {"invalid_choice": _("请从搜索结果中选择本校区的学员")}

    def __init__(self, queryset: QuerySet[Student] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", StudentPicker())
        super().__init__(queryset=queryset if queryset is not None else Student.objects.none(), **kwargs)

    def _set_queryset(self, queryset: QuerySet[Student] | None) -> None:
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)
