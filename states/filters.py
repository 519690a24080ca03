"""State filters, shared by the HTML list and the API."""

import django_filters
from django.utils import timezone

from states import status as treaty_status
from states.models import State


class StateFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label="Name contains"
    )
    status = django_filters.ChoiceFilter(
        choices=treaty_status.Standing.choices,
        method="filter_status",
        label="Standing under the Rome Statute today",
    )

    class Meta:
        model = State
        fields = ["name"]

    def filter_status(self, queryset, name, value):
        # The standing follows from the treaty timeline (Arts. 126, 127), computed in one
        # place (states.status) so the site, the API and the verdicts agree.
        # States without a timeline are not parties, hence the exclusion for NON_PARTY.
        statuses = treaty_status.statuses_on(timezone.localdate())
        if value == treaty_status.NON_PARTY:
            return queryset.exclude(iso3__in=[c for c, s in statuses.items() if s != value])
        return queryset.filter(iso3__in=[c for c, s in statuses.items() if s == value])
