"""The visits table as every download writes it: the site's /visits.csv and /visits.json,
the API's `?format=csv` on /api/v1/visits/ and /api/v1/incidents/, and the bulk files.

One description (`VISIT_TABLE`) and one row function (`visit_row`), so the same list
has the same columns wherever it is downloaded from (the API's CSV gives `url` the
meaning it has in the API's JSON, the visit's API address, and adds the page as
`page_url`: api.visits.views.API_VISIT_TABLE); `core.tabular` writes the cells
(data/DICTIONARY.md, "Export format"). A row needs the visit with its person, situation,
host, controlling state and verdict joined (`VISIT_JOINS`), its sources and the
verdict's warrants prefetched (`VISIT_PREFETCH`) and whether its verdict awaits
re-evaluation read in the same query (`reevaluation_pending`, as the API's JSON reads it):
`with_table_rows`; and, in a list that may hold withdrawn visits, its withdrawal's
sources (`with_withdrawal_sources`): a fixed number of queries per chunk.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Prefetch
from django.utils import translation

from core import reasons as reasons_renderer
from core.names import country_name
from core.tabular import Column, Table, dated, dated_span
from visits.models import (
    Basis,
    ReviewState,
    TextLanguage,
    VerdictCode,
    VisitOutcome,
    VisitStatus,
    WithdrawalCitation,
    reevaluation_pending_of,
)


def _one_of(choices) -> str:
    return "One of " + ", ".join(f"`{value}`" for value in choices.values) + "."


VISIT_JOINS = ("person", "person__situation", "host", "controlled_by", "verdict")
VISIT_PREFETCH = ("sources", "verdict__warrants", "findings")


def with_table_rows(visits):
    """`visits` with everything a row of `VISIT_TABLE` reads (`visit_row`): the joins, the
    prefetches, and whether each verdict awaits re-evaluation (`reevaluation_pending`,
    VisitQuerySet.with_pending_reevaluation: an `EXISTS` in the rows' own query, as the
    API's JSON reads it), in a fixed number of queries per chunk of a streamed download."""
    if "reevaluation_pending" not in visits.query.annotations:
        visits = visits.with_pending_reevaluation()
    return visits.select_related(*VISIT_JOINS).prefetch_related(*VISIT_PREFETCH)


def with_withdrawal_sources(visits):
    """`visits` with the sources each one's withdrawal cites (`withdrawal_cited`: its
    WithdrawalCitation rows with their Source, by address), one query per page or chunk,
    for a list that may hold withdrawn visits: the API's JSON (VisitSerializer) and this
    table's `withdrawal_source_urls` (`visit_row`) read them. Only a withdrawn visit's
    withdrawal cites any (a visit restored to the record loses them), so a list of
    published visits goes without, and a withdrawn visit read alone reads its own."""
    return visits.prefetch_related(
        Prefetch(
            "withdrawal_citations",
            queryset=WithdrawalCitation.objects.select_related("source").order_by("source__url"),
            to_attr="withdrawal_cited",
        )
    )


VISIT_TABLE = Table(
    name="visits",
    description="One row per visit, with its current verdict (or, with as_of, the verdict then).",
    primary_key=("id",),
    columns=(
        Column("id", "string", "The visit's stable id in the dataset."),
        Column("url", "string", "The visit's page on the site."),
        Column("person", "string", "The wanted person's name."),
        Column("person_slug", "string", "The person's id (persons.slug)."),
        Column("situation", "string", "The person's situation (its slug)."),
        Column(
            "host",
            "string",
            "The host state's name in English (`host_translated_name`: in the download's language).",
        ),
        Column("host_iso3", "string", "The host state (ISO 3166-1 alpha-3)."),
        Column(
            "host_control",
            "string",
            "`effective`, or `none` when the host did not control the place.",
        ),
        Column(
            "controlled_by_iso3",
            "string",
            "Where host_control is `none`: the state in control, if known.",
        ),
        Column("place", "string", "The city or place."),
        Column("start", "date", "First day (a partial date's first day; see start_precision)."),
        Column(
            "start_precision", "string", "`day`, `month` or `year`: how much of start is known."
        ),
        Column(
            "end",
            "date",
            "Last day (a partial date's first day; see end_precision); empty for a visit that "
            "ended on its start day (and for an undated one, and for one whose end is not "
            "known: see end_known).",
        ),
        Column(
            "end_precision",
            "string",
            "`day`, `month` or `year`: how much of end is known; empty when end is.",
        ),
        Column("occasion", "string", "Why the person travelled."),
        Column("status", "string", "What became of the trip. " + _one_of(VisitStatus)),
        Column("outcome", "string", "What the host did. " + _one_of(VisitOutcome)),
        Column(
            "host_notified",
            "boolean",
            "The host is known to have been notified of a sealed warrant.",
        ),
        Column("host_justification", "string", "What the host said, if anything."),
        Column(
            "verdict",
            "string",
            "The verdict (docs/DOMAIN.md); empty (null in JSON) before evaluation. "
            + _one_of(VerdictCode),
        ),
        Column(
            "basis",
            "string",
            "Why the host was bound (empty, null in JSON, if not). " + _one_of(Basis),
        ),
        Column(
            "would_have_been_bound",
            "boolean",
            "For upcoming, deterred and no_control: whether the host would have been bound on "
            "every possible day with a warrant in force (true), on none (false); empty (null in "
            "JSON) when only on some (an undated or partly dated trip whose answer depends on "
            "its day).",
        ),
        Column("explanation", "string", "The verdict in words, in the download's language."),
        Column(
            "reasons",
            "json",
            "The rule's reasons as structured, language-neutral facts (a JSON array of objects, "
            "each with a `key`): what `explanation` renders.",
        ),
        Column(
            "warrants",
            "json",
            "The warrants that decided the verdict: a JSON array of warrant refs.",
        ),
        Column(
            "rule_version",
            "string",
            "The version of the rule that gave the verdict (text, e.g. 'rule 2026.11.30').",
        ),
        Column("verdict_since", "datetime", "When iccwatch recorded this verdict (UTC)."),
        Column("source_urls", "json", "The visit's sources: a JSON array of addresses."),
        Column(
            "findings",
            "json",
            "ICC findings about this visit: a JSON array of objects with `id` (the API's, "
            "/api/v1/findings/{id}/), `dataset_id` (findings.csv's `id`, null if none), `kind`, "
            "`decided` and `decided_precision`.",
        ),
        Column(
            "expected_verdict",
            "string",
            "The verdict the researchers expect (empty if none noted).",
        ),
        Column("withdrawal_note", "string", "For a withdrawn visit: why it left the record."),
        Column(
            "withdrawal_source_urls",
            "json",
            "For a withdrawn visit: the sources its withdrawal cites, a JSON array of "
            "addresses ([] when it cited none, as for a visit an import withdrew); empty "
            "(null in JSON) for a visit not withdrawn.",
        ),
        Column("updated_at", "datetime", "When the visit's record last changed (UTC)."),
        # After the others, so that a reader of the columns by position keeps theirs (as
        # states.csv's translated_name beside its English name).
        Column(
            "host_translated_name",
            "string",
            "The host state's name in the download's language (`host` is the dataset's, in "
            "English).",
        ),
        # Appended after it, for the same reason.
        Column(
            "text_language",
            "string",
            "The language `occasion` and `host_justification` are written in (BCP 47): `en` "
            "for the dataset's, the one its report gave for a visit reported in the newsroom "
            "or the API. " + _one_of(TextLanguage),
        ),
        # After it, as in the bulk files' visits (a column per field of a visit), and before
        # `reevaluation_pending`, which stays last.
        Column(
            "end_known",
            "boolean",
            "False when the sources give the day the visit began but not the day it ended: "
            "`end` is then empty, and the visit is known to have covered its start, not that "
            "it lasted that day alone (the verdict rests on the start); true otherwise.",
        ),
        # After it, and before `reevaluation_pending`, which stays last.
        Column(
            "dates_passed",
            "boolean",
            "Whether the visit is an announced trip whose dates have all passed on the day of the download (its last possible day is before it) with nothing recorded of what became of it: not confirmed as taken, and no longer an early warning; its verdict stays `upcoming`. False for any other visit, and for an announced trip whose end is not known (it may still be going on).",
        ),
        # Appended last too.
        Column(
            "reevaluation_pending",
            "boolean",
            "Whether the verdict awaits re-evaluation: true when it was decided before a change to "
            "the facts it rests on (a verified correction of the visit, a change to a warrant or to "
            "the host's record, a new rule version) that has not been evaluated yet, so that it may "
            "not follow from the visit's other columns (the API's `verdict.reevaluation_pending`, "
            "the notice on the visit's page); false for a verdict that is up to date (an edit the "
            "rule does not read, such as the researchers' notes, does not count) and for a past "
            "verdict (`as_of`); empty (null in JSON) when there is no verdict.",
        ),
    ),
)


def rule_version_cell(version: str) -> str:
    """The rule version as text no program reads as a date or a number ('rule 2026.11.30')."""
    return f"rule {version}" if version else ""


def _verdict_then(visit):
    """The verdict a row shows: the as_of one when the API asked for a day, else the current one."""
    if hasattr(visit, "verdict_as_of"):
        changes = visit.verdict_as_of
        if not changes:
            return None
        change = changes[0]
        return {
            "code": change.new_code,
            "basis": change.new_basis,
            "would_have_been_bound": None,
            "reasons": change.reasons,
            "explanation": change.explanation,
            "warrants": None,
            "rule_version": change.rule_version,
            "since": change.changed_at,
            # What iccwatch said then: never pending (as the API's JSON says it).
            "reevaluation_pending": False,
        }
    try:
        verdict = visit.verdict
    except type(visit).verdict.RelatedObjectDoesNotExist:
        return None
    return {
        "code": verdict.code,
        "basis": verdict.basis,
        "would_have_been_bound": verdict.would_have_been_bound,
        "reasons": verdict.reasons,
        "explanation": verdict.explanation,
        "warrants": [w.ref for w in verdict.warrants.all()],
        "rule_version": verdict.rule_version,
        "since": verdict.computed_at,
        "reevaluation_pending": reevaluation_pending_of(visit),
    }


def _withdrawal_source_urls(visit) -> list[str] | None:
    """The addresses the withdrawal of `visit` cites, sorted as `source_urls`; None for a
    visit not withdrawn (review state other than `withdrawn`: published, or rejected
    after it was, which no withdrawal took out): it has no withdrawal to cite anything.
    Read from `with_withdrawal_sources` when the list was, else in one query: a visit
    read alone, or a withdrawn visit in a list read without it (one query per such row,
    hence the prefetch for any list that may hold them)."""
    if visit.review_state != ReviewState.WITHDRAWN:
        return None
    cited = getattr(visit, "withdrawal_cited", None)
    if cited is None:
        return sorted(visit.withdrawal_citations.values_list("source__url", flat=True))
    return sorted(citation.source.url for citation in cited)


def visit_row(visit, page_link: Callable[[str], str], language: str) -> dict:
    """One visit as a row of `VISIT_TABLE`: a value not known, or none, is None (an empty
    CSV cell, `null` in JSON, as the API's answers say it), never "", but for the texts
    the API gives as "" too (place, occasion, justification, expected verdict, notes). A
    list is None where it does not apply (a verdict's reasons before any verdict, a
    withdrawal's sources on a visit not withdrawn) and [] where it applies and holds
    nothing (a withdrawal that cited no source). `reevaluation_pending` is the API's
    `verdict.reevaluation_pending` (visits.models.reevaluation_pending_of: the annotation
    `with_table_rows` reads with the rows, else one query), false for a past verdict
    (as_of), None without a verdict.

    `page_link` gives a visit's page's full URL from its slug (core.links.link_builder);
    `language` is the explanation's (the stored English when the verdict has no reasons)
    and `host_translated_name`'s.
    """
    verdict = _verdict_then(visit)
    explanation = ""
    if verdict is not None:
        explanation = reasons_renderer.explanation_or_stored(
            verdict["reasons"], verdict["explanation"], language
        )
    return {
        "id": visit.slug,
        "url": page_link(visit.slug),
        "person": visit.person.name,
        "person_slug": visit.person.slug,
        "situation": visit.person.situation.slug if visit.person.situation_id else None,
        "host": visit.host.name,
        "host_iso3": visit.host.iso3,
        "host_control": visit.host_control,
        "controlled_by_iso3": visit.controlled_by.iso3 if visit.controlled_by_id else None,
        "place": visit.place,
        # A one-day visit's `end` is empty however it is stored (tabular.dated_span).
        **dated_span(visit.start, visit.start_precision, visit.end, visit.end_precision),
        "occasion": visit.occasion,
        "status": visit.status,
        "outcome": visit.outcome,
        "host_notified": visit.host_notified,
        "host_justification": visit.host_justification,
        "verdict": verdict["code"] if verdict else None,
        "basis": (verdict["basis"] or None) if verdict else None,
        "would_have_been_bound": verdict["would_have_been_bound"] if verdict else None,
        "explanation": explanation,
        "reasons": (verdict["reasons"] or []) if verdict else None,
        "warrants": verdict["warrants"] if verdict else None,
        "rule_version": rule_version_cell(verdict["rule_version"]) if verdict else None,
        "verdict_since": verdict["since"] if verdict else None,
        "source_urls": sorted(s.url for s in visit.sources.all()),
        "findings": [
            {
                "id": f.pk,
                "dataset_id": f.slug or None,
                "kind": f.kind,
                **dated("decided", f.decided, f.decided_precision),
            }
            for f in sorted(
                visit.findings.all(), key=lambda f: (f.decided is None, f.decided, f.pk)
            )
        ],
        "expected_verdict": visit.expected_verdict,
        "withdrawal_note": visit.withdrawal_note,
        "withdrawal_source_urls": _withdrawal_source_urls(visit),
        "updated_at": visit.updated_at,
        "host_translated_name": _translated_name(visit.host, language),
        "text_language": visit.text_language,
        "end_known": visit.end_known,
        # Read on the day of the download, as the site and the API's `dates_passed`.
        "dates_passed": visit.dates_passed(),
        "reevaluation_pending": verdict["reevaluation_pending"] if verdict else None,
    }


def _translated_name(state, language: str) -> str:
    """`state`'s name in `language` (core.names.country_name: the dataset's in English)."""
    with translation.override(language):
        return country_name(state.iso3, state.name)
