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
front.gazetteer). Places are therefore matched on the list of distinct (host, place)
pairs with their number of visits and their other spellings (place_list, cached), not
on each visit: a place is scored once, however many visits it has.

At scale (a million visits) the work is bounded whatever the query, be it one letter, a
word in every occasion or a place with 100,000 visits: each way a visit can match
yields only its best `limit` visits (its best is the latest, read in order off an index
of the published visits and stopped there: visits migrations 0016 and 0018), so the best
of their union are the best of all the matches; nothing is counted or ranked over every match. Three queries
whatever the data: the persons (whose best few also give the trips listed), the states,
the visits; a fourth reads the places once per data version (place_list), and one more
asks, when a person only sounds like the query, whether it names a state or a place
(_names_state_or_place), before their trips are ranked first.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import pagecache
from core.echo import echoed
from core.names import collation_key, local_names
from front import gazetteer, summaries
from front.listing import Choices
from visits.models import CHANGES_A_VERDICT_SQL, Visit
from warrants.models import Person, PersonStatus

THRESHOLD = 0.5
# The score of a person found only by how the query sounds (_PERSONS_MATCHED), plus a
# twentieth of their similarity: below THRESHOLD, so every match by spelling ranks first;
# their trips rank after those of persons found by spelling, and before the places, hosts
# and occasions found, as any person's trips do (_VISITS); they are left out when the
# query is a state's name or code ("Bhutan" sounds like Putin) or a place's name.
SOUNDS_SCORE = 0.45
# How close a place's own spelling must be (word similarity): pg_trgm's default for `<%`.
PLACE_THRESHOLD = 0.6
MAX_QUERY_LENGTH = 200
LIMIT = 50
MAX_NAMES = 10  # names a list's person box resolves at once (one search each)
# How many of the persons a name matches equally well a person box's error names.
AMBIGUOUS_NAMES = 5
# Whose trips and which hosts' visits a search lists: the best-matching few, so that a
# query close to many names ("Person 12" among thousands) stays a bounded lookup.
TRIP_PERSONS = 5
HOST_STATES = 3
# How many of the latest published visits are read in order for a word of their occasions
# (a word in `limit` of them needs no other read).
RECENT_OCCASIONS = 1000
# Otherwise at most this many visits with the word are read through the words index, then
# sorted; a word in this many visits or more is read instead among the published visits
# in order, until `limit` are found.
OCCASION_HITS = 5000
# Places of one score holding more visits than this are read in the order of all the
# published visits (a hashed test of each visit's place), not place by place.
CROWDED_PLACES = 2000
KINDS = ("person", "state", "visit")

# Why a visit was found, in the order a reader would expect.
REASONS = ("person", "place", "host", "occasion")


@dataclass
class Results:
    """What a search found: persons, then states, then visits, each a dict for the page."""

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
def _fold(expression: str) -> str:
    """SQL folding `expression`'s case and accents as f_unaccent(lower(...)) does, but
    calling unaccent itself: f_unaccent, a function around it (so that indexes may use
    it), costs as much again per call where no index is concerned (persons, states,
    places, the latest occasions)."""
    return f"public.unaccent('public.unaccent'::regdictionary, lower({expression}))"


_TEXT = _fold("%(q)s")
_TSQ = f"websearch_to_tsquery('simple', {_TEXT})"


def _bare(expression: str) -> str:
    """SQL of `expression` folded (`_fold`) with every run of other characters than letters
    and digits made one space, trimmed: a name as a whole, however it is punctuated
    ("Guinea-Bissau" is "guinea bissau", "Côte d’Ivoire" "cote d ivoire")."""
    return f"btrim(regexp_replace({_fold(expression)}, '[^[:alnum:]]+', ' ', 'g'))"


_BARE = _bare("%(q)s")

# A person is also found by how the query sounds: when each of its words (`sounded_words`:
# three Latin letters or more, not a particle) has a Double Metaphone code, primary or
# alternate, of the word or of the word with "y" for "j" (`word_sounds`), shared with a
# word of the person's names (`sounds`, warrants migrations 0005 and 0007), as another
# language spells a name: "Vladimir Poutine", "Béchir", "Choïgou", "Benyamin". Every word
# must sound like one of the person's, so "Vladimir Guerassimov" finds neither Putin nor
# Valery Gerasimov. Such a person scores below every match by spelling (SOUNDS_SCORE).
_PERSONS_MATCHED = f"""
    WITH spoken AS MATERIALIZED (
        SELECT public.word_sounds(w.word) AS codes
        FROM public.sounded_words(%(q)s) AS w(word)
    )
    SELECT p.id, d.score, d.named, m.words, m.sounds
    FROM warrants_person p
    CROSS JOIN LATERAL (
        SELECT {_fold("p.name || ' ' || array_to_string(p.other_names, ' ')")} AS doc
        OFFSET 0  -- computed once per person, not once per use
    ) t
    CROSS JOIN LATERAL (
        SELECT to_tsvector('simple', t.doc) @@ {_TSQ} AS words,
               word_similarity({_TEXT}, t.doc) AS similar,
               EXISTS (SELECT 1 FROM spoken)
                   AND NOT EXISTS (SELECT 1 FROM spoken WHERE NOT spoken.codes && p.sounds) AS sounds
        OFFSET 0  -- once per person, for the filter and the score alike
    ) m
    CROSS JOIN LATERAL (
        SELECT greatest(CASE WHEN m.words THEN 1.0 ELSE 0 END, m.similar,
                        CASE WHEN m.sounds THEN %(sounds_score)s + 0.05 * m.similar ELSE 0 END)
               AS score,
               -- The query is the person's whole name or one of their other names: first
               -- among those whose names hold its words (only those are compared).
               CASE WHEN m.words THEN EXISTS (
                   SELECT 1 FROM unnest(array_prepend(p.name, p.other_names)) AS n
                   WHERE {_bare("n")} = {_BARE}
               ) ELSE false END AS named
    ) d
    WHERE m.words OR m.similar >= %(threshold)s OR m.sounds
"""

