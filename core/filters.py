"""Multi-valued filters for the apps' FilterSets, and the rule that a list knows its parameters.

Every list (site and API) reads a filter that may hold several values the same two ways:
comma-joined (`?host=MNG,TJK`) or repeated (`?host=MNG&host=TJK`); a row matches if it
matches any of them. Each value is checked on its own (an ISO3 code, a slug, one of the
choices), so `?host=MNG,XXXX` is refused, naming `host`, rather than answering only Mongolia.

Built on django-filter's CSV filters (`BaseInFilter`), whose schema drf-spectacular writes
as an array with `style: form, explode: false`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import NamedTuple

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import connections
from django.db.models import Count, F, Model, Q
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import BaseCSVField
from django_filters.fields import IsoDateTimeField as BaseIsoDateTimeField
from django_filters.widgets import BaseCSVWidget
from drf_spectacular.utils import extend_schema_field

from core import identifiers
from core.echo import echoed, echoing_less

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
        try:
            cleaned = super().clean(value)
        except forms.ValidationError as error:
            # "Select a valid choice. <the value> is not one of…": the value cut (core.echo).
            raise echoing_less(error) from None
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
                    gettext_lazy(
                        "Use ISO 3166-1 alpha-3 codes (e.g. MNG, or MNG,TJK for several)."
                    ),
                )
            ],
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, [v.upper() for v in value] if value else value)


class WholeNumberField(forms.IntegerField):
    """An IntegerField that reads ASCII digits only (core.identifiers.whole_number), as the
    API's `page` does: `2024`, never `２０２４`, `٢٠٢٤`, `+2024`, `2024.0` or `20_24`, which
    Django's would read as 2024."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = value if type(value) is int else identifiers.whole_number(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IsoDateTimeField(BaseIsoDateTimeField):
    """An ISO 8601 date and time in ASCII digits: Django's parse_datetime, which the field
    tries first, reads `２０２６-１２-０１` (any script's digits) as 2026-12-01."""

    def to_python(self, value):
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """django-filter's ISO 8601 date-time filter, in ASCII digits only (IsoDateTimeField)."""

    field_class = IsoDateTimeField


