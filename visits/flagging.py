"""Glue between the database and the rule: load facts, call compliance, store verdicts.

Verdicts are derived data. Any change to their facts records an EvaluationRequest
(the outbox) in the same transaction; after commit the relay enqueues a Celery task,
and a periodic sweeper re-enqueues what the relay could not. Evaluating writes only
the verdicts that changed, with a VerdictChange row saying when and why, so running
it twice changes nothing.

Re-evaluating every visit preloads the small tables (states' timelines, persons,
warrants, findings) once and walks the visits by ranges of primary keys, so its cost
grows linearly with the number of visits and its memory stays flat. Each verdict
stores a fingerprint of its inputs; a range is checked set-based in SQL and the rule
runs only on the visits whose inputs changed (evaluate_range). Ranges can be shared
among Celery workers (visits.tasks.reevaluate_range).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import psycopg
from django.db import connection, transaction
from django.utils import timezone

import compliance
from compliance import (
    FindingFacts,
    Period,
    ReferralFacts,
    SourceFacts,
    StateFacts,
    VisitFacts,
    WarrantFacts,
    state_facts,
)
from core import causes, pagecache

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000
FULL_REEVALUATION = "full re-evaluation"


# --- Loading facts ---------------------------------------------------------------


@dataclass
class FactBook:
    """Everything but the visits themselves: small tables, loaded once per run."""

    states: dict[int, StateFacts]
    persons: dict[int, tuple[str, str]]  # id -> (name, situation name)
    warrants: dict[int, list[WarrantFacts]]  # person id -> warrants
    findings: dict[int, list[FindingFacts]]  # visit id -> findings
    # situation name -> its Security Council referrals, each with the states it binds
    referrals: dict[str, tuple[ReferralFacts, ...]] = dataclasses.field(default_factory=dict)

    def situation_referrals(self, person: tuple[str, str]) -> tuple[ReferralFacts, ...]:
        """The referrals of a person's situation (`person`: its (name, situation))."""
        return self.referrals.get(person[1], ())

    @functools.cached_property
    def digests(self) -> dict[str, list[int]]:
        """Stable 64-bit digests of the facts a verdict reads besides its visit row, as the
        parameters of _FINGERPRINT: each person's (name, situation, warrants, the situation's
        Security Council referrals and the states they bind), each state's timeline, each
        visit's findings. Same facts, same numbers, in any process."""
        persons = list(self.persons)
        states = list(self.states)
        findings = list(self.findings)
        return {
            "person_ids": persons,
            "person_digests": [
                _digest(
                    (
                        self.persons[p],
                        tuple(self.warrants.get(p, ())),
                        self.situation_referrals(self.persons[p]),
                    )
                )
                for p in persons
            ],
            "state_ids": states,
            "state_digests": [_digest(self.states[s]) for s in states],
            "finding_visit_ids": findings,
            "finding_digests": [_digest(tuple(self.findings[v])) for v in findings],
            "rule_version": compliance.RULE_VERSION,
        }


def _digest(value) -> int:
    """A signed 64-bit digest of `value`'s repr (facts are frozen dataclasses of dates and
    strings, whose repr is stable across processes, unlike hash())."""
    return int.from_bytes(
        hashlib.blake2b(repr(value).encode(), digest_size=8).digest(), "big", signed=True
    )


def _in_clause(column: str, ids: Iterable[int] | None) -> tuple[str, list]:
    if ids is None:
        return "", []
    return f" WHERE {column} = ANY(%s)", [list(ids)]


def load_findings(visit_ids: Iterable[int]) -> dict[int, list[FindingFacts]]:
    """The ICC findings of the given visits, as the rule reads them (FactBook.findings):
    visit id -> its findings, oldest first. One query."""
    with connection.cursor() as cur:
        return _findings(cur, visit_ids)


def _findings(cur, visit_ids: Iterable[int] | None) -> dict[int, list[FindingFacts]]:
    """The findings of the given visits (of every visit when None) read with `cur`."""
    # (visit_id = ANY(...) leaves out the findings without a visit, as IS NOT NULL does.)
    where, params = _in_clause("visit_id", visit_ids)
    cur.execute(
        "SELECT visit_id, decided, decided_precision, referred_to_asp, referred_to_unsc, kind, "
        "chamber, decision_reference, reported_by FROM visits_finding"
        f"{where or ' WHERE visit_id IS NOT NULL'} ORDER BY decided, id",
        params,
    )
    findings: dict[int, list[FindingFacts]] = defaultdict(list)
    for row in cur.fetchall():
        visit_id, decided, precision, asp, unsc, kind, chamber, reference, reported_by = row
        findings[visit_id].append(
            FindingFacts(
                decided=Period.from_stored(decided, precision),
                referred_to_asp=asp,
                referred_to_unsc=unsc,
                kind=kind,
                chamber=chamber,
                reference=reference,
                reported_by=reported_by,
            )
        )
    return findings