# A state is found by its dataset (English) name and by its names in the site's other
# languages, whatever the reader's (`local_names`: JSON [[ISO3, name], ...]): "Hongrie",
# "Afrique du Sud".
# A state near in spelling is listed only when none matches exactly (a whole word or its
# code): "Hongrie" finds Hungary, not Hong Kong beside it; "Hongri" finds both. Persons
# keep their near spellings beside an exact match: a name is transliterated many ways
# ("Sergey" is one person's exact name and another's "Sergei"). A state's near spelling is
# measured on whole words (strict_word_similarity): a stretch across words let "putin"
# find Saint Martin through "…tin (french p…" and "kony" Hong Kong. A query whose every
# word begins a word of the name ("Tajik", "Afgh") is measured on that stretch
# (word_similarity), as a shortened name is.
_STATES_MATCHED = f"""
    SELECT st.id, d.score, d.named FROM (
        SELECT st.id, d.score, m.code OR m.words AS exact, bool_or(m.code OR m.words) OVER () AS any_exact,
               -- The query is the state's whole name, English or another language's
               -- (only compared where its words are the name's).
               CASE WHEN m.words
                    THEN {_BARE} = ANY(array_prepend({_bare("st.name")}, coalesce(local.names, '{{}}')))
                    ELSE false END AS named
        FROM states_state st
        LEFT JOIN (
            SELECT e->>0 AS iso3, string_agg(e->>1, ' ') AS name,
                   array_agg({_bare("e->>1")}) AS names
            FROM json_array_elements(%(local_names)s::json) AS e
            GROUP BY 1
        ) local ON local.iso3 = st.iso3
        CROSS JOIN LATERAL (
            SELECT {_fold("st.name || ' ' || coalesce(local.name, '')")} AS doc
            OFFSET 0  -- computed once per state
        ) t
        CROSS JOIN LATERAL (
            SELECT upper(%(q)s) = st.iso3 AS code,
                   to_tsvector('simple', t.doc) @@ {_TSQ} AS words,
                   CASE WHEN %(prefixes)s <> ''
                             AND to_tsvector('simple', t.doc) @@ to_tsquery('simple', %(prefixes)s)
                        THEN word_similarity({_TEXT}, t.doc)
                        ELSE strict_word_similarity({_TEXT}, t.doc)
                   END AS similar
        ) m
        CROSS JOIN LATERAL (
            SELECT greatest(CASE WHEN m.code THEN 2.0 WHEN m.words THEN 1.0 ELSE 0 END, m.similar) AS score
        ) d
        WHERE m.code OR m.words OR m.similar >= %(threshold)s
    ) d
    JOIN states_state st ON st.id = d.id
    WHERE d.exact OR NOT d.any_exact
"""

# Whether the query is a state's own name or code, or a published place's own name or
# one of its other spellings (what scores 1.0 in _STATES and _VISITS): a search that reads
# only persons (a person box, the API's `kind=person`) asks it to leave out persons who
# merely sound like the query ("Bhutan" sounds like Putin), as a search of every kind does.
_NAMES_STATE_OR_PLACE = f"""
    SELECT EXISTS (SELECT 1 FROM ({_STATES_MATCHED}) s WHERE s.score >= 1.0)
        OR EXISTS (
            SELECT 1 FROM json_array_elements_text(%(spellings)s::json) AS place
            WHERE to_tsvector('simple', {_fold("place")}) @@ {_TSQ}
               OR word_similarity({_TEXT}, {_fold("place")}) >= 1.0
        )
        OR EXISTS (
            SELECT 1 FROM json_array_elements(%(aliases)s::json) AS e
            WHERE greatest(similarity({_TEXT}, {_fold("e->>2")}),
                           word_similarity({_fold("e->>2")}, {_TEXT})) >= 1.0
        ) AS named
"""

