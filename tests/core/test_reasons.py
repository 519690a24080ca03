"""The explanation rendered from a verdict's reasons, in English and in French.

No database: the rule's reasons are built in memory and rendered with the project's
catalogue (core.reasons.render).
"""

import datetime
import re

import pytest
from django.utils import translation

from compliance import FindingFacts, Period, SourceFacts, StateFacts, WarrantFacts, evaluate
from core.reasons import finding_sentences, render, render_html
from tests.visits.test_compliance import (
    BASHIR,
    BASHIR_VISIT,
    BASIS_ROWS,
    BURUNDI,
    CENTRAL_AFRICAN_REPUBLIC,
    CHINA,
    DARFUR_SUSPECT,
    JORDAN,
    KONY,
    KONY_VISIT,
    MONGOLIA,
    PUTIN,
    SUDAN,
    UKRAINE,
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
        "Mongolia had been bound since 1 July 2002 (State Party; ratified 11 April 2002). "
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
        "Mongolie\u00a0: État alors lié par le Statut de Rome, en vigueur à son égard depuis le "
        "1er juillet 2002 (État partie\u202f; ratification du 11 avril 2002). Le mandat d’arrêt contre Vladimir Putin (situation "
        "«\u00a0Ukraine\u00a0»), délivré et public depuis le 17 mars 2023, était en vigueur le 2 septembre "
        "2024. Vladimir Putin\u00a0: visite (Ulaanbaatar, Mongolie) du 2 au 3 septembre 2024\u202f; aucune "
        "arrestation\u00a0: un défaut d’arrestation et de remise (art. 86 et 89-1). "
        "Constat de manquement (art. 87-7) par la Chambre préliminaire II de la CPI le "
        "24 octobre 2024, qui a saisi l’Assemblée des États parties. Sources\u00a0: Reuters "
        "(3 septembre 2024)."
    )
    assert "Mongolie" in text and "2 septembre 2024" in text


def test_render_uses_the_active_language_when_none_is_given():
    with translation.override("fr"):
        assert render(_mongolia().reasons).startswith("Mongolie\u00a0: ")
    with translation.override("en"):
        assert render(_mongolia().reasons).startswith("Mongolia had been bound")


def test_the_crimea_explanation_cites_the_2015_declaration_in_both_languages():
    verdict = evaluate(
        visit("2024-03-18", place="Sevastopol", host_control="none", controlled_by="RUS"),
        UKRAINE_TWO_DECLARATIONS,
        [PUTIN],
    )
    english = render(verdict.reasons, "en")
    assert "controlled by the Russian Federation" in english
    assert (
        "by a declaration lodged on 8 September 2015 (covering alleged crimes from 20 February 2014)"
        in english
    )
    french = render(verdict.reasons, "fr")
    assert "déclaration déposée le 8 septembre 2015" in french
    assert "Russie" in french and "Fédération de Russie" not in french


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
    assert "d’arrêt" in text and "de arrêt" not in text


# --- What a lawyer read wrong (wording that must hold whatever the state did later) ----


# The day these tests read their explanations on: an announced trip of 2027 is told as
# still ahead, whatever year the suite runs in.
READ_ON = datetime.date(2026, 12, 5)


def _english(verdict) -> str:
    return render(verdict.reasons, "en", READ_ON)


def test_a_past_visits_host_had_been_bound_and_an_announced_trips_is_bound_from():
    # "Hungary has been bound since 1 July 2002" was false once its withdrawal took effect
    # (2 June 2026): a past visit's host *had* been bound, whatever happened since.
    past = evaluate(visit("2024-09-02"), MONGOLIA, [PUTIN])
    assert "Mongolia had been bound since 1 July 2002" in _english(past)
    assert "has been bound" not in _english(past)
    announced = evaluate(visit("2027-03-02", status="announced", outcome="n/a"), MONGOLIA, [PUTIN])
    assert "Mongolia will be bound to arrest: it is bound from 1 July 2002" in _english(announced)


# Deposited on 20 December 2026: the Statute enters into force for it on 1 March 2027
# (Art. 126(2)), a day still ahead when an announced trip's explanation is first read.
KAZAKHSTAN = StateFacts(
    "KAZ", "Kazakhstan", deposited=day("2026-12-20"), entry_into_force=day("2027-03-01")
)
ANNOUNCED = {"status": "announced", "outcome": "n/a"}


@pytest.mark.parametrize(
    ("trip", "english", "french"),
    [
        pytest.param(
            visit("2027-06-01", **ANNOUNCED),
            "If the trip goes ahead, Kazakhstan will be bound to arrest: it is bound from "
            "1 March 2027 (State Party; acceded 20 December 2026).",
            "Si le voyage a lieu, l’État hôte (Kazakhstan) sera tenu d’arrêter\u00a0: il est lié "
            "par le Statut de Rome à compter du 1er mars 2027 (État partie\u202f; adhésion du "
            "20 décembre 2026).",
            id="bound",
        ),
        pytest.param(
            visit("2027", **ANNOUNCED),
            "Whether Kazakhstan will be bound to arrest depends on the exact dates: it is bound "
            "from 1 March 2027 (State Party; acceded 20 December 2026). The warrant against "
            "Vladimir Putin (situation in Ukraine), issued and public since 17 March 2023, is in "
            "force throughout 2027. The trip is dated only 2027; Kazakhstan is bound to arrest on "
            "some of its possible days and not on others.",
            "Selon les dates exactes, l’État hôte (Kazakhstan) pourrait être tenu d’arrêter\u00a0: "
            "il est lié par le Statut de Rome à compter du 1er mars 2027 (État partie\u202f; "
            "adhésion du 20 décembre 2026). Le mandat d’arrêt contre Vladimir Putin (situation "
            "«\u00a0Ukraine\u00a0»), délivré et public depuis le 17 mars 2023, est en vigueur sur "
            "toute la période (2027). Le voyage n’est daté qu’approximativement "
            "(2027)\u202f; l’État hôte (Kazakhstan) est tenu d’arrêter certains des jours "
            "possibles, et non d’autres.",
            id="depends-on-the-dates",
        ),
    ],
)
def test_an_announced_trip_never_says_the_host_has_been_bound_since_a_day_still_ahead(
    trip, english, french
):
    """Today (5 December 2026) Kazakhstan is not yet a party: "it has been bound since
    1 March 2027" (« il est lié … depuis le 1er mars 2027 ») is false until that day. An
    announced trip's host is bound *from* that day, which stays true once it has passed
    (the explanation is rendered from the stored reasons whenever it is read). The warrant
    it will be bound to execute, public since a day already past, "is in force" then."""
    verdict = evaluate(trip, KAZAKHSTAN, [PUTIN])
    assert verdict.code == "upcoming"
    # Read on the docstring's day, not the run's: from 2028 the trip's dates have passed,
    # and it is told in the past (the test of trips dated only to a month or a year).
    text, texte = render(verdict.reasons, "en", READ_ON), render(verdict.reasons, "fr", READ_ON)
    assert english in text, text
    assert french in texte, texte
    assert "since 1 March 2027" not in text and " was " not in text
    assert "depuis le 1er mars 2027" not in texte and "était" not in texte
    assert "issued and public since 17 March 2023, is in force " in text, text
    assert "délivré et public depuis le 17 mars 2023, est en vigueur " in texte, texte


# Hypothetical: a warrant issued under seal on 10 January 2023 and made public on 17 March,
# and one made public some day in March 2023 (DOMAIN.md, "Dates").
SEALED_UNTIL_17_MARCH = WarrantFacts(
    "sealed", Period.parse("2023-01-10"), Period.parse("2023-03-17")
)
PUBLIC_IN_MARCH = WarrantFacts("march", Period.parse("2023-01-10"), Period.parse("2023-03"))
CALLED_OFF = {"status": "cancelled", "outcome": "n/a"}
BY_VIDEO = {"status": "virtual", "outcome": "n/a"}


