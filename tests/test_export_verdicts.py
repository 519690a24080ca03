"""manage.py export_verdicts: its columns (the first ten unchanged, new ones appended) and --lang."""

import csv
import io
import json
import sys
import types

import pytest
from django.core.management import CommandError, call_command

from dataset.management.commands.export_verdicts import COLUMNS
from visits.models import Verdict

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
REASONS = [{"key": "bound_state_party", "state": "MNG", "since": "2002-07-01"}]


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
    ]


def test_rows_carry_the_reasons_as_json_and_the_visits_new_facts(seeded):
    Verdict.objects.filter(visit__slug=MONGOLIA).update(reasons=REASONS)
    row = export()[MONGOLIA]
    assert json.loads(row["reasons"]) == REASONS
    assert (row["review_state"], row["host_control"], row["controlled_by_iso3"]) == (
        "verified",
        "effective",
        "",
    )
    assert row["verdict"] == "non_compliance"


def test_lang_renders_the_explanation_and_nothing_else(seeded, monkeypatch):
    module = types.ModuleType("core.reasons")
    module.render = lambda reasons, language=None: f"[{language}] {reasons[0]['key']}"
    monkeypatch.setitem(sys.modules, "core.reasons", module)
    Verdict.objects.filter(visit__slug=MONGOLIA).update(reasons=REASONS)
    english, french = export()[MONGOLIA], export("--lang", "fr")[MONGOLIA]
    assert (english["explanation"], french["explanation"]) == (
        "[en] bound_state_party",
        "[fr] bound_state_party",
    )
    assert {k: v for k, v in english.items() if k != "explanation"} == {
        k: v for k, v in french.items() if k != "explanation"
    }


def test_french_without_the_renderer_is_refused_not_silently_english(seeded, monkeypatch):
    monkeypatch.setitem(sys.modules, "core.reasons", None)
    with pytest.raises(CommandError, match="core.reasons"):
        call_command("export_verdicts", "--lang", "fr", stdout=io.StringIO())
