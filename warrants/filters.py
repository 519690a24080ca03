"""Person and warrant filters, shared by the HTML lists and the API."""

import django_filters

from warrants.models import Person, PersonStatus, Warrant


class PersonFilterSet(django_filters.FilterSet):
    situation = django_filters.CharFilter(field_name="situation__slug", label="Situation (slug)")
    status = django_filters.ChoiceFilter(choices=PersonStatus.choices, label="Status")
    nationality = django_filters.CharFilter(
        field_name="nationality__iso3", label="Nationality (ISO3)"
    )

    class Meta:
        model = Person
        fields = ["situation", "status", "nationality"]


class WarrantFilterSet(django_filters.FilterSet):
    person = django_filters.CharFilter(field_name="person__slug", label="Person (slug)")
    situation = django_filters.CharFilter(
        field_name="person__situation__slug", label="Situation (slug)"
    )
    issued_after = django_filters.DateFilter(
        field_name="issued", lookup_expr="gte", label="Issued on or after"
    )
    issued_before = django_filters.DateFilter(
        field_name="issued", lookup_expr="lte", label="Issued on or before"
    )
    in_force = django_filters.BooleanFilter(
        field_name="ended", lookup_expr="isnull", label="Still in force"
    )

    class Meta:
        model = Warrant
        fields = ["person", "situation", "issued_after", "issued_before", "in_force"]
