"""A verdict change's cause gives stored codes, dates and booleans in words, in the reader's
language (core.causes.value_words, with the labels the apps register)."""

import pytest
from django.utils import translation

from core import causes


@pytest.mark.parametrize(
    ("change", "english", "french"),
    [
        (
            {"field": "kind", "old": "other", "new": "art_87_7"},
            "other decision on cooperation (no Art. 87(7) finding) → Art. 87(7) finding",
            "(art. 87-7)",
        ),
        (
            {"field": "outcome", "old": "not_arrested", "new": "left_early"},
            "not arrested → left early",
            "pas arrêté",
        ),
        (
            {"field": "end_reason", "old": "", "new": "executed"},
            "(none) → executed (person surrendered)",
            "",
        ),
        ({"field": "host_notified", "old": False, "new": True}, "no → yes", "non → oui"),
        (
            {"field": "end", "old": "2024-09-03", "new": "2024-09-04"},
            "3 September 2024 → 4 September 2024",
            "3 septembre 2024 → 4 septembre 2024",
        ),
        ({"field": "place", "old": "2024-13", "new": "Ulaanbaatar"}, "2024-13 → Ulaanbaatar", ""),
    ],
)
def test_a_changed_fields_values_read_in_words(change, english, french):
    cause = {"key": "changed", "object": "visit", "name": "x", "changes": [change]}
    with translation.override("en"):
        text = causes.render_one(cause)
    assert english in text, text
    for raw in (change["old"], change["new"]):
        if isinstance(raw, str) and "_" in raw:
            assert raw not in text, text
    with translation.override("fr"):
        assert french in causes.render_one(cause)


def test_a_first_evaluation_does_not_say_its_new_visits_sources_changed():
    """A visit verified in the newsroom is evaluated for the first time with its sources:
    "first evaluation (sources of … changed)" read as a change to a visit that was new."""
    added = {"key": "added", "object": "visit", "name": "vladimir-putin-mng-2024-09-02"}
    sources = {"key": "sources", "name": "vladimir-putin-mng-2024-09-02"}
    with translation.override("en"):
        first = causes.render({"first": True, "causes": [added, sources]})
        alone = causes.render({"first": True, "causes": [sources]})
        later = causes.render({"first": False, "causes": [sources]})
    assert first == f"first evaluation ({causes.render_one(added)})"
    assert alone == "first evaluation"
    assert later == causes.render_one(sources) and later


def test_a_cause_names_a_visit_a_person_and_a_state_as_a_reader_knows_them():
    """'visite vladimir-putin-mng-2024-09-02' said nothing to a reader: given words for the
    things a cause names by their keys, it reads them; a state reads by its name."""
    added = {"key": "added", "object": "visit", "name": "vladimir-putin-mng-2024-09-02"}
    sources = {"key": "sources", "name": "vladimir-putin-mng-2024-09-02"}
    person = {"key": "edited", "object": "person", "name": "vladimir-putin"}
    state = {"key": "edited", "object": "state", "name": "MNG"}
    names = {
        ("visit", "vladimir-putin-mng-2024-09-02"): "Vladimir Putin, Mongolie, 2–3 septembre 2024",
        ("person", "vladimir-putin"): "Vladimir Putin",
    }
    assert causes.named_things([added, sources, person, state]) == {
        ("visit", "vladimir-putin-mng-2024-09-02"),
        ("person", "vladimir-putin"),
        ("state", "MNG"),
    }
    with translation.override("fr"):
        text = causes.render({"first": True, "causes": [added, person, state]}, names=names)
        later = causes.render([sources], names=names)
    assert text == (
        "première évaluation (ajout\u00a0: visite (Vladimir Putin, Mongolie, 2–3 septembre 2024)"
        "\u202f; modification\u00a0: personne (Vladimir Putin)\u202f; modification\u00a0: État "
        "(Mongolie))"
    )
    assert "vladimir-putin" not in later and "2–3 septembre 2024" in later
    # Without words for it (a visit no longer recorded), the key still names it.
    with translation.override("en"):
        assert "vladimir-putin-mng-2024-09-02" in causes.render([added])
