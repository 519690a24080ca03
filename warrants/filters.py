"""Person and warrant filters, shared by the HTML lists and the API.

Identifier and choice filters take several values (`?situation=ukraine,darfur-sudan`, or
repeated): a row matches any of them (core.filters).
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import (
    AnyOfChoiceFilter,
    AnyOfISO3Filter,
    AnyOfSlugFilter,
    IsoDateFilter,
    NamedRecord,
    NamedRecordsMixin,
    PartialDateAfterFilter,
    YesNoFilter,
)
from core.names import sort_name
from core.sorting import Sorts
from states.filters import STATE
from warrants.models import Person, PersonStatus, Situation, Warrant

# A person or situation named by a filter: it must exist (core.filters.NamedRecordsMixin).
PERSON = NamedRecord(Person, "slug", _("No person with slug {value!r}."))
SITUATION = NamedRecord(Situation, "slug", _("No situation with slug {value!r}."))

# The persons' and the warrants' sort keys (core.sorting): every one of them on the site's
# lists and downloads (/persons/, /warrants/) and the API's `ordering` (api.warrants.views).
# Names with accents and case folded (core.names.sort_name); a person's trips and incidents
# most first, as the site's list counts them (their expressions, which read the visits, are
# added above the data apps: front.summaries.PERSON_LIST_SORTS).
PERSON_SORTS = Sorts(
    {
        "name": ("sort_name",),
        "situation": ("situation__name", "sort_name"),
        "status": ("status", "sort_name"),
        "visits": ("-visits_count", "sort_name"),
        "incidents": ("-incidents_count", "sort_name"),
        "updated": ("updated_at",),
    },
    {"sort_name": lambda: sort_name("name")},
)
WARRANT_SORTS = Sorts(
    {
        "issued": ("issued",),
        "person": ("person_sort_name", "issued"),
        "made_public": ("made_public",),
        "ended": ("ended",),
        "updated": ("updated_at",),
    },
    {"person_sort_name": lambda: sort_name("person__name")},
)


class PersonFilterSet(NamedRecordsMixin, django_filters.FilterSet):
    situation = AnyOfSlugFilter(
        field_name="situation__slug", label="Situation (slug; several separated by commas)"
    )
    status = AnyOfChoiceFilter(choices=PersonStatus.choices, label="Status (one or more)")
    nationality = AnyOfISO3Filter(
        field_name="nationality__iso3", label="Nationality (ISO3; several separated by commas)"
    )

    NAMED = {"situation": SITUATION, "nationality": STATE}

    FACETS = {
        "situation": "situation__slug",
        "status": "status",
        "nationality": "nationality__iso3",
    }

    class Meta:
        model = Person
        fields = ["situation", "status", "nationality"]


class WarrantFilterSet(NamedRecordsMixin, django_filters.FilterSet):
    person = AnyOfSlugFilter(
        field_name="person__slug", label="Person (slug; several separated by commas)"
    )
    situation = AnyOfSlugFilter(
        field_name="person__situation__slug",
        label="Situation (slug; several separated by commas)",
    )
    issued_after = PartialDateAfterFilter(
        field_name="issued",
        precision_field="issued_precision",
        label="Issued on or after (a date known only to the month or year counts when that "
        "month or year reaches the day)",
    )
    issued_before = IsoDateFilter(
        field_name="issued",
        lookup_expr="lte",
        label="Issued on or before (a date known only to the month or year counts when that "
        "month or year begins by the day)",
    )
    in_force = YesNoFilter(
        method="filter_in_force",
        label="Still in force (today, UTC: issued or made public, and not ended before today)",
    )

    NAMED = {"person": PERSON, "situation": SITUATION}

    FACETS = {"person": "person__slug", "situation": "person__situation__slug"}

    class Meta:
        model = Warrant
        fields = ["person", "situation", "issued_after", "issued_before", "in_force"]

    def filter_in_force(self, queryset, name, value):
        """`?in_force=true`: the warrants in force today (UTC), the last day of an ended one
        counting; `false`: the others (Warrant.in_force_on)."""
        return queryset.in_force(timezone.localdate(), value)