class IsoDateField(forms.DateField):
    """A day written YYYY-MM-DD in ASCII digits (core.identifiers.iso_date), and no other
    way: Django's DateField reads its input formats with strptime, which takes any
    script's digits and an unpadded month or day (`٢٠٢٤-01-01`, `２０２４-01-01`,
    `2024-1-1`), and the locale's forms (`01/02/2024`: 2 January in English, 1 February
    in French). Anything else is a ValidationError `invalid` saying the form, in the
    active language; an empty value is None."""

    default_error_messages = {
        "invalid": gettext_lazy("Enter a day of the calendar as YYYY-MM-DD, e.g. 2024-09-02.")
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        day = identifiers.iso_date(value)
        if day is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return day


class IsoDateFilter(django_filters.DateFilter):
    """django-filter's date filter, reading YYYY-MM-DD only (IsoDateField): every date
    filter of the lists (`start_before`, `issued_before`, `date_after`, ...) and the API's
    `as_of`."""

    field_class = IsoDateField


class YesNoSelect(forms.NullBooleanSelect):
    """A yes/no menu that reads `true` and `false` only, an empty value as "either", and hands
    any other value on as it came (`maybe`, `1`, `True`) for YesNoField to refuse, where
    Django's menu reads it as "either"."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if value in (None, ""):
            return None
        return {"true": True, "false": False}.get(value, value)


class YesNoField(forms.NullBooleanField):
    """True, False or None ("either"); a value YesNoSelect could not read is an error naming
    it, never the unfiltered list."""

    widget = YesNoSelect
    default_error_messages = {
        "invalid": gettext_lazy(
            "“%(value)s” is neither true nor false: use true (yes) or false (no)."
        )
    }

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        raise forms.ValidationError(
            self.error_messages["invalid"], code="invalid", params={"value": echoed(value)}
        )


class YesNoFilter(django_filters.BooleanFilter):
    """`?name=true` or `?name=false`, as the API's schema gives its booleans; empty or absent,
    no filter. django-filter's BooleanFilter reads any other value (`?in_force=yes`) as
    "either" and answers every row; this one is a 400 naming the parameter (the API's
    filter backend refuses such a value before the form reads it, in its own words)."""

    field_class = YesNoField


@extend_schema_field({"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 9999}})
class AnyOfYearFilter(AnyOfFilter):
    """One or more years: `?year=2024,2025`. Its schema is given here: the model field
    behind `start__year` is a transform drf-spectacular cannot resolve."""

    field_class = WholeNumberField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        """Each year as a range of dates (`start >= 2024-01-01 AND start < 2025-01-01`), which
        an index on the date serves, rather than the year extracted from every row."""
        if not value:
            return qs
        field = self.field_name.removesuffix("__year")
        if field == self.field_name:
            return super().filter(qs, value)
        years = Q()
        for year in value:
            span = Q(**{f"{field}__gte": datetime.date(year, 1, 1)})
            if year < 9999:
                span &= Q(**{f"{field}__lt": datetime.date(year + 1, 1, 1)})
            years |= span
        return self.get_method(qs)(years)


class PartialDateAfterFilter(IsoDateFilter):
    """`?…_after=YYYY-MM-DD` on a date that may be known only to the month or year, stored as
    its first day beside a precision column (`precision_field`: 'day', 'month' or 'year'):
    a partial date is some day of its month or year (docs/DOMAIN.md, "Dates"), so it
    counts when that month or year reaches the day: a warrant of "2023" matches
    `issued_after=2023-06-01`, a visit of "March 2009" matches `start_after=2009-03-15`.
    The `…_before` filters (IsoDateFilter) read the stored first day with `lte`, so such a date counts on
    both sides of a day inside its period, as it may lie on either. Written as a range on
    the date (from the first of the day's year, which an index reads in order) narrowed by
    precision."""

    def __init__(self, *args, precision_field: str, **kwargs):
        self.precision_field = precision_field
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        field, precision = self.field_name, self.precision_field
        may_reach = (
            Q(**{f"{field}__gte": value})
            | Q(**{precision: "month", f"{field}__gte": value.replace(day=1)})
            | Q(**{precision: "year"})
        )
        return qs.filter(Q(**{f"{field}__gte": value.replace(month=1, day=1)}) & may_reach)


class NamedRecord(NamedTuple):
    """What a filter's values name: rows of `model` by `column` (`upper`: codes compared in
    capitals, as ISO3 codes are stored), and the error for a value nobody has, a lazy
    translation with a `{value}` placeholder."""

    model: type[Model]
    column: str
    message: str
    upper: bool = False


def known_ids(request) -> dict[tuple[str, str, str], int | None]:
    """The request's cache of the records its filters named: {(model label, column, value):
    id, or None for no such record}; a fresh dict when there is no request. A list applies
    its FilterSet again for each facet it counts: each record is looked up once."""
    if request is None:
        return {}
    known = getattr(request, "_known_identifiers", None)
    if known is None:
        known = request._known_identifiers = {}
    return known


def record_ids(request, record: NamedRecord, values: Iterable[str]) -> dict[str, int | None]:
    """{value: id, or None for no such record} for `values` of `record`'s column: one query
    for those the request has not looked up yet (known_ids)."""
    known = known_ids(request)
    label = record.model._meta.label
    values = [v.upper() if record.upper else v for v in values]
    asked = [v for v in dict.fromkeys(values) if (label, record.column, v) not in known]
    if asked:
        found = dict(
            record.model._default_manager.filter(**{f"{record.column}__in": asked}).values_list(
                record.column, "pk"
            )
        )
        for value in asked:
            known[label, record.column, value] = found.get(value)
    return {v: known[label, record.column, v] for v in values}


class NamedRecordsMixin:
    """A FilterSet whose identifier filters must name records that exist.

    `NAMED = {parameter: NamedRecord}`: after the form's own checks, each value of those
    parameters is looked up (one query per kind of record, shared with the request's other
    FilterSets through known_ids), and one that names nobody (`?person=vladimir-poutine`,
    `?host=ZZZ`) is an error on its parameter naming it, never an empty list a reader could
    publish as "no visits". Works for single-valued filters (a string) and multi-valued ones
    (a list).
    """

    NAMED: dict[str, NamedRecord] = {}

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        for name, message in self.unknown_records().items():
            self.form.add_error(name, message)
        return not self.form.errors

    def unknown_records(self) -> dict[str, str]:
        """{parameter: message} for the first value of each NAMED parameter that names nobody;
        the message is rendered when read, in the answer's language."""
        errors = {}
        for name, record in self.NAMED.items():
            value = self.form.cleaned_data.get(name)
            values = [value] if isinstance(value, str) else list(value or [])
            values = [v for v in values if v]
            if not values:
                continue
            ids = record_ids(getattr(self, "request", None), record, values)
            missing = [v for v, pk in ids.items() if pk is None]
            if missing:
                errors[name] = format_lazy(record.message, value=echoed(missing[0]))
        return errors


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
                    '\n  <option value="{}"{}>{}</option>\n',  # as the option template ends
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