_PERSONS = f"""
    WITH matched AS ({_PERSONS_MATCHED})
    SELECT p.id, p.slug, p.name, p.other_names, p.status, s.name AS situation, matched.score,
           matched.words, matched.sounds,
           n.iso3 AS nationality, n.name AS nationality_name,
           (SELECT count(*) FROM visits_visit v
            WHERE v.person_id = p.id AND v.review_state = %(verified)s) AS visits
    FROM matched
    JOIN warrants_person p ON p.id = matched.id
    JOIN warrants_situation s ON s.id = p.situation_id
    LEFT JOIN states_state n ON n.id = p.nationality_id
    ORDER BY matched.score DESC, matched.named DESC, p.name, p.id
    LIMIT %(limit)s
"""

# The states found: a code first, then a state's whole name ("Soudan": Sudan before South
# Sudan, "Congo": the Republic of the Congo before the Democratic Republic), then the
# states whose names hold the query's words, then near spellings; each group in the order
# of the names the page shows (`page_names`: JSON [[ISO3, name], ...] in the reader's
# language, [] in English, whose names are the dataset's).
_STATES = f"""
    WITH matched AS ({_STATES_MATCHED})
    SELECT st.iso3, st.name, matched.score
    FROM matched
    JOIN states_state st ON st.id = matched.id
    LEFT JOIN (
        SELECT e->>0 AS iso3, e->>1 AS name FROM json_array_elements(%(page_names)s::json) AS e
    ) page ON page.iso3 = st.iso3
    ORDER BY matched.score DESC, matched.named DESC, {_fold("coalesce(page.name, st.name)")},
             st.iso3
    LIMIT %(limit)s
"""

# The order of the visits found, within a kind of match: the latest first. Indexes of the
# published visits hold this order (visits migration 0018: a place's, in full; 0016: all
# of them and a host's, by start, whose ties on a day are sorted by slug as they are
# read), so each branch below reads its first %(limit)s visits off an index and stops,
# however many visits match.
_ORDER = "v.start DESC NULLS LAST, v.slug"
_VERIFIED = "v.review_state = %(verified)s"

