"""Multi-valued filters for the apps' FilterSets, and the rule that a list knows its parameters.

Every list (site and API) reads a filter that may hold several values the same two ways:
comma-joined (`?host=MNG,TJK`) or repeated (`?host=MNG&host=TJK`); a row matches if it
matches any of them. Each value is checked on its own (an ISO3 code, a slug, one of the
choices), so `?host=MNG,XXXX` is refused, naming `host`, rather than answering only Mongolia.

Built on django-filter's CSV filters (`BaseInFilter`), whose schema drf-spectacular writes
as an array with `style: form, explode: false`.
"""

from __future__ import annotations

from collections.abc import Iterable

import django_filters
from django import forms
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db.models import Count, F
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_filters.fields import BaseCSVField
from django_filters.widgets import BaseCSVWidget
from drf_spectacular.utils import extend_schema_field

from core import identifiers

MAX_VALUES = 100


class RepeatableCSVWidget(BaseCSVWidget):
    """Reads `?x=a,b` and `?x=a&x=b` alike, as the list ["a", "b"] (blanks dropped)."""

    def value_from_datadict(self, data, files, name):
        raw = data.getlist(name) if hasattr(data, "getlist") else None
        if raw is not None and len(raw) > 1:
            value = [item for one in raw for item in str(one).split(",")]
        else:
            value = super().value_from_datadict(data, files, name)
        if value is None:
            return None
        return [item.strip() for item in value if item.strip()]

    def format_value(self, value):
        if isinstance(value, (list, tuple)):
            return ",".join(str(v) for v in value)
        return super().format_value(value)


class RepeatableCSVField(BaseCSVField):
    """Each value cleaned by the concrete field (CharField, ChoiceField, ...); at most 100."""

    base_widget_class = RepeatableCSVWidget

    def clean(self, value):
        if isinstance(value, str):  # a form built by hand, or initial data
            value = [v.strip() for v in value.split(",") if v.strip()]
        if value is not None and len(value) > MAX_VALUES:
            raise forms.ValidationError(
                "Give at most %(max)d values.", code="max_values", params={"max": MAX_VALUES}
            )
        cleaned = super().clean(value)
        return list(dict.fromkeys(cleaned)) if cleaned else cleaned


class AnyOfFilter(django_filters.BaseInFilter):
    """Rows matching any of the given values (`field_name__in`)."""

    base_field_class = RepeatableCSVField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", "")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return super().filter(qs, value)


class AnyOfChoiceFilter(AnyOfFilter, django_filters.ChoiceFilter):
    """One or more of a closed vocabulary: `?verdict=non_compliance,deterred`."""


class AnyOfCharFilter(AnyOfFilter, django_filters.CharFilter):
    """One or more free values, each checked by `validators`."""


class AnyOfSlugFilter(AnyOfCharFilter):
    """One or more dataset slugs: `?person=vladimir-putin,omar-al-bashir`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "validators",
            [identifiers.validate_slug, MaxLengthValidator(identifiers.SLUG_MAX_LENGTH)],
        )
        super().__init__(*args, **kwargs)


class AnyOfISO3Filter(AnyOfCharFilter):
    """One or more ISO 3166-1 alpha-3 codes, any case: `?host=MNG,tjk`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "validators",
            [
                RegexValidator(
                    rf"^{identifiers.ISO3_ANY_CASE}\Z",
                    "Use ISO 3166-1 alpha-3 codes (e.g. MNG, or MNG,TJK for several).",
                )
            ],
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, [v.upper() for v in value] if value else value)


@extend_schema_field({"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 9999}})
class AnyOfYearFilter(AnyOfFilter):
    """One or more years: `?year=2024,2025`. Its schema is given here: the model field
    behind `start__year` is a transform drf-spectacular cannot resolve."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class WrittenSelect(forms.Select):
    """A <select> whose options are written here rather than each through a template:
    the HTML of Django's select.html, at a fraction of the cost for a menu of a few
    hundred countries (the lists' nationality and host menus)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    option["value"],
                    _attributes(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html


def _attributes(attrs: dict) -> str:
    """HTML attributes as Django's attrs.html writes them: in order, True as a bare name,
    False left out."""
    return mark_safe(  # noqa: S308 - each attribute is escaped by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


def select_widget(choices) -> forms.Widget:
    """A <select> for a multi-valued filter on a site form (several values show as text)."""
    return type("CSVSelect", (RepeatableCSVWidget, WrittenSelect), {})(choices=choices)


def unknown_parameters(names: Iterable[str], known: Iterable[str]) -> list[str]:
    """The query parameters in `names` that a list does not know, sorted."""
    return sorted(set(names) - set(known))


def requested_facets(values: Iterable[str], filterset_class) -> tuple[list[str], list[str]]:
    """(facets asked for, unknown names) from `?facets=host,verdict` (or repeated)."""
    names = [n.strip() for value in values for n in value.split(",") if n.strip()]
    names = list(dict.fromkeys(names))
    known = getattr(filterset_class, "FACETS", {})
    return [n for n in names if n in known], [n for n in names if n not in known]


def facet_counts(filterset, names: Iterable[str]) -> dict[str, dict]:
    """{facet: {value: rows}} for a bound, valid FilterSet, most rows first.

    Each facet counts the rows that every *other* filter keeps, so its counts are what a
    reader would get by choosing that value instead (`?host=MNG&facets=host` still counts
    every host). One query per facet; a facet named `count_...` in FACETS is a method of
    the FilterSet taking the queryset (a value that is not a column, e.g. a state's
    standing). Rows without a value (no verdict yet) are not counted.
    """
    cls = type(filterset)
    data = filterset.data
    counts = {}
    for name in names:
        spec = cls.FACETS[name]
        others = data.copy()
        others.pop(name, None)
        sub = cls(data=others, queryset=filterset.queryset, request=filterset.request)
        queryset = sub.qs if sub.is_valid() else filterset.qs
        if isinstance(spec, str) and spec.startswith("count_"):
            found = getattr(sub, spec)(queryset)
        else:
            if any(
                getattr(a, "contains_aggregate", False) for a in queryset.query.annotations.values()
            ):
                # Lists that count related rows per row (persons, states): group a plain query.
                queryset = cls._meta.model.objects.filter(pk__in=queryset.values("pk"))
            rows = (
                queryset.order_by()
                .values(facet_value=F(spec) if isinstance(spec, str) else spec)
                .annotate(facet_rows=Count("pk"))
                .exclude(facet_value=None)
                .values_list("facet_value", "facet_rows")
            )
            found = dict(rows)
        counts[name] = {
            str(v): n for v, n in sorted(found.items(), key=lambda item: (-item[1], str(item[0])))
        }
    return counts
