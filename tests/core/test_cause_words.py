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


@pytest.mark.parametrize(
    ("kind", "english", "french"),
    [
        (
            "art_87_7",
            "ICC finding of non-compliance under Art. 87(7) (Mongolia, 24 October 2024) was added",
            "ajout\u00a0: constat de manquement de la CPI au titre de l’art. 87-7 (Mongolie, "
            "24 octobre 2024)",
        ),
        (
            "other",
            "ICC decision on cooperation (Mongolia, 24 October 2024) was added",
            "ajout\u00a0: décision de la CPI sur la coopération (Mongolie, 24 octobre 2024)",
        ),
        # Not known (a cause recorded before causes gave it, and no words for it): an ICC
        # decision, which both kinds are.
        (
            None,
            "ICC decision (Mongolia, 24 October 2024) was added",
            "ajout\u00a0: décision de la CPI (Mongolie, 24 octobre 2024)",
        ),
    ],
)
def test_an_icc_decision_is_named_by_its_kind_never_a_finding_when_it_made_none(
    kind, english, french
):
    """A decision that informs the Council or the Assembly, or finds no failure, is
    another kind of decision, never a finding (docs/DOMAIN.md, "ICC finding"): a cause
    called every decision « constat »."""
    added = {"key": "added", "object": "finding", "name": "MNG 2024-10-24"}
    given = {**added, "kind": kind} if kind else added
    # A cause recorded without the kind takes the one a caller read from the decision.
    told = {("finding kind", "MNG 2024-10-24"): kind} if kind else {}
    for cause, names in ((given, None), (added, told)):
        with translation.override("en"):
            assert causes.render_one(cause, names) == english
        with translation.override("fr"):
            assert causes.render_one(cause, names) == french
            assert kind == "art_87_7" or "constat" not in causes.render_one(cause, names)


def test_a_change_of_a_decisions_kind_calls_it_an_icc_decision():
    """Neither kind names a decision whose kind is what changed."""
    changed = {
        "key": "changed",
        "object": "finding",
        "name": "KEN 2010-08",
        "kind": "art_87_7",
        "changes": [{"field": "kind", "old": "other", "new": "art_87_7"}],
    }
    with translation.override("en"):
        text = causes.render_one(changed)
    assert text.startswith("ICC decision (Kenya, August 2010): kind other decision"), text


def test_the_bodies_an_informing_decision_informed_are_never_called_a_referral():
    """A change to the bodies stored with a decision of kind `other` is to those it
    informed (visits.models.decision_bodies): "informed the UN Security Council no → yes",
    never "referred to"; an Art. 87(7) finding's are where it was referred."""
    changed = {
        "key": "changed",
        "object": "finding",
        "name": "KEN 2010-08-27",
        "kind": "other",
        "changes": [{"field": "referred_to_unsc", "old": False, "new": True}],
    }
    with translation.override("en"):
        assert causes.render_one(changed) == (
            "ICC decision on cooperation (Kenya, 27 August 2010): informed the UN Security "
            "Council no → yes"
        )
        # A cause recorded without the kind takes the one a caller read from the decision.
        untold = {k: v for k, v in changed.items() if k != "kind"}
        told = {("finding kind", "KEN 2010-08-27"): "other"}
        assert "informed the UN Security Council" in causes.render_one(untold, told)
        found = {**changed, "kind": "art_87_7"}
        assert "referred to the UN Security Council no → yes" in causes.render_one(found)
    with translation.override("fr"):
        text = causes.render_one(changed)
    assert "Conseil de sécurité" in text and "sais" not in text, text
