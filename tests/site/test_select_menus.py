"""The lists' menus are written by core.filters.WrittenSelect: the HTML of Django's own
select.html (the same elements, attributes and escaping), only faster."""

import re

import pytest
from django import forms

from core.filters import WrittenSelect, select_widget

CHOICES = [
    ("", "any"),
    ("MNG", "Mongolia (3)"),
    ("C&D", 'Côte "d" <x>'),
    (3, "three"),
    ("Group <1>", [("a", "A"), ("b", "B & b")]),
]


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", ["MNG", "", None, ["MNG"], "C&D", 3, "b", "unknown"])
def test_a_written_menu_is_the_html_of_djangos_select(value):
    attrs = {"id": "id_host", "required": True, "disabled": False, "class": "x", "data-x": '"'}
    expected = forms.Select(choices=CHOICES).render("host", value, attrs)
    assert _normalised(WrittenSelect(choices=CHOICES).render("host", value, attrs)) == (
        _normalised(expected)
    )


def test_the_lists_menus_are_written_and_keep_several_values_as_text():
    widget = select_widget(CHOICES)
    assert isinstance(widget, WrittenSelect)
    assert 'value="MNG" selected' in widget.render("host", ["MNG"])
    # Several values: django-filter's text box, so that none is lost.
    assert 'value="MNG,C&amp;D"' in widget.render("host", ["MNG", "C&D"])