# Each way a visit can match is a separate branch, each bounded: it yields at most
# %(limit)s visits, its best in the final order (score, then the latest), so the best
# %(limit)s of their union are the best %(limit)s of all the matches. A visit found
# several ways keeps its best reason.
#
# Places are matched on the list of distinct (host, place) pairs (place_list(), cached),
# never on each visit: their words, their trigrams and their other spellings (GeoNames)
# score a place once, whatever the number of its visits. Only the best-scoring places are
# then read, each through the index on (host, place, order), until they hold %(limit)s
# visits: "City 17" matching 70 % of a million synthetic visits reads a few hundred.
_VISITS = f"""
    WITH persons AS (
        SELECT * FROM unnest(%(trip_ids)s::bigint[], %(trip_scores)s::float8[]) AS t(id, score)
    ),
    states AS ({_STATES_MATCHED} ORDER BY d.score DESC, d.named DESC, st.id LIMIT %(host_states)s),
    pairs AS (
        SELECT e->>0 AS iso3, e->>1 AS place, (e->>2)::int AS visits
        FROM json_array_elements(%(places)s::json) AS e
    ),
    spellings AS MATERIALIZED (
        SELECT s.place,
               greatest(CASE WHEN to_tsvector('simple', s.doc) @@ {_TSQ} THEN 1.0 ELSE 0 END,
                        word_similarity({_TEXT}, s.doc)) AS score
        FROM (
            SELECT place, {_fold("place")} AS doc FROM json_array_elements_text(%(spellings)s::json) AS place
        ) s
    ),
    scored AS MATERIALIZED (
        SELECT DISTINCT ON (m.iso3, m.place) m.iso3, m.place, m.score, m.matched
        FROM (
            SELECT p.iso3, p.place, sp.score, p.place AS matched, 0 AS alias
            FROM pairs p JOIN spellings sp ON sp.place = p.place
            WHERE sp.score >= %(place_threshold)s
          UNION ALL
            SELECT a.iso3, a.place, a.score, a.alias, 1
            FROM (
                SELECT a.iso3, a.place, a.alias,
                       greatest(similarity({_TEXT}, {_fold("a.alias")}),
                                word_similarity({_fold("a.alias")}, {_TEXT})) AS score
                FROM (
                    SELECT e->>0 AS iso3, e->>1 AS place, e->>2 AS alias
                    FROM json_array_elements(%(aliases)s::json) AS e
                ) a
            ) a
            WHERE a.score >= %(threshold)s
        ) m
        -- Of the spellings that match as well, the place's own, then the one the reader
        -- typed ("Moscou", not "Moscòu" beside it), then the first in order.
        ORDER BY m.iso3, m.place, m.score DESC, m.alias,
                 m.matched = %(q)s DESC, {_fold("m.matched")} = {_TEXT} DESC, m.matched
    ),
    -- The visits of places scoring strictly better than a place's: a place whose betters
    -- already hold `limit` visits cannot be among the first `limit`.
    grades AS MATERIALIZED (
        SELECT g.score, g.visits, sum(g.visits) OVER (ORDER BY g.score DESC) - g.visits AS ahead
        FROM (
            SELECT s.score, sum(p.visits) AS visits
            FROM scored s JOIN pairs p ON p.iso3 = s.iso3 AND p.place = s.place
            GROUP BY s.score
        ) g
    ),
    places AS MATERIALIZED (
        SELECT h.id AS host_id, s.place, s.score, s.matched, g.visits AS grade_visits
        FROM scored s
        JOIN grades g ON g.score = s.score
        JOIN states_state h ON h.iso3 = s.iso3
        WHERE g.ahead < %(limit)s
    ),
    -- Places of one score holding many visits ("city": every "City N"): their latest
    -- visits are read in the order of all visits, not place by place; only the last score
    -- kept can hold more than `limit` visits.
    crowded AS MATERIALIZED (
        SELECT host_id, place, score, matched FROM places WHERE grade_visits > %(crowded)s
    ),
    -- A word of the occasions: first looked for among the latest RECENT_OCCASIONS published visits,
    -- read in order (the pages a site reads most); a common word ends there.
    recent_occasions AS MATERIALIZED (
        SELECT v.id FROM (
            SELECT v.id, v.occasion, v.start, v.slug FROM visits_visit v
            WHERE {_VERIFIED}
            ORDER BY {_ORDER} LIMIT %(recent)s
        ) v
        WHERE to_tsvector('simple', {_fold("v.occasion")}) @@ {_TSQ}
        ORDER BY {_ORDER} LIMIT %(limit)s
    ),
    -- Otherwise the visits with the words, up to OCCASION_HITS of them, through the words
    -- index. (The words come from a subquery: the planner cannot guess how many visits
    -- they find, so it reads the index rather than every visit.)
    -- Only published visits count towards the cap (OFFSET 0 keeps the words index as the
    -- way in; the rows stream through the filter until the cap).
    occasion_hits AS MATERIALIZED (
        SELECT v.id, v.start, v.slug, v.review_state FROM (
            SELECT v.id, v.start, v.slug, v.review_state FROM visits_visit v
            WHERE to_tsvector('simple', f_unaccent(lower(v.occasion))) @@ (SELECT {_TSQ})
                  AND (SELECT count(*) FROM recent_occasions) < %(limit)s
            OFFSET 0
        ) v
        WHERE {_VERIFIED}
        LIMIT %(occasion_cap)s
    ),
    candidates AS (
        -- A person's trips first, however the person matched: a trip of a person the
        -- query names, in spelling or in sound, ranks above every visit found another way
        -- (1 more than the best of those, 1.0), a name spelt (1.5 to 2) before one sounding
        -- alike (1.45 to 1.5): "Bachir" lists al-Bashir's trips before a visit to Baku (in
        -- GeoNames "Bacu", a near spelling).
        (SELECT v.id, persons.score + 1.0 AS score, 'person' AS reason, '' AS matched
         FROM persons JOIN visits_visit v ON v.person_id = persons.id
         WHERE {_VERIFIED}
         ORDER BY 2 DESC, {_ORDER} LIMIT %(limit)s)
      UNION ALL
        -- (A place is never empty, as the index of the places' visits says: it holds only
        -- the published visits with a place, and is used only by queries that say so.)
        (SELECT v.id, places.score, 'place', places.matched
         FROM places CROSS JOIN LATERAL (
             SELECT v.id, v.start, v.slug FROM visits_visit v
             WHERE v.host_id = places.host_id AND v.place = places.place AND v.place <> ''
                   AND {_VERIFIED}
             ORDER BY {_ORDER} LIMIT %(limit)s
         ) v
         WHERE places.grade_visits <= %(crowded)s
         ORDER BY 2 DESC, {_ORDER} LIMIT %(limit)s)
      UNION ALL
        -- (IS TRUE keeps the test a hashed lookup for each visit read in order: the planner
        -- cannot make it a join, which would read every place's visits, then sort them. The
        -- test whether there are crowded places at all stays outside the LIMIT, so that
        -- nothing below it starts, not even parallel workers, when there are none.)
        (SELECT v.id, crowded.score, 'place', crowded.matched
         FROM (
             SELECT v.id, v.host_id, v.place FROM visits_visit v
             WHERE {_VERIFIED}
                   AND ((v.host_id, v.place::text) IN (SELECT host_id, place FROM crowded)) IS TRUE
             ORDER BY {_ORDER} LIMIT %(limit)s
         ) v
         JOIN crowded ON crowded.host_id = v.host_id AND crowded.place = v.place
         WHERE (SELECT count(*) FROM crowded) > 0)
      UNION ALL
        (SELECT v.id, least(states.score, 1.0) * 0.8, 'host', ''
         FROM states CROSS JOIN LATERAL (
             SELECT v.id, v.start, v.slug FROM visits_visit v
             WHERE v.host_id = states.id AND {_VERIFIED}
             ORDER BY {_ORDER} LIMIT %(limit)s
         ) v
         ORDER BY 2 DESC, {_ORDER} LIMIT %(limit)s)
      UNION ALL
        (SELECT id, 0.6, 'occasion', '' FROM recent_occasions)
      UNION ALL
        -- Fewer than OCCASION_HITS: all of them are sorted.
        (SELECT v.id, 0.6, 'occasion', ''
         FROM occasion_hits v
         WHERE {_VERIFIED} AND (SELECT count(*) FROM occasion_hits) < %(occasion_cap)s
         ORDER BY {_ORDER} LIMIT %(limit)s)
      UNION ALL
        -- OCCASION_HITS or more (a word in fewer than `limit` of the latest RECENT_OCCASIONS
        -- published visits, but in thousands of older ones): read among the published visits
        -- in order until `limit` are found. The test stays outside the LIMIT: when it fails
        -- (nearly always) nothing below it starts, not even parallel workers.
        (SELECT v.id, 0.6, 'occasion', ''
         FROM (
             SELECT v.id FROM visits_visit v
             WHERE to_tsvector('simple', {_fold("v.occasion")}) @@ (SELECT {_TSQ}) AND {_VERIFIED}
             ORDER BY {_ORDER} LIMIT %(limit)s
         ) v
         WHERE (SELECT count(*) FROM occasion_hits) >= %(occasion_cap)s)
    ),
    best AS (
        SELECT DISTINCT ON (id) id, score, reason, matched
        FROM candidates
        ORDER BY id, score DESC, array_position(%(reasons)s::text[], reason)
    )
    SELECT v.slug, v.place, v.occasion, v.text_language, v.start, v.start_precision, v."end",
           v.end_precision, v.end_known, v.status,
           p.name AS person, p.slug AS person_slug, h.name AS host, h.iso3 AS host_iso3,
           vd.code AS verdict, vd.would_have_been_bound, best.score, best.reason, best.matched,
           -- Whether the verdict awaits re-evaluation (visits.models.reevaluation_pending):
           -- a look into the outbox's primary key for each of the few rows found.
           EXISTS (SELECT 1 FROM visits_evaluationrequest er
                   WHERE er.visit_id = v.id AND {CHANGES_A_VERDICT_SQL}) AS reevaluation_pending
    FROM best
    JOIN visits_visit v ON v.id = best.id
    JOIN warrants_person p ON p.id = v.person_id
    JOIN states_state h ON h.id = v.host_id
    LEFT JOIN visits_verdict vd ON vd.visit_id = v.id
    ORDER BY best.score DESC, v.start DESC NULLS LAST, v.slug
    LIMIT %(limit)s
"""


