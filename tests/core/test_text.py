"""core.text.clean_text: the one check of free text every app's services use."""

import pytest

from core.text import clean_text


def checked(value, **kwargs) -> tuple[str, dict[str, str]]:
    errors: dict[str, str] = {}
    return clean_text(value, "note", errors, max_length=kwargs.pop("max_length", 10), **kwargs), errors


def test_text_is_stripped_and_line_breaks_and_tabs_are_writing():
    assert checked("  第一行\n第二行\t ") == ("第一行\n第二行", {})


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("按时\x1b[31m上课", "含有控制字符（U+001B）"),
        ("a\x00b", "含有无效字符（NUL）"),
        ("x\x7f", "含有控制字符（U+007F）"),
        ("\ud800x", "含有无效字符（不成对的 UTF-16 代理项）"),
    ],
)
def test_what_no_page_or_database_can_hold_is_refused_by_name(value, problem):
    assert checked(value)[1] == {"note": problem}


def test_required_length_and_type_are_named_under_the_field():
    assert checked("   ", required=True)[1] == {"note": "必填"}
    assert checked(None) == ("", {})
    assert checked("好" * 11)[1] == {"note": "最多 10 个字"}
    assert checked(12)[1] == {"note": "应为文字"}


def test_a_student_file_refuses_a_control_character_as_a_follow_up_does(campus, make_staff):
    from core.errors import InvalidInput
    from students.services import student_create
    from tests.students.helpers import guardians

    data = {"name": "张\x1b三", "gender": "M", "birthday": "2014-03-02", "address": "北京市朝阳区幸福路 1 号"}
    with pytest.raises(InvalidInput) as refused:
        student_create(campus=campus, by=make_staff(), data=data, guardians=guardians())
    assert refused.value.fields["name"] == "含有控制字符（U+001B）"
