"""Synthetic data at scale for the re-evaluation benchmark, written with COPY.

`generate(visits=1_000_000)` empties the iccwatch tables of the current database and
fills them with about 200 states (real ISO codes and names, realistic Rome Statute
timelines: founding and later parties, stored and computed entries into force,
effective, pending, revoked and pre-entry withdrawals, Art. 12(3) declarations),
~15 situations, 5,000 persons with 1-3 warrants each (sealed, still sealed, issue
date unknown, month-precise, ended), the visits (mixed statuses, outcomes, review
states, some partial or missing dates, host notifications, justifications and
researcher notes that the self-check reads), their sources and a few Art. 87(7)
findings.

Rows are written directly with psycopg 3's `cursor.copy()`, so no model signal runs
and no evaluation request is recorded: the benchmark times the evaluation itself.
The data is deterministic for a given seed. It refuses to touch a database whose
name does not contain "bench" or "test" (it TRUNCATEs every iccwatch table).
"""

from __future__ import annotations

import array
import bisect
import datetime
import itertools
import random
from dataclasses import dataclass, field

from django.db import connection

from compliance import entry_into_force_for, withdrawal_effective_for

EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)

SITUATIONS = [
    "Ukraine",
    "Darfur, Sudan",
    "State of Palestine",
    "Libya",
    "Georgia",
    "Mali",
    "Central African Republic",
    "Democratic Republic of the Congo",
    "Uganda",
    "Kenya",
    "Côte d'Ivoire",
    "Burundi",
    "Afghanistan",
    "Philippines",
    "Bangladesh/Myanmar",
]

# Tables emptied before generating (CASCADE reaches verdicts, history, outbox, m2m).
_TRUNCATE = "TRUNCATE core_source, states_state, warrants_situation RESTART IDENTITY CASCADE"

# The triggers that move a record's `updated_at` when a row it shows is written
# (migration visits 0045): the generator writes a consistent snapshot stamped EPOCH, so
# they are off while it copies (else every citation copied would rewrite its visit's row,
# 2.8 rows a visit, and leave the visits' table twice its size) and on again before it
# commits, for what the benchmark writes afterwards.
_TOUCH_TRIGGERS = """
    SELECT format('%s TRIGGER %I', tgrelid::regclass, tgname)
    FROM pg_trigger
    WHERE NOT tgisinternal AND tgname LIKE '%\\_touch%' ESCAPE '\\'
    ORDER BY tgrelid::regclass::text, tgname
"""


def _touch_triggers(cur, action: str) -> None:
    """ENABLE or DISABLE (action) every `updated_at` trigger, in this transaction."""
    cur.execute(_TOUCH_TRIGGERS)
    for (target,) in cur.fetchall():
        table, _, trigger = target.partition(" ")
        cur.execute(f"ALTER TABLE {table} {action} {trigger}")


@dataclass
class Counts:
    """What was written, so callers (and the smoke test) can check it."""

    states: int = 0
    treaty_events: int = 0
    declarations: int = 0
    situations: int = 0
    cases: int = 0
    persons: int = 0
    warrants: int = 0
    sources: int = 0
    visits: int = 0
    visit_sources: int = 0
    findings: int = 0
    partial_dates: int = 0
    undated: int = 0
    extra: dict = field(default_factory=dict)


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _plus(day: datetime.date, days: int, cap: datetime.date = LAST_DAY) -> datetime.date:
    return min(day + datetime.timedelta(days=days), cap)


def _guard_database() -> None:
    name = connection.settings_dict["NAME"] or ""
    if "bench" not in name and "test" not in name:
        raise RuntimeError(
            f"refusing to fill database {name!r}: the generator empties every iccwatch table, "
            "so it only runs on a database whose name contains 'bench' or 'test'"
        )


def _copy(cur, table: str, columns: list[str], rows) -> int:
    """COPY rows (an iterable of tuples) into table; returns how many."""
    n = 0
    cols = ", ".join(f'"{c}"' for c in columns)
    with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _reset_sequences(cur, tables: list[str]) -> None:
    for table in tables:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


# --- States --------------------------------------------------------------------------