# The places' lists, a summary of the data (core.pagecache.summary): kept under the data
# version every write moves, so a place edited on an existing visit is seen as soon as a
# new visit is.
PLACES_SUMMARY = "search:places:v3"


def place_list() -> tuple[list[tuple[str, str, int]], list[tuple[str, str, str]]]:
    """The places search matches: (host ISO3, place, published visits) for every distinct
    published place, and (host ISO3, place, other spelling) for those GeoNames knows.

    Reading every distinct place takes a pass over the visits (a second at a million), so
    the lists are a summary (core.pagecache.summary): kept under the data version, which
    every write a public page shows moves (a new visit, a place edited on an existing one,
    a visit published or withdrawn), and counted again for the next. After a write, in
    production, the previous lists serve while one thread reads the new ones, and an
    answer built from them is marked as not final (neither the API's nor any page's cache
    keeps it, nor gives it the version's ETag); elsewhere they are read in the request.
    Without a data version (no Redis, the page cache off) they are read on every search:
    a copy kept in one process's memory would never hear of another process's write. No
    query when kept, one when read.
    """
    return pagecache.summary(PLACES_SUMMARY, _place_list)


def place_aliases() -> list[tuple[str, str, str]]:
    """(host ISO3, stored place, other spelling) for every published visit place (cached
    with place_list())."""
    return place_list()[1]


def _place_list() -> tuple[list[tuple[str, str, int]], list[tuple[str, str, str]]]:
    # order_by(): without it the model's ordering joins the DISTINCT, one row per visit.
    counted = (
        Visit.objects.published()
        .exclude(place="")
        .order_by()
        .values_list("host__iso3", "place")
        .annotate(visits=Count("id"))
        .distinct()
    )
    places = sorted(counted)
    pairs = {(iso3, place) for iso3, place, _visits in places}
    resolved = gazetteer.resolve(pairs)
    aliases = []
    for iso3, place, _visits in places:
        for part in gazetteer.split_places(place):
            found = resolved.get((iso3, part))
            if found:
                aliases.extend((iso3, place, alias) for alias in (found.name, *found.aliases))
    return places, aliases


def prefixes(query: str) -> str:
    """`query` as a tsquery of word prefixes, case and accents folded ("Tadj ik" ->
    "tadj:* & ik:*"), for the states' match; '' for a query without a letter or digit.
    Only letters and digits reach it, so no tsquery operator can."""
    words = re.findall(r"[^\W_]+", gazetteer.normalize(clean(query)))
    return " & ".join(f"{word}:*" for word in words)


