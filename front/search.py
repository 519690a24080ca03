"""Search: people (names, other names), states (names, ISO codes) and visits, ranked, with why.

What a reader means decides the results: a person's name finds that person and their
trips, a state's name the state and the visits it hosted, a city (in any spelling) the
visits there, a word of an occasion the visits on that occasion. Persons come first,
then states, then visits; each visit says why it was found (`reason`: the person, the
place, the host, or the occasion) and with which words (`matched`).

Three PostgreSQL techniques, each for what it is good at:

* full-text search (`to_tsvector('simple', ...) @@ websearch_to_tsquery(...)`) finds whole
  words in any order ("Bashir", "Khalkhin Gol"); the 'simple' configuration does not
  stem, since these are names, not English prose;
* trigram similarity (pg_trgm) tolerates typos and hyphens ("al-Bashir", "Bashier",
  "Ulaanbatar") by measuring how well the query fits some stretch of a name;
* both run on `f_unaccent(lower(...))`, so "Cote d'Ivoire" finds Côte d'Ivoire.

An occasion is prose that mentions other people ("talks with Bashar al-Assad"): it is
matched on whole words only, never by similarity, so "bashir" does not find a visit to
Damascus through "Bashar", and a person's trips outrank visits that merely mention them.

A city is stored once in one spelling ("Ulaanbaatar"), and no amount of typo
tolerance turns "Ulan Bator" into it. The other spellings come from GeoNames (see
front.gazetteer): the query is compared with every alternate name of every visit
place in one small table, and the visits at the matching places are found by host
and place.

At scale (a million visits) each way a visit can match is its own indexed lookup:
GIN indexes on the place's trigrams and on the place's and the occasion's words
(visits migration 0011), the foreign keys for a person's trips and a host's visits.
Four queries whatever the data: the places (cached; see place_aliases), then one per
kind of result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext as _

from front import gazetteer
from visits.models import Visit
from warrants.models import Person, PersonStatus

THRESHOLD = 0.5
MAX_QUERY_LENGTH = 200
LIMIT = 50
MAX_NAMES = 10  # names a list's person box resolves at once (one search each)
# Whose trips and which hosts' visits a search lists: the best-matching few, so that a
# query close to many names ("Person 12" among thousands) stays a bounded lookup.
TRIP_PERSONS = 5
HOST_STATES = 3
KINDS = ("person", "state", "visit")

# Why a visit was found, in the order a reader would expect.
REASONS = ("person", "place", "host", "occasion")


@dataclass
class Results:
    query: str
    persons: list[dict] = field(default_factory=list)
    states: list[dict] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.persons) + len(self.states) + len(self.visits)


def clean(query: str | None) -> str:
    """The query with runs of whitespace collapsed, cut to MAX_QUERY_LENGTH characters."""
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def _rows(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# The query, normalised once; written out in full where an index must see a constant.
_TEXT = "f_unaccent(lower(%(q)s))"
_TSQ = f"websearch_to_tsquery('simple', {_TEXT})"

_PERSONS_MATCHED = f"""
    SELECT p.id, d.score
    FROM warrants_person p
    CROSS JOIN LATERAL (
        SELECT f_unaccent(lower(p.name || ' ' || array_to_string(p.other_names, ' '))) AS doc
    ) t
    CROSS JOIN LATERAL (
        SELECT to_tsvector('simple', t.doc) @@ {_TSQ} AS words,
               word_similarity({_TEXT}, t.doc) AS similar
    ) m
    CROSS JOIN LATERAL (SELECT greatest(CASE WHEN m.words THEN 1.0 ELSE 0 END, m.similar) AS score) d
    WHERE m.words OR m.similar >= %(threshold)s
"""

_STATES_MATCHED = f"""
    SELECT st.id, d.score
    FROM states_state st
    CROSS JOIN LATERAL (
        SELECT upper(%(q)s) = st.iso3 AS code,
               to_tsvector('simple', f_unaccent(lower(st.name))) @@ {_TSQ} AS words,
               word_similarity({_TEXT}, f_unaccent(lower(st.name))) AS similar
    ) m
    CROSS JOIN LATERAL (
        SELECT greatest(CASE WHEN m.code THEN 2.0 WHEN m.words THEN 1.0 ELSE 0 END, m.similar) AS score
    ) d
    WHERE m.code OR m.words OR m.similar >= %(threshold)s