def facet_counts(
    filterset, names: Iterable[str], limit: int | None = None
) -> dict[str, dict | None]:
    """{facet: {value: rows}} for a bound, valid FilterSet, most rows first.

    Each facet counts the rows that every *other* filter keeps, so its counts are what a
    reader would get by choosing that value instead (`?host=MNG&facets=host` still counts
    every host). One query per facet; a facet named `count_...` in FACETS is a method of
    the FilterSet taking the queryset (a value that is not a column, e.g. a state's
    standing). Rows without a value (no verdict yet, no basis: NULL or '') are not counted. A FilterSet with a
    `facet_spec(name, spec)` method may replace a facet's column for the request.

    A value whose choice brings rows into the list besides filtering it (`WIDENING`,
    {facet: values}, of the FilterSet: the visits' `verdict=withdrawn` brings in the
    withdrawn visits, which the list otherwise leaves out) counts the rows the FilterSet
    choosing it gives: those of that value among the rows the other filters keep, counted
    with the others, and those it brings in, counted on their own (one more query:
    _count_widening).

    With a `limit`, a facet reads at most `limit` + 1 rows, and is None when there are
    more (a site menu then shows its choices without counts); `count_...` facets are
    always counted.
    """
    cls = type(filterset)
    data = filterset.data
    counts = {}
    for name in names:
        spec = cls.FACETS[name]
        others = data.copy()
        others.pop(name, None)
        sub = cls(data=others, queryset=filterset.queryset, request=filterset.request)
        valid = sub.is_valid()
        queryset = sub.qs if valid else filterset.qs
        # A FilterSet may count a facet another way for this request (the API's visits as
        # of a past day count the verdicts as they stood then).
        spec = getattr(sub, "facet_spec", lambda name, spec: spec)(name, spec)
        if isinstance(spec, str) and spec.startswith("count_"):
            found = getattr(sub, spec)(queryset)
        else:
            if any(
                getattr(a, "contains_aggregate", False) for a in queryset.query.annotations.values()
            ):
                # Lists that count related rows per row (persons, states): group a plain query.
                queryset = cls._meta.model.objects.filter(pk__in=queryset.values("pk"))
            expression = F(spec) if isinstance(spec, str) else spec
            if limit is not None:
                found = _first_rows_by_value(queryset, expression, limit + 1)
                # Rows without a value are in the sum: it says whether there were more.
                if sum(found.values()) > limit:
                    counts[name] = None
                    continue
                found.pop(None, None)
            else:
                rows = (
                    queryset.order_by()
                    .values(facet_value=expression)
                    .annotate(facet_rows=Count("pk"))
                    .exclude(facet_value=None)
                    .values_list("facet_value", "facet_rows")
                )
                found = dict(rows)
        if not _count_widening(filterset, name, others, found, limit, sub if valid else None):
            counts[name] = None
            continue
        found.pop("", None)  # a blank value (a verdict without a basis) is no value
        counts[name] = {
            str(v): n for v, n in sorted(found.items(), key=lambda item: (-item[1], str(item[0])))
        }
    return counts


def _count_widening(filterset, name: str, others, found: dict, limit: int | None, sub=None) -> bool:
    """Counts into `found` each value of facet `name` that brings rows into the list (the
    FilterSet's `WIDENING`): the rows of the FilterSet choosing it, besides the filters
    `others`; False when one counts more than `limit` rows (the facet is then shown
    without counts, as facet_counts does for any).

    `sub`: the valid FilterSet of `others`, whose rows `found` counts by value, every one
    of them (a facet cut at `limit` is None before this). When the FilterSet choosing a
    value says which rows it holds beyond those (`brought_in(than=sub)`: the withdrawn
    visits its filters keep), its rows are the rows `found` counts for that value and
    those, counted alone (one query on the withdrawn visits only, not the list's own
    query of the published visits or the withdrawn ones); otherwise (no `sub`, no such
    method) its whole query is counted."""
    cls = type(filterset)
    for value in getattr(cls, "WIDENING", {}).get(name, ()):
        chosen = others.copy()
        chosen[name] = str(value)
        alone = cls(data=chosen, queryset=filterset.queryset, request=filterset.request)
        if not alone.is_valid():
            continue
        if sub is not None and hasattr(alone, "brought_in"):
            counted = found.get(str(value), 0)
            rows = alone.brought_in(than=sub).order_by()
            if limit is not None:
                rows = rows[: limit + 1 - counted]  # `counted` is at most `limit`
        else:
            counted, rows = 0, alone.qs.order_by()
            if limit is not None:
                rows = rows[: limit + 1]
        count = counted + rows.count()
        if limit is not None and count > limit:
            return False
        if count:
            found[str(value)] = count
        else:
            found.pop(str(value), None)
    return True


def _first_rows_by_value(queryset, expression, rows: int) -> dict:
    """{value: rows} over the first `rows` rows of `queryset` (None for rows without a
    value): one query that groups only the rows it read, whatever the table's size."""
    first = queryset.order_by().values(facet_value=expression)[:rows]
    try:
        sql, params = first.query.sql_with_params()
    except EmptyResultSet:
        return {}  # a filter no row can match (`none()`): nothing to count
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"SELECT first.facet_value, COUNT(*) FROM ({sql}) first GROUP BY 1",  # noqa: S608
            params,
        )
        return dict(cursor.fetchall())
