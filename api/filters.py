"""Filtering for the API: the apps' FilterSets, with errors in the API's shape.

Kept apart from api_common because DRF imports the filter backend while it defines its
own generic views (DEFAULT_FILTER_BACKENDS), so this module must not import them.
"""

import re

import django_filters
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django_filters.constants import EMPTY_VALUES
from django_filters.rest_framework import DjangoFilterBackend

from api.errors import InvalidFilter
from core import sorting
from core.echo import echoed, echoing_less
from core.filters import (
    IsoDateFilter,
    RepeatableCSVField,
    facet_counts,
    requested_facets,
    unknown_parameters,
)
from core.sorting import Sorts


def _holds_no_value(value: str) -> bool:
    """'' , ' ', ',' or ' , ': a value that names nothing once split on commas and stripped
    (the lists read `?host=MNG,TJK` as two values, so `?host=,` is none)."""
    return not value.replace(",", " ").strip()


def reject_empty_parameters(request) -> None:
    """`?situation=`, `?host=,` or `?person=%20` is a client error (400 `invalid_filter`),
    not the parameter left out: a filter that names nothing never answers the whole list."""
    empty = sorted(
        name
        for name, values in request.query_params.lists()
        if any(_holds_no_value(v) for v in values)
    )
    if empty:
        raise InvalidFilter(
            {
                name: [
                    "This parameter is empty (or holds only commas and spaces): "
                    "give it a value, or leave it out."
                ]
                for name in empty
            }
        )


def _repeatable(filterset_class, name: str) -> bool:
    """Whether `name` may be given several times: the multi-valued filters (`?host=MNG&host=TJK`,
    core.filters.RepeatableCSVField), the ordering and `facets`."""
    if name == FACETS:
        return True
    found = getattr(filterset_class, "base_filters", {}).get(name)
    field_class = getattr(found, "field_class", None)
    return isinstance(field_class, type) and issubclass(field_class, RepeatableCSVField)


def reject_repeated_parameters(request, filterset_class) -> None:
    """`?page=1&page=2` or `?page_size=5&page_size=300` is a 400 `invalid_filter`: a parameter
    that takes one value is never read from the last of several."""
    repeated = sorted(
        name
        for name, values in request.query_params.lists()
        if len(values) > 1 and not _repeatable(filterset_class, name)
    )
    if repeated:
        raise InvalidFilter(
            {name: ["This parameter takes one value: give it once."] for name in repeated}
        )


# Parameters every list reads besides its FilterSet's (pagination adds its own).
GENERAL_PARAMETERS = ("format", "lang", "facets")
FACETS = "facets"


def reject_unknown_parameters(request, known, what: str = "list") -> None:
    """`?hosts=MNG` is a 400 `invalid_filter` naming `hosts`, never the whole list
    unfiltered; `what` is what the address answers with ("list", "record")."""
    unknown = unknown_parameters(request.query_params.keys(), known)
    if unknown:
        raise InvalidFilter(
            {
                name: [
                    f"This {what} has no such parameter. Its parameters are: "
                    + ", ".join(sorted(known))
                    + "."
                ]
                for name in unknown
            }
        )


def check_parameters(request, known=None, *, filterset_class=None, what: str = "list") -> None:
    """Unknown (when the `known` parameters are given), empty and repeated parameters, all
    reported in one 400 `invalid_filter` (each parameter by the first check it fails, an
    unknown one as unknown even when also empty), so a client fixes its query in one go
    rather than one refusal at a time. `filterset_class` says which parameters may be
    repeated; `what` is what the address answers with ("list", "record", "schema")."""
    checks = [
        lambda: reject_empty_parameters(request),
        lambda: reject_repeated_parameters(request, filterset_class),
    ]
    if known is not None:
        checks.insert(0, lambda: reject_unknown_parameters(request, known, what))
    errors: dict = {}
    for check in checks:
        try:
            check()
        except InvalidFilter as refused:
            for name, messages in refused.detail.items():
                errors.setdefault(name, messages)
    if errors:
        raise InvalidFilter(errors)


