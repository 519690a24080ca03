"""State filters, shared by the HTML list and the API."""

import django_filters
from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import AnyOfChoiceFilter, NamedRecord, YesNoFilter
from core.names import codes_named, country_sort_name
from core.sorting import Sorts
from states import status as treaty_status
from states.models import State, TreatyEvent, TreatyEventKind

# A state named by a filter (`?host=`, `?nationality=`, `?state=`): it must exist.
STATE = NamedRecord(
    State, "iso3", _("No state with ISO 3166-1 alpha-3 code {value!r}."), upper=True
)


def entry_into_force():
    """A state's entry into force of the Rome Statute (Art. 126): the date of its
    `entry_into_force` treaty event, None for a state that has none (one subquery)."""
    entry = TreatyEvent.objects.filter(
        state=OuterRef("pk"), kind=TreatyEventKind.ENTRY_INTO_FORCE
    ).values("date")[:1]
    return Subquery(entry)


# The states' sort keys (core.sorting): every one of them on the site's list and downloads
# (/states/) and the API's `ordering` (api.states.views.StateApiFilterSet). A state's name
# as the reader reads it, in the answer's language, accents and case folded
# (core.names.country_sort_name); its entry into force; its visits hosted and incidents,
# most first, as the site's list counts them (their expressions, which read the visits,
# are added above the data apps: front.summaries.STATE_LIST_SORTS).
STATE_SORTS = Sorts(
    {
        "name": ("sort_name",),
        "iso3": ("iso3",),
        "entry_into_force": ("entry_into_force",),
        "visits": ("-visits_count", "sort_name"),
        # The name of the column in /states.csv (the page's links say `visits`).
        "visits_hosted": ("-visits_count", "sort_name"),
        "incidents": ("-incidents_count", "sort_name"),
        "updated": ("updated_at",),
    },
    {"sort_name": country_sort_name, "entry_into_force": entry_into_force},
)


PARTY_FILTER = (
    "`true`: the states bound as States Parties on the `as_of` day (default today, UTC), "
    "whose `treaty_status.party` is true: status `party` or `withdrawing` (a withdrawal "
    "notified but not yet effective leaves the state a full party, Art. 127(1)); `false`: "
    "every other."
)


class StateFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(
        method="filter_name",
        label="Name contains (accents and case ignored; the English name or the name in any of the site's languages)",
    )
    status = AnyOfChoiceFilter(
        choices=treaty_status.Standing.choices,
        method="filter_status",
        label="Standing under the Rome Statute today (one or more)",
    )
    party = YesNoFilter(method="filter_party", label=PARTY_FILTER)

    # `status` is not a column: its counts come from the standings (see `count_status`).
    FACETS = {"status": "count_status"}

    class Meta:
        model = State
        fields = ["name"]

    def filter_name(self, queryset, name, value):
        """The dataset's (English) name contains `value`, or the state's name in one of the
        site's other languages does, whatever the reader's ("Hongrie" finds Hungary on an
        English page and in the API without `lang`, as search does), accents and case ignored."""
        if not value:
            return queryset
        matches = Q(name__unaccent__icontains=value)
        codes = {
            iso3 for language, _name in settings.LANGUAGES for iso3 in codes_named(value, language)
        }
        if codes:
            matches |= Q(iso3__in=codes)
        return queryset.filter(matches)

    def standing_day(self):
        """The day the standings are read on: today (the API's filter reads `as_of`)."""
        return timezone.localdate()

    def standings(self) -> dict[str, str]:
        """{iso3: standing} on `standing_day()` (states.status.statuses_on), read once per
        request: the site's list reads today's into `request.state_statuses` for its rows."""
        day = self.standing_day()
        known = getattr(self.request, "state_statuses", None)
        if known is not None and day == timezone.localdate():
            return known
        if getattr(self, "_standings", (None, None))[0] != day:
            self._standings = (day, treaty_status.statuses_on(day))
        return self._standings[1]

    def filter_status(self, queryset, name, value):
        # The standing follows from the treaty timeline (Arts. 126, 127), computed in one
        # place (states.status) so the site, the API and the verdicts agree.
        # States without a timeline are not parties, hence the exclusion for NON_PARTY.
        if not value:
            return queryset
        statuses = self.standings()
        wanted = set(value)
        if treaty_status.NON_PARTY in wanted:
            return queryset.exclude(iso3__in=[c for c, s in statuses.items() if s not in wanted])
        return queryset.filter(iso3__in=[c for c, s in statuses.items() if s in wanted])

    def filter_party(self, queryset, name, value):
        """`?party=true`: the states bound as States Parties on `standing_day()`, `party` or
        `withdrawing` (a withdrawal notified but not yet effective leaves the state a full
        party, Art. 127(1)), as `treaty_status.party` says; `false`: every other (none given:
        no filter). The site's list and the API's read it alike."""
        if value is None:
            return queryset
        parties = [c for c, s in self.standings().items() if s in treaty_status.BOUND_AS_PARTY]
        return queryset.filter(iso3__in=parties) if value else queryset.exclude(iso3__in=parties)

    def count_status(self, queryset) -> dict[str, int]:
        """{standing: number of these states} on `standing_day()`."""
        statuses = self.standings()
        counts: dict[str, int] = {}
        for iso3 in queryset.values_list("iso3", flat=True):
            standing = statuses.get(iso3, treaty_status.NON_PARTY)
            counts[standing] = counts.get(standing, 0) + 1
        return counts