def _states(rng: random.Random, n_states: int):
    """(id, iso3, name) rows and their treaty events and declarations (situation index)."""
    import pycountry

    countries = sorted(pycountry.countries, key=lambda c: c.alpha_3)
    picked = rng.sample(countries, min(n_states, len(countries)))
    picked.sort(key=lambda c: c.alpha_3)
    states = [
        (i + 1, c.alpha_3, getattr(c, "common_name", None) or c.name) for i, c in enumerate(picked)
    ]
    ids = [s[0] for s in states]
    rng.shuffle(ids)
    n = len(ids)
    founding = ids[: int(n * 0.30)]
    later = ids[int(n * 0.30) : int(n * 0.62)]
    non_parties = ids[int(n * 0.62) :]
    events: list[tuple[int, str, datetime.date]] = []
    declarations: list[tuple[int, datetime.date, int]] = []

    def party(state_id, deposited, store_entry):
        if rng.random() < 0.8:
            events.append(
                (
                    state_id,
                    "signed",
                    _day(rng, datetime.date(1998, 7, 17), datetime.date(2000, 12, 31)),
                )
            )
        events.append((state_id, "deposited", deposited))
        if store_entry:  # otherwise load_facts computes it under Art. 126
            events.append((state_id, "entry_into_force", entry_into_force_for(deposited)))

    for sid in founding:
        party(
            sid,
            _day(rng, datetime.date(1999, 1, 1), datetime.date(2002, 4, 11)),
            rng.random() < 0.8,
        )
    for sid in later:
        party(
            sid,
            _day(rng, datetime.date(2002, 4, 12), datetime.date(2024, 12, 31)),
            rng.random() < 0.8,
        )

    parties = founding + later
    # Withdrawals (Art. 127): effective (Burundi, the Philippines), pending (Hungary),
    # revoked before taking effect (South Africa, The Gambia).
    withdrawing = rng.sample(parties, 5)
    for sid, notified, effective_stored, revoked in (
        (withdrawing[0], datetime.date(2016, 10, 27), True, None),
        (withdrawing[1], datetime.date(2018, 3, 17), False, None),
        (withdrawing[2], datetime.date(2025, 6, 2), True, None),
        (withdrawing[3], datetime.date(2016, 10, 19), True, datetime.date(2017, 3, 7)),
        (withdrawing[4], datetime.date(2016, 11, 10), False, datetime.date(2017, 2, 10)),
    ):
        # Keep the timeline in order: the withdrawal comes after entry into force.
        for i, (s, kind, d) in enumerate(events):
            if (
                s == sid
                and kind in ("deposited", "entry_into_force")
                and d >= notified - datetime.timedelta(days=400)
            ):
                events[i] = (
                    s,
                    kind,
                    datetime.date(2001, 6, 1) if kind == "deposited" else datetime.date(2002, 7, 1),
                )
        events.append((sid, "withdrawal_notified", notified))
        if effective_stored:
            events.append((sid, "withdrawal_effective", withdrawal_effective_for(notified)))
        if revoked:
            events.append((sid, "withdrawal_revoked", revoked))
    # Malaysia 2019: deposited, then withdrew before the Statute entered into force for it.
    malaysia = non_parties[0]
    events += [
        (malaysia, "deposited", datetime.date(2019, 3, 4)),
        (malaysia, "entry_into_force", datetime.date(2019, 6, 1)),
        (malaysia, "withdrawal_effective", datetime.date(2019, 4, 29)),
    ]
    for sid in non_parties[1:]:
        if rng.random() < 0.25:
            events.append(
                (sid, "signed", _day(rng, datetime.date(1998, 7, 17), datetime.date(2000, 12, 31)))
            )
    # Art. 12(3) declarations by non-parties, each for one situation (Ukraine 2014/2015, Libya 2025, ...).
    for sid in non_parties[1:7]:
        declarations.append(
            (
                sid,
                _day(rng, datetime.date(2012, 1, 1), datetime.date(2025, 6, 1)),
                rng.randrange(len(SITUATIONS)),
            )
        )
    # One later party had declared first (Ukraine: declarations 2014/2015, party from 2025).
    declarations.append((later[0], datetime.date(2014, 4, 17), 0))
    return states, events, declarations


# --- Persons and warrants ---------------------------------------------------------------