@pytest.mark.parametrize(
    ("trip", "warrant", "english", "french"),
    [
        pytest.param(
            visit("2023-03", **CALLED_OFF),
            SEALED_UNTIL_17_MARCH,
            "The trip is dated only March 2023; Mongolia would have been bound to arrest on some "
            "of its possible days and not on others.",
            "Le voyage n’est daté qu’approximativement (mars 2023)\u202f; l’État hôte (Mongolie) "
            "aurait été tenu d’arrêter certains des jours possibles, et non d’autres.",
            id="called-off-in-march-2023",
        ),
        pytest.param(
            visit("2023-03", **BY_VIDEO),
            SEALED_UNTIL_17_MARCH,
            "The trip is dated only March 2023; Mongolia would have been bound to arrest on some "
            "of its possible days and not on others.",
            "Le voyage n’est daté qu’approximativement (mars 2023)\u202f; l’État hôte (Mongolie) "
            "aurait été tenu d’arrêter certains des jours possibles, et non d’autres.",
            id="by-video-in-march-2023",
        ),
        pytest.param(
            visit("2023-03-10", **CALLED_OFF),
            PUBLIC_IN_MARCH,
            "Some warrant dates are known only to the month or year; Mongolia would have been "
            "bound to arrest on some readings of them and not on others.",
            "selon certaines de leurs lectures possibles l’État hôte (Mongolie) aurait été tenu "
            "d’arrêter, et non selon d’autres.",
            id="called-off-on-a-day-under-a-warrant-public-in-march-2023",
        ),
    ],
)
def test_a_trip_not_made_whose_answer_depends_on_the_day_would_have_bound_the_host(
    trip, warrant, english, french
):
    """Mongolia, a party since 2002, and a trip in March 2023 that did not take place, under
    a warrant sealed until 17 March (or made public some day in March): whether Mongolia
    would have been bound to arrest depends on the day. The date note ended "The visit is
    dated only March 2023; Mongolia was bound to arrest on some of its possible days" (« La
    visite … était tenu d’arrêter »): for a trip that never happened, it *would have been*
    (DOMAIN.md, "The verdict for one visit")."""
    verdict = evaluate(trip, MONGOLIA, [warrant])
    assert (verdict.code, verdict.would_have_been_bound) == ("deterred", None)
    text, texte = render(verdict.reasons, "en"), render(verdict.reasons, "fr")
    assert english in text, text
    assert french in texte, texte
    assert "The visit is dated" not in text and "was bound to arrest on some" not in text
    assert "La visite" not in texte and "était tenu d’arrêter" not in texte


def test_a_place_out_of_the_hosts_control_would_otherwise_have_bound_it_on_some_days():
    """Al-Bashir some day of 2011 in a place of Tunisia (a party from 1 September 2011) that
    Tunisia did not control: the date note says what its first sentence says, "would
    otherwise have been bound", not "was bound"."""
    verdict = evaluate(
        visit("2011", **BASHIR_VISIT, host_control="none", controlled_by="RUS"),
        StateFacts(
            "TUN", "Tunisia", deposited=day("2011-06-24"), entry_into_force=day("2011-09-01")
        ),
        [BASHIR],
    )
    assert (verdict.code, verdict.would_have_been_bound) == ("no_control", None)
    assert (
        "The visit is dated only 2011; Tunisia would otherwise have been bound to arrest on some "
        "of its possible days and not on others."
    ) in render(verdict.reasons, "en")
    assert "aurait, sinon, été tenu d’arrêter certains des jours possibles" in render(
        verdict.reasons, "fr"
    )


@pytest.mark.parametrize(
    ("obligation", "english", "french"),
    [
        pytest.param(
            {
                "key": "bound_residual",
                "withdrawal_effective": "2027-03-17",
                "warrant_issued": "2024-11-21",
            },
            "although its withdrawal from the Rome Statute has effect from 17 March 2027, "
            "iccwatch counts it as still bound for warrants issued before then (its reading of "
            "Art. 127(2)",
            "bien que son retrait du Statut de Rome ait effet à compter du 17 mars 2027, iccwatch "
            "le compte toujours comme lié pour les mandats délivrés avant cette date (sa lecture "
            "de l’art. 127-2",
            id="residual",
        ),
        pytest.param(
            {
                "key": "bound_declaration",
                "situation": "Ukraine",
                "lodged": "2015-09-08",
                "covers_from": "2014-02-20",
                "covers_to": "",
            },
            "it is not a State Party on the dates announced, but by a declaration lodged on "
            "8 September 2015 (covering alleged crimes from 20 February 2014) it has accepted "
            "the Court's jurisdiction over the situation in Ukraine and is bound to cooperate",
            "il n’est pas partie au Statut de Rome aux dates annoncées, mais, par une déclaration "
            "déposée le 8 septembre 2015",
            id="declaration",
        ),
        pytest.param(
            {
                "key": "bound_referral",
                "situation": "Darfur, Sudan",
                "resolution": "S/RES/1593 (2005)",
                "adopted": "2005-03-31",
            },
            "it is bound to cooperate fully with the Court in the situation in Darfur, Sudan",
            "il est tenu de coopérer pleinement avec la Cour",
            id="referral",
        ),
    ],
)
def test_an_announced_trips_obligation_is_told_of_the_dates_announced(obligation, english, french):
    """An announced trip read "it was not then a State Party", "took effect on 17 March 2027":
    a past tense for the dates of a trip still to come, or for a withdrawal that may not have
    taken effect yet."""
    reasons = [
        {"key": "would_be_bound", "code": "upcoming", "state": HUNGARY_REF, "known": True},
        {**obligation, "state": HUNGARY_REF},
    ]
    text, texte = render(reasons, "en"), render(reasons, "fr")
    assert english in text, text
    assert french in texte, texte
    assert "was not then" not in text and "took effect" not in text


