"""Filtering for the API: the apps' FilterSets, with errors in the API's shape.

Kept apart from api_common because DRF imports the filter backend while it defines its
own generic views (DEFAULT_FILTER_BACKENDS), so this module must not import them.
"""

import django_filters
from django.core.validators import MaxLengthValidator, RegexValidator
from django_filters.rest_framework import DjangoFilterBackend

from api.errors import InvalidFilter
from core import identifiers

# Query parameters that name a dataset identifier, checked as the schema documents them
# (api.base.slug_parameter, iso3_parameter): a value that cannot be one is a 400, not an
# empty list.
_SLUG = [
    RegexValidator(rf"^{identifiers.SLUG}\Z", identifiers.validate_slug.message),
    MaxLengthValidator(identifiers.SLUG_MAX_LENGTH),
]
_ISO3 = [
    RegexValidator(rf"^{identifiers.ISO3_ANY_CASE}\Z", "Use an ISO 3166-1 alpha-3 code (e.g. MNG).")
]
IDENTIFIER_PARAMETERS = {
    "person": _SLUG,
    "situation": _SLUG,
    "host": _ISO3,
    "state": _ISO3,
    "signatory": _ISO3,
    "nationality": _ISO3,
}


def reject_empty_parameters(request) -> None:
    """`?situation=` is a client error (400 `invalid_filter`), not the parameter left out."""
    empty = sorted(
        name for name, values in request.query_params.lists() if any(v == "" for v in values)
    )
    if empty:
        raise InvalidFilter(
            {name: ["This parameter is empty: give it a value, or leave it out."] for name in empty}
        )


class AsOfFilter(django_filters.DateFilter):
    """`as_of` as a FilterSet field: validated (YYYY-MM-DD only) and documented; the view reads it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("method", lambda queryset, name, value: queryset)
        super().__init__(*args, **kwargs)


class ApiOrderingFilter(django_filters.OrderingFilter):
    """`?ordering=-start`: the chosen order, then the primary key so that pages never overlap."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class ApiFilterBackend(DjangoFilterBackend):
    """The app's FilterSet; invalid values answer 400 with the parameter named."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            for name, validators in IDENTIFIER_PARAMETERS.items():
                if isinstance(filterset.filters.get(name), django_filters.CharFilter):
                    filterset.form.fields[name].validators.extend(validators)
        return filterset

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
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
            raise InvalidFilter(
                {name: list(messages) for name, messages in filterset.errors.items()}
            )
        return filterset.qs
