"""The explanation rendered from a verdict's reasons, in English and in French.

No database: the rule's reasons are built in memory and rendered with the project's
catalogue (core.reasons.render).
"""

import re

import pytest
from django.utils import translation

from compliance import FindingFacts, Period, SourceFacts, evaluate
from core.reasons import render
from tests.visits.test_compliance import (
    BASIS_ROWS,
    MONGOLIA,
    PUTIN,
    UKRAINE_TWO_DECLARATIONS,
    VERDICT_ROWS,
    day,
    visit,
)


def _mongolia():
    return evaluate(
        visit("2024-09-02", "2024-09-03", place="Ulaanbaatar"),
        MONGOLIA,
        [PUTIN],
        findings=[
            FindingFacts(
                Period.parse("2024-10-24"), referred_to_asp=True, chamber="Pre-Trial Chamber II"
            )
        ],
        sources=[SourceFacts("Reuters", "https://www.reuters.com/", day("2024-09-03"))],
    )


def test_the_mongolia_explanation_in_english_reads_as_domain_md_says():
    assert render(_mongolia().reasons, "en") == (
        "Mongolia has been bound since 1 July 2002 (State Party; ratified 11 April 2002). "
        "The warrant against Vladimir Putin (situation in Ukraine), issued and public since "
        "17 March 2023, was in force on 2 September 2024. Vladimir Putin visited Ulaanbaatar, "
        "Mongolia on 2–3 September 2024 and was not arrested: a failure to arrest and surrender "
        "(Arts. 86, 89(1)). ICC Pre-Trial Chamber II found non-compliance on 24 October 2024 "
        "(Art. 87(7)) and referred it to the Assembly of States Parties. Sources: Reuters "
        "(3 September 2024)."
    )


def test_the_mongolia_explanation_in_french():
    text = render(_mongolia().reasons, "fr")
    assert text == (
        "Mongolie : État lié par le Statut de Rome depuis le 1er juillet 2002 (État partie ; "
        "ratification du 11 avril 2002). Le mandat d'arrêt contre Vladimir Putin (situation "
        "« Ukraine »), délivré et public depuis le 17 mars 2023, était en vigueur le 2 septembre "
        "2024. Vladimir Putin : visite (Ulaanbaatar, Mongolie) du 2 au 3 septembre 2024 ; aucune "
        "arrestation : un manquement à l'obligation d'arrêter et de remettre (art. 86 et 89-1). "
        "Constat de manquement (art. 87-7) par la Chambre préliminaire II de la CPI le "
        "24 octobre 2024 ; renvoi devant l'Assemblée des États parties. Sources : Reuters "
        "(3 septembre 2024)."
    )
    assert "Mongolie" in text and "2 septembre 2024" in text


def test_render_uses_the_active_language_when_none_is_given():
    with translation.override("fr"):
        assert render(_mongolia().reasons).startswith("Mongolie : ")
    with translation.override("en"):
        assert render(_mongolia().reasons).startswith("Mongolia has been bound")


def test_the_crimea_explanation_cites_the_2015_declaration_in_both_languages():
    verdict = evaluate(
        visit("2024-03-18", place="Sevastopol", host_control="none", controlled_by="RUS"),
        UKRAINE_TWO_DECLARATIONS,
        [PUTIN],
    )
    english = render(verdict.reasons, "en")
    assert "controlled by Russian Federation" in english
    assert (
        "by a declaration lodged on 8 September 2015 (covering alleged crimes from 20 February 2014)"
        in english
    )
    french = render(verdict.reasons, "fr")
    assert "déclaration déposée le 8 septembre 2015" in french
    assert "Fédération de Russie" in french


# Words that would betray English left in a French explanation.
ENGLISH_WORDS = re.compile(
    r"\b(the|was|were|has|have|been|bound|warrant|visited|and|of|on|in|since|State Party|"
    r"arrest|trip|called off|would|not|no|Sources:)\b"
)


def _every_verdict():
    for facts, host, warrants, *_ in (p.values for p in VERDICT_ROWS):
        yield evaluate(facts, host, warrants)
    for host, warrants, facts, _ in (p.values for p in BASIS_ROWS):
        yield evaluate(facts, host, warrants)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_reason_renders(language):
    for verdict in _every_verdict():
        text = render(verdict.reasons, language)
        assert text, verdict
        assert "%(" not in text and "{" not in text


def test_no_english_words_in_a_french_explanation():
    for verdict in _every_verdict():
        text = render(verdict.reasons, "fr")
        # Names as recorded (people, places) may be English; the prose around them may not.
        prose = re.sub(
            r"(Vladimir Putin|Omar al-Bashir|Joseph Kony|Ali Kushayb|Abdurahem al-Kani|"
            r"A non-Libyan suspect|A hypothetical non-Sudanese suspect|S/RES/\d+ \(\d+\)|"
            r"Johannesburg|Sevastopol|Mariupol|Yerevan)",
            "",
            text,
        )
        assert not ENGLISH_WORDS.search(prose), text


def test_french_avoids_a_countrys_gender_and_elides():
    text = render(_mongolia().reasons, "fr")
    assert "la Mongolie" not in text and "le Mongolie" not in text
    assert "d'arrêt" in text and "de arrêt" not in text