# An announced trip dated only to a month or a year, read on the day before its first
# possible day and on the day after its last (core.reasons.trip_dates_passed): its notes on
# the imprecise dates, a seal that decides the day, a place out of the host's control and a
# withdrawal still to take effect are told in the present until then, and after it in the
# past and the conditional, as the trip itself is ("was announced for March 2023").
PASSED_TRIPS = [
    pytest.param(
        visit("2023-03", **ANNOUNCED),
        MONGOLIA,
        [SEALED_UNTIL_17_MARCH],
        ("2023-02-28", "2023-04-01"),
        [
            "It is bound on every possible day on which a warrant is in force, but the warrant "
            "was made public only on 17 March 2023 and Mongolia is not known to have been "
            "notified of it before then: on any possible day before then, it is not bound to "
            "arrest.",
            "The trip is dated only March 2023; Mongolia is bound to arrest on some of its "
            "possible days and not on others.",
        ],
        [
            "It was bound on every possible day on which a warrant was in force, but the "
            "warrant was made public only on 17 March 2023 and Mongolia is not known to have "
            "been notified of it before then: on any possible day before then, it would not "
            "have been bound to arrest.",
            "The trip is dated only March 2023; Mongolia would have been bound to arrest on "
            "some of its possible days and not on others.",
        ],
        [
            "Il est lié chaque jour possible où un mandat est en vigueur, mais le mandat a été "
            "rendu public seulement le 17 mars 2023 et rien n’indique que l’État hôte (Mongolie) "
            "en ait reçu notification auparavant\u00a0: il n’est tenu d’arrêter aucun des jours "
            "possibles antérieurs.",
            "Le voyage n’est daté qu’approximativement (mars 2023)\u202f; l’État hôte (Mongolie) "
            "est tenu d’arrêter certains des jours possibles, et non d’autres.",
        ],
        [
            "Il était lié chaque jour possible où un mandat était en vigueur, mais le mandat a "
            "été rendu public seulement le 17 mars 2023 et rien n’indique que l’État hôte "
            "(Mongolie) en ait reçu notification auparavant\u00a0: il n’aurait été tenu "
            "d’arrêter aucun des jours possibles antérieurs.",
            "Le voyage n’est daté qu’approximativement (mars 2023)\u202f; l’État hôte (Mongolie) "
            "aurait été tenu d’arrêter certains des jours possibles, et non d’autres.",
        ],
        id="march-2023-under-a-seal-lifted-on-the-17th",
    ),
    pytest.param(
        visit("2027", **ANNOUNCED),
        KAZAKHSTAN,
        [PUTIN],
        ("2026-12-31", "2028-01-01"),
        [
            "The trip is dated only 2027; Kazakhstan is bound to arrest on some of its possible "
            "days and not on others."
        ],
        [
            "The trip is dated only 2027; Kazakhstan would have been bound to arrest on some of "
            "its possible days and not on others."
        ],
        [
            "Le voyage n’est daté qu’approximativement (2027)\u202f; l’État hôte (Kazakhstan) "
            "est tenu d’arrêter certains des jours possibles, et non d’autres."
        ],
        [
            "Le voyage n’est daté qu’approximativement (2027)\u202f; l’État hôte (Kazakhstan) "
            "aurait été tenu d’arrêter certains des jours possibles, et non d’autres."
        ],
        id="2027-the-year-the-statute-enters-into-force",
    ),
    pytest.param(
        visit("2023-03-10", **ANNOUNCED),
        MONGOLIA,
        [PUBLIC_IN_MARCH],
        ("2023-03-09", "2023-03-11"),
        [
            "Some warrant dates are known only to the month or year; Mongolia is bound to "
            "arrest on some readings of them and not on others."
        ],
        [
            "Some warrant dates are known only to the month or year; Mongolia would have been "
            "bound to arrest on some readings of them and not on others."
        ],
        [
            "Certaines dates de mandat ne sont connues qu’au mois ou à l’année près\u202f; selon "
            "certaines de leurs lectures possibles l’État hôte (Mongolie) est tenu d’arrêter, et "
            "non selon d’autres."
        ],
        [
            "Certaines dates de mandat ne sont connues qu’au mois ou à l’année près\u202f; selon "
            "certaines de leurs lectures possibles l’État hôte (Mongolie) aurait été tenu "
            "d’arrêter, et non selon d’autres."
        ],
        id="a-day-under-a-warrant-made-public-some-day-that-month",
    ),
    pytest.param(
        visit("2025-03", **ANNOUNCED),
        MONGOLIA,
        [PUTIN],
        ("2025-02-28", "2025-04-01"),
        ["The trip is dated only March 2025; the verdict is the same whatever its day."],
        ["The trip is dated only March 2025; the verdict is the same whatever its day."],
        [
            "Le voyage n’est daté qu’approximativement (mars 2025)\u202f; le verdict est le "
            "même quel qu’en soit le jour."
        ],
        [
            "Le voyage n’est daté qu’approximativement (mars 2025)\u202f; le verdict est le "
            "même quel qu’en soit le jour."
        ],
        id="march-2025-the-same-whatever-its-day-still-a-trip",
    ),
    pytest.param(
        visit("2025-03", **ANNOUNCED, place="Mariupol", host_control="none", controlled_by="RUS"),
        UKRAINE,
        [PUTIN],
        ("2025-02-28", "2025-04-01"),
        [
            "The place is outside the control of Ukraine (controlled by the Russian "
            "Federation): the host state could not arrest there, so the trip is no early "
            "warning for it."
        ],
        [
            "The place was outside the control of Ukraine (controlled by the Russian "
            "Federation): the host state could not have arrested there."
        ],
        [
            "Le lieu est hors du contrôle de l’État hôte (Ukraine) et contrôlé par un autre État "
            "(Russie)\u00a0: l’État hôte ne pourrait pas y procéder à une arrestation\u202f; ce "
            "voyage n’est donc pas une alerte précoce pour lui."
        ],
        [
            "Le lieu était hors du contrôle de l’État hôte (Ukraine) et contrôlé par un autre "
            "État (Russie)\u00a0: l’État hôte n’aurait pas pu y procéder à une arrestation."
        ],
        id="march-2025-to-a-place-out-of-the-hosts-control",
    ),
    pytest.param(
        visit("2017-09", **ANNOUNCED, **BASHIR_VISIT),
        BURUNDI,
        [BASHIR],
        ("2017-08-31", "2017-10-01"),
        ["so it will still be bound on the dates announced."],
        ["so it was still bound at the time of the planned visit."],
        ["si bien qu’il le sera encore aux dates annoncées."],
        ["si bien qu’il l’était encore à la date prévue de la visite."],
        id="september-2017-before-a-withdrawal-took-effect",
    ),
]

# Words of a trip still ahead: none is left once its dates have all passed.
STILL_AHEAD = {
    "en": (
        "has not yet taken place",
        " will ",
        "is bound to arrest",
        "It is bound",
        "it is not bound",
        "is in force",
        "The place is",
        "The visit is dated",
    ),
    "fr": (
        "pas encore eu lieu",
        " sera ",
        "est tenu d’arrêter",
        "Il est lié",
        "il est lié",
        "n’est tenu",
        "est en vigueur",
        "Le lieu est",
        "La visite",
    ),
}


@pytest.mark.parametrize(
    ("trip", "host", "warrants", "days", "english", "english_passed", "french", "french_passed"),
    PASSED_TRIPS,
)
def test_an_announced_trip_dated_only_to_a_month_or_a_year_is_told_in_the_past_once_it_passed(
    trip, host, warrants, days, english, english_passed, french, french_passed
):
    """An announced trip whose dates have passed was told "was announced for March 2023;
    whether it took place is not recorded", but its date note went on "Mongolia is bound to
    arrest on some of its possible days" (« est tenu d’arrêter certains des jours
    possibles »), of days now past: read after its last possible day, every note says what
    a trip not made says, "would have been"; read the day before its first, each is as it
    was."""
    verdict = evaluate(trip, host, warrants)
    assert verdict.code == "upcoming"
    before, after = (datetime.date.fromisoformat(d) for d in days)
    for language, ahead, passed in (
        ("en", english, english_passed),
        ("fr", french, french_passed),
    ):
        text, then = (
            render(verdict.reasons, language, before),
            render(verdict.reasons, language, after),
        )
        for sentence in ahead:
            assert sentence in text, text
        for sentence in passed:
            assert sentence in then, then
        assert [w for w in STILL_AHEAD[language] if w in then] == [], then
        assert [s for s in ahead if s not in passed and s in then] == [], then


def test_a_withdrawal_pending_at_the_visit_is_told_in_a_tense_true_after_it_took_effect():
    text = _english(evaluate(visit("2017-10-26", **BASHIR_VISIT), BURUNDI, [BASHIR]))
    assert "the withdrawal it had notified was to take effect only on 27 October 2017" in text
    assert "is effective only" not in text


def test_the_duty_is_cited_from_its_source_for_each_basis():
    referral = _english(evaluate(visit("2010-07-22", **DARFUR_SUSPECT), SUDAN, [BASHIR]))
    assert "binding under Art. 25 of the UN Charter" in referral
    assert "Arts. 86, 89(1)" not in referral
    declaration = _english(evaluate(visit("2024-06-01"), UKRAINE, [PUTIN]))
    assert "(Art. 12(3) and Part 9 of the Statute)" in declaration
    party = _english(evaluate(visit("2024-09-02"), MONGOLIA, [PUTIN]))
    assert "(Arts. 86, 89(1))" in party


def test_a_justification_is_no_exemption_only_where_the_host_was_bound():
    bound = _english(evaluate(visit("2024-09-02", justification="immunity"), MONGOLIA, [PUTIN]))
    assert (
        "does not treat it as an exemption" in bound and "Appeals Chamber, Jordan judgment" in bound
    )
    unbound = _english(evaluate(visit("2023-10-17", justification="neutrality"), CHINA, [PUTIN]))
    assert "China's stated justification: “neutrality”." in unbound
    assert "exemption" not in unbound and "Art. 27" not in unbound


