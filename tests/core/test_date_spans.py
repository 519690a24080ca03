"""A visit's dates in words for every pair of precisions its start and its end may have
(a day, a month, a year, unknown), in English and in French, within one year and across
two: never a span that reads as going backwards ("October 2025 – 2025")."""

import itertools

import pytest
from django.utils import translation

from compliance import Period, evaluate
from core.reasons import render
from front import summaries
from tests.visits.test_compliance import ARMENIA, PUTIN, visit


def _precision(iso: str | None) -> str | None:
    return Period.parse(iso).precision if iso else None


# (start, end, in English, in French, in a French sentence): the dataset's forms, "" for
# unknown. English reads the same in a sentence as in a title (front.summaries.span_sentence).
SPANS = [
    # Within one year.
    ("2025-10-15", "", "15 October 2025", "15 octobre 2025", "le 15 octobre 2025"),
    ("2025-10", "", "October 2025", "octobre 2025", "en octobre 2025"),
    ("2025", "", "2025", "2025", "en 2025"),
    ("", "", "undated", "sans date", "sans date"),
    ("", "2025-03-03", "until 3 March 2025", "jusqu’au 3 mars 2025", "jusqu’au 3 mars 2025"),
    ("", "2025-03", "until March 2025", "jusqu’en mars 2025", "jusqu’en mars 2025"),
    ("", "2025", "until 2025", "jusqu’en 2025", "jusqu’en 2025"),
    (
        "2025-10-15",
        "2025-10-16",
        "15–16 October 2025",
        "15–16 octobre 2025",
        "du 15 au 16 octobre 2025",
    ),
    (
        "2025-10-30",
        "2025-11-02",
        "30 October – 2 November 2025",
        "30 octobre – 2 novembre 2025",
        "du 30 octobre au 2 novembre 2025",
    ),
    (
        "2025-10-15",
        "2025-10",
        "October 2025 (from 15 October)",
        "octobre 2025 (à partir du 15 octobre)",
        "en octobre 2025 (à partir du 15 octobre)",
    ),
    (
        "2025-10-01",
        "2025-10",
        "October 2025 (from 1 October)",
        "octobre 2025 (à partir du 1er octobre)",
        "en octobre 2025 (à partir du 1er octobre)",
    ),
    (
        "2025-10-15",
        "2025-11",
        "15 October 2025 – November 2025",
        "15 octobre 2025 – novembre 2025",
        "entre le 15 octobre 2025 et novembre 2025",
    ),
    (
        "2025-10-15",
        "2025",
        "2025 (from 15 October)",
        "2025 (à partir du 15 octobre)",
        "en 2025 (à partir du 15 octobre)",
    ),
    (
        "2025-10",
        "2025-10-20",
        "October 2025 (until 20 October)",
        "octobre 2025 (jusqu’au 20 octobre)",
        "en octobre 2025 (jusqu’au 20 octobre)",
    ),
    (
        "2025-10",
        "2025-11-20",
        "October 2025 – 20 November 2025",
        "octobre 2025 – 20 novembre 2025",
        "entre octobre 2025 et le 20 novembre 2025",
    ),
    ("2025-10", "2025-10", "October 2025", "octobre 2025", "en octobre 2025"),
    (
        "2025-10",
        "2025-12",
        "October 2025 – December 2025",
        "octobre 2025 – décembre 2025",
        "entre octobre 2025 et décembre 2025",
    ),
    # The case that read "from October 2025 to 2025".
    (
        "2025-10",
        "2025",
        "2025 (from October)",
        "2025 (à partir d’octobre)",
        "en 2025 (à partir d’octobre)",
    ),
    (
        "2025-03",
        "2025",
        "2025 (from March)",
        "2025 (à partir de mars)",
        "en 2025 (à partir de mars)",
    ),
    (
        "2025",
        "2025-03-04",
        "2025 (until 4 March)",
        "2025 (jusqu’au 4 mars)",
        "en 2025 (jusqu’au 4 mars)",
    ),
    ("2025", "2025-03", "2025 (until March)", "2025 (jusqu’en mars)", "en 2025 (jusqu’en mars)"),
    ("2025", "2025", "2025", "2025", "en 2025"),
    # Across two years.
    (
        "2025-12-30",
        "2026-01-02",
        "30 December 2025 – 2 January 2026",
        "30 décembre 2025 – 2 janvier 2026",
        "du 30 décembre 2025 au 2 janvier 2026",
    ),
    (
        "2025-12-30",
        "2026-01",
        "30 December 2025 – January 2026",
        "30 décembre 2025 – janvier 2026",
        "entre le 30 décembre 2025 et janvier 2026",
    ),
    (
        "2025-10-15",
        "2026",
        "15 October 2025 – 2026",
        "15 octobre 2025 – 2026",
        "entre le 15 octobre 2025 et 2026",
    ),
    (
        "2025-10",
        "2026-01-20",
        "October 2025 – 20 January 2026",
        "octobre 2025 – 20 janvier 2026",
        "entre octobre 2025 et le 20 janvier 2026",
    ),
    (
        "2025-10",
        "2026-02",
        "October 2025 – February 2026",
        "octobre 2025 – février 2026",
        "entre octobre 2025 et février 2026",
    ),
    ("2025-10", "2026", "October 2025 – 2026", "octobre 2025 – 2026", "entre octobre 2025 et 2026"),
    (
        "2025",
        "2026-03-04",
        "2025 – 4 March 2026",
        "2025 – 4 mars 2026",
        "entre 2025 et le 4 mars 2026",
    ),
    ("2025", "2026-03", "2025 – March 2026", "2025 – mars 2026", "entre 2025 et mars 2026"),
    ("2025", "2026", "2025 – 2026", "2025 – 2026", "entre 2025 et 2026"),
]


