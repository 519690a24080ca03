"""Counting the site's summaries ahead of its readers.

Every summary (core.pagecache.summary) is counted once per data version: after a write
the previous count is served while one thread recounts. Only when the cache holds none
(a new deployment, an emptied Redis) does the first reader of a page wait for its counts
in the request: at 1,000,000 visits the home page then took 1.19 s and the busiest
country's page 1.02 s. `warm()` counts them all before anyone asks: the home page's,
the lists of states and persons', and each state's and person's page and chart (and
the map of a person with more trips than the page lists); and it
resolves every published place in the gazetteer, which the search and the maps read.
"""

from __future__ import annotations

from collections.abc import Callable

from core import pagecache
from front import charts, maps, search, summaries
from front.views import home
from states.models import State
from warrants.models import Person


def summaries_to_count() -> list[tuple[str, Callable[[], object]]]:
    """(name, function) for each summary of the site, the site-wide ones first, then every
    state's and person's; each function counts its summary unless already current."""
    work: list[tuple[str, Callable[[], object]]] = [
        # Every published place resolved in the gazetteer (kept in the cache for good): the
        # first search after a deployment would otherwise read the file in its request
        # (1.4 s at 1M visits on an emptied Redis).
        ("places", search.place_list),
        ("home", home.home_counts),
        ("chart:incidents", charts.incidents_summary),
        ("list-counts:host", lambda: summaries.list_summary("host")),
        ("list-counts:person", lambda: summaries.list_summary("person")),
    ]
    for state in State.objects.order_by("iso3"):
        work.append((f"state {state.iso3}", lambda s=state: summaries.state_counts(s)))
        work.append((f"chart of {state.iso3}", lambda s=state: charts.record_summary(s)))
    for person in Person.objects.order_by("slug"):
        work.append((f"person {person.slug}", lambda p=person: summaries.person_counts(p)))
        work.append((f"chart of {person.slug}", lambda p=person: charts.trips_summary(p)))
        work.append((f"map of {person.slug}", lambda p=person: _map_summary(p)))
    return work


def _map_summary(person) -> None:
    """The shades of the person's map over all the trips (maps.person_host_shades), for a
    person whose page draws the latest trips only: the others' maps need none."""
    if summaries.person_counts(person)[0].total > summaries.LATEST_TRIPS:
        maps.person_host_shades(person)


def warm(progress: Callable[[int, int, str], None] | None = None) -> int:
    """Count every summary not yet current for the data version, one after another in this
    thread (a stale one too: core.pagecache.counting_now); returns how many there are.
    `progress(done, total, name)` is called after each."""
    work = summaries_to_count()
    with pagecache.counting_now():
        for done, (name, count) in enumerate(work, start=1):
            count()
            if progress:
                progress(done, len(work), name)
    return len(work)