@pytest.mark.parametrize(
    ("recorded", "said"),
    [
        ("It depends on our energy supplies.", "“It depends on our energy supplies”."),
        ("Is he not our guest?", "“Is he not our guest?”."),
        ("We were neutral...", "“We were neutral...”."),
        ("neutrality", "“neutrality”."),
        ("We consulted the U.S.", "“We consulted the U.S.”."),
    ],
)
def test_a_justification_ending_its_own_sentence_does_not_end_the_explanations_twice(
    recorded, said
):
    """`“… energy supplies.”.` was once shown in the explanation, the feed and the state's page."""
    text = _english(evaluate(visit("2023-10-17", justification=recorded), CHINA, [PUTIN]))
    assert f"China's stated justification: {said}" in text
    if recorded[-2].islower():
        assert ".”." not in text


def test_a_justification_quoted_in_another_language_than_the_pages_is_marked_with_it():
    """WCAG 2.2 SC 3.1.2: the host's words, quoted in the explanation, keep the language they
    were written in (the visit's text_language); the rest of the paragraph is the page's.
    Everything is escaped; nothing is marked where the languages agree."""
    french = "Le Kazakhstan n’est pas partie au Statut de Rome <b>."
    reasons = evaluate(visit("2023-10-17", justification=french), CHINA, [PUTIN]).reasons
    with translation.override("en"):
        marked = render_html(reasons, "fr")
        plain = render_html(reasons, "en")
    quotation = (
        '“<span lang="fr">Le Kazakhstan n’est pas partie au Statut de Rome &lt;b&gt;.</span>”'
    )
    assert f"China&#x27;s stated justification: {quotation}." in marked
    assert "<span" not in plain and "&lt;b&gt;" in plain and "<b>" not in plain
    assert re.sub(r"</?span[^>]*>", "", marked) == plain
    with translation.override("fr"):
        french_page = render_html(reasons, "fr")
        english_quoted = render_html(reasons, "en")
    assert "<span" not in french_page
    assert '<span lang="en">Le Kazakhstan' in english_quoted
    # A language the caller does not know marks nothing; neither does a verdict quoting none.
    with translation.override("en"):
        assert "<span" not in render_html(reasons, None)
        none = evaluate(visit("2023-10-17"), CHINA, [PUTIN]).reasons
        assert render_html(none, "fr") == render_html(none, "en")


def _jordan(*findings):
    return _english(
        evaluate(visit("2017-03-28", **BASHIR_VISIT), JORDAN, [BASHIR], findings=list(findings))
    )


PTC_II_2017 = FindingFacts(Period.parse("2017-12-11"), True, True, chamber="Pre-Trial Chamber II")


def test_an_appeal_that_upholds_a_finding_and_reverses_its_referral_reads_as_one():
    appeal = FindingFacts(Period.parse("2019-05-06"), chamber="Appeals Chamber")
    text = _jordan(PTC_II_2017, appeal)
    assert (
        "The ICC Appeals Chamber upheld the finding of non-compliance on 6 May 2019 and reversed "
        "the decision to refer it to the Assembly of States Parties and the UN Security Council."
    ) in text
    assert "found non-compliance on 6 May 2019" not in text
    assert "no referral stands" not in text  # said once, by the appeal's sentence
    french = render(
        evaluate(
            visit("2017-03-28", **BASHIR_VISIT), JORDAN, [BASHIR], findings=[PTC_II_2017, appeal]
        ).reasons,
        "fr",
    )
    assert (
        "La Chambre d’appel de la CPI a confirmé le constat de manquement le 6 mai 2019" in french
    )


def test_a_deferred_referral_made_later_reads_as_the_referral():
    found = FindingFacts(Period.parse("2025-10-17"), chamber="Pre-Trial Chamber I")
    referred = FindingFacts(
        Period.parse("2026-01-26"), referred_to_asp=True, chamber="Pre-Trial Chamber I"
    )
    text = _jordan(found, referred)
    # Not "without referring it." alone: the referral a line below would contradict it.
    assert (
        "ICC Pre-Trial Chamber I found non-compliance on 17 October 2025 (Art. 87(7)), without "
        "referring it at that time."
    ) in text
    assert "without referring it." not in text
    # The same on the pages that list the decisions alone (finding_sentences), and in French.
    reasons = evaluate(
        visit("2017-03-28", **BASHIR_VISIT), JORDAN, [BASHIR], findings=[found, referred]
    ).reasons
    listed = finding_sentences([r for r in reasons if r["key"] == "finding"])
    assert listed[0].endswith("(Art. 87(7)), without referring it at that time.")
    french = render(reasons, "fr")
    assert (
        "sans saisir à ce stade l’Assemblée des États parties ni le Conseil de sécurité" in french
    )
    assert "sans saisine de l’Assemblée" not in french
    assert (
        "ICC Pre-Trial Chamber I referred its finding of non-compliance to the Assembly of States "
        "Parties on 26 January 2026."
    ) in text


def test_a_decision_that_only_informed_the_council_is_no_finding():
    informed = FindingFacts(
        Period.parse("2010-08-27"), True, True, kind="other", chamber="Pre-Trial Chamber I"
    )
    text = _jordan(informed)
    assert (
        "ICC Pre-Trial Chamber I informed the Assembly of States Parties and the UN Security "
        "Council of the visit on 27 August 2010; it made no finding of non-compliance under Art. 87(7)."
    ) in text


def _finding_reasons(*findings) -> list[dict]:
    reasons = evaluate(
        visit("2010-08-27", **BASHIR_VISIT), JORDAN, [BASHIR], findings=list(findings)
    ).reasons
    return [r for r in reasons if r["key"] == "finding"]


def test_a_decision_that_only_informed_says_so_in_its_reason_never_referred():
    """The `finding` reason of a decision of kind `other` gives the bodies it informed as
    `informed_asp` and `informed_unsc`, its `referred_to_*` false, as the findings API does
    (visits.models.decision_bodies); an Art. 87(7) finding informs nothing."""
    informed = FindingFacts(
        Period.parse("2010-08-27"), True, False, kind="other", chamber="Pre-Trial Chamber I"
    )
    (reason,) = _finding_reasons(informed)
    bodies = ("referred_to_asp", "referred_to_unsc", "informed_asp", "informed_unsc")
    assert [reason[b] for b in bodies] == [False, False, True, False]
    (referred,) = _finding_reasons(PTC_II_2017)
    assert [referred[b] for b in bodies] == [True, True, False, False]


def test_a_stored_informing_reason_of_an_older_rule_still_reads_as_informing():
    """A `finding` reason recorded before the informed bodies had keys of their own gave
    them as `referred_to_*` (kind `other`): it still renders as the decision that informed
    them, as the reason of the current rule does, in English and in French."""
    informed = FindingFacts(
        Period.parse("2010-08-27"), True, True, kind="other", chamber="Pre-Trial Chamber I"
    )
    (current,) = _finding_reasons(informed)
    older = {k: v for k, v in current.items() if not k.startswith("informed_")}
    older |= {"referred_to_asp": True, "referred_to_unsc": True}
    for language in ("en", "fr"):
        assert render([older], language) == render([current], language)
    assert render([older], "en") == (
        "ICC Pre-Trial Chamber I informed the Assembly of States Parties and the UN Security "
        "Council of the visit on 27 August 2010; it made no finding of non-compliance under "
        "Art. 87(7)."
    )
    assert "saisi" not in render([older], "fr")


