"""manage.py export_verdicts: its columns (the first ten unchanged, new ones appended) and --lang."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from core.reasons import render
from dataset.management.commands.export_verdicts import COLUMNS
from visits.models import Verdict

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"


def export(*args) -> dict[str, dict]:
    out = io.StringIO()
    call_command("export_verdicts", *args, stdout=out)
    table = csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff")))
    assert table.fieldnames == COLUMNS
    return {row["id"]: row for row in table}


def test_the_first_ten_columns_keep_their_places_and_the_new_ones_follow():
    assert COLUMNS[:10] == [
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
    ]
    assert COLUMNS[10:] == [
        "review_state",
        "host_control",
        "controlled_by_iso3",
        "would_have_been_bound",
        "reasons",
        "withdrawal_note",
        "expected_verdict",
        "start_precision",
        "end_precision",
        "reevaluation_pending",
    ]


def test_rows_carry_the_reasons_as_json_and_the_visits_new_facts(seeded):
    verdict = Verdict.objects.get(visit__slug=MONGOLIA)
    row = export()[MONGOLIA]
    assert verdict.reasons and json.loads(row["reasons"]) == verdict.reasons
    assert (row["review_state"], row["host_control"], row["controlled_by_iso3"]) == (
        "verified",
        "effective",
        "",
    )
    assert row["verdict"] == "non_compliance"
    assert (row["start"], row["start_precision"]) == ("2024-09-02", "day")


def test_lang_renders_the_explanation_and_nothing_else(seeded):
    verdict = Verdict.objects.get(visit__slug=MONGOLIA)
    english, french = export()[MONGOLIA], export("--lang", "fr")[MONGOLIA]
    assert english["explanation"] == render(verdict.reasons, "en")
    assert french["explanation"] == render(verdict.reasons, "fr")
    assert "Mongolie" in french["explanation"] and "2 septembre 2024" in french["explanation"]
    assert english["explanation"] != french["explanation"]
    assert {k: v for k, v in english.items() if k != "explanation"} == {
        k: v for k, v in french.items() if k != "explanation"
    }


def test_an_unknown_language_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("export_verdicts", "--lang", "xx", stdout=io.StringIO())
