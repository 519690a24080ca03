"""The rows of /api/v1/visits/ built from plain column reads, without model instances.

A page of 50 visits through VisitSerializer builds some 300 model instances (each visit
with its person, situation, host, verdict, warrants, findings, citations and their
sources) and walks a nested serializer per object: about 35 ms of Python per page. Here
a page is one prepared statement (core.prepared), `_PAGE`, read by the paginator through
`read`: the visits' own columns with those of the rows joined to them, and the lists the
rows hold (the verdicts' warrants, the findings, the citations with their sources) as
JSON. `VisitRows` assembles them into the dicts VisitSerializer would
give, field by field in the same order, with the same values:
`tests/api/test_visit_rows.py` compares the two answers byte for byte.

VisitSerializer stays the description of a row (the OpenAPI schema, the detail
endpoint, `?as_of=`, the incidents feed); a field added to it must be added here too,
which that test catches.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence

import orjson
from django.core.exceptions import EmptyResultSet

from api.lang import answer_language
from api.rows import date_text, datetime_writer, optional_text
from core import prepared, tabular
from core import reasons as reasons_renderer
from core.links import link_builder
from core.names import country_name, situation_name
from visits.models import (
    CHANGES_A_VERDICT_SQL,
    Citation,
    WithdrawalCitation,
    announced_dates_passed,
    decision_bodies,
    verdict_label,
)

# A page of visits in one statement, for the page's keys (`{keys}`: the list's own query
# of its visits' ids, filtered, ordered and sliced, as the ORM writes it): each visit's
# columns with those of its person, situation, host, controlling state and verdict, in the
# order `VisitRows._row` reads them, then the lists it holds as JSON arrays (NULL for
# none): its verdict's warrants, its findings, its citations and its withdrawal's, each
# in the order VisitSerializer reads them: the warrants as `verdict.warrants.all()`
# (Warrant's ordering: person, issued, id), the findings as their prefetch (Finding's
# ordering: decided, id), the citations, the visit's and its withdrawal's, by the
# source's address, with the citation's own publisher, date, excerpt and archived copy
# over the source's (visits.models.CitedDetails.shown_*). JSON writes dates in ISO 8601,
# as DRF does. The verdict's reasons come as the JSON text PostgreSQL holds: the key of
# the parsed and rendered reasons' caches. Written out rather than compiled by the ORM
# per request (about 1 ms for its 35 columns and 6 joins); `tests/api/test_visit_rows.py` compares
# the answer with VisitSerializer's byte for byte.
# A visit's citations, or its withdrawal's (`{table}`: Citation's or WithdrawalCitation's),
# each as [url, publisher, published, excerpt, archived copy], by the source's address.
_CITED = """
    SELECT c.visit_id AS id,
           json_agg(json_build_array(
               cs.url, coalesce(nullif(c.publisher, ''), cs.publisher),
               coalesce(c.published, cs.published), coalesce(nullif(c.excerpt, ''), cs.excerpt),
               coalesce(nullif(c.archived_url, ''), cs.archived_url)) ORDER BY cs.url)::text AS items
    FROM page
    JOIN {table} c ON c.visit_id = page.id
    JOIN core_source cs ON cs.id = c.source_id
    GROUP BY c.visit_id
"""

_PAGE = """
WITH page AS MATERIALIZED (
    SELECT id, position FROM unnest(ARRAY({keys})) WITH ORDINALITY AS page (id, position)
), warrants AS (
    SELECT vw.verdict_id AS id,
           json_agg(json_build_array(w.ref, w.issued, w.made_public)
                    ORDER BY wp.name, w.issued, w.id)::text AS items
    FROM page
    JOIN visits_verdict_warrants vw ON vw.verdict_id = page.id
    JOIN warrants_warrant w ON w.id = vw.warrant_id
    JOIN warrants_person wp ON wp.id = w.person_id
    GROUP BY vw.verdict_id
), findings AS (
    SELECT f.visit_id AS id,
           json_agg(json_build_array(f.id, f.slug, f.kind, f.decided, f.decided_precision,
                                     f.referred_to_asp, f.referred_to_unsc)
                    ORDER BY f.decided, f.id)::text AS items
    FROM page JOIN visits_finding f ON f.visit_id = page.id
    GROUP BY f.visit_id
), citations AS ({visit_citations}), withdrawal_citations AS ({withdrawal_citations})
SELECT v.id, v.slug, p.slug, p.name, s.slug, s.name, h.iso3, h.name, v.host_control,
       c.iso3, c.name, v.place, v.start, v.start_precision, v."end", v.end_precision,
       v.end_known, v.occasion, v.status, v.outcome, v.host_notified, v.host_justification,
       v.text_language, v.review_state, v.withdrawal_note, v.expected_verdict,
       d.visit_id, d.code, d.basis, d.reasons::text, d.explanation,
       d.would_have_been_bound, d.rule_version, d.computed_at,
       EXISTS (SELECT 1 FROM visits_evaluationrequest er
               WHERE er.visit_id = v.id AND {changes_a_verdict}),
       v.created_at, v.updated_at, warrants.items, findings.items, citations.items,
       withdrawal_citations.items