def load_facts(
    *,
    state_ids: Iterable[int] | None = None,
    person_ids: Iterable[int] | None = None,
    visit_ids: Iterable[int] | None = None,
) -> FactBook:
    """Load the facts for the given states and persons, and the findings of the given visits
    (all of them when None), in six queries."""
    with connection.cursor() as cur:
        where, params = _in_clause("s.id", state_ids)
        cur.execute(f"SELECT s.id, s.iso3, s.name, s.instrument FROM states_state s{where}", params)
        states = {row[0]: (row[1], row[2], row[3]) for row in cur.fetchall()}
        where, params = _in_clause("e.state_id", state_ids)
        cur.execute(f"SELECT e.state_id, e.kind, e.date FROM states_treatyevent e{where}", params)
        events: dict[int, dict] = defaultdict(dict)
        for state_id, kind, date in cur.fetchall():
            events[state_id][kind] = date
        where, params = _in_clause("d.state_id", state_ids)
        cur.execute(
            "SELECT d.state_id, d.lodged, s.name, d.covers_from, d.covers_from_precision, "
            "d.covers_to, d.covers_to_precision, d.effect FROM states_declaration d "
            f"JOIN warrants_situation s ON s.id = d.situation_id{where} ORDER BY d.lodged",
            params,
        )
        declarations: dict[int, list] = defaultdict(list)
        for state_id, lodged, situation, cf, cfp, ct, ctp, effect in cur.fetchall():
            declarations[state_id].append(
                (
                    lodged,
                    situation,
                    Period.from_stored(cf, cfp) if cf else None,
                    Period.from_stored(ct, ctp) if ct else None,
                    effect,
                )
            )
        where, params = _in_clause("b.state_id", state_ids)
        cur.execute(
            "SELECT b.state_id, s.name, r.resolution, r.adopted FROM states_securitycouncilreferral r "
            "JOIN states_securitycouncilreferral_bound_states b ON b.securitycouncilreferral_id = r.id "
            f"JOIN warrants_situation s ON s.id = r.situation_id{where} ORDER BY r.adopted",
            params,
        )
        referrals: dict[int, list] = defaultdict(list)
        for state_id, situation, resolution, adopted in cur.fetchall():
            referrals[state_id].append((situation, resolution, adopted))
        # Every referral with the states it binds, by situation (a small table): a host it
        # does not bind is told so.
        cur.execute(
            "SELECT s.name, r.resolution, r.adopted, coalesce(array_agg(st.iso3 ORDER BY st.iso3) "
            "FILTER (WHERE st.id IS NOT NULL), '{}'), coalesce(array_agg(st.name ORDER BY st.iso3) "
            "FILTER (WHERE st.id IS NOT NULL), '{}') FROM states_securitycouncilreferral r "
            "JOIN warrants_situation s ON s.id = r.situation_id "
            "LEFT JOIN states_securitycouncilreferral_bound_states b "
            "ON b.securitycouncilreferral_id = r.id "
            "LEFT JOIN states_state st ON st.id = b.state_id "
            "GROUP BY s.name, r.resolution, r.adopted, r.id ORDER BY r.adopted, r.id"
        )
        by_situation: dict[str, list[ReferralFacts]] = defaultdict(list)
        for situation, resolution, adopted, codes, names in cur.fetchall():
            by_situation[situation].append(
                ReferralFacts(situation, resolution, adopted, tuple(zip(codes, names, strict=True)))
            )

        where, params = _in_clause("p.id", person_ids)
        cur.execute(
            f"SELECT p.id, p.name, s.name FROM warrants_person p JOIN warrants_situation s ON s.id = p.situation_id{where}",
            params,
        )
        persons = {row[0]: (row[1], row[2]) for row in cur.fetchall()}
        where, params = _in_clause("w.person_id", person_ids)
        cur.execute(
            "SELECT w.id, w.person_id, w.issued, w.issued_precision, w.made_public, w.made_public_precision, "
            f"w.ended, w.end_reason, coalesce(c.name, '') FROM warrants_warrant w "
            f"LEFT JOIN warrants_case c ON c.id = w.case_id{where} ORDER BY w.person_id, w.id",
            params,
        )
        warrants: dict[int, list[WarrantFacts]] = defaultdict(list)
        for wid, person_id, issued, ip, public, pp, ended, reason, case in cur.fetchall():
            warrants[person_id].append(
                WarrantFacts(
                    id=wid,
                    issued=Period.from_stored(issued, ip) if issued else None,
                    made_public=Period.from_stored(public, pp) if public else None,
                    ended=ended,
                    end_reason=reason,
                    case=case,
                )
            )
        findings = _findings(cur, visit_ids)
    return FactBook(
        states={
            sid: state_facts(
                iso3,
                name,
                events[sid],
                declarations[sid],
                referrals=referrals[sid],
                instrument=instrument,
            )
            for sid, (iso3, name, instrument) in states.items()
        },
        persons=persons,
        warrants=warrants,
        findings=findings,
        referrals={name: tuple(rows) for name, rows in by_situation.items()},
    )