def visit_params(query: str, *, limit: int = LIMIT, trip_persons=()) -> dict:
    """The parameters of the visits query (_VISITS) for `query`, a dict of its 16 names.

    `trip_persons` are the (id, score) of the persons whose trips it lists, best first
    (TRIP_PERSONS at most). The places go as JSON text, one parameter each, whatever their
    number: `places` [[host ISO3, place, published visits], ...] for every distinct
    published place (thousands at a million visits), `spellings` [place, ...] their
    distinct names, `aliases` [[host ISO3, place, other spelling], ...]. The bounds:
    `limit` visits at most, read from at most `host_states` hosts, `recent` latest
    visits, `occasion_cap` visits of a word's index, `crowded` visits place by place.
    """
    places, aliases = place_list()
    return {
        "q": clean(query),
        "prefixes": prefixes(query),
        "local_names": _local_names_json(),
        "threshold": THRESHOLD,
        "place_threshold": PLACE_THRESHOLD,
        "limit": limit,
        "verified": "verified",
        "reasons": list(REASONS),
        "trip_ids": [p[0] for p in trip_persons],
        "trip_scores": [float(p[1]) for p in trip_persons],
        "host_states": HOST_STATES,
        # As JSON: one parameter each, read at once by the server (arrays of thousands of
        # strings cost more to send than the whole search).
        "places": json.dumps(places),
        "spellings": json.dumps(sorted({p[1] for p in places})),
        "aliases": json.dumps(aliases),
        "occasion_cap": OCCASION_HITS,
        "recent": RECENT_OCCASIONS,
        "crowded": CROWDED_PLACES,
    }


def _local_names_json() -> str:
    """The countries' names in each of the site's languages but English (the dataset's own)
    as the searches' `local_names` parameter, whatever the reader's language: "Hongrie"
    finds Hungary on an English page and in the API's default answer too."""
    return _names_json(tuple(code for code, _name in settings.LANGUAGES if code != "en"))