def test_a_decision_that_only_informed_with_no_visit_speaks_of_no_visit():
    """A decision of kind `other` about no visit (a state's failure to comply on its own
    territory; none such in the data, so built here) is listed on the state's page with
    `visit=False`: it informed the bodies about the state's cooperation, never "of the
    visit", with or without its Chamber, in English and French; one about a visit still
    says "of the visit"."""
    informed = FindingFacts(
        Period.parse("2015-01-15"), False, True, kind="other", chamber="Pre-Trial Chamber I"
    )
    (reason,) = _finding_reasons(informed)
    unnamed = {**reason, "chamber": ""}
    assert finding_sentences([reason], visit=False) == [
        "ICC Pre-Trial Chamber I informed the UN Security Council on 15 January 2015 about the "
        "state's cooperation with the Court; it made no finding of non-compliance under "
        "Art. 87(7)."
    ]
    assert finding_sentences([unnamed], visit=False) == [
        "The Court (the Chamber is not recorded) informed the UN Security Council on "
        "15 January 2015 about the state's cooperation with the Court; it made no finding of "
        "non-compliance under Art. 87(7)."
    ]
    with translation.override("fr"):
        french = finding_sentences([reason], visit=False) + finding_sentences(
            [unnamed], visit=False
        )
    assert french[0].startswith("La Chambre préliminaire I de la CPI a informé le Conseil de")
    assert all("au sujet de la coopération de l’État avec la Cour" in t for t in french)
    assert not any("visite" in t for t in french)
    assert "of the visit on 15 January 2015" in finding_sentences([reason])[0]


def test_a_finding_without_its_chamber_is_the_courts_not_a_pre_trial_chambers():
    text = _jordan(FindingFacts(Period.parse("2017-12-11"), True, False))
    assert "The ICC found non-compliance on 11 December 2017" in text
    assert "Pre-Trial Chamber found" not in text


def test_english_gives_country_names_their_article_and_sentences_their_capital():
    text = _english(
        evaluate(
            visit("2005-09-01", host_notified=True, **KONY_VISIT), CENTRAL_AFRICAN_REPUBLIC, [KONY]
        )
    )
    assert "The Central African Republic had been bound since" in text
    assert "the Central African Republic had been notified of it" in text
    french = render(
        evaluate(visit("2005-09-01", **KONY_VISIT), CENTRAL_AFRICAN_REPUBLIC, [KONY]).reasons, "fr"
    )
    assert "(République centrafricaine)" in french and "the " not in french


def test_a_signature_after_the_statute_closed_for_signature_makes_no_ratification():
    from compliance import StateFacts

    # Art. 125: a state that signed by 31 December 2000 ratifies; any other accedes.
    late = StateFacts(
        "SLV",
        "El Salvador",
        signed=day("2015-11-26"),
        deposited=day("2016-03-03"),
        entry_into_force=day("2016-06-01"),
    )
    assert "(State Party; acceded 3 March 2016)" in _english(
        evaluate(visit("2024-01-10"), late, [PUTIN])
    )
    assert "(State Party; ratified 11 April 2002)" in _english(
        evaluate(visit("2024-09-02"), MONGOLIA, [PUTIN])
    )


def test_a_chamber_recorded_by_its_short_name_is_the_same_chamber():
    found = FindingFacts(Period.parse("2025-10-17"), chamber="PTC I")
    referred = FindingFacts(
        Period.parse("2026-01-26"), referred_to_asp=True, chamber="Pre-Trial Chamber I"
    )
    assert "ICC Pre-Trial Chamber I referred its finding of non-compliance" in _jordan(
        found, referred
    )
    upheld = FindingFacts(Period.parse("2019-05-06"), True, True, chamber="AC")
    assert (
        "The ICC Appeals Chamber upheld the finding of non-compliance on 6 May 2019 and its "
        "referral to the Assembly of States Parties and the UN Security Council."
    ) in _jordan(PTC_II_2017, upheld)


def test_a_name_that_reads_as_a_plural_takes_the_plural_possessive():
    """ "the Netherlands' stated justification", not "the Netherlands's"; "Belarus's" and
    "China's" stay; French has no possessive to fix."""
    from compliance import StateFacts
    from core.names import possessive

    netherlands = StateFacts("NLD", "Netherlands")  # as a host that was never bound
    text = _english(evaluate(visit("2023-10-17", justification="neutrality"), netherlands, [PUTIN]))
    assert "Netherlands' stated justification: “neutrality”." in text
    assert "Netherlands's" not in text
    with translation.override("en"):
        assert possessive("Belarus's record", "Belarus") == "Belarus's record"
        assert possessive("China's record", "China") == "China's record"
        assert (
            possessive("French Southern Territories's record", "French Southern Territories")
            == "French Southern Territories' record"
        )
    with translation.override("fr"):
        assert possessive("Bilan des Pays-Bas", "Pays-Bas") == "Bilan des Pays-Bas"


@pytest.mark.parametrize(
    ("note", "said"),
    [
        ("The trip was confused with another one.", "The trip was confused with another one"),
        ("No source shows it took place", "No source shows it took place"),
        ("  Reported twice.  ", "Reported twice"),
        ("removed from dataset version 2026-06.", "removed from dataset version 2026-06"),
        ("", ""),
    ],
)
def test_a_withdrawal_note_ends_where_the_sentence_quoting_it_adds_its_full_stop(note, said):
    """A reviewer's note ending with a full stop read "…another one.." on the visit's page
    and in its explanation."""
    from core.reasons import withdrawal_note

    assert withdrawal_note(note) == said
    reasons = [{"key": "withdrawn", "note": note, "person": "Vladimir Putin"}]
    assert render(reasons, "en").endswith(
        f"was withdrawn from the record: {said or 'removed from the dataset'}."
    )


def _withdrawn_with_sources(review_state: str = "withdrawn", more: int = 0):
    """A withdrawn (or rejected) visit of Putin to Mongolia, with the sources that reported
    it (and `more` beyond the rule's MAX_SOURCES)."""
    from compliance.explanation import MAX_SOURCES

    sources = [
        SourceFacts("Reuters", "https://www.reuters.com/a", day("2024-09-03")),
        SourceFacts("babel.ua", "https://babel.ua/a", None),
    ]
    sources += [
        SourceFacts(f"Publisher {n}", f"https://p{n}.example.org/", None)
        for n in range(MAX_SOURCES - 2 + more if more else 0)
    ]
    note = "The newspaper retracted its story the next day." if review_state == "withdrawn" else ""
    return evaluate(
        visit(
            "2024-09-02",
            "2024-09-03",
            place="Ulaanbaatar",
            review_state=review_state,
            withdrawal_note=note,
        ),
        MONGOLIA,
        [PUTIN],
        sources=sources,
    )


def test_a_withdrawn_visits_sources_are_said_to_be_the_visits_not_its_withdrawals():
    """ "…was withdrawn from the record: <note>. Sources: X; Y." read as the sources of the
    withdrawal; they are those cited for the visit (a withdrawal's own are listed apart, as
    the visit's `withdrawal_sources`)."""
    reasons = _withdrawn_with_sources().reasons
    assert [r["key"] for r in reasons] == ["withdrawn", "sources"]
    assert render(reasons, "en") == (
        "The reported visit of Vladimir Putin to Ulaanbaatar, Mongolia on 2–3 September 2024 "
        "was withdrawn from the record: The newspaper retracted its story the next day. "
        "Sources cited for the visit: Reuters (3 September 2024); babel.ua."
    )
    assert render(reasons, "fr") == (
        "Visite signalée (Vladimir Putin\u202f; Ulaanbaatar, Mongolie) du 2 au 3 septembre 2024 "
        "retirée des données\u00a0: The newspaper retracted its story the next day. "
        "Sources citées pour la visite\u00a0: Reuters (3 septembre 2024)\u202f; babel.ua."
    )
    # A report rejected on review: the same sources, the same words.
    rejected = render(_withdrawn_with_sources("rejected").reasons, "en")
    assert rejected.endswith(
        "the report was rejected on review. Sources cited for the visit: "
        "Reuters (3 September 2024); babel.ua."
    )
    # Beyond the sources the rule lists, counted as elsewhere.
    many = render(_withdrawn_with_sources(more=3).reasons, "en")
    assert many.endswith("; Publisher 3 and 3 more.") and "Sources cited for the visit: " in many
    assert "Sources:" not in render(reasons, "en") + rejected + many