def facets_from(request, filterset_class) -> list[str]:
    """The facets asked for with `?facets=host,verdict`; an unknown one, or one asked for
    twice (`facets=host,host`), is a 400."""
    given = [n.strip() for v in request.query_params.getlist(FACETS) for n in v.split(",")]
    repeated = [n for n in dict.fromkeys(given) if n and given.count(n) > 1]
    if repeated:
        raise InvalidFilter(
            {
                FACETS: [
                    f"{echoed(', '.join(map(repr, repeated)))} asked for more than once: "
                    "name each facet once."
                ]
            }
        )
    names, unknown = requested_facets(request.query_params.getlist(FACETS), filterset_class)
    if unknown:
        offered = ", ".join(getattr(filterset_class, "FACETS", {})) or "none"
        raise InvalidFilter(
            {
                FACETS: [
                    f"No facet {echoed(', '.join(map(repr, unknown)))}: this list offers {offered}."
                ]
            }
        )
    return names


def facets_of(view) -> dict | None:
    """{facet: {value: rows}} for the facets the request asks for, over the filtered rows."""
    filterset = getattr(view, "applied_filterset", None)
    names = facets_from(view.request, type(filterset)) if filterset is not None else []
    return facet_counts(filterset, names) if names else None


class AsOfFilter(IsoDateFilter):
    """`as_of` as a FilterSet field: validated (YYYY-MM-DD only, core.filters.IsoDateField)
    and documented; the view reads it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("method", lambda queryset, name, value: queryset)
        super().__init__(*args, **kwargs)


class SortKeysField(RepeatableCSVField):
    """The keys of `?ordering=` (comma-joined or repeated), each one of the list's; a key
    given twice or both ways (`start,start`, `start,-start`) is a ValidationError
    (core.sorting.check_keys), never the second dropped."""

    def clean(self, value):
        cleaned = super().clean(value)
        given = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
        sorting.check_keys([v for v in given or () if v])
        return cleaned


# What each member of `?ordering=` is called in the schema's list of choices: the order it
# gives, a count's by how many (ApiOrderingFilter.build_choices).
ASCENDING = gettext_lazy("{key} (ascending)")
DESCENDING = gettext_lazy("{key} (descending)")
MOST_FIRST = gettext_lazy("{key} (most first)")
FEWEST_FIRST = gettext_lazy("{key} (fewest first)")


class ApiOrderingFilter(django_filters.OrderingFilter):
    """`?ordering=person,-end` (or repeated): the chosen keys of the list's `Sorts`
    (core.sorting), the same definitions as the site's list of the same rows, tie-breakers
    and the primary key after them, so that an API file and the site's list in the same
    order agree row for row, and pages never overlap."""

    base_field_class = SortKeysField

    def __init__(self, *args, sorts: Sorts, **kwargs):
        """`sorts`: the list's keys, every one the site's list of the same rows takes
        (`VISIT_SORTS`, `front.summaries.STATE_LIST_SORTS`), in the order the schema lists
        them."""
        self.sorts = sorts
        kwargs["fields"] = tuple((key, key) for key in sorts)
        # The schema's words for a list that says no more of its keys than their choices.
        kwargs.setdefault(
            "label", "Sort keys, comma-separated or repeated, `-` before one to reverse its order."
        )
        super().__init__(*args, **kwargs)

    def build_choices(self, fields, labels):
        """[(member, label)]: each key, then its reverse (`name`, `-name`), in the keys'
        order, each label saying the order that member gives. A count key lists the most
        first (core.sorting.Sorts.most_first): `visits` "Visits (most first)", `-visits`
        "Visits (fewest first)"; any other key `name` "Name (ascending)", `-name` "Name
        (descending)". django-filter labelled every `-key` "(descending)", which `-visits`
        is not. `fields` is {field: key}, `labels` {key or -key: label}, both as
        django_filters.OrderingFilter passes them."""
        choices = []
        for key in fields.values():
            name = labels.get(key) or gettext_lazy(pretty_name(key))
            if self.sorts.most_first(key):
                orders = (MOST_FIRST, FEWEST_FIRST)
            else:
                orders = (ASCENDING, DESCENDING)
            for member, order in zip((key, f"-{key}"), orders, strict=True):
                choices.append((member, labels.get(member) or format_lazy(order, key=name)))
        return choices

    def fewest_first(self, member: str) -> bool:
        """Whether `member` (`-visits`, `name`) lists the fewest first: a count key reversed,
        which is no descending order (a generated client's name for it says so)."""
        return member.startswith("-") and self.sorts.most_first(member[1:])

    def filter(self, qs, value):
        """Order by the chosen keys (core.sorting.Sorts.order_by): a key's tie-breakers after
        the last key, then the primary key; a missing value (an undated visit's `start`)
        last in either direction, as on the site. Names that are no column (the host's or
        a state's name in the answer's language) are annotated in the active language."""
        keys = [key for key in value or () if key not in EMPTY_VALUES]
        if not keys:
            return qs
        qs = self.sorts.annotated(qs, keys)
        return qs.order_by(*self.sorts.order_by(keys, qs.model))


def _with_the_choices(filterset, name: str, error: ValidationError) -> str:
    """An error's message; for a value that is none of a filter's choices (`?verdict=foo`,
    `?referred_to=asp`, `?ordering=size`), with the choices it could have been, as an unknown
    parameter or facet is answered."""
    message = " ".join(error.messages)
    if error.code != "invalid_choice":
        return message
    field = filterset.form.fields.get(name)
    choices = [str(value) for value, _label in getattr(field, "choices", ()) if value != ""]
    if not choices:
        return message
    return f"{message} Choose from: {', '.join(choices)}."


# A date and time whose offset's "+" arrived as a space: "2026-12-02T18:03:45 01:00".
_UNENCODED_OFFSET = re.compile(r"T\d\d:\d\d(:\d\d(\.\d+)?)? \d\d:?\d\d$")


def _with_a_hint(filterset, request, name: str, message: str) -> str:
    """A date and time whose offset's `+` was not percent-encoded reaches the server with a
    space in its place (`?changed_since=2026-12-02T18:03:45+01:00`): say so, for a
    date-time filter only."""
    value = request.query_params.get(name, "")
    is_datetime = isinstance(filterset.filters.get(name), django_filters.DateTimeFilter)
    if is_datetime and _UNENCODED_OFFSET.search(value):
        return (
            f"{message} A '+' in a query string reads as a space: write the offset as %2B "
            "(2026-12-02T18:03:45%2B01:00), or give the time in UTC with Z "
            "(2026-12-02T17:03:45Z)."
        )
    return message


class ApiFilterBackend(DjangoFilterBackend):
    """The app's FilterSet; invalid values answer 400 with the parameter named (each
    identifier filter checks its own values: core.filters.AnyOfSlugFilter, AnyOfISO3Filter)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if FACETS not in request.query_params and not any(
            name in filterset_class.base_filters for name in request.query_params
        ):
            # No filter, ordering or facet asked for: a FilterSet would validate no value
            # and return the queryset as it is (each filter leaves it alone without a
            # value), after building its form (about 1 ms).
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        # The schema's booleans are `true` or `false`: django-filter would read anything else
        # (`?in_force=0.3`) as "no filter".
        booleans = {
            name: ["Use true or false."]
            for name, value in request.query_params.items()
            if isinstance(filterset.filters.get(name), django_filters.BooleanFilter)
            and value not in ("true", "false")
        }
        if booleans:
            raise InvalidFilter(booleans)
        if not filterset.is_valid():
            # In English, as every message of the API is (Django's own, such as "Select a
            # valid choice", would otherwise follow `?lang=fr` into an English sentence).
            with translation.override("en"):
                errors = {
                    name: [
                        _with_a_hint(
                            filterset,
                            request,
                            name,
                            _with_the_choices(filterset, name, echoing_less(e)),
                        )
                        for e in messages.as_data()
                    ]
                    for name, messages in filterset.errors.items()
                }
            raise InvalidFilter(errors)
        view.applied_filterset = filterset  # for ?facets= (api.base)
        return filterset.qs
