"""Place and person suggestions for the report form (plain <datalist>s: no script needed)."""

from __future__ import annotations

import functools
import json

from core.identifiers import is_iso3
from front import gazetteer
from visits.models import Visit
from warrants.models import Person

MAX_PLACES = 300
# The person box's menu lists every person up to this many; beyond, it is filled as the
# reporter types (static/js/suggest.js), so that the form stays small at any size.
MAX_PERSONS = 300


@functools.cache
def _cities_by_country() -> dict[str, list[tuple[int, str]]]:
    """GeoNames cities (15,000 people or more) per ISO 3166-1 alpha-2 code, read once per process."""
    path = gazetteer._data_file()
    if path is None:
        return {}
    with path.open(encoding="utf-8") as handle:
        cities = json.load(handle)
    by_country: dict[str, list[tuple[int, str]]] = {}
    for city in cities.values():
        by_country.setdefault(city["countrycode"], []).append(
            (int(city.get("population", 0)), city["name"])
        )
    return {code: sorted(rows, reverse=True) for code, rows in by_country.items()}


def place_suggestions(iso3: str | None) -> list[str]:
    """Places already recorded for visits to the host `iso3` (an ISO 3166-1 alpha-3 code
    in capitals), then its largest cities (GeoNames), at most MAX_PLACES; [] for none or
    for a value that is no such code (never looked up: the form's value as sent may hold
    a NUL, which PostgreSQL cannot compare)."""
    if not is_iso3(iso3):
        return []
    known = []
    for place in Visit.objects.filter(host__iso3=iso3).values_list("place", flat=True).distinct():
        known.extend(gazetteer.split_places(place or ""))
    iso2 = gazetteer._iso2(iso3)
    cities = [name for _, name in _cities_by_country().get(iso2 or "", [])]
    seen, out = set(), []
    for name in [*sorted(set(known)), *cities]:
        key = gazetteer.normalize(name)
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out[:MAX_PLACES]


def person_choices() -> list[tuple[str, str]] | None:
    """(value typed, hint) for every person, the name with the other names as a hint, in
    the order of the names; None when there are more than `MAX_PERSONS` (the box then asks
    the persons search as the reporter types, and the server resolves what was typed)."""
    rows = list(
        Person.objects.order_by("name").values_list("name", "other_names")[: MAX_PERSONS + 1]
    )
    if len(rows) > MAX_PERSONS:
        return None
    return [(name, ", ".join(other or ())) for name, other in rows]
