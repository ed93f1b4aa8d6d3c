"""A phone number on a page dials when tapped: the `tel` filter of core."""

from django.template import Context, Template

from core.templatetags.phones import tel


def test_a_number_becomes_a_link_that_dials_its_digits():
    assert tel("138 0001-0001") == '<a class="tel" href="tel:13800010001">138 0001-0001</a>'
    assert tel("+86 138 0001 0001") == '<a class="tel" href="tel:+8613800010001">+86 138 0001 0001</a>'


def test_no_number_is_no_link():
    assert tel("") == ""
    assert tel(None) == ""
    assert tel("不详") == "不详"


def test_what_was_typed_is_escaped():
    rendered = Template("{% load phones %}{{ phone|tel }}").render(Context({"phone": "<b>138</b>"}))
    assert rendered == '<a class="tel" href="tel:138">&lt;b&gt;138&lt;/b&gt;</a>'