def _warrants_for(rng: random.Random, person_id: int, wid: itertools.count, cases: list[int]):
    rows = []
    issued = _day(rng, datetime.date(2005, 1, 1), datetime.date(2024, 6, 30))
    for _ in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
        i = next(wid)
        issued_precision = public_precision = "day"
        kind = rng.random()
        ended = end_reason = None
        if kind < 0.02:  # issue date unknown: in force from the day it was made public
            iss, pub = None, issued
        elif kind < 0.04:  # known only to the month
            iss = pub = issued.replace(day=1)
            issued_precision = public_precision = "month"
        elif kind < 0.07:  # still under seal
            iss, pub = issued, None
        elif kind < 0.32:  # sealed, made public later
            iss, pub = issued, _plus(issued, rng.randint(20, 1500))
        else:
            iss = pub = issued
        if rng.random() < 0.12:
            ended = _plus(pub or iss, rng.randint(100, 4000))
            end_reason = rng.choice(("executed", "withdrawn", "deceased"))
        case = rng.choice(cases) if cases and rng.random() < 0.9 else None
        rows.append(
            (
                i,
                f"w-{person_id}-{i}",
                iss,
                issued_precision,
                pub,
                public_precision,
                "",
                ended,
                end_reason or "",
                "",
                EPOCH,
                case,
                person_id,
            )
        )
        issued = _plus(issued, rng.randint(100, 1500), datetime.date(2025, 6, 30))
    return rows


# --- Visits --------------------------------------------------------------------------------

_NOTES = (
    "",
    "Host WAS a State Party on the visit date according to the treaty database.",
    "Host was not an ICC State Party at any time covered by states.csv.",
)
_JUSTIFICATIONS = (
    "Head-of-state immunity under customary international law.",
    "Neutrality in the conflict.",
    "Dependence on energy imports from the person's state.",
)


def _visit_rows(
    rng, n_visits, persons, person_weights, state_ids, state_weights, first_warrant, counts, starts
):
    """Yield COPY rows for visits_visit, streaming (memory stays flat)."""
    cum_p = list(itertools.accumulate(person_weights))
    cum_s = list(itertools.accumulate(state_weights))
    total_p, total_s = cum_p[-1], cum_s[-1]
    random_ = rng.random
    randint = rng.randint
    for vid in range(1, n_visits + 1):
        p = persons[bisect.bisect_right(cum_p, random_() * total_p)]
        person_id, nationality = p
        while True:
            host = state_ids[bisect.bisect_right(cum_s, random_() * total_s)]
            if host != nationality:  # a visit to one's own state is not a visit (DB trigger)
                break
        r = random_()
        status = (
            "occurred"
            if r < 0.82
            else "transit"
            if r < 0.88
            else "cancelled"
            if r < 0.96
            else "virtual"
        )
        if status in ("occurred", "transit"):
            r = random_()
            outcome = (
                "not_arrested"
                if r < 0.78
                else "left_early"
                if r < 0.84
                else "arrested"
                if r < 0.87
                else "released"
                if r < 0.89
                else "unknown"
            )
        else:
            outcome = "n/a"
        r = random_()
        review = "verified" if r < 0.86 else "reported" if r < 0.97 else "rejected"
        earliest = first_warrant.get(person_id, FIRST_DAY) - datetime.timedelta(days=730)
        start = _day(rng, max(earliest, FIRST_DAY), LAST_DAY)
        start_precision = end_precision = "day"
        end = None
        r = random_()
        if status == "cancelled" and r < 0.1:
            start = None
            counts.undated += 1
        elif r < 0.012:
            start, start_precision = start.replace(day=1), "month"
            counts.partial_dates += 1
        elif r < 0.016:
            start, start_precision = start.replace(month=1, day=1), "year"
            counts.partial_dates += 1
        else:
            r = random_()
            if r < 0.7:
                end = start
            elif r < 0.95:
                end = _plus(start, randint(1, 3), datetime.date(2099, 1, 1))
            else:
                end = _plus(start, randint(4, 14), datetime.date(2099, 1, 1))
        notified = random_() < 0.03
        justification = _JUSTIFICATIONS[randint(0, 2)] if random_() < 0.08 else ""
        notes = _NOTES[1 + (vid & 1)] if random_() < 0.005 else ""
        place = f"City {randint(1, 40)}" if random_() < 0.7 else ""
        starts.append(start.toordinal() if start else 0)
        yield (
            vid,
            f"v-{vid}",
            place,
            start,
            start_precision,
            end,
            end_precision,
            "Synthetic visit",
            status,
            outcome,
            notified,
            justification,
            review,
            notes,
            EPOCH,
            EPOCH,
            host,
            person_id,
        )