def _page_names() -> str:
    """The countries' names in the reader's language as the states' search orders them
    (`page_names`): JSON [[ISO3, name], ...]; "[]" in English, where the page shows the
    dataset's names."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return "[]" if language == "en" else _names_json((language,))


@functools.lru_cache(maxsize=8)
def _names_json(languages: tuple[str, ...]) -> str:
    pairs = [list(pair) for language in languages for pair in local_names(language)]
    return json.dumps(pairs, ensure_ascii=False)


def reason_text(row: dict) -> str:
    """Why a visit was found, for a reader: "the person's name", "the place (Ulan Bator)", ..."""
    if row["reason"] == "person":
        return _("the person’s name")
    if row["reason"] == "place":
        return _("the place (%(name)s)") % {
            "name": summaries.place_words(row["matched"] or row["place"])
        }
    if row["reason"] == "host":
        return _("the host state")
    return _("words of the occasion")


def search(query: str, *, limit: int = LIMIT, kinds: tuple[str, ...] = KINDS) -> Results:
    """Persons, states and published visits matching `query`, best first (at most `limit` each).

    `kinds` narrows the search (`("person",)` for a person box's suggestions). Persons
    carry `score`, their number of published `visits`, how they matched (`words`: every
    word of the query is a whole word of their names; `sounds`: every word sounds like
    one of theirs; neither: a close spelling only) and `by_sound` (found only by how the
    query sounds, SOUNDS_SCORE); visits carry `score`,
    `reason` (one of REASONS) and `matched` (the spelling of the place that matched).
    """
    query = clean(query)
    results = Results(query=query)
    if not query:
        return results
    params = {
        "q": query,
        "prefixes": prefixes(query),
        "threshold": THRESHOLD,
        "sounds_score": SOUNDS_SCORE,
        "verified": "verified",
    }
    persons = []
    params["local_names"] = _local_names_json()
    if "person" in kinds or "visit" in kinds:
        # One pass over the persons serves both: the best `limit` shown, the best
        # TRIP_PERSONS whose trips the visits list.
        wanted = max(limit if "person" in kinds else 0, TRIP_PERSONS if "visit" in kinds else 0)
        persons = _rows(_PERSONS, {**params, "limit": wanted})
    for person in persons:
        person["by_sound"] = person["score"] < THRESHOLD
    if any(p["by_sound"] for p in persons) and _names_state_or_place(query):
        # A state's own name or code, or a place's own name (or a spelling GeoNames gives
        # it): persons who merely sound like it are noise ("Bhutan" sounds like Putin,
        # "Jibuti" like Kushayb), and so are their trips. Asked before the visits are read:
        # a person's trips rank above the places found (_VISITS), so that a visit to the
        # place named would be cut from the `limit` first by the trips left out after.
        persons = [p for p in persons if not p["by_sound"]]
    # A person's whole name typed ("putin", "kony"): a state or a place only near it in
    # letters (Saint Martin, Hong Kong) is noise, as a near state is beside an exact one.
    named_person = any(p["score"] >= 1.0 for p in persons)
    if "state" in kinds:
        results.states = _rows(_STATES, {**params, "limit": limit, "page_names": _page_names()})
        if named_person and all(state["score"] < 1.0 for state in results.states):
            results.states = []
    if "person" in kinds:
        results.persons = persons[:limit]
        for person in results.persons:
            person["status_label"] = PersonStatus(person["status"]).label
    if "visit" in kinds:
        trips = [(p["id"], p["score"]) for p in persons[:TRIP_PERSONS]]
        results.visits = _rows(_VISITS, visit_params(query, limit=limit, trip_persons=trips))
        if any(v["reason"] == "place" and v["score"] >= 1.0 for v in results.visits):
            # A place's own name (or a spelling GeoNames gives it, "Jibuti"): a state only
            # near it in letters is noise ("Damas" is Damascus, not the Bahamas).
            if all(state["score"] < 1.0 for state in results.states):
                # But the country of the place named ("Tunis": Tunisia) stays.
                hosts = {
                    v["host_iso3"]
                    for v in results.visits
                    if v["reason"] == "place" and v["score"] >= 1.0
                }
                results.states = [s for s in results.states if s["iso3"] in hosts]
        else:
            named_states = {s["iso3"] for s in results.states if s["score"] >= 1.0}
            if named_person or named_states:
                # A person's or a state's own name: a place only near it in letters ("kony":
                # Hong Kong) is noise, but for a visit the named state hosted, found by its
                # place before its host ("Tunisia": the visit to Tunis).
                results.visits = [
                    v
                    for v in results.visits
                    if not (
                        v["reason"] == "place"
                        and v["score"] < 1.0
                        and v["host_iso3"] not in named_states
                    )
                ]
        for visit in results.visits:
            visit["reason_text"] = reason_text(visit)
    return results


def _names_state_or_place(query: str) -> bool:
    """Whether `query` is a state's own name (in any site language) or ISO3 code, or a
    published place's own name or other spelling: one query (_NAMES_STATE_OR_PLACE), two
    when the places' list is not cached."""
    with connection.cursor() as cursor:
        cursor.execute(_NAMES_STATE_OR_PLACE, visit_params(query))  # the same spellings
        return cursor.fetchone()[0]


# How far ahead of the next person a best match short of a whole-word one must score to
# be taken for the person meant ("Bashier": al-Bashir, far ahead of any other).
CLEAR_LEAD = 0.1


def _words_of(text: str) -> list[str]:
    return re.findall(r"\w+", collation_key(text))


def _best_persons(value: str, results: Results) -> list[dict]:
    """The persons `value` names best, for a person box: one when it is clear who is meant,
    several when they are equally likely, none when nobody matches.

    Among persons whose names hold every word (score 1.0), those whose name or other name
    holds the words in that order, side by side, come first ("Al Hassan" is Al Hassan Ag
    Abdoul Aziz, not Omar Hassan Ahmad Al Bashir); below 1.0, the best is taken only CLEAR_LEAD
    ahead of the next."""
    found = results.persons
    if not found:
        return []
    top = found[0]["score"]
    if top < 1.0:
        close = [p for p in found if p["score"] > top - CLEAR_LEAD]
        return close if len(close) > 1 else found[:1]
    best = [p for p in found if p["score"] >= 1.0]
    wanted = _words_of(value)

    def in_order(person: dict) -> bool:
        for name in (person["name"], *person["other_names"]):
            words = _words_of(name)
            if any(
                words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1)
            ):
                return True
        return False

    phrased = [p for p in best if in_order(p)]
    return phrased if phrased else best


# How many of the persons the search finds a report's person is chosen among: those whose
# names hold the words come first (1.0), but those who sound like them may rank below
# persons merely near in spelling.
NAMING_CANDIDATES = 20


def persons_named(value: str) -> list[dict]:
    """The persons `value` names for a record that must be of one person (a report's), as
    the search's rows (`search`), best first: one when it is clear who is meant, several
    when they are equally likely, none when it names nobody.

    Named: every word of `value` is a whole word of the person's names (`words`: "Putin",
    "Mouammar Kadhafi") or sounds like one of them, as another language spells a name
    (`sounds`: the French press's "Vladimir Poutine", "Omar el-Béchir", "Benyamin
    Netanyahou"); among those, the search's own choice (_best_persons: the words typed in
    the order of a name first, a match short of whole words taken only CLEAR_LEAD ahead
    of the next). A name only near in spelling names nobody, however close the search
    finds it ("Bashar al-Assad": no word of al-Bashir's names sounds like "Assad"; "Joseph
    Kabila"): a report filed under the wrong wanted person could be published as his
    visit. One query (the persons').
    """
    found = search(value, limit=NAMING_CANDIDATES, kinds=("person",))
    found.persons = [p for p in found.persons if p["words"] or p["sounds"]]
    return _best_persons(value, found)