"""

_PERSONS = f"""
    WITH matched AS ({_PERSONS_MATCHED})
    SELECT p.slug, p.name, p.other_names, p.status, s.name AS situation, matched.score,
           n.iso3 AS nationality, n.name AS nationality_name,
           (SELECT count(*) FROM visits_visit v
            WHERE v.person_id = p.id AND v.review_state = %(verified)s) AS visits
    FROM matched
    JOIN warrants_person p ON p.id = matched.id
    JOIN warrants_situation s ON s.id = p.situation_id
    LEFT JOIN states_state n ON n.id = p.nationality_id
    ORDER BY matched.score DESC, p.name
    LIMIT %(limit)s
"""

_STATES = f"""
    WITH matched AS ({_STATES_MATCHED})
    SELECT st.iso3, st.name, matched.score
    FROM matched
    JOIN states_state st ON st.id = matched.id
    ORDER BY matched.score DESC, st.name
    LIMIT %(limit)s
"""

# Each way a visit can match is a separate branch that an index serves; a visit found
# several ways keeps its best reason.
_VISITS = f"""
    WITH persons AS ({_PERSONS_MATCHED} ORDER BY d.score DESC, p.id LIMIT %(trip_persons)s),
    states AS ({_STATES_MATCHED} ORDER BY d.score DESC, st.id LIMIT %(host_states)s),
    aliases AS (
        SELECT a.iso3, a.place,
               (array_agg(a.alias ORDER BY a.score DESC))[1] AS alias,
               max(a.score) AS score
        FROM (
            SELECT a.iso3, a.place, a.alias,
                   greatest(similarity({_TEXT}, f_unaccent(lower(a.alias))),
                            word_similarity(f_unaccent(lower(a.alias)), {_TEXT})) AS score
            FROM unnest(%(alias_iso3)s::text[], %(alias_place)s::text[], %(alias)s::text[])
                 AS a(iso3, place, alias)
        ) a
        WHERE a.score >= %(threshold)s
        GROUP BY a.iso3, a.place
    ),
    candidates AS (
        SELECT v.id, persons.score + 1.0 AS score, 'person' AS reason, '' AS matched
        FROM persons JOIN visits_visit v ON v.person_id = persons.id
      UNION ALL
        SELECT v.id, 1.0, 'place', v.place
        FROM visits_visit v
        WHERE to_tsvector('simple', f_unaccent(lower(v.place))) @@ {_TSQ}
      UNION ALL
        SELECT v.id, word_similarity({_TEXT}, f_unaccent(lower(v.place))), 'place', v.place
        FROM visits_visit v
        WHERE {_TEXT} <%% f_unaccent(lower(v.place))
      UNION ALL
        SELECT v.id, aliases.score, 'place', aliases.alias
        FROM aliases
        JOIN states_state h ON h.iso3 = aliases.iso3
        JOIN visits_visit v ON v.host_id = h.id AND v.place = aliases.place
      UNION ALL
        SELECT v.id, least(states.score, 1.0) * 0.8, 'host', ''
        FROM states JOIN visits_visit v ON v.host_id = states.id
      UNION ALL
        SELECT v.id, 0.6, 'occasion', ''
        FROM visits_visit v
        WHERE to_tsvector('simple', f_unaccent(lower(v.occasion))) @@ {_TSQ}
    ),
    best AS (
        SELECT DISTINCT ON (id) id, score, reason, matched
        FROM candidates
        ORDER BY id, score DESC, array_position(%(reasons)s::text[], reason)
    )
    SELECT v.slug, v.place, v.occasion, v.start, v.start_precision, v."end", v.end_precision, v.status,
           p.name AS person, p.slug AS person_slug, h.name AS host, h.iso3 AS host_iso3,
           vd.code AS verdict, best.score, best.reason, best.matched
    FROM best
    JOIN visits_visit v ON v.id = best.id
    JOIN warrants_person p ON p.id = v.person_id
    JOIN states_state h ON h.id = v.host_id
    LEFT JOIN visits_verdict vd ON vd.visit_id = v.id
    WHERE v.review_state = %(verified)s
    ORDER BY best.score DESC, v.start DESC NULLS LAST, v.slug
    LIMIT %(limit)s