def test_a_verdicts_sources_are_still_sources_when_the_visit_is_on_the_record():
    """Only a withdrawn verdict's sources are worded apart: every other verdict's, and a
    `sources` reason rendered alone, keep "Sources:"."""
    from core.reasons import render_reason

    reasons = _mongolia().reasons
    assert render(reasons, "en").endswith(" Sources: Reuters (3 September 2024).")
    assert render(reasons, "fr").endswith(" Sources\u00a0: Reuters (3 septembre 2024).")
    (listed,) = [r for r in _withdrawn_with_sources().reasons if r["key"] == "sources"]
    assert render_reason(listed) == "Sources: Reuters (3 September 2024); babel.ua."


HUNGARY_REF = {"iso3": "HUN", "name": "Hungary"}
UGANDA_REF = {"iso3": "UGA", "name": "Uganda"}


@pytest.mark.parametrize(
    ("code", "obligation", "english", "french"),
    [
        (
            "upcoming",
            {
                "key": "bound_state_party",
                "entry_into_force": "2002-07-01",
                "deposited": "2001-11-29",
                "joined": "ratified",
            },
            "If the trip goes ahead, Hungary will be bound to arrest: it is bound from "
            "1 July 2002 (State Party; ratified 29 November 2001).",
            "Si le voyage a lieu, l’État hôte (Hongrie) sera tenu d’arrêter\u00a0: il est lié par "
            "le Statut de Rome à compter du 1er juillet 2002 (État partie\u202f; ratification du "
            "29 novembre 2001).",
        ),
        (
            "deterred",
            {
                "key": "bound_residual",
                "withdrawal_effective": "2026-06-02",
                "warrant_issued": "2024-11-21",
            },
            "Had the trip gone ahead, Hungary would have been bound to arrest: although its "
            "withdrawal from the Rome Statute took effect on 2 June 2026, iccwatch counts it as "
            "still bound for warrants issued before then (its reading of Art. 127(2)",
            "Si le voyage avait eu lieu, l’État hôte (Hongrie) aurait été tenu d’arrêter\u00a0: "
            "bien que son retrait du Statut de Rome ait pris effet le 2 juin 2026, iccwatch le "
            "compte toujours comme lié pour les mandats délivrés avant cette date (sa lecture de "
            "l’art. 127-2",
        ),
        (
            "deterred",
            {
                "key": "bound_declaration",
                "situation": "Ukraine",
                "lodged": "2014-04-17",
                "covers_from": "",
                "covers_to": "",
            },
            "Had the trip gone ahead, Hungary would have been bound to arrest: it was not then a "
            "State Party, but by a declaration lodged on 17 April 2014",
            "Si le voyage avait eu lieu, l’État hôte (Hongrie) aurait été tenu d’arrêter\u00a0: "
            "il n’était pas alors partie au Statut de Rome, mais, par une déclaration déposée le "
            "17 avril 2014",
        ),
        (
            "no_control",
            {
                "key": "bound_referral",
                "situation": "Darfur, Sudan",
                "resolution": "S/RES/1593 (2005)",
                "adopted": "2005-03-31",
            },
            "Had it controlled the place, Hungary would have been bound to arrest: it was bound to "
            "cooperate fully with the Court in the situation in Darfur, Sudan by UN Security "
            "Council resolution S/RES/1593 (2005)",
            "S’il avait contrôlé le lieu, l’État hôte (Hongrie) aurait été tenu d’arrêter\u00a0: il "
            "était tenu de coopérer pleinement avec la Cour dans la situation «\u00a0Darfour "
            "(Soudan)\u00a0» par la résolution S/RES/1593 (2005)",
        ),
    ],
)
def test_a_host_that_would_be_bound_is_said_so_once_with_its_obligation(
    code, obligation, english, french
):
    """« aurait été tenu d’arrêter : Hongrie : État lié… » named the host twice and chained
    colons: the obligation goes on from the hypothesis, in one sentence with one colon, and
    its own reason is not told again."""
    reasons = [
        {"key": "would_be_bound", "code": code, "state": HUNGARY_REF, "known": True},
        {**obligation, "state": HUNGARY_REF},
        {"key": "sources", "sources": [{"publisher": "example.org"}], "more": 0},
    ]
    assert render(reasons, "en").startswith(english)
    text = render(reasons, "fr")
    assert text.startswith(french), text
    assert "Hongrie\u00a0:" not in text
    first = text.split(". Sources")[0]
    assert first.count(":") == 1, first


def test_a_host_whose_obligation_depends_on_the_dates_is_named_once():
    reasons = [
        {"key": "would_be_bound", "code": "deterred", "state": UGANDA_REF, "known": False},
        {
            "key": "bound_state_party",
            "state": UGANDA_REF,
            "entry_into_force": "2002-09-01",
            "deposited": "2002-06-14",
            "joined": "ratified",
        },
    ]
    assert render(reasons, "en") == (
        "Whether Uganda would have been bound to arrest depends on the exact dates: it had been "
        "bound since 1 September 2002 (State Party; ratified 14 June 2002)."
    )
    assert render(reasons, "fr") == (
        "Selon les dates exactes, l’État hôte (Ouganda) aurait pu être tenu d’arrêter\u00a0: il "
        "était lié par le Statut de Rome depuis le 1er septembre 2002 (État partie\u202f; "
        "ratification du 14 juin 2002)."
    )


def test_a_trip_attended_by_video_without_a_date_says_so():
    reasons = [
        {
            "key": "trip",
            "person": "Vladimir Putin",
            "state": {"iso3": "ZAF", "name": "South Africa"},
            "places": [],
            "start": "",
            "end": "",
            "status": "virtual",
        }
    ]
    assert render(reasons, "en") == (
        "Vladimir Putin did not make the trip to South Africa and took part by video instead; "
        "the date it was planned for is not known."
    )
    assert render(reasons, "fr") == (
        "Vladimir Putin\u00a0: voyage (Afrique du Sud) remplacé par une participation par "
        "vidéo\u202f; la date à laquelle il était prévu n’est pas connue."
    )


MALAYSIA_REF = {"iso3": "MYS", "name": "Malaysia"}
DARFUR_1593 = {
    "key": "referral_not_binding",
    "state": MALAYSIA_REF,
    "situation": "Darfur, Sudan",
    "resolution": "S/RES/1593 (2005)",
    "adopted": "2005-03-31",
    "bound": [{"iso3": "SDN", "name": "Sudan"}],
}


@pytest.mark.parametrize(
    ("why", "bound"),
    [
        ({"key": "not_party", "situation": "Darfur, Sudan"}, DARFUR_1593["bound"]),
        ({"key": "never_party", "deposited": "2019-03-04"}, []),
        ({"key": "not_bound"}, DARFUR_1593["bound"]),
    ],
)
@pytest.mark.parametrize("status", ["occurred", "cancelled"])
def test_a_host_named_with_a_colon_is_not_named_so_again_in_the_same_explanation(
    why, bound, status
):
    """« Malaisie : État non partie … Malaisie : État que ne lie pas la résolution … »
    restarted the second sentence about the host with its name and a colon: the first
    names it so, the later one refers to it (« L’État hôte (Malaisie) n’est pas non plus
    lié … », masculine as « État »). English may name it again."""
    trip = {
        "key": "trip",
        "person": "Omar al-Bashir",
        "state": MALAYSIA_REF,
        "places": ["Kuala Lumpur"],
        "start": "2011-06",
        "end": "",
        "status": status,
    }
    visited = {**trip, "key": "visit", "status": "occurred", "outcome": "not_arrested"}
    host = [{**why, "state": MALAYSIA_REF}, {**DARFUR_1593, "bound": bound}]
    # As the rule orders them: a visit's host first; a trip called off, the trip first.
    reasons = [*host, visited] if status == "occurred" else [trip, *host]
    french = render(reasons, "fr")
    assert french.count("Malaisie\u00a0:") == 1, french
    assert "L’État hôte (Malaisie) n’est pas non plus lié par la résolution S/RES/1593" in french
    english = render(reasons, "en")
    assert "Malaysia among them" in english or "so it does not bind Malaysia" in english
    # Told alone (no sentence before it named the host), the referral names it with a colon.
    alone = render([{**DARFUR_1593, "bound": bound}], "fr")
    assert alone.startswith("Malaisie\u00a0: État que ne lie pas la résolution"), alone