# --- Evaluating -----------------------------------------------------------------

# `cb` (the occupying state) and the digests come from _DIGESTS_FROM's joins: a subquery
# per row scanned the states once per visit.
_VISIT_COLUMNS = """
    v.id, v.slug, v.person_id, v.host_id, v.place, v.start, v.start_precision, v."end", v.end_precision,
    v.status, v.outcome, v.review_state, v.host_notified, v.host_justification, v.notes,
    vd.code, vd.basis, NULL, vd.would_have_been_bound, vd.self_check,
    ARRAY(SELECT vw.warrant_id FROM visits_verdict_warrants vw WHERE vw.verdict_id = v.id ORDER BY 1),
    er.requested_at, er.reason, vd.rule_version,
    v.host_control, cb.iso3,
    v.expected_verdict, v.withdrawal_note, vd.reasons,
    vd.inputs_fingerprint, {fingerprint}, er.change_recorded_at, v.end_known, cb.name
"""
# The digest of a verdict's inputs (Verdict.inputs_fingerprint): the visit's columns that
# the rule reads, with the digests of its person's warrants, its host's timeline and its
# findings (FactBook.digests, passed as arrays) and the rule version. Sources are not in
# it: they only feed the reasons' citations, and every change to them records an
# evaluation request (visits.signals), which is always evaluated.
_FINGERPRINT = """hashtextextended(ROW(
    v.person_id, v.host_id, v.slug, v.place, v.start, v.start_precision, v."end", v.end_precision,
    v.status, v.outcome, v.review_state, v.host_notified, v.host_justification, v.host_control,
    cb.iso3, v.expected_verdict, v.withdrawal_note, fp.d, fs.d, ff.d, %(rule_version)s::text,
    v.end_known, cb.name
)::text, 0)"""
_VISIT_COLUMNS = _VISIT_COLUMNS.format(fingerprint=_FINGERPRINT)
_DIGESTS_FROM = """
    LEFT JOIN states_state cb ON cb.id = v.controlled_by_id
    LEFT JOIN unnest(%(person_ids)s::bigint[], %(person_digests)s::bigint[]) fp(id, d) ON fp.id = v.person_id
    LEFT JOIN unnest(%(state_ids)s::bigint[], %(state_digests)s::bigint[]) fs(id, d) ON fs.id = v.host_id
    LEFT JOIN unnest(%(finding_visit_ids)s::bigint[], %(finding_digests)s::bigint[]) ff(id, d) ON ff.id = v.id
"""
_VISIT_FROM = f"""
    FROM visits_visit v
    LEFT JOIN visits_verdict vd ON vd.visit_id = v.id
    LEFT JOIN visits_evaluationrequest er ON er.visit_id = v.id
    {_DIGESTS_FROM}
"""
# Which visits of the next range of a full re-evaluation need the rule: no verdict yet, an
# outstanding request, another rule version, or inputs whose digest changed. Nothing is
# written here, so nothing is locked; the visits it returns are read again, locked, by
# _READ_LOCKED. The bounds are repeated on the joined tables because PostgreSQL does not
# carry them across a LEFT JOIN (without them every range re-reads the verdicts before
# it, and the pass grows quadratically). JIT is off: compiling costs more than it saves.
_SCAN = f"""
    SELECT count(*), coalesce(array_agg(v.id) FILTER (WHERE
        %(force)s OR vd.visit_id IS NULL OR er.visit_id IS NOT NULL
        OR vd.rule_version <> %(rule_version)s
        OR vd.inputs_fingerprint IS DISTINCT FROM {_FINGERPRINT}
    ), '{{}}')
    FROM visits_visit v
    LEFT JOIN visits_verdict vd ON vd.visit_id = v.id AND vd.visit_id > %(after)s AND vd.visit_id <= %(upto)s
    LEFT JOIN visits_evaluationrequest er
           ON er.visit_id = v.id AND er.visit_id > %(after)s AND er.visit_id <= %(upto)s
    {_DIGESTS_FROM}
    WHERE v.id > %(after)s AND v.id <= %(upto)s
"""
_READ_LOCKED = f"SELECT {_VISIT_COLUMNS} {_VISIT_FROM} WHERE v.id = ANY(%(ids)s) ORDER BY v.id FOR NO KEY UPDATE OF v"
# The visits of a chunk locked, in id order (as _READ_LOCKED locks them), before they are read.
_LOCK = "SELECT v.id FROM visits_visit v WHERE v.id = ANY(%s) ORDER BY v.id FOR NO KEY UPDATE"
# Visits per range of ids a full re-evaluation checks at once (ids, not rows: ids may be sparse).
SCAN_SIZE = 50_000
_LAST_ID = 2**63 - 1