FROM page
JOIN visits_visit v ON v.id = page.id
JOIN warrants_person p ON p.id = v.person_id
JOIN warrants_situation s ON s.id = p.situation_id
JOIN states_state h ON h.id = v.host_id
LEFT JOIN states_state c ON c.id = v.controlled_by_id
LEFT JOIN visits_verdict d ON d.visit_id = v.id
LEFT JOIN warrants ON warrants.id = d.visit_id
LEFT JOIN findings ON findings.id = v.id
LEFT JOIN citations ON citations.id = v.id
LEFT JOIN withdrawal_citations ON withdrawal_citations.id = v.id
ORDER BY page.position
"""
_PAGE = (
    _PAGE.replace("{visit_citations}", _CITED.format(table=Citation._meta.db_table))
    .replace("{withdrawal_citations}", _CITED.format(table=WithdrawalCitation._meta.db_table))
    # Whether the verdict awaits re-evaluation (visits.models.reevaluation_pending).
    .replace("{changes_a_verdict}", CHANGES_A_VERDICT_SQL)
)


def read(keys) -> list[tuple]:
    """The rows of a page of visits, in its order: `keys` is the list's queryset of the
    page's ids (`visits.values("pk")[bottom:top]`, filtered and ordered). Tuples of the
    columns of `_PAGE`, read in one statement through core.prepared (a prepared
    statement from its third run on a connection)."""
    try:
        sql, params = keys.query.sql_with_params()
    except EmptyResultSet:
        return []  # a filter no row can match (the ORM would not run a query either)
    return prepared.fetch(_PAGE.format(keys=sql), params)


@functools.lru_cache(maxsize=4096)
def _parsed(reasons_text: str) -> list:
    """A verdict's reasons (JSON text as PostgreSQL writes jsonb) as Python values, parsed
    once per distinct text (many verdicts share theirs). The standard library's parser: it
    reads any integer exactly, as Django's JSONField does (orjson would read one beyond
    64 bits as a float). The list is shared: the answer only serialises it."""
    return json.loads(reasons_text)


class VisitRows:
    """A page of visits as VisitSerializer(many=True).data would give it.

    `rows`: tuples of `_PAGE`'s columns (from `read`), in the page's order; `context`: the
    serializer context (its `request` gives the links' scheme and host). `data` is a
    list of dicts, one per row, built once, without a query.
    """

    def __init__(self, rows: Sequence[tuple], context: dict):
        self.rows = rows
        request = context.get("request")
        self.visit_link = link_builder(request, "api-visit-detail", "id")
        self.person_link = link_builder(request, "api-person-detail", "slug")
        self.state_link = link_builder(request, "api-state-detail", "iso3")
        self.warrant_link = link_builder(request, "api-warrant-detail", "ref")
        self.finding_link = link_builder(request, "api-finding-detail", "pk")
        self.page_link = link_builder(request, "visit", "slug")
        self.datetime = datetime_writer()
        self.language = answer_language()
        self.states: dict[tuple[str, str], dict] = {}
        self.labels: dict[str, str] = {}
        self.situations: dict[str, str] = {}

    @functools.cached_property
    def data(self) -> list[dict]:
        return [
            self._row(row[:-4], *(orjson.loads(items) if items else [] for items in row[-4:]))
            for row in self.rows
        ]

    def _state(self, iso3: str | None, name: str | None) -> dict | None:
        """StateRefSerializer's dict (None for no state), built once per state and page."""
        if iso3 is None:
            return None
        state = self.states.get((iso3, name))
        if state is None:
            state = self.states[(iso3, name)] = {
                "url": self.state_link(iso3),
                "iso3": iso3,
                "name": name,
                "translated_name": country_name(iso3, name),
            }
        return dict(state)

    def _situation(self, slug: str, name: str) -> dict:
        """SituationSerializer's dict, its translation looked up once per situation and page."""
        translated = self.situations.get(name)
        if translated is None:
            translated = self.situations[name] = situation_name(name)
        return {"slug": slug, "name": name, "translated_name": translated}

    def _verdict(
        self, code, basis, reasons_text, stored, would, rule_version, computed_at, pending, warrants
    ):
        """VisitVerdictSerializer's dict for the current verdict."""
        # As api.lang.render_explanation: the reasons rendered in the answer's language,
        # or the stored English of a verdict recorded before reasons were kept.
        reasons = _parsed(reasons_text) if reasons_text is not None else None
        if reasons:
            explanation = reasons_renderer.render_text(reasons_text, self.language)
        else:
            explanation = stored or ""
        label = self.labels.get((code, would))
        if label is None:
            label = self.labels[code, would] = verdict_label(code, would)
        return {
            "code": code,
            "label": label,
            "basis": basis or None,
            "reasons": reasons or [],
            "explanation": explanation,
            "would_have_been_bound": would,
            "warrants": [
                {"url": self.warrant_link(ref), "ref": ref, "issued": issued, "made_public": public}
                for ref, issued, public in warrants
            ],
            "rule_version": rule_version,
            "since": self.datetime(computed_at),
            "reevaluation_pending": pending,
            "as_of": None,
        }

    def _row(self, row, warrants, findings, citations, withdrawal_citations) -> dict:
        (
            pk,
            slug,
            person_slug,
            person_name,
            situation_slug,
            situation_dataset_name,
            host_iso3,
            host_name,
            host_control,
            controlled_iso3,
            controlled_name,
            place,
            start,
            start_precision,
            end,
            end_precision,
            end_known,
            occasion,
            status,
            outcome,
            notified,
            justification,
            text_language,
            review_state,
            withdrawal_note,
            expected_verdict,
            verdict_id,
            *verdict_columns,
            created_at,
            updated_at,
        ) = row
        verdict = None
        if verdict_id is not None:
            verdict = self._verdict(*verdict_columns, warrants)
        # A one-day visit's `end` is null however it is stored (tabular.dated_span).
        dates = tabular.dated_span(start, start_precision, end, end_precision)
        return {
            "url": self.visit_link(slug),
            "id": slug,
            "person": {
                "url": self.person_link(person_slug),
                "slug": person_slug,
                "name": person_name,
            },
            "situation": self._situation(situation_slug, situation_dataset_name),
            "host": self._state(host_iso3, host_name),
            "host_control": host_control,
            "controlled_by": self._state(controlled_iso3, controlled_name),
            "place": optional_text(place),
            "start": date_text(dates["start"]),
            "start_precision": dates["start_precision"],
            "end": date_text(dates["end"]),
            "end_precision": dates["end_precision"],
            "end_known": end_known,
            "occasion": optional_text(occasion),
            "status": status,
            # As VisitSerializer.get_dates_passed (visits.models.announced_dates_passed).
            "dates_passed": announced_dates_passed(
                status, start, start_precision, end, end_precision, end_known=end_known
            ),
            "outcome": outcome,
            "host_notified": notified,
            "host_justification": optional_text(justification),
            "text_language": text_language,
            "review_state": review_state,
            "withdrawal_note": optional_text(withdrawal_note),
            # As VisitSerializer: only a withdrawn visit's withdrawal cites any.
            "withdrawal_sources": [
                {
                    "url": url,
                    "publisher": optional_text(publisher),
                    "published": published,
                    "excerpt": optional_text(excerpt),
                    "archived_url": optional_text(archived_url),
                }
                for url, publisher, published, excerpt, archived_url in withdrawal_citations
            ]
            if review_state == "withdrawn"
            else [],
            "expected_verdict": optional_text(expected_verdict),
            "verdict": verdict,
            "findings": [
                {
                    "url": self.finding_link(finding_id),
                    "dataset_id": optional_text(dataset_id),
                    "kind": kind,
                    "decided": decided,
                    "decided_precision": precision,
                    # As FindingRefSerializer: a decision of kind `other` refers nothing.
                    **decision_bodies(kind, asp, unsc),
                }
                for finding_id, dataset_id, kind, decided, precision, asp, unsc in findings
            ],
            "sources": [
                {
                    "url": url,
                    "publisher": optional_text(publisher),
                    "published": published,
                    "excerpt": optional_text(excerpt),
                    "archived_url": optional_text(archived_url),
                }
                for url, publisher, published, excerpt, archived_url in citations
            ],
            "page_url": self.page_link(slug),
            "created_at": self.datetime(created_at),
            "updated_at": self.datetime(updated_at),
        }