@pytest.mark.parametrize(
    ("status", "english", "french"),
    [
        (
            "occurred",
            "had lodged no declaration under Art. 12(3) accepting the Court's jurisdiction over "
            "the situation in Darfur, Sudan, so the Statute did not bind it to arrest.",
            "qui n’avait déposé aucune déclaration au titre de l’art. 12-3 acceptant la "
            "compétence de la Cour pour la situation «\u00a0Darfour (Soudan)\u00a0»\u202f; le "
            "Statut ne l’obligeait donc pas à arrêter.",
        ),
        (
            "cancelled",
            "had lodged no declaration under Art. 12(3) accepting the Court's jurisdiction over "
            "the situation in Darfur, Sudan, so the Statute would not have bound it to arrest.",
            "qui n’avait déposé aucune déclaration au titre de l’art. 12-3 acceptant la "
            "compétence de la Cour pour la situation «\u00a0Darfour (Soudan)\u00a0»\u202f; si le "
            "voyage avait eu lieu, le Statut ne l’aurait donc pas obligé à arrêter.",
        ),
        (
            "announced",
            "has lodged no declaration under Art. 12(3) accepting the Court's jurisdiction over "
            "the situation in Darfur, Sudan, so the Statute will not bind it to arrest.",
            "qui n’a déposé aucune déclaration au titre de l’art. 12-3 acceptant la compétence "
            "de la Cour pour la situation «\u00a0Darfour (Soudan)\u00a0»\u202f; le Statut ne "
            "l’obligera donc pas à arrêter.",
        ),
    ],
)
def test_a_non_party_in_a_referred_situation_is_not_said_to_have_refused_jurisdiction(
    status, english, french
):
    """Darfur was referred by the Security Council (Art. 13(b)): the Court's jurisdiction
    over it depends on no state's acceptance. A non-party host "had not accepted the
    Court's jurisdiction" read as if it needed Malaysia's consent; what did not bind it is
    the Statute (no Art. 12(3) declaration), and the resolution, told next."""
    trip = {
        "key": "trip" if status != "occurred" else "visit",
        "person": "Omar al-Bashir",
        "state": MALAYSIA_REF,
        "places": ["Kuala Lumpur"],
        "start": "2011-06-01",
        "end": "",
        "status": status,
        **({"outcome": "not_arrested"} if status == "occurred" else {}),
    }
    host = [{"key": "not_party", "state": MALAYSIA_REF, "situation": "Darfur, Sudan"}, DARFUR_1593]
    reasons = [*host, trip] if status == "occurred" else [trip, *host]
    before = datetime.date(2011, 5, 1)  # read before the trip's day: "will", not "would"
    text = render(reasons, "en", before)
    assert f"Malaysia is not a State Party to the Rome Statute and {english}" in text, text
    assert "accepted" not in text.replace("accepting", "")
    texte = render(reasons, "fr", before)
    assert f"Malaisie\u00a0: État non partie au Statut de Rome, {french}" in texte, texte
    assert "accepté" not in texte


AUTHORS_OWN = (
    "Another report of this visit brought more sources: the Reuters piece. It also shows the "
    "trip ended a day later, so the end date is wrong."
)
CUT = "https://example.org/" + "a" * 79 + "…"


@pytest.mark.parametrize(
    ("reason", "french"),
    [
        # The system's own sentences: read in the reader's language.
        (
            "Another report of this visit brought more sources: https://example.org/a.",
            "Un autre signalement de cette visite a apporté d’autres sources\u00a0: "
            "https://example.org/a.",
        ),
        (
            f"Another report of this visit brought more sources: http://example.org/a?b=1,2, "
            f"{CUT} and 3 more.",
            "Un autre signalement de cette visite a apporté d’autres sources\u00a0: "
            f"http://example.org/a?b=1,2, {CUT} et 3 autres.",
        ),
        # An author who starts with the same words: shown as written, never half translated.
        (AUTHORS_OWN, AUTHORS_OWN),
        (
            "Another report of this visit brought more sources: two local papers and 2 more.",
            "Another report of this visit brought more sources: two local papers and 2 more.",
        ),
        (
            "Another report of this visit brought more sources: https://example.org/a. "
            "And the end date is wrong.",
            "Another report of this visit brought more sources: https://example.org/a. "
            "And the end date is wrong.",
        ),
        (
            "Another report of this visit brought more sources: https://example.org/a.\nSee it.",
            "Another report of this visit brought more sources: https://example.org/a.\nSee it.",
        ),
    ],
    ids=[
        "system",
        "system-cut-and-more",
        "author-prose",
        "author-and-more",
        "author-after",
        "lines",
    ],
)
def test_only_the_sentence_the_system_writes_is_read_as_its_own(reason, french):
    """A correction's reason that merely began with the system's words ("… more sources:
    the Reuters piece. It also shows…", "… two local papers and 2 more.") was read as the
    system's sentence and half translated ("… two local papers et 2 autres."). Only a list
    of http(s) addresses, as the newsroom writes it, is the system's."""
    from core.reasons import correction_reason

    with translation.override("fr"):
        assert correction_reason(reason) == french


def test_a_place_out_of_the_hosts_control_whose_answer_a_seal_decides_names_the_seal():
    """The sentence on a warrant under seal on some possible days goes on from any
    `would_be_bound` whose answer depends on the day, a place out of the host's control's
    included (compliance.verdict._what_varies feeds the three verdicts alike)."""
    reasons = [
        {
            "key": "would_be_bound",
            "code": "no_control",
            "state": UGANDA_REF,
            "known": False,
            "public_from": "2005-10",
            "bound_throughout": True,
        },
        {
            "key": "bound_state_party",
            "state": UGANDA_REF,
            "entry_into_force": "2002-09-01",
            "deposited": "2002-06-14",
            "joined": "ratified",
        },
    ]
    assert render(reasons, "en") == (
        "Whether Uganda would otherwise have been bound to arrest depends on the exact dates: it "
        "had been bound since 1 September 2002 (State Party; ratified 14 June 2002). It was "
        "bound on every possible day on which a warrant was in force, but the warrant was made "
        "public only in October 2005 and Uganda is not known to have been notified of it before "
        "then: on any possible day before then, it would not have been bound to arrest."
    )
    assert "rendu public seulement en octobre 2005" in render(reasons, "fr")


def test_a_warrant_issued_only_in_a_later_month_reads_as_french_writes_it():
    """A visit before the warrant, issued in a month only: French says « délivré seulement
    en mars 2023 », never « que en mars 2023 » (which French elides)."""
    from compliance import WarrantFacts

    warrant = WarrantFacts(1, Period.parse("2023-03"), Period.parse("2023-03"))
    verdict = evaluate(visit("2022-06-01", "2022-06-02"), MONGOLIA, [warrant])
    assert verdict.code == "no_warrant_in_force"
    french = render(verdict.reasons, "fr")
    assert "mars 2023" in french, french
    assert "que en" not in french, french


def test_a_justification_on_a_visit_to_a_place_out_of_the_hosts_control_is_no_failure_excused():
    """A visit the host could not arrest at (`no_control`) is no failure: its stated
    justification is recorded, never answered as if it sought to excuse one."""
    verdict = evaluate(
        visit("2024-09-02", justification="immunity", host_control="none"), MONGOLIA, [PUTIN]
    )
    assert verdict.code == "no_control"
    text = _english(verdict)
    assert "Mongolia's stated justification: “immunity”." in text
    assert "exemption" not in text and "Art. 27" not in text
    with translation.override("fr"):
        assert "exonération" not in render(verdict.reasons, "fr")


