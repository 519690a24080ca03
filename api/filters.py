"""Filtering for the API: the apps' FilterSets, with errors in the API's shape.

Kept apart from api_common because DRF imports the filter backend while it defines its
own generic views (DEFAULT_FILTER_BACKENDS), so this module must not import them.
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend

from api.errors import InvalidFilter


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

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise InvalidFilter(
                {name: list(messages) for name, messages in filterset.errors.items()}
            )
        return filterset.qs
