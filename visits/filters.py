"""Visit filters: one FilterSet shared by the HTML lists, the downloads and the API.

The identifier and choice filters take several values (`?host=MNG,TJK`, or repeated):
a visit matches any of them (core.filters). `FACETS` are what a list can count its rows
by (`?facets=host,verdict,year` on the API, counts beside the choices on the site).
"""

import datetime

import django_filters
from django.db.models import Q
from django.db.models.functions import ExtractYear

from core.filters import (
    AnyOfChoiceFilter,
    AnyOfISO3Filter,
    AnyOfSlugFilter,
    AnyOfYearFilter,
    IsoDateFilter,
    IsoDateTimeFilter,
    NamedRecordsMixin,
    PartialDateAfterFilter,
    record_ids,
)
from states.filters import STATE
from visits import tables
from visits.models import Basis, HostControl, VerdictCode, Visit, VisitStatus
from warrants.filters import PERSON, SITUATION

# What `changed_since` keeps, on the visits and the incidents feed alike.
CHANGED_SINCE = (
    "Changed at or after this moment: the visit's record or its verdict (ISO 8601, e.g. "
    "`2026-12-01T09:30:00Z`; a time without an offset is UTC, and a date alone is its "
    "midnight UTC)."
)


class HostFilter(AnyOfISO3Filter):
    """One or more host states by ISO3 code. One state is compared by its id, looked up
    first (one query on the 200 states) and written into the query as a value: the index
    on (host, start) then reads a page of that host's visits in order, and PostgreSQL
    knows how many visits that host has. Compared with a subquery instead
    (`host_id = (SELECT id ...)`), the planner guessed an average host's share: for the
    busiest host at 1M visits (112,012) it hashed all of them to find a page of its
    incidents, 200 ms where reading the feed's index in order takes 5 ms. (The API's
    visit pages bind the id as a parameter of a prepared statement, whose generic plan
    guesses again; they read a host's page on its (host, start) index either way.)"""

    def filter(self, qs, value):
        if value and len(value) == 1:
            host_id = self._host_id(value[0].upper())
            return qs.none() if host_id is None else qs.filter(host_id=host_id)
        return super().filter(qs, value)

    def _host_id(self, iso3: str) -> int | None:
        """The state's id (None for no such state), looked up once per request (a list
        applies its filters again for each facet it counts), usually already by the
        FilterSet's check of the values named (core.filters.record_ids)."""
        return record_ids(getattr(self.parent, "request", None), STATE, [iso3])[iso3]


