"""Site search: people (names, other names), states (names, ISO codes) and visits (place, occasion).

Three PostgreSQL techniques, each for what it is good at:

* full-text search (`to_tsvector('simple', ...) @@ websearch_to_tsquery(...)`) finds whole
  words in any order ("Bashir", "Khalkhin Gol"); the 'simple' configuration does not
  stem, since these are names, not English prose;
* trigram similarity (pg_trgm's `word_similarity`) tolerates typos and hyphens
  ("al-Bashir", "Bashier") by measuring how well the query fits some stretch of
  the text;
* both run on `f_unaccent(lower(...))`, so "Cote d'Ivoire" finds Côte d'Ivoire.

A city is stored once in one spelling ("Ulaanbaatar"), and no amount of typo
tolerance turns "Ulan Bator" into it. The other spellings come from GeoNames (see
front.gazetteer): the query is compared with every alternate name of every visit
place in one small table, and the visits at the matching places are found by host
and place. Four queries whatever the data: the places, then one per kind of result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from front import gazetteer
from visits.models import Visit
from warrants.models import PersonStatus

THRESHOLD = 0.5
MAX_QUERY_LENGTH = 200
LIMIT = 25


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
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def _rows(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


_QUERY = """
    q AS (SELECT f_unaccent(lower(%(q)s)) AS text,
                 websearch_to_tsquery('simple', f_unaccent(lower(%(q)s))) AS tsq)
"""

_PERSONS = f"""
    WITH {_QUERY}
    SELECT p.slug, p.name, p.other_names, p.status, s.name AS situation,
           n.iso3 AS nationality, n.name AS nationality_name, d.score
    FROM warrants_person p
    JOIN warrants_situation s ON s.id = p.situation_id
    LEFT JOIN states_state n ON n.id = p.nationality_id
    CROSS JOIN q
    CROSS JOIN LATERAL (
        SELECT f_unaccent(lower(p.name || ' ' || array_to_string(p.other_names, ' '))) AS doc
    ) t
    CROSS JOIN LATERAL (
        SELECT to_tsvector('simple', t.doc) @@ q.tsq AS words,
               word_similarity(q.text, t.doc) AS similar
    ) m
    CROSS JOIN LATERAL (SELECT greatest(CASE WHEN m.words THEN 1.0 ELSE 0 END, m.similar) AS score) d
    WHERE m.words OR m.similar >= %(threshold)s
    ORDER BY d.score DESC, p.name
    LIMIT %(limit)s
"""

_STATES = f"""
    WITH {_QUERY}
    SELECT st.iso3, st.name, d.score
    FROM states_state st
    CROSS JOIN q
    CROSS JOIN LATERAL (
        SELECT upper(%(q)s) = st.iso3 AS code,
               to_tsvector('simple', f_unaccent(lower(st.name))) @@ q.tsq AS words,
               word_similarity(q.text, f_unaccent(lower(st.name))) AS similar
    ) m
    CROSS JOIN LATERAL (
        SELECT greatest(CASE WHEN m.code THEN 2.0 WHEN m.words THEN 1.0 ELSE 0 END, m.similar) AS score
    ) d
    WHERE m.code OR m.words OR m.similar >= %(threshold)s
    ORDER BY d.score DESC, st.name
    LIMIT %(limit)s
"""

_VISITS = f"""
    WITH {_QUERY},
    aliases AS (
        SELECT a.iso3, a.place,
               max(greatest(similarity(q.text, f_unaccent(lower(a.alias))),
                            word_similarity(f_unaccent(lower(a.alias)), q.text))) AS score
        FROM unnest(%(alias_iso3)s::text[], %(alias_place)s::text[], %(alias)s::text[]) AS a(iso3, place, alias)
        CROSS JOIN q
        GROUP BY a.iso3, a.place
        HAVING max(greatest(similarity(q.text, f_unaccent(lower(a.alias))),
                            word_similarity(f_unaccent(lower(a.alias)), q.text))) >= %(threshold)s
    )
    SELECT v.slug, v.place, v.occasion, v.start, v.start_precision, v."end", v.end_precision, v.status,
           p.name AS person, p.slug AS person_slug, h.name AS host, h.iso3 AS host_iso3,
           vd.code AS verdict, d.score, al.iso3 IS NOT NULL AS by_alias
    FROM visits_visit v
    JOIN warrants_person p ON p.id = v.person_id
    JOIN states_state h ON h.id = v.host_id
    LEFT JOIN visits_verdict vd ON vd.visit_id = v.id
    LEFT JOIN aliases al ON al.iso3 = h.iso3 AND al.place = v.place
    CROSS JOIN q
    CROSS JOIN LATERAL (
        SELECT to_tsvector('simple', f_unaccent(lower(v.place || ' ' || v.occasion))) @@ q.tsq AS words,
               word_similarity(q.text, f_unaccent(lower(v.place))) AS similar_place,
               word_similarity(q.text, f_unaccent(lower(v.occasion))) AS similar_occasion
    ) m
    CROSS JOIN LATERAL (
        SELECT greatest(CASE WHEN m.words THEN 1.0 ELSE 0 END, m.similar_place,
                        m.similar_occasion * 0.9, coalesce(al.score, 0)) AS score
    ) d
    WHERE v.review_state = %(verified)s
      AND (m.words OR m.similar_place >= %(threshold)s OR m.similar_occasion >= %(threshold)s
           OR al.iso3 IS NOT NULL)
    ORDER BY d.score DESC, v.start DESC NULLS LAST, v.slug
    LIMIT %(limit)s
"""


def place_aliases() -> list[tuple[str, str, str]]:
    """(host ISO3, stored place, other spelling) for every published visit place. One query."""
    pairs = set(
        Visit.objects.published().exclude(place="").values_list("host__iso3", "place").distinct()
    )
    resolved = gazetteer.resolve(pairs)
    rows = []
    for iso3, place in sorted(pairs):
        for part in gazetteer.split_places(place):
            found = resolved.get((iso3, part))
            if found:
                rows.extend((iso3, place, alias) for alias in (found.name, *found.aliases))
    return rows


def search(query: str, *, limit: int = LIMIT) -> Results:
    """Persons, states and published visits matching `query`, best first."""
    query = clean(query)
    results = Results(query=query)
    if not query:
        return results
    params = {"q": query, "threshold": THRESHOLD, "limit": limit}
    aliases = place_aliases()
    results.persons = _rows(_PERSONS, params)
    for person in results.persons:
        person["status_label"] = PersonStatus(person["status"]).label
    results.states = _rows(_STATES, params)
    results.visits = _rows(
        _VISITS,
        {
            **params,
            "verified": "verified",
            "alias_iso3": [a[0] for a in aliases],
            "alias_place": [a[1] for a in aliases],
            "alias": [a[2] for a in aliases],
        },
    )
    return results