"""


ALIASES_CACHE_SECONDS = 600


def place_aliases() -> list[tuple[str, str, str]]:
    """(host ISO3, stored place, other spelling) for every published visit place.

    Reading every distinct place takes a pass over the visits (a second at a million), so
    the list is cached (core.cache fails open) under the highest visit id: a new visit
    brings its place at once; a place edited on an existing visit is matched by its other
    spellings within ALIASES_CACHE_SECONDS (its stored spelling, at once). One query when
    cached, two when not.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM visits_visit")
        (newest,) = cursor.fetchone()
    key = f"search:place-aliases:v1:{newest}"
    rows = cache.get(key)
    if rows is None:
        rows = _place_aliases()
        cache.set(key, rows, ALIASES_CACHE_SECONDS)
    return rows


def _place_aliases() -> list[tuple[str, str, str]]:
    # order_by(): without it the model's ordering joins the DISTINCT, one row per visit.
    pairs = set(
        Visit.objects.published()
        .exclude(place="")
        .order_by()
        .values_list("host__iso3", "place")
        .distinct()
    )
    resolved = gazetteer.resolve(pairs)
    rows = []
    for iso3, place in sorted(pairs):
        for part in gazetteer.split_places(place):
            found = resolved.get((iso3, part))
            if found:
                rows.extend((iso3, place, alias) for alias in (found.name, *found.aliases))
    return rows


def reason_text(row: dict) -> str:
    """Why a visit was found, for a reader: "the person's name", "the place (Ulan Bator)", ..."""
    if row["reason"] == "person":
        return _("the person’s name")
    if row["reason"] == "place":
        return _("the place (%(name)s)") % {"name": row["matched"] or row["place"]}
    if row["reason"] == "host":
        return _("the host state")
    return _("words of the occasion")


def search(query: str, *, limit: int = LIMIT, kinds: tuple[str, ...] = KINDS) -> Results:
    """Persons, states and published visits matching `query`, best first (at most `limit` each).

    `kinds` narrows the search (`("person",)` for a person box's suggestions). Persons
    carry `score` and their number of published `visits`; visits carry `score`,
    `reason` (one of REASONS) and `matched` (the spelling of the place that matched).
    """
    query = clean(query)
    results = Results(query=query)
    if not query:
        return results
    params = {"q": query, "threshold": THRESHOLD, "limit": limit, "verified": "verified"}
    aliases = place_aliases() if "visit" in kinds else []
    if "person" in kinds:
        results.persons = _rows(_PERSONS, params)
        for person in results.persons:
            person["status_label"] = PersonStatus(person["status"]).label
    if "state" in kinds:
        results.states = _rows(_STATES, params)
    if "visit" in kinds:
        results.visits = _rows(
            _VISITS,
            {
                **params,
                "reasons": list(REASONS),
                "trip_persons": TRIP_PERSONS,
                "host_states": HOST_STATES,
                "alias_iso3": [a[0] for a in aliases],
                "alias_place": [a[1] for a in aliases],
                "alias": [a[2] for a in aliases],
            },
        )
        for visit in results.visits:
            visit["reason_text"] = reason_text(visit)
    return results


def resolve_person_names(data) -> dict[str, list[str]]:
    """Rewrites `person` in a list's query data from what a reader typed to slugs.

    A slug of a person stays; anything else (a name, part of one, another spelling) becomes
    the slug of the best-matching person. Returns {"person": [message]} when some value
    matches nobody; changes nothing when there is no `person`.
    """
    raw = [v.strip() for value in data.getlist("person") for v in value.split(",") if v.strip()]
    if not raw:
        return {}
    existing = set(Person.objects.filter(slug__in=raw).values_list("slug", flat=True))
    if len(set(raw) - existing) > MAX_NAMES:
        return {"person": [_("Give at most %(max)d names.") % {"max": MAX_NAMES}]}
    slugs, missing = [], []
    for value in raw:
        if value in existing:
            slugs.append(value)
            continue
        found = search(value, limit=1, kinds=("person",)).persons
        if found:
            slugs.append(found[0]["slug"])
        else:
            missing.append(value)
    if missing:
        return {
            "person": [
                _("No person matches “%(text)s”. Try another spelling, or leave it empty.")
                % {"text": missing[0]}
            ]
        }
    data.setlist("person", [",".join(dict.fromkeys(slugs))])
    return {}