def test_the_table_holds_every_pair_of_precisions():
    precisions = ("day", "month", "year", None)
    pairs = {(_precision(start), _precision(end)) for start, end, *_ in SPANS}
    assert pairs == set(itertools.product(precisions, precisions))


@pytest.mark.parametrize(
    ("start", "end", "english", "french", "french_sentence"),
    SPANS,
    ids=[f"{start or '?'}..{end or '?'}" for start, end, *_ in SPANS],
)
def test_a_visits_dates_read_forwards_in_both_languages(
    start, end, english, french, french_sentence
):
    first = Period.parse(start) if start else None
    last = Period.parse(end) if end else None
    dates = (
        first.first if first else None,
        first.precision if first else "day",
        last.first if last else None,
        last.precision if last else "day",
    )
    with translation.override("en"):
        assert summaries.span_words(*dates) == english
        assert summaries.span_sentence(*dates) == english
        assert summaries.report_span_words(start or None, end or None) == english
    with translation.override("fr"):
        assert summaries.span_words(*dates) == french
        assert summaries.span_sentence(*dates) == french_sentence
        assert summaries.report_span_words(start or None, end or None) == french
    if (
        first
        and last
        and (
            last.first <= first.first <= first.last <= last.last
            or (first.first <= last.first <= last.last <= first.last)
        )
    ):
        # One end inside the other's month or year: a note on the wider one, no dash.
        assert "–" not in english + french + french_sentence


@pytest.mark.parametrize(
    ("start", "end", "english", "french", "period", "période"),
    [
        (
            "2025-10",
            "2025",
            "in 2025 (from October)",
            "en 2025 (à partir d’octobre)",
            "2025, from October",
            "2025, à partir d’octobre",
        ),
        (
            "2025",
            "2025-03-04",
            "in 2025 (until 4 March)",
            "en 2025 (jusqu’au 4 mars)",
            "2025, until 4 March",
            "2025, jusqu’au 4 mars",
        ),
        (
            "2025-10-15",
            "2025-10",
            "in October 2025 (from 15 October)",
            "en octobre 2025 (à partir du 15 octobre)",
            "October 2025, from 15 October",
            "octobre 2025, à partir du 15 octobre",
        ),
        (
            "2025-10",
            "2026",
            "from October 2025 to 2026",
            "entre octobre 2025 et 2026",
            "October 2025 – 2026",
            "octobre 2025 – 2026",
        ),
    ],
)
def test_an_explanation_dates_the_visit_as_the_pages_do(
    start, end, english, french, period, période
):
    """The explanation's "visited … in 2025 (from October)", and its "dated only 2025,
    from October", which French puts inside brackets: no bracket opens inside another."""
    reasons = evaluate(visit(start, end, place="Yerevan"), ARMENIA, [PUTIN]).reasons
    in_english, in_french = render(reasons, "en"), render(reasons, "fr")
    assert f"Armenia {english} and was not arrested" in in_english
    assert f"(Yerevan, Arménie) {french}\u202f;" in in_french
    assert f"The visit is dated only {period};" in in_english
    assert f"La visite n’est datée qu’approximativement ({période})\u202f;" in in_french
