"""Place and person suggestions for the report form (plain <datalist>s: no script needed)."""

from __future__ import annotations

import functools
import json

from front import gazetteer, search
from visits.models import Visit
from warrants.models import Person

MAX_PLACES = 300


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
    """Places already recorded for visits to the host, then its largest cities (GeoNames)."""
    if not iso3:
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


def person_choices() -> list[tuple[str, str]]:
    """(value typed, hint) for every person: the name, with the other names as a hint."""
    return [
        (name, ", ".join(other or ()))
        for name, other in Person.objects.order_by("name").values_list("name", "other_names")
    ]


def find_persons(text: str) -> list[Person]:
    """Persons whose slug, name or other names match what was typed: exact first, then
    partial, then as the public lists and search read a name (front.search: words in any
    order, part of a full name, close spellings; "Vladimir Putin" for Vladimir
    Vladimirovich Putin): the best-scoring matches, all of them when they tie."""
    text = (text or "").strip()
    if not text:
        return []
    key = gazetteer.normalize(text)
    persons = list(Person.objects.order_by("name"))

    def spellings(p: Person) -> list[str]:
        return [gazetteer.normalize(s) for s in (p.slug, p.name, *(p.other_names or ()))]

    exact = [p for p in persons if key in spellings(p)]
    if exact:
        return exact
    partial = [p for p in persons if any(key in s for s in spellings(p))]
    if partial:
        return partial
    found = search.search(text, limit=8, kinds=("person",)).persons
    if not found:
        return []
    best = max(p["score"] for p in found)
    slugs = {p["slug"] for p in found if p["score"] >= best}
    return [p for p in persons if p.slug in slugs]