@dataclass
class EvaluationStats:
    """Counts of one evaluation: visits checked, verdicts written, and (of those checked)
    visits the rule ran on; a full re-evaluation skips the visits whose inputs' digest did
    not change, so `computed` can be far below `evaluated`.

    `changed` counts every verdict written, whichever path wrote it (a full re-evaluation,
    an import, a worker); each falls in exactly one of the kinds after it, which `summary`
    tells apart: a visit's first verdict (`first`), another code or basis (`redecided`,
    a history entry), the same code and basis with other reasons (`reworded`, a history
    entry: "its explanation was updated"), the same decision and reasons recorded again
    under compliance.RULE_VERSION because the stored one was another rule version's
    (`restamped`, no history entry), and the same decision, reasons and rule version with
    other warrant links, self-check or would-have-been-bound (`other`).
    """

    evaluated: int = 0
    changed: int = 0
    computed: int = 0
    first: int = 0
    redecided: int = 0
    reworded: int = 0
    restamped: int = 0
    other: int = 0

    def __iadd__(self, other):
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))
        return self

    def summary(self) -> str:
        """What was written, in English, as the commands print it (evaluate_visits,
        import_dataset, up): e.g. "0 verdicts changed, 2 explanations reworded, 95 unchanged
        but recorded under rule version 2026.12.05.2", with the first verdicts before and
        the verdicts otherwise updated after when there are any. The parts add up to
        `changed`."""
        parts = [
            _count(self.redecided, "verdict changed", "verdicts changed"),
            _count(self.reworded, "explanation reworded", "explanations reworded"),
            f"{self.restamped} unchanged but recorded under rule version {compliance.RULE_VERSION}",
        ]
        if self.first:
            parts.insert(0, _count(self.first, "new verdict", "new verdicts"))
        if self.other:
            parts.append(
                f"{self.other} otherwise updated (the warrants cited, the self-check or "
                "whether the host would have been bound)"
            )
        return ", ".join(parts)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# Periods are immutable and visits share their dates (some 10,000 distinct days over
# 25 years), so each (day, precision) is built once instead of twice per visit.
_period = functools.lru_cache(maxsize=1 << 16)(Period.from_stored)


def visit_facts(row, person: tuple[str, str], referrals: tuple = ()) -> VisitFacts:
    """The rule's view of a visit row of _VISIT_COLUMNS, with its person's (name, situation)
    and the Security Council referrals of that situation (FactBook.situation_referrals)."""
    (_, slug, _, _, place, start, sp, end, ep, status, outcome, review, notified, justification) = (
        row[:14]
    )
    host_control, controlled_by, _expected, withdrawal_note = row[24:28]
    return VisitFacts(
        ref=slug,
        person_name=person[0],
        situation=person[1],
        status=status,
        outcome=outcome,
        review_state=review,
        start=_period(start, sp) if start else None,
        end=_period(end, ep) if end else None,
        place=place,
        host_notified=notified,
        host_justification=justification,
        host_control=host_control,
        controlled_by=controlled_by or "",
        controlled_by_name=row[33] or "",
        withdrawal_note=withdrawal_note,
        referrals=referrals,
        end_known=row[32],
    )


def _bound_cursor() -> psycopg.Cursor:
    """A cursor on Django's connection (so in its transaction) that binds parameters on
    the server. Django's cursor binds them on the client: it quotes every element of an
    array into the SQL text, escaping each explanation with regular expressions, which
    cost more than the database's own work for a chunk. `%b` sends them in binary."""
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _load_sources(cur, visit_ids: list[int]) -> dict[int, list[SourceFacts]]:
    cur.execute(
        "SELECT c.visit_id, coalesce(nullif(c.publisher, ''), s.publisher), s.url, "
        "coalesce(c.published, s.published) FROM visits_visit_sources c "
        "JOIN core_source s ON s.id = c.source_id WHERE c.visit_id = ANY(%s) ORDER BY c.id",
        [visit_ids],
    )
    sources: dict[int, list[SourceFacts]] = defaultdict(list)
    for visit_id, publisher, url, published in cur.fetchall():
        sources[visit_id].append(SourceFacts(publisher, url, published))
    return sources