def find_persons(text: str) -> tuple[list[Person], list[Person]]:
    """(persons named, persons only suggested) for what a reporter typed as a person.

    Named: the slug, the name or another name typed in full (case and accents aside), or
    else the persons the name names (persons_named: each word typed a word of theirs, in
    spelling or in sound: "Putin", "Vladimir Poutine", "al-Bashir"). A report is filed
    under a named person only: a spelling that is merely close ("Bashar al-Assad" for
    al-Bashir, "Bash") is never taken for a person. Those are suggested instead: names
    containing what was typed, then the persons the search finds, best first (at most 5).
    """
    text = (text or "").strip()
    if not text:
        return [], []
    # With the nationality, as visits.review.resolve reads a person: a caller that hands it
    # the person found (the API's PersonField) saves it that query.
    slugged = Person.objects.select_related("nationality").filter(slug=text).first()
    if slugged is not None:  # a slug, as the API's clients send it: no more to read
        return [slugged], []
    key = gazetteer.normalize(text)
    persons = list(Person.objects.order_by("name"))
    by_slug = {p.slug: p for p in persons}

    def spellings(p: Person) -> list[str]:
        return [gazetteer.normalize(s) for s in (p.slug, p.name, *(p.other_names or ()))]

    exact = [p for p in persons if key in spellings(p)]
    if exact:
        return exact, []
    named = [by_slug[p["slug"]] for p in persons_named(text) if p["slug"] in by_slug]
    if named:
        return named, []
    partial = [p for p in persons if any(key in s for s in spellings(p))]
    found = search(text, limit=8, kinds=("person",)).persons
    ranked = [p["slug"] for p in sorted(found, key=lambda p: -p["score"])]
    suggested = [*partial, *(by_slug[s] for s in ranked if s in by_slug)]
    return [], list(dict.fromkeys(suggested))[:5]


def report_person(text: str) -> Person:
    """The wanted person a report's `text` names (find_persons), for the newsroom's form
    and the API's reports alike; ValidationError otherwise, saying whom it may mean: code
    `ambiguous_person` when it names several ("Kadhafi": Muammar and Saif al-Islam, each
    named), `unknown_person` when it names nobody (with the persons suggested, if any:
    "Did you mean Omar Hassan Ahmad Al Bashir?")."""
    found, suggested = find_persons(text)
    if len(found) == 1:
        return found[0]
    name = echoed((text or "").strip())
    alternatives = pgettext("between alternatives", " or ")
    if found:
        raise ValidationError(
            _(
                "Several persons wanted by the ICC may be called %(name)s: did you mean "
                "%(names)s? Type the name of one as it is listed."
            )
            % {"name": name, "names": alternatives.join(p.name for p in found[:AMBIGUOUS_NAMES])},
            code="ambiguous_person",
        )
    if suggested:
        raise ValidationError(
            _(
                "No person wanted by the ICC is called %(name)s. Did you mean %(names)s? "
                "Type the name as it is listed."
            )
            % {"name": name, "names": alternatives.join(p.name for p in suggested)},
            code="unknown_person",
        )
    raise ValidationError(
        _("No person wanted by the ICC is called %(name)s.") % {"name": name},
        code="unknown_person",
    )


def resolve_person_names(data) -> dict[str, list[str]]:
    """Rewrites `person` in a list's query data from what a reader typed to slugs.

    A slug of a person stays; anything else (a name, part of one, another spelling) becomes
    the slug of the best-matching person. Returns {"person": [message]} when some value
    matches nobody, or several persons equally ("Gaddafi": Muammar and Saif al-Islam;
    "Mohammed"), naming them, rather than picking one whose list may read "0 visits";
    changes nothing when there is no `person`.
    """
    raw = [v.strip() for value in data.getlist("person") for v in value.split(",") if v.strip()]
    if not raw:
        return {}
    existing = set(Person.objects.filter(slug__in=raw).values_list("slug", flat=True))
    if len(set(raw) - existing) > MAX_NAMES:
        return {"person": [_("Give at most %(max)d names.") % {"max": MAX_NAMES}]}
    slugs, missing, ambiguous = [], [], []
    for value in raw:
        if value in existing:
            slugs.append(value)
            continue
        best = _best_persons(value, search(value, limit=AMBIGUOUS_NAMES + 1, kinds=("person",)))
        if len(best) == 1:
            slugs.append(best[0]["slug"])
        elif best:
            ambiguous.append((value, best))
        else:
            missing.append(value)
    if missing:
        return {
            "person": [
                _("No person matches “%(text)s”. Try another spelling, or leave it empty.")
                % {"text": echoed(missing[0])}
            ]
        }
    if ambiguous:
        value, best = ambiguous[0]
        if len(best) > AMBIGUOUS_NAMES:
            message = _(
                "“%(text)s” matches many persons equally, among them %(names)s. Give one name "
                "in full."
            )
        else:
            message = _("“%(text)s” matches several persons equally: %(names)s. Give one of them.")
        # Each person a link to the list of that person, on the list's 400 page.
        choices = [(p["name"], p["slug"]) for p in best[:AMBIGUOUS_NAMES]]
        return {"person": [Choices(message, value, choices)]}
    data.setlist("person", [",".join(dict.fromkeys(slugs))])
    return {}
