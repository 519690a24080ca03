"""manage.py export_verdicts: every visit's verdict as CSV on stdout (written by `core.tabular`).

The contract (also in `--help`): one row per visit, every review state included
(withdrawn visits too, with verdict `withdrawn`), ordered by start date, person, host.
The first ten columns are unchanged since the first edition; later columns are only
ever appended:

    id, person_slug, host_iso3, start, end, status, outcome, verdict, basis, explanation,
    review_state, host_control, controlled_by_iso3, would_have_been_bound, reasons,
    withdrawal_note, expected_verdict, start_precision, end_precision, reevaluation_pending

- dates are full ISO dates; a date known only to the month or year is its first day
  (`2009-03-01`) and `start_precision`/`end_precision` say so (`day`, `month`, `year`),
  as in every export (`core.tabular`); `end` is empty for a visit that ended on its
  start day, however it is stored (`core.tabular.dated_span`);
- `explanation` is rendered from the verdict's reasons in `--lang` (default `en`);
  a verdict without reasons keeps its stored English explanation;
- `reasons` is the verdict's structured reasons as one JSON array (keys sorted, UTF-8),
  language-neutral: what a program should read instead of the explanation;
- `reevaluation_pending` is `true` when the verdict was decided before a change to the
  facts it rests on that no worker has evaluated yet (it may not follow from the row's
  other columns), `false` when it is up to date, empty without a verdict: the visits
  table's column (visits.tables) and the API's `verdict.reevaluation_pending`.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from core import reasons as reasons_renderer
from core import tabular
from visits.models import Visit, reevaluation_pending_of

COLUMNS = [
    "id",
    "person_slug",
    "host_iso3",
    "start",
    "end",
    "status",
    "outcome",
    "verdict",
    "basis",
    "explanation",
    # Second edition: appended, so that the first ten columns keep their places.
    "review_state",
    "host_control",
    "controlled_by_iso3",
    "would_have_been_bound",
    "reasons",
    "withdrawal_note",
    "expected_verdict",
    # Third edition: the precision of each date (the dates themselves are full ISO dates).
    "start_precision",
    "end_precision",
    # Fourth edition: whether the verdict awaits re-evaluation.
    "reevaluation_pending",
]


def render_explanation(reasons, stored: str, language: str) -> str:
    """The reasons rendered in `language`; the stored English when there are none (a verdict
    recorded before reasons were kept)."""
    return reasons_renderer.explanation_or_stored(reasons, stored, language)


def reasons_cell(reasons) -> str:
    """The structured reasons as one JSON array ('' when there are none)."""
    if not reasons:
        return ""
    return json.dumps(reasons, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def verdict_row(visit, language: str = "en") -> dict:
    """One visit's row: its identifiers, dates, what happened and its current verdict, and
    whether that verdict awaits re-evaluation (the `reevaluation_pending` annotation the
    command reads with the rows: visits.models.reevaluation_pending_of)."""
    verdict = getattr(visit, "verdict", None)
    return {
        "id": visit.slug,
        "person_slug": visit.person.slug,
        "host_iso3": visit.host.iso3,
        **tabular.dated_span(visit.start, visit.start_precision, visit.end, visit.end_precision),
        "status": visit.status,
        "outcome": visit.outcome,
        "verdict": verdict.code if verdict else "",
        "basis": verdict.basis if verdict else "",
        "explanation": (
            render_explanation(verdict.reasons, verdict.explanation, language) if verdict else ""
        ),
        "review_state": visit.review_state,
        "host_control": visit.host_control,
        "controlled_by_iso3": visit.controlled_by.iso3 if visit.controlled_by else "",
        "would_have_been_bound": verdict.would_have_been_bound if verdict else None,
        "reasons": reasons_cell(verdict.reasons) if verdict else "",
        "withdrawal_note": visit.withdrawal_note,
        "expected_verdict": visit.expected_verdict,
        "reevaluation_pending": reevaluation_pending_of(visit) if verdict else None,
    }


class Command(BaseCommand):
    help = (
        "Write one CSV row per visit (every review state, withdrawn ones included; ordered by start "
        "date, person, host) with its current verdict, to stdout: UTF-8 with a byte order mark, full ISO "
        "dates with their precision in start_precision and end_precision. Columns: "
        + ", ".join(COLUMNS)
        + ". The first ten keep "
        "their places; new columns are appended. `reasons` is the verdict's structured reasons as a "
        "JSON array; `explanation` is their rendering in --lang; `reevaluation_pending` is true "
        "when the verdict awaits re-evaluation after a change not evaluated yet."
    )

    def add_arguments(self, parser):
        languages = [code for code, _ in settings.LANGUAGES]
        parser.add_argument(
            "--lang",
            default="en",
            choices=languages,
            help="The language of the explanation column (default en). Country names and dates in it "
            "follow the language; every other column is language-neutral.",
        )

    def handle(self, *args, lang="en", **options):
        visits = tabular.streamed(
            Visit.objects.with_pending_reevaluation()
            .select_related("person", "host", "controlled_by", "verdict")
            .order_by("start", "person__slug", "host__iso3", "slug"),
            2000,
        )
        with translation.override(lang):
            rows = (verdict_row(visit, lang) for visit in visits)
            for line in tabular.csv_lines(rows, COLUMNS):
                self.stdout.write(line, ending="")
