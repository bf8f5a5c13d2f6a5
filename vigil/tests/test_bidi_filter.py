"""The `ltr` template filter: a value isolated, left to right, and still escaped."""

from django.template import Context, Template


def render(value):
    return Template("{% load bidi %}{{ value|ltr }}").render(Context({"value": value}))


def test_it_wraps_a_value_in_a_left_to_right_isolate():
    assert render("212-555-0100") == '<bdi dir="ltr">212-555-0100</bdi>'


def test_it_escapes_the_value():
    assert render("<b>x</b>") == '<bdi dir="ltr">&lt;b&gt;x&lt;/b&gt;</bdi>'


def test_it_renders_nothing_for_nothing():
    assert render("") == "" and render(None) == ""