def generate(
    *, visits: int = 1_000_000, persons: int = 5_000, states: int = 200, seed: int = 2026
) -> Counts:
    """Empty the iccwatch tables and fill them with synthetic data; returns the counts."""
    _guard_database()
    rng = random.Random(seed)
    counts = Counts()
    state_rows, events, declarations = _states(rng, states)
    state_ids = [s[0] for s in state_rows]
    situation_rows = [(i + 1, f"situation-{i + 1}", name) for i, name in enumerate(SITUATIONS)]
    case_rows, cases_by_situation = [], {}
    cid = itertools.count(1)
    for sit_id, _, name in situation_rows:
        for k in range(rng.randint(3, 8)):
            c = next(cid)
            case_rows.append(
                (
                    c,
                    f"The Prosecutor v. Synthetic {name} {k + 1}",
                    f"ICC-{sit_id:02d}/{k + 1:02d}",
                    sit_id,
                )
            )
            cases_by_situation.setdefault(sit_id, []).append(c)
    home = {sit_id: rng.choice(state_ids) for sit_id, _, _ in situation_rows}

    person_rows, warrant_rows, person_keys, first_warrant = [], [], [], {}
    wid = itertools.count(1)
    for pid in range(1, persons + 1):
        sit_id = rng.randrange(len(situation_rows)) + 1
        r = rng.random()
        nationality = home[sit_id] if r < 0.8 else rng.choice(state_ids) if r < 0.98 else None
        person_rows.append(
            (
                pid,
                f"person-{pid}",
                f"Person {pid}",
                "{}",
                None,
                "day",
                "Synthetic role",
                rng.choice(("at_large", "at_large", "at_large", "in_custody", "deceased")),
                None,
                "",
                EPOCH,
                nationality,
                sit_id,
            )
        )
        ws = _warrants_for(rng, pid, wid, cases_by_situation[sit_id])
        warrant_rows += ws
        first_warrant[pid] = min((w[2] or w[4]) for w in ws)
        person_keys.append((pid, nationality))
    # Some people travel far more than others; some states host far more often.
    person_weights = [rng.paretovariate(1.5) for _ in person_keys]
    state_weights = [rng.paretovariate(1.2) for _ in state_ids]

    with connection.cursor() as django_cursor:
        cur = django_cursor.cursor  # the psycopg 3 cursor, inside Django's transaction
        cur.execute(_TRUNCATE)
        _touch_triggers(cur, "DISABLE")
        counts.states = _copy(
            cur,
            "states_state",
            ["id", "iso3", "name", "notes", "updated_at"],
            ((i, iso, name, "", EPOCH) for i, iso, name in state_rows),
        )
        counts.situations = _copy(cur, "warrants_situation", ["id", "slug", "name"], situation_rows)
        counts.treaty_events = _copy(
            cur,
            "states_treatyevent",
            ["id", "state_id", "kind", "date", "precision", "note"],
            ((i + 1, s, k, d, "day", "") for i, (s, k, d) in enumerate(events)),
        )
        counts.declarations = _copy(
            cur,
            "states_declaration",
            ["id", "state_id", "lodged", "situation_id", "notes"],
            ((i + 1, s, d, sit + 1, "") for i, (s, d, sit) in enumerate(declarations)),
        )
        counts.cases = _copy(
            cur, "warrants_case", ["id", "name", "number", "situation_id"], case_rows
        )
        counts.persons = _copy(
            cur,
            "warrants_person",
            [
                "id",
                "slug",
                "name",
                "other_names",
                "born",
                "born_precision",
                "role",
                "status",
                "status_date",
                "notes",
                "updated_at",
                "nationality_id",
                "situation_id",
            ],
            person_rows,
        )
        counts.warrants = _copy(
            cur,
            "warrants_warrant",
            [
                "id",
                "ref",
                "issued",
                "issued_precision",
                "made_public",
                "made_public_precision",
                "charges",
                "ended",
                "end_reason",
                "notes",
                "updated_at",
                "case_id",
                "person_id",
            ],
            warrant_rows,
        )
        starts = array.array(
            "i"
        )  # each visit's start day (ordinal; 0 when undated), for its sources' dates
        counts.visits = _copy(
            cur,
            "visits_visit",
            [
                "id",
                "slug",
                "place",
                "start",
                "start_precision",
                "end",
                "end_precision",
                "occasion",
                "status",
                "outcome",
                "host_notified",
                "host_justification",
                "review_state",
                "notes",
                "created_at",
                "updated_at",
                "host_id",
                "person_id",
            ],
            _visit_rows(
                rng,
                visits,
                person_keys,
                person_weights,
                state_ids,
                state_weights,
                first_warrant,
                counts,
                starts,
            ),
        )
        # Sources as in the real dataset (2.8 per visit, nearly all about that one visit):
        # 1-4 news reports per visit, published within days of it, and one visit in ten
        # also cited by the next (a report on two stops of the same trip).
        per_visit = bytearray(rng.choices((1, 2, 3, 4), (20, 30, 30, 20), k=visits))
        shared = bytearray(rng.random() < 0.1 for _ in range(visits))

        def sources():
            sid = 0
            for i in range(visits):
                for _ in range(per_visit[i]):
                    sid += 1
                    day = starts[i] + rng.randint(0, 3) if starts[i] and sid % 10 else None
                    publisher = sid % 300
                    yield (
                        sid,
                        f"https://news{publisher}.example.org/story/{sid}",
                        f"News {publisher}",
                        datetime.date.fromordinal(day) if day else None,
                        "",
                        "",
                    )

        def links():
            lid = sid = 0
            for i in range(visits):
                for j in range(per_visit[i]):
                    sid += 1
                    lid += 1
                    yield (lid, i + 1, sid)
                    if j == per_visit[i] - 1 and shared[i] and i + 1 < visits:
                        lid += 1
                        yield (lid, i + 2, sid)  # the next visit cites this report too

        counts.sources = _copy(
            cur,
            "core_source",
            ["id", "url", "publisher", "published", "excerpt", "archived_url"],
            sources(),
        )
        counts.visit_sources = _copy(
            cur, "visits_visit_sources", ["id", "visit_id", "source_id"], links()
        )
        # A few Art. 87(7) findings, on dated, verified, failed visits (as in reality).
        cur.execute(
            "SELECT id, host_id, start FROM visits_visit WHERE review_state = 'verified' AND start IS NOT NULL "
            "AND outcome = 'not_arrested' AND start_precision = 'day' ORDER BY id LIMIT %s",
            [max(1, visits // 2000) * 10],
        )
        candidates = cur.fetchall()
        chosen = rng.sample(candidates, min(len(candidates), max(1, visits // 2000)))
        counts.findings = _copy(
            cur,
            "visits_finding",
            [
                "id",
                "state_id",
                "visit_id",
                "decided",
                "decision_reference",
                "referred_to_asp",
                "referred_to_unsc",
                "notes",
            ],
            (
                (
                    i + 1,
                    host,
                    vid,
                    start + datetime.timedelta(days=rng.randint(30, 400)),
                    f"ICC-synthetic-{i + 1}",
                    rng.random() < 0.7,
                    rng.random() < 0.2,
                    "",
                )
                for i, (vid, host, start) in enumerate(chosen)
            ),
        )
        _reset_sequences(
            cur,
            [
                "states_state",
                "warrants_situation",
                "states_treatyevent",
                "states_declaration",
                "warrants_case",
                "warrants_person",
                "warrants_warrant",
                "core_source",
                "visits_visit",
                "visits_visit_sources",
                "visits_finding",
            ],
        )
        # The foreign keys checked now (they wait for the commit), as a table whose rows
        # have checks pending cannot be altered.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _touch_triggers(cur, "ENABLE")
    return counts


def analyze() -> None:
    """Refresh planner statistics after a bulk load (autovacuum would, eventually)."""
    with connection.cursor() as cur:
        for table in (
            "states_state",
            "states_treatyevent",
            "states_declaration",
            "warrants_person",
            "warrants_warrant",
            "core_source",
            "visits_visit",
            "visits_visit_sources",
            "visits_finding",
            "visits_verdict",
            "visits_verdict_warrants",
            "visits_evaluationrequest",
        ):
            cur.execute(f"ANALYZE {table}")