class VisitFilterSet(NamedRecordsMixin, django_filters.FilterSet):
    """The visits' filters; a person, host or situation named must exist (a 400 naming it
    otherwise: core.filters.NamedRecordsMixin). Given the published visits, they add the
    withdrawn ones where the list holds them (`holds_withdrawn`, `listed`) before they
    narrow it."""

    person = AnyOfSlugFilter(
        field_name="person__slug", label="Person (slug; several separated by commas)"
    )
    host = HostFilter(
        field_name="host__iso3",
        label="Host state (ISO 3166-1 alpha-3; several separated by commas)",
    )
    situation = AnyOfSlugFilter(
        field_name="person__situation__slug",
        label="Situation (slug; several separated by commas)",
    )
    verdict = AnyOfChoiceFilter(
        field_name="verdict__code", choices=VerdictCode.choices, label="Verdict (one or more)"
    )
    basis = AnyOfChoiceFilter(
        field_name="verdict__basis",
        choices=Basis.choices,
        label="Basis of the obligation (one or more)",
    )
    status = AnyOfChoiceFilter(choices=VisitStatus.choices, label="Status (one or more)")
    host_control = AnyOfChoiceFilter(
        choices=HostControl.choices, label="Host's control of the place (one or more)"
    )
    year = AnyOfYearFilter(field_name="start__year", label="Starting in this year (one or more)")
    start_after = PartialDateAfterFilter(
        field_name="start",
        precision_field="start_precision",
        label="Starting on or after (a start known only to the month or year counts when that "
        "month or year reaches the day)",
    )
    start_before = IsoDateFilter(
        field_name="start",
        lookup_expr="lte",
        label="Starting on or before (a start known only to the month or year counts when that "
        "month or year begins by the day)",
    )
    changed_since = IsoDateTimeFilter(
        method="filter_changed_since",
        label=f"{CHANGED_SINCE} To keep a copy in step, give the `Changed-Until` header of "
        "the last answer read this way, not the moment of that read.",
    )

    NAMED = {"person": PERSON, "host": STATE, "situation": SITUATION}

    # Facet name -> the expression its rows are counted by.
    FACETS = {
        "person": "person__slug",
        "host": "host__iso3",
        "situation": "person__situation__slug",
        "verdict": "verdict__code",
        "basis": "verdict__basis",
        "status": "status",
        "host_control": "host_control",
        "year": ExtractYear("start"),
    }

    # The values of a facet whose choice brings rows into the list besides filtering it:
    # `verdict=withdrawn` brings in the withdrawn visits (holds_withdrawn), so its count is
    # that of the list choosing it gives, not only of the published visits whose verdict
    # it is: those, and the withdrawn visits the other filters keep (brought_in, counted
    # on their own: core.filters.facet_counts).
    WIDENING = {"verdict": (VerdictCode.WITHDRAWN,)}

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
            "year",
            "start_after",
            "start_before",
        ]

    def holds_withdrawn(self) -> bool:
        """Whether the list these filters select holds the visits withdrawn from the record
        (published, then withdrawn or rejected: Visit.objects.withdrawn) besides the
        published ones: when its `verdict` filter names `withdrawn`, or when it is read for
        what changed (`changed_since`), so that a copy kept in step learns of each visit
        withdrawn since and takes it out. Read from the validated filters (False before
        they are, or without them).

        The one rule for every list of visits: the site's /visits/ and its downloads, and
        the API's /api/v1/visits/ in JSON and CSV (`listed`), so that `/visits.csv?…` and
        `/api/v1/visits/?…&format=csv` hold the same rows (README, "Export format")."""
        data = getattr(self.form, "cleaned_data", None) or {}
        return (
            VerdictCode.WITHDRAWN in (data.get("verdict") or ())
            or data.get("changed_since") is not None
        )

    def listed(self, queryset):
        """The visits the list holds before its filters narrow it: `queryset`, published
        visits with what the list reads of each, and, when the list holds withdrawn visits
        (`holds_withdrawn`), those too, with the sources each one's withdrawal cites (a row
        shows them: tables.with_withdrawal_sources). Never narrows `queryset`."""
        if not self.holds_withdrawn():
            return queryset
        return tables.with_withdrawal_sources(queryset | Visit.objects.withdrawn())

    def filter_queryset(self, queryset):
        return self.narrowed(self.listed(queryset))

    def narrowed(self, queryset):
        """`queryset` narrowed by every filter, as the list's rows are once `listed` has
        added the withdrawn visits it holds (a FilterSet that reads a filter another way,
        the API's `as_of`, says so here)."""
        return super().filter_queryset(queryset)

    def brought_in(self, than: "VisitFilterSet"):
        """The visits this list holds and the list of `than` does not, narrowed by these
        filters (a queryset, to count): the withdrawn visits these filters keep when this
        list holds them (`holds_withdrawn`) and that of `than` does not; none otherwise.

        core.filters.facet_counts counts the verdict facet's `withdrawn` with it, `than`
        being the list without its `verdict` filter: the list choosing `withdrawn` holds
        that list's visits whose verdict is `withdrawn` (a published visit restored to the
        record, until it is evaluated again; the facet counted them) and these, never the
        same visit twice (a published visit is not withdrawn). Read from the withdrawn
        visits alone (one host's on their index, visits_visit_withdrawn_host), not by the
        list's query of the published visits or the withdrawn ones, which walked every
        withdrawn visit at 1,000,000 visits."""
        if not self.holds_withdrawn() or than.holds_withdrawn():
            return Visit.objects.none()
        return self.narrowed(Visit.objects.withdrawn())

    def filter_changed_since(self, queryset, name, value):
        # Compared in UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows.
        try:
            value = value.astimezone(datetime.UTC)
        except (
            OverflowError
        ):  # beyond year 9999 (nothing changed since) or before year 1 (everything did)
            return queryset.none() if value.utcoffset() < datetime.timedelta(0) else queryset
        return queryset.filter(Q(updated_at__gte=value) | Q(verdict__computed_at__gte=value))


class IncidentFilterSet(VisitFilterSet):
    """The visits' filters on the incidents feed, where every row's verdict is
    `non_compliance` (an incident is a visit flagged as one, docs/DOMAIN.md): `verdict`
    takes that value alone, so `?verdict=no_obligation` is a 400 naming it rather than an
    empty feed that reads as "no such incident"."""

    # No value brings a withdrawn visit in: its verdict is `withdrawn`, never an incident.
    WIDENING = {}

    verdict = AnyOfChoiceFilter(
        field_name="verdict__code",
        choices=[(VerdictCode.NON_COMPLIANCE, VerdictCode.NON_COMPLIANCE.label)],
        label="Verdict: every incident's is `non_compliance` (the only value taken)",
    )
    # The feed is continued by its cursor: it sends no `Changed-Until` (api.base.tells_changes).
    changed_since = IsoDateTimeFilter(
        method="filter_changed_since",
        label=f"{CHANGED_SINCE} A filter only: the feed sends no `Changed-Until` header. To "
        "keep up with the incidents, keep the `next` link of the last answer (or its "
        "`cursor`) and fetch it later; to learn of those that stopped being one, read "
        "`/api/v1/visits/?changed_since=`.",
    )

    def holds_withdrawn(self) -> bool:
        """Never: an incident is a published visit whose verdict is non-compliance; a list
        of incidents read for what changed learns of those withdrawn from the visits'
        (`/api/v1/visits/?changed_since=`)."""
        return False
