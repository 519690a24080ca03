"""The sorts of the visits, for the site's lists and downloads and the API's `ordering` alike
(`VISIT_SORTS`); among them by their host's name in the reader's language, and by their last
day.

A visit row holds its host's id, not its name, and the names are sorted in Python (accents
and case folded, in the active language: "Afrique du Sud" among the A in French, Côte
d'Ivoire before Croatia in English), which no index on the database's C collation can do.
So the order is given as the states' ids in name order: a sort key computed from one array
parameter (`host_sort`), and the same order as one filter per state (`host_parts`), which
core.paging reads host by host through the index on (host, start).
"""

from __future__ import annotations

from django.db.models import F, Func, IntegerField, Value
from django.db.models.functions import Coalesce

from core.names import collation_key, country_name
from core.sorting import Sorts
from states.models import State


def host_order() -> list[int]:
    """The states' primary keys in the order of their names in the active language (ties by
    key): one query over the states table (about 250 rows)."""
    states = State.objects.values_list("pk", "iso3", "name")
    ordered = sorted(states, key=lambda s: (collation_key(country_name(s[1], s[2])), s[0]))
    return [pk for pk, _iso3, _name in ordered]


def host_sort() -> Func:
    """The sort key `host_sort`: an integer, the host's position in `host_order()`
    (array_position over one array parameter), so that the database sorts exactly as
    `host_parts()` reads."""
    return Func(
        Value(host_order()), F("host_id"), function="array_position", output_field=IntegerField()
    )


def host_parts() -> list[dict]:
    """The visits sorted by host as parts, in `host_order()`: one filter (`{"host_id": pk}`)
    per state, which together hold every visit (core.paging.partitioned_keys)."""
    return [{"host_id": pk} for pk in host_order()]


def last_day() -> Coalesce:
    """The sort key `last_day` (`?ordering=end`): the visit's end, or its start when it has
    none (a one-day visit stores no end: docs/DOMAIN.md, "end defaults to start"); NULL only
    for an undated visit, which the lists put last. Read in order from two indexes of the
    published visits (migration 0028): visits_visit_last_day (earliest first) and
    visits_visit_published_last_day (latest first)."""
    return Coalesce("end", "start")


# The visits' sort keys (core.sorting), on the site's lists (/visits/, /incidents/ and their
# downloads) and the API's `ordering` (api.visits.views.VisitApiFilterSet): one host's,
# one person's or one verdict's visits oldest first, an undated one last.
VISIT_SORTS = Sorts(
    {
        "start": ("start",),
        "end": ("last_day",),  # the end, or the start of a one-day visit (last_day)
        "updated": ("updated_at",),
        "person": ("person__name", "start"),
        "host": ("host_sort", "start"),
        "verdict": ("verdict__code", "start"),
    },
    {"host_sort": host_sort, "last_day": last_day},
)
