"""Visit filters: one FilterSet shared by the HTML lists, the downloads and the API."""

import datetime

import django_filters
from django.db.models import Q

from visits.models import Basis, HostControl, VerdictCode, Visit, VisitStatus


class VisitFilterSet(django_filters.FilterSet):
    person = django_filters.CharFilter(field_name="person__slug", label="Person (slug)")
    host = django_filters.CharFilter(
        field_name="host__iso3", label="Host state (ISO 3166-1 alpha-3)", method="filter_host"
    )
    situation = django_filters.CharFilter(
        field_name="person__situation__slug", label="Situation (slug)"
    )
    verdict = django_filters.ChoiceFilter(
        field_name="verdict__code", choices=VerdictCode.choices, label="Verdict"
    )
    basis = django_filters.ChoiceFilter(
        field_name="verdict__basis", choices=Basis.choices, label="Treaty basis"
    )
    status = django_filters.ChoiceFilter(choices=VisitStatus.choices, label="Status")
    host_control = django_filters.ChoiceFilter(
        choices=HostControl.choices, label="Host's control of the place"
    )
    start_after = django_filters.DateFilter(
        field_name="start", lookup_expr="gte", label="Starting on or after"
    )
    start_before = django_filters.DateFilter(
        field_name="start", lookup_expr="lte", label="Starting on or before"
    )
    changed_since = django_filters.IsoDateTimeFilter(
        method="filter_changed_since", label="Changed since (ISO 8601)"
    )

    class Meta:
        model = Visit
        fields = [
            "person",
            "host",
            "situation",
            "verdict",
            "basis",
            "status",
            "host_control",
            "start_after",
            "start_before",
        ]

    def filter_host(self, queryset, name, value):
        return queryset.filter(host__iso3=value.upper())

    def filter_changed_since(self, queryset, name, value):
        # Compared in UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows.
        try:
            value = value.astimezone(datetime.UTC)
        except (
            OverflowError
        ):  # beyond year 9999 (nothing changed since) or before year 1 (everything did)
            return queryset.none() if value.utcoffset() < datetime.timedelta(0) else queryset
        return queryset.filter(Q(updated_at__gte=value) | Q(verdict__computed_at__gte=value))
