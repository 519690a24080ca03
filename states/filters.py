"""State filters, shared by the HTML list and the API."""

import django_filters

from states.models import State


class StateFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name contains")

    class Meta:
        model = State
        fields = ["name"]
