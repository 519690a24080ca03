"""Absolute addresses of the site's and the API's pages for many rows at once: a route is
reversed once per request and language (`link_template`), then each row's identifier is
put into it, where reverse() and build_absolute_uri() per row cost some 50 µs a row
(an export of the busiest host's 112,000 visits, or a list of 7,000 warrants)."""

from __future__ import annotations

import re

from django.urls import NoReverseMatch, reverse
from django.utils import translation


def absolute_reverse(request, view_name: str, kwarg: str, value) -> str:
    """The absolute address of `view_name` for `value` (reverse, then the request's scheme
    and host; the path alone without a request)."""
    path = reverse(view_name, kwargs={kwarg: value})
    return request.build_absolute_uri(path) if request is not None else path


# An identifier made of these characters goes into an address unchanged (reverse() and
# build_absolute_uri() quote nothing in it), so it can be put into a precomputed address.
_PLAIN_VALUE = re.compile(r"[-a-zA-Z0-9_]+")
# Put into the route in the value's place, the first its converter takes: a long word
# for slugs and ids, three letters for a state's ISO3 code (core.identifiers).
_SENTINELS = ("iccwatchlinkvalue0", "QZX")


def link_template(request, view_name: str, kwarg: str) -> tuple[str, str] | None:
    """(before, after) such that before + value + after is the absolute address
    `reverse(view_name, kwargs={kwarg: value})` gives for a plain value (`_PLAIN_VALUE`)
    that the route's converter takes, reversed once per request and language instead of
    once per row; None when the route takes none of `_SENTINELS` (then the caller
    reverses). The value is not checked against the route's converter: a plain value it
    would refuse (a slug in capitals) gives an address that answers 404, where reverse()
    would raise NoReverseMatch; the identifiers stored are checked when saved."""
    templates = request.__dict__.setdefault("_iccwatch_link_templates", {})
    key = (view_name, kwarg, translation.get_language())
    if key not in templates:
        templates[key] = None
        for sentinel in _SENTINELS:
            try:
                path = reverse(view_name, kwargs={kwarg: sentinel})
            except NoReverseMatch:
                continue
            parts = request.build_absolute_uri(path).split(sentinel)
            if len(parts) == 2:
                templates[key] = (parts[0], parts[1])
            break
    return templates[key]


def _filled(template: tuple[str, str] | None, value) -> str | None:
    """`value` put into a `link_template`, or None when it cannot be (no template, a value
    reverse() would quote)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if template is None or not isinstance(value, str) or not _PLAIN_VALUE.fullmatch(value):
        return None
    return template[0] + value + template[1]


def plain_link(request, view_name: str, kwarg: str, value) -> str | None:
    """The absolute address of `view_name` for `value` from `link_template`, or None when
    it cannot be built that way (no request, a value reverse() would quote)."""
    if request is None:
        return None
    return _filled(link_template(request, view_name, kwarg), value)


def link_builder(request, view_name: str, kwarg: str):
    """A function of an identifier giving the absolute address of `view_name` for it, as
    LinkField gives it: from the request's precomputed template (`link_template`, looked
    up once when the function is made; reversed once per request and language) for a
    plain identifier, by reverse() for any other. Made once per request, route and
    language: a download asking for it for each of its rows gets the same function."""
    if request is None:
        return _builder(None, view_name, kwarg)
    builders = request.__dict__.setdefault("_iccwatch_link_builders", {})
    key = (view_name, kwarg, translation.get_language())
    if key not in builders:
        builders[key] = _builder(request, view_name, kwarg)
    return builders[key]


def _builder(request, view_name: str, kwarg: str):
    template = link_template(request, view_name, kwarg) if request is not None else None

    def link(value) -> str:
        url = _filled(template, value)
        if url is None:
            url = absolute_reverse(request, view_name, kwarg, value)
        return url

    return link


def absolute_link(request, view_name: str, kwarg: str, value) -> str:
    """The absolute address of `view_name` for `value`: from the request's template
    (`link_template`) for a plain identifier, by reverse() for any other."""
    return plain_link(request, view_name, kwarg, value) or absolute_reverse(
        request, view_name, kwarg, value
    )