def test_a_justification_on_a_failure_is_not_said_to_be_released_by_nothing():
    """The Statute lets the Court weigh consultations, postponement and competing requests
    (Arts. 89(2), 90, 94, 95, 97, 98): iccwatch does not treat the justification as an
    exemption; the authority cited answers official capacity only (Art. 27; Jordan, 2019)."""
    verdict = evaluate(visit("2024-09-02", justification="immunity"), MONGOLIA, [PUTIN])
    text = _english(verdict)
    assert "no justification releases" not in text
    assert (
        "Mongolia's stated justification: “immunity”. iccwatch records a stated "
        "justification but does not treat it as an exemption: the Court has held that "
        "official capacity does not bar arrest and surrender by a State Party (Art. 27; "
        "Appeals Chamber, Jordan judgment, 6 May 2019)."
    ) in text
    with translation.override("fr"):
        french = render(verdict.reasons, "fr")
    assert (
        "iccwatch consigne la justification invoquée mais ne la tient pas pour une "
        "exonération\u00a0: la Cour a jugé que la qualité officielle ne fait pas obstacle à "
        "l’arrestation et à la remise par un État partie (art. 27\u202f; Chambre d’appel, "
        "arrêt Jordanie du 6 mai 2019)."
    ) in french


@pytest.mark.parametrize("language", ["en", "fr"])
def test_official_capacity_is_told_as_the_courts_holding_not_as_a_rule_of_law(language):
    """Art. 27 governs the Court's own jurisdiction, and whether a state must arrest a
    foreign official is also an Art. 98(1) question: that official capacity does not bar a
    State Party's arrest and surrender is the Appeals Chamber's holding in Jordan (6 May
    2019), and the explanation says it is the Court's, never states it as a general rule
    ("official capacity is no bar to arrest")."""
    verdict = evaluate(visit("2024-09-02", justification="immunity"), MONGOLIA, [PUTIN])
    text = render(verdict.reasons, language)
    general, holding = {
        "en": ("official capacity is no bar to arrest", "the Court has held that official"),
        "fr": (
            "ne fait pas obstacle à l’arrestation (art. 27",
            "la Cour a jugé que la qualité officielle",
        ),
    }[language]
    assert general not in text
    assert holding in text


def test_a_justification_ending_in_a_parenthesis_and_a_full_stop_ends_once():
    """Uganda, 2016: “… head of state).” was quoted as “… head of state).”."""
    recorded = "He was invited as a guest (a head of state)."
    text = _english(evaluate(visit("2024-09-02", justification=recorded), MONGOLIA, [PUTIN]))
    assert "“He was invited as a guest (a head of state)”." in text
    assert ").”." not in text


def test_a_visit_whose_end_is_not_known_does_not_call_its_start_the_only_day_it_covered():
    """Netanyahu in the USA from 2 February 2025: the White House meeting was on 4 February."""
    verdict = evaluate(visit("2024-09-02", end_known=False), MONGOLIA, [PUTIN])
    text = _english(verdict)
    assert "only date it is known to have covered" not in text
    assert (
        "the verdict is the one its start (2 September 2024) gives, and every later day it "
        "may have lasted to gives the same"
    ) in text
    with translation.override("fr"):
        assert "la seule date" not in render(verdict.reasons, "fr")


def test_a_decision_whose_chamber_is_not_recorded_does_not_name_one():
    """Djibouti, 12 May 2011: the excerpts read name no chamber (Pre-Trial Chamber I is only
    inferred), so `chamber` is blank and the Court is named with the Chamber said unrecorded."""
    informed = FindingFacts(Period.parse("2011-05-12"), True, True, kind="other", chamber="")
    (reason,) = _finding_reasons(informed)
    assert render([reason], "en") == (
        "The Court (the Chamber is not recorded) informed the Assembly of States Parties and "
        "the UN Security Council of the visit on 12 May 2011; it made no finding of "
        "non-compliance under Art. 87(7)."
    )
    assert "(la chambre n’est pas connue)" in render([reason], "fr")


def test_a_decision_known_only_from_the_state_concerned_is_attributed_to_it():
    """Nigeria, 5 September 2013: the only source of the decision is the state's own
    Ministry of Foreign Affairs and its text was not read (findings.csv `reported_by`
    `state`), so neither the decision's sentence nor the verdict's states its holding as
    established fact."""
    cleared = FindingFacts(
        Period.parse("2013-09-05"),
        kind="no_failure",
        chamber="Pre-Trial Chamber II",
        reported_by="state",
    )
    verdict = evaluate(visit("2013-07-14", **BASHIR_VISIT), JORDAN, [BASHIR], findings=[cleared])
    text = _english(verdict)
    assert "the Court's: a decision of the Court of 5 September 2013 found" not in text
    assert "ICC Pre-Trial Chamber II found on 5 September 2013" not in text
    assert (
        "According to the state concerned alone (the decision's text was not read), "
        "Pre-Trial Chamber II found on 5 September 2013 that the state had not failed to "
        "comply"
    ) in text
    assert (
        "It differs from the Court's decision that follows, which, according to the state "
        "concerned's report alone, found no failure to comply."
    ) in text
    with translation.override("fr"):
        french = render(verdict.reasons, "fr")
    assert "Selon l’État concerné seul (le texte de la décision n’a pas été lu)" in french
    assert "La Chambre préliminaire II de la CPI a conclu le 5 septembre 2013" not in french


@pytest.mark.parametrize(
    ("language", "reported_by", "said", "garbled"),
    [
        (
            "en",
            "state",
            "This verdict is iccwatch's own reading of the facts. It differs from the Court's "
            "decision that follows, which, according to the state concerned's report alone, "
            "found no failure to comply. According to the state concerned alone",
            "as the state concerned reports it",
        ),
        (
            "en",
            "",
            "This verdict is iccwatch's own reading of the facts. It differs from the Court's "
            "decision that follows, which found no failure to comply. ICC Pre-Trial Chamber II "
            "found on 5 September 2013",
            "facts, against the Court's decision",
        ),
        (
            "fr",
            "state",
            "Ce verdict est la lecture des faits propre à iccwatch. Il s’écarte de la décision "
            "de la Cour qui suit, laquelle, d’après le seul compte rendu qu’en donne l’État "
            "concerné, a conclu à l’absence de manquement. Selon l’État concerné seul",
            "telle que l’État concerné la rapporte",
        ),
        (
            "fr",
            "",
            "Ce verdict est la lecture des faits propre à iccwatch. Il s’écarte de la décision "
            "de la Cour qui suit, qui a conclu à l’absence de manquement. La Chambre "
            "préliminaire II de la CPI a conclu le 5 septembre 2013",
            "iccwatch, contraire à la décision",
        ),
    ],
)
def test_a_verdict_against_a_decision_that_found_no_failure_says_so_in_a_sentence_that_parses(
    language, reported_by, said, garbled
):
    """Nigeria, 2013: "This verdict is iccwatch's own reading of the facts, against the
    Court's decision that follows, as the state concerned reports it." hung the state's
    report on the verdict and did not parse. The verdict is said to be iccwatch's reading in
    a sentence of its own; the next says that it differs from the decision, and what the
    decision found, attributed to the state concerned's report where that is its only
    source (findings.csv `reported_by` `state`), stated as the Court's otherwise; the
    decision's own sentence follows, dated once."""
    cleared = FindingFacts(
        Period.parse("2013-09-05"),
        kind="no_failure",
        chamber="Pre-Trial Chamber II",
        reported_by=reported_by,
    )
    trip = visit("2013-07-14", "2013-07-15", outcome="left_early", **BASHIR_VISIT)
    verdict = evaluate(trip, JORDAN, [BASHIR], findings=[cleared])
    assert verdict.code == "non_compliance"
    text = render(verdict.reasons, language)
    assert said in text
    assert garbled not in text
    # The decision is dated once, in its own sentence.
    assert text.count({"en": "5 September 2013", "fr": "5 septembre 2013"}[language]) == 1