def _json(value) -> list | dict:
    """A jsonb column's value as Python (Django's cursor returns it as text)."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


def _evaluate_rows(cur, rows, facts: FactBook, cause, now) -> EvaluationStats:
    """Compute verdicts for locked visit rows and write those that changed.

    `cause` (words or core.causes dicts) is what the history records when a visit
    has no evaluation request of its own saying why. A verdict stored under another
    RULE_VERSION is decided again because the rule changed: its history names the rule
    change instead (with its request's causes, if any: core.causes.with_rule_change),
    read from the row's stored version, so whichever path evaluates it (a full
    re-evaluation, an import, the sweeper's requests) says the same.
    """
    if not rows:
        return EvaluationStats()
    stats = EvaluationStats(evaluated=len(rows), computed=len(rows))
    rule = compliance.RULE_VERSION
    sources = _load_sources(cur, [r[0] for r in rows])
    upserts, history, satisfied, refreshed = [], [], [], []
    for row in rows:
        visit_id, person_id, host_id = row[0], row[2], row[3]
        person = facts.persons[person_id]
        facts_visit = visit_facts(row, person, facts.situation_referrals(person))
        visit_findings = facts.findings.get(visit_id, ())
        verdict = compliance.evaluate(
            facts_visit,
            facts.states[host_id],
            facts.warrants.get(person_id, ()),
            visit_findings,
            sources.get(visit_id, ()),
        )
        check = compliance.self_check(
            verdict,
            any(f.kind == compliance.ART_87_7 for f in visit_findings),
            row[26],
            has_no_failure_decision=any(f.found_no_failure for f in visit_findings),
        )
        old_code, old_basis, _old_expl, old_would, old_check, old_warrants, requested_at, reason = (
            row[15:23]
        )
        if requested_at is not None:
            satisfied.append((visit_id, requested_at))
        warrant_ids = sorted(verdict.warrant_ids)
        reasons_json = json.dumps(verdict.reasons, ensure_ascii=False)
        fingerprint = row[30]
        if old_code is None:
            # No verdict yet (a first pass): everything is new, nothing to compare.
            same_reasons = False
        else:
            # Tuples become lists: compare what the database holds.
            same_reasons = _json(row[28]) == json.loads(reasons_json)
            if (
                same_reasons
                and old_code == verdict.code
                and old_basis == verdict.basis
                and old_would == verdict.would_have_been_bound
                and old_check == check
                and list(old_warrants) == warrant_ids
                and row[23] == rule
            ):
                if row[29] != fingerprint:
                    refreshed.append((visit_id, fingerprint))
                continue
        # No prose is stored: readers render `reasons` in their language at read time
        # (Verdict.explanation_text); `explanation` stays blank.
        upserts.append((visit_id, verdict, check, warrant_ids, reasons_json, "", fingerprint))
        # A verdict stored by another version of the rule (row[23], read with the visit:
        # no query of its own) is decided again because the rule changed, whatever path
        # got here: its history names the rule change, not the pass that found it.
        outdated = old_code is not None and row[23] != rule
        redecided = old_code != verdict.code or old_basis != verdict.basis
        if old_code is None:
            stats.first += 1
        elif redecided:
            stats.redecided += 1
        elif not same_reasons:
            stats.reworded += 1
        elif outdated:
            stats.restamped += 1
        else:
            stats.other += 1
        if redecided or not same_reasons:
            found = causes.loads(reason) if reason else causes.as_causes(cause)
            if outdated:
                # The visit's own request (a change to its facts) keeps its causes; the
                # caller's, which only says which pass found it, gives way.
                found = causes.with_rule_change(found if reason else (), rule)
            why = {"first": old_code is None, "causes": found}
            if verdict.code == compliance.WITHDRAWN:
                why["withdrawn"] = facts_visit.withdrawal_note
            cause_text, cause_facts = _cause_columns(why)
            history.append(
                (
                    visit_id,
                    old_code or "",
                    verdict.code,
                    old_basis or "",
                    verdict.basis,
                    "",
                    cause_text,
                    reasons_json,
                    cause_facts,
                    # When the change that caused it was recorded (the request's
                    # change_recorded_at, which a bare edit does not move): the history
                    # dates a withdrawal by its verification, not by this run.
                    row[31],
                )
            )
    _write(
        upserts, history, now, first=len(upserts) == len(rows) and all(r[15] is None for r in rows)
    )
    if refreshed:
        # The same verdict from changed inputs: only its fingerprint moves (no history).
        with _bound_cursor() as bound:
            bound.execute(
                "UPDATE visits_verdict vd SET inputs_fingerprint = s.fingerprint "
                "FROM unnest(%b::bigint[], %b::bigint[]) AS s(visit_id, fingerprint) "
                "WHERE vd.visit_id = s.visit_id",
                [[r[0] for r in refreshed], [r[1] for r in refreshed]],
            )
    if satisfied:
        # A verdict with an outstanding request is told as out of date (visits.models
        # .reevaluation_pending): clearing it changes what pages say even when no verdict
        # changed, so the cached pages' data version moves (this cursor is not Django's).
        pagecache.wrote(connection)
        # Only the requests that were read are cleared: a newer one (another change
        # committed meanwhile) has a different requested_at and stays for the next run.
        with _bound_cursor() as bound:
            bound.execute(
                "DELETE FROM visits_evaluationrequest er USING unnest(%b::bigint[], %b::timestamptz[]) AS s(visit_id, at) "
                "WHERE er.visit_id = s.visit_id AND er.requested_at = s.at",
                [[s[0] for s in satisfied], [s[1] for s in satisfied]],
            )
    stats.changed = len(upserts)
    return stats


@functools.lru_cache(maxsize=1024)
def _cause_texts(key: str) -> tuple[str, str]:
    return causes.render(json.loads(key), "en"), key


def _cause_columns(why: dict) -> tuple[str, str]:
    """(the cause in English, its structured facts as JSON). A pass gives most visits the
    same cause ("first evaluation (a full re-evaluation)"), so each is rendered once."""
    return _cause_texts(json.dumps(why, ensure_ascii=False))


def _write(upserts, history, now, first: bool = False) -> None:
    """Write the verdicts, their warrant links and history rows of one chunk.

    `first`: no visit of the chunk had a verdict when it was read (a first pass), so
    the rows are streamed with COPY, without the upsert's conflict checks. Should a
    verdict have been inserted meanwhile (a worker that locked the visit first and
    committed after this chunk's snapshot), the COPY fails on the primary key and the
    chunk is written again by the upsert, inside a savepoint.
    """
    if not upserts:
        return
    # These statements go through psycopg cursors of their own, which Django's execute
    # wrappers do not see: the cached pages' data version is moved here (core.pagecache).
    pagecache.wrote(connection)
    if first:
        try:
            with transaction.atomic():
                _copy(upserts, history, now)
            return
        except psycopg.errors.UniqueViolation:
            logger.info("A verdict appeared during a first pass; the chunk is upserted.")
    ids = [u[0] for u in upserts]
    with _bound_cursor() as cur:
        cur.execute(
            """
            INSERT INTO visits_verdict (visit_id, code, basis, would_have_been_bound, explanation, self_check,
                                        reasons, inputs_fingerprint, rule_version, computed_at)
            SELECT u.visit_id, u.code, u.basis, u.would, u.explanation, u.self_check, u.reasons::jsonb,
                   u.fingerprint, %b, %b
            FROM unnest(%b::bigint[], %b::text[], %b::text[], %b::boolean[], %b::text[], %b::text[], %b::text[],
                        %b::bigint[])
                 AS u(visit_id, code, basis, would, explanation, self_check, reasons, fingerprint)
            ON CONFLICT (visit_id) DO UPDATE SET
                code = EXCLUDED.code, basis = EXCLUDED.basis, reasons = EXCLUDED.reasons,
                would_have_been_bound = EXCLUDED.would_have_been_bound, explanation = EXCLUDED.explanation,
                self_check = EXCLUDED.self_check, rule_version = EXCLUDED.rule_version,
                computed_at = EXCLUDED.computed_at, inputs_fingerprint = EXCLUDED.inputs_fingerprint
            """,
            [
                compliance.RULE_VERSION,
                now,
                ids,
                [u[1].code for u in upserts],
                [u[1].basis for u in upserts],
                [u[1].would_have_been_bound for u in upserts],
                [u[5] for u in upserts],
                [u[2] for u in upserts],
                [u[4] for u in upserts],
                [u[6] for u in upserts],
            ],
        )
        cur.execute(
            "DELETE FROM visits_verdict_warrants WHERE verdict_id = ANY(%b::bigint[])", [ids]
        )
        pairs = [(u[0], w) for u in upserts for w in u[3]]
        if pairs:
            cur.execute(
                "INSERT INTO visits_verdict_warrants (verdict_id, warrant_id) SELECT * FROM unnest(%b::bigint[], %b::bigint[])",
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
        if history:
            cur.execute(
                """
                INSERT INTO visits_verdictchange (visit_id, changed_at, old_code, new_code, old_basis, new_basis,
                                                  explanation, cause, reasons, cause_facts, rule_version,
                                                  caused_at)
                SELECT h.visit_id, %b, h.old_code, h.new_code, h.old_basis, h.new_basis, h.explanation, h.cause,
                       h.reasons::jsonb, h.cause_facts::jsonb, %b, h.caused_at
                FROM unnest(%b::bigint[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[],
                            %b::text[], %b::text[], %b::timestamptz[])
                     AS h(visit_id, old_code, new_code, old_basis, new_basis, explanation, cause, reasons, cause_facts,
                          caused_at)
                """,
                [now, compliance.RULE_VERSION, *([h[i] for h in history] for i in range(10))],
            )


def _copy(upserts, history, now) -> None:
    """COPY a chunk's new verdicts, warrant links and history rows (none existed)."""
    rule = compliance.RULE_VERSION
    with _bound_cursor() as cur:
        with cur.copy(
            "COPY visits_verdict (visit_id, code, basis, would_have_been_bound, explanation, self_check, "
            "reasons, inputs_fingerprint, rule_version, computed_at) FROM STDIN"
        ) as copy:
            for visit_id, verdict, check, _w, reasons_json, explanation, fingerprint in upserts:
                copy.write_row(
                    (
                        visit_id,
                        verdict.code,
                        verdict.basis,
                        verdict.would_have_been_bound,
                        explanation,
                        check,
                        reasons_json,
                        fingerprint,
                        rule,
                        now,
                    )
                )
        with cur.copy("COPY visits_verdict_warrants (verdict_id, warrant_id) FROM STDIN") as copy:
            for u in upserts:
                for warrant_id in u[3]:
                    copy.write_row((u[0], warrant_id))
        if history:
            with cur.copy(
                "COPY visits_verdictchange (visit_id, changed_at, old_code, new_code, old_basis, new_basis, "
                "explanation, cause, reasons, cause_facts, caused_at, rule_version) FROM STDIN"
            ) as copy:
                for h in history:
                    copy.write_row((h[0], now, *h[1:], rule))


def chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    """`ids` in consecutive lists of at most `size` (one transaction each), in order."""
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def evaluate_visits(
    visit_ids: Iterable[int] | None = None,
    *,
    cause: str = FULL_REEVALUATION,
    chunk_size: int = CHUNK_SIZE,
    facts: FactBook | None = None,
    progress: Callable[[EvaluationStats], None] | None = None,
    force: bool = False,
) -> EvaluationStats:
    """Evaluate the given visits (all when None), one transaction per chunk; returns counts.

    Given ids (the outbox's tasks), every one of them goes through the rule. Without ids
    this is a full re-evaluation (evaluate_range over every id): the visits whose inputs'
    digest, rule version and request state show nothing changed are skipped, unless
    `force`. Each chunk locks its visit rows, so two workers never interleave on one
    visit. `progress`, if given, is called with the running totals after each chunk commits.
    """
    if visit_ids is None:
        return evaluate_range(
            cause=cause, chunk_size=chunk_size, facts=facts, progress=progress, force=force
        )
    stats = EvaluationStats()
    ids = sorted(set(visit_ids))
    if not ids:
        return stats
    if facts is None:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT DISTINCT person_id, host_id FROM visits_visit WHERE id = ANY(%s)", [ids]
            )
            pairs = cur.fetchall()
        facts = load_facts(
            state_ids={p[1] for p in pairs}, person_ids={p[0] for p in pairs}, visit_ids=ids
        )
    return _evaluate_ids(ids, facts, cause, chunk_size, progress, stats)


def _evaluate_ids(ids, facts, cause, chunk_size, progress, stats) -> EvaluationStats:
    for chunk in chunks(ids, chunk_size):
        # Bound on the server: the digests' arrays (one entry per person, state and visit
        # with findings) are sent in binary, not quoted into the SQL for every chunk.
        with transaction.atomic(), _bound_cursor() as cur:
            # Lock first, then read in a statement of its own: a visit locked by another
            # transaction (a verification evaluating its withdrawal, another worker's
            # chunk) is waited for, and its verdict and request are then read as that
            # transaction committed them. Read in the locking statement, they would be as
            # they stood before it (PostgreSQL re-reads only the locked row), and the
            # change it recorded would be recorded a second time.
            cur.execute(_LOCK, [chunk])
            cur.execute(_READ_LOCKED, {**facts.digests, "ids": chunk}, binary=True)
            stats += _evaluate_rows(cur, cur.fetchall(), facts, cause, timezone.now())
        if progress:
            progress(stats)
    return stats


def evaluate_range(
    after: int = 0,
    upto: int | None = None,
    *,
    cause: str = FULL_REEVALUATION,
    chunk_size: int = CHUNK_SIZE,
    facts: FactBook | None = None,
    progress: Callable[[EvaluationStats], None] | None = None,
    force: bool = False,
    parallel_scan: bool = True,
) -> EvaluationStats:
    """Re-evaluate the visits with `after` < id <= `upto` (None: no upper bound); returns counts.

    Reads SCAN_SIZE visits at a time without locking them, with the digest of their inputs
    (_SCAN), and runs the rule only on those that need it: no verdict, an outstanding
    request, another rule version or another digest (every visit with `force`). Those are
    then read again, locked, in chunks of `chunk_size`, as evaluate_visits(ids) does. The
    facts are loaded once (all of them); the same FactBook gives the digests compared and
    the verdicts computed, so a stored fingerprint always describes the facts its verdict
    came from. `evaluated` counts the visits checked, `computed` those the rule ran on.
    Several processes can share a pass by id range (visits.tasks.reevaluate_range); they
    pass `parallel_scan=False`, so that each scan runs in one PostgreSQL process rather
    than also taking PostgreSQL's parallel workers (max_parallel_workers_per_gather = 0).
    """
    facts = facts or load_facts()
    stats = EvaluationStats()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT max(id) FROM visits_visit WHERE id > %s AND id <= %s",
            [after, _LAST_ID if upto is None else upto],
        )
        last = cur.fetchone()[0]
    while last is not None and after < last:
        bound = min(after + SCAN_SIZE, last)
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")
            if not parallel_scan:
                cur.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            cur.execute(
                _SCAN,
                {**facts.digests, "after": after, "upto": bound, "force": force},
            )
            count, stale = cur.fetchone()
        if stale:
            before = stats.evaluated
            _evaluate_ids(sorted(stale), facts, cause, chunk_size, None, stats)
            # The skipped visits count as checked, with nothing computed or written.
            stats.evaluated = before
        stats.evaluated += count
        after = bound
        if progress and count:
            progress(stats)
    return stats


def id_ranges(parts: int) -> list[tuple[int, int]]:
    """Split the visits into `parts` contiguous (after, upto] id ranges of nearly equal size."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT percentile_disc(%s::float8[]) WITHIN GROUP (ORDER BY id), max(id) FROM visits_visit",
            [[k / parts for k in range(1, parts)]],
        )
        inner, last = cur.fetchone()
    if last is None:
        return []
    cuts = [0, *sorted(set(inner or [])), last]
    return [(lo, hi) for lo, hi in zip(cuts, cuts[1:], strict=False) if hi > lo]


def evaluate_now(visit_ids: Sequence[int]) -> bool:
    """Evaluate these visits at once, in the caller's transaction, as the worker would: each
    visit's outstanding request (recorded earlier in that transaction) gives the history
    its causes and time, and is cleared. For a change whose verdict the rule decides from
    the change alone (a verified withdrawal: compliance.decide answers `withdrawn` for a
    visit that left the record, whatever its other facts), so that no page shows the old
    verdict meanwhile, and the history records the withdrawal in the transaction that
    made it, whether a worker runs or not.

    Inside a savepoint: when the evaluation fails (an error is logged), nothing of it is
    kept and the requests stay in the outbox for the worker, which will evaluate them
    after the commit as for any change; the caller's transaction goes on. Returns whether
    the visits were evaluated."""
    try:
        with transaction.atomic():
            evaluate_visits(visit_ids, cause="a change to its facts")
    except Exception:  # noqa: BLE001 - the worker evaluates it later: nothing is lost
        logger.exception(
            "could not evaluate visits %s at once; their evaluation is left to the worker",
            list(visit_ids),
        )
        return False
    return True


def evaluate_pending(
    *, chunk_size: int = CHUNK_SIZE, older_than: datetime.timedelta | None = None
) -> EvaluationStats:
    """Evaluate every visit that has an outstanding EvaluationRequest (no worker needed)."""
    stats = EvaluationStats()
    while True:
        ids = pending_visit_ids(limit=chunk_size * 10, older_than=older_than)
        if not ids:
            return stats
        round_stats = evaluate_visits(ids, cause="a change to its facts", chunk_size=chunk_size)
        stats += round_stats
        if round_stats.evaluated == 0:
            return stats


def pending_visit_ids(*, limit: int, older_than: datetime.timedelta | None = None) -> list[int]:
    """Visits with an outstanding evaluation request, oldest request first."""
    with connection.cursor() as cur:
        if older_than is None:
            cur.execute(
                "SELECT visit_id FROM visits_evaluationrequest ORDER BY requested_at LIMIT %s",
                [limit],
            )
        else:
            cur.execute(
                "SELECT visit_id FROM visits_evaluationrequest WHERE requested_at < clock_timestamp() - %s "
                "ORDER BY requested_at LIMIT %s",
                [older_than, limit],
            )
        return [r[0] for r in cur.fetchall()]
