"""What a French-speaking reader of the site reported, and the English that had the same
faults: each page says what the data knows, in words a reader understands."""

import html
import re

from tests.site.conftest import body
from visits.models import Visit


def text(response) -> str:
    """The page's words, tags left out."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body(response))))


def test_an_incident_is_defined_by_the_surrender_that_did_not_happen(reader, seeded):
    """A person arrested then released (Njeem in Italy) is an incident: "hosted them
    without arresting them" was untrue of it, in the list's introduction and the feed."""
    assert Visit.objects.published().flagged().filter(outcome="released").exists()
    french = text(reader.get("/fr/incidents/"))
    assert (
        "un État tenu d’arrêter et de remettre à la Cour une personne recherchée l’a accueillie "
        "et ne l’a pas remise à la Cour"
    ) in french
    assert "sans l’arrêter" not in french
    english = text(reader.get("/incidents/"))
    assert "hosted that person and did not surrender them to the Court" in english
    feed = html.unescape(reader.get("/fr/incidents/feed/").content.decode())
    subtitle = re.search(r"<subtitle>(.*?)</subtitle>", feed, re.S).group(1)
    assert "ne l’a pas remise à la Cour" in subtitle and "sans l’arrêter" not in subtitle
    feed = html.unescape(reader.get("/incidents/feed/").content.decode())
    assert "did not surrender them to the Court.</subtitle>" in feed


def test_a_person_at_large_is_said_to_be_out_of_the_courts_custody(reader, seeded):
    """Putin, a head of state, and al-Bashir, held in Sudan, are not "en fuite": the data
    knows only that the Court does not hold them. The stored code stays at_large."""
    french = text(reader.get("/fr/persons/vladimir-putin/"))
    assert "pas sous la garde de la Cour" in french and "en fuite" not in french
    english = text(reader.get("/persons/omar-al-bashir/"))
    assert "at large (not in the Court's custody)" in english
    home = text(reader.get("/fr/"))
    assert "personnes recherchées, pas sous la garde de la Cour" in home
    assert "en fuite" not in home
    assert "?status=at_large" in body(reader.get("/fr/"))


def test_a_trip_called_off_reads_as_planned_for_its_dates_and_its_host_hypothetically(
    reader, seeded
):
    malaysia = text(reader.get("/fr/visits/omar-al-bashir-mys-2011-06/"))
    assert "voyage (Kuala Lumpur, Malaisie) prévu en juin 2011, annulé." in malaysia
    assert "si le voyage avait eu lieu, le Statut ne l’aurait donc pas obligé à arrêter" in malaysia
    assert "le Statut ne l’obligeait donc pas" not in malaysia
    turkey = text(reader.get("/fr/visits/omar-al-bashir-tur-undated/"))
    assert "voyage (Turquie) annulé ; la date à laquelle il était prévu n’est pas connue" in (
        turkey.replace("\u202f", " ")
    )
    assert "annulé (Turquie) à une date inconnue" not in turkey
    tunisia = text(reader.get("/visits/omar-al-bashir-tun-2019-03-31/"))
    assert "to Tunis, Tunisia, planned for 31 March 2019, was called off" in tunisia
    english = text(reader.get("/visits/omar-al-bashir-mys-2011-06/"))
    assert "so the Statute would not have bound it to arrest" in english


def test_a_verdicts_history_names_the_visit_and_the_finding_and_writes_french_times(reader, seeded):
    page = text(reader.get("/fr/visits/vladimir-putin-mng-2024-09-02/"))
    history = page[page.index("Historique du verdict") :]
    assert (
        "ajout\u00a0: visite (Vladimir Vladimirovich Putin, Mongolie, 2–3 septembre 2024)"
        in history
    )
    assert (
        "ajout\u00a0: constat de manquement de la CPI au titre de l’art. 87-7 "
        "(Mongolie, 24 octobre 2024)"
    ) in history
    assert "vladimir-putin-mng-2024-09-02)" not in history
    assert re.search(r"\d\d\u00a0h\u00a0\d\d UTC", history)
    assert not re.search(r"\d\d:\d\d UTC", history)
    english = text(reader.get("/visits/vladimir-putin-mng-2024-09-02/"))
    assert re.search(r"\d\d:\d\d UTC", english)
    assert "visit (Vladimir Vladimirovich Putin in Mongolia, 2–3 September 2024) was added" in (
        english
    )
    feed = html.unescape(reader.get("/fr/incidents/feed/").content.decode())
    assert "Pourquoi le verdict a changé\u00a0:" in feed and "Pourquoi il a changé" not in feed
    assert "ajout\u00a0: visite (Vladimir Vladimirovich Putin, Mongolie" in feed
    changes = text(reader.get("/fr/changes/"))
    assert re.search(r"\d\d\u00a0h\u00a0\d\d UTC", changes)


def test_no_finding_is_said_to_be_recorded_not_to_have_been_made(reader, seeded):
    tajikistan = text(reader.get("/states/TJK/"))
    assert "No ICC finding of non-compliance (Art. 87(7)) against it is recorded." in tajikistan
    assert "has made no finding" not in tajikistan
    french = text(reader.get("/fr/states/TJK/"))
    assert (
        "Aucune décision de la CPI constatant un manquement de sa part à l’obligation de "
        "coopérer (art. 87-7) n’est enregistrée."
    ) in french
    visit = text(reader.get("/fr/visits/vladimir-putin-tjk-2025-10-08/"))
    assert "aucune décision de la CPI constatant un manquement (art. 87-7)" in visit
    assert "n’est enregistrée" in visit and "la CPI n’a rendu aucune" not in visit


def test_french_wording_of_standing_and_treaty_events(reader, seeded):
    burundi = text(reader.get("/fr/states/BDI/"))
    assert "Situation au " in burundi and "Statut au " not in burundi
    assert re.search(r"Situation au \d+ \w+ \d{4}\s*: ancien État partie \(retrait\)", burundi)
    assert "notifié au secrétaire général de l’ONU" in burundi
    assert "Secrétaire général" not in burundi
    home = text(reader.get("/fr/"))
    assert re.search(r"Situation de chaque État au \d", home)
    assert "vérifie, pour chaque visite vérifiée" not in home
    assert "et examine, pour chaque visite vérifiée" in home


def test_the_home_maps_table_is_offered_once(reader, seeded):
    for address, words in (
        ("/", "The map's facts as a table"),
        ("/fr/", "Les informations de la carte sous forme de tableau"),
    ):
        page = body(reader.get(address))
        assert page.count('href="#map-table"') == 0
        assert html.unescape(page).count(words) == 1
        assert (
            "same facts as a table" not in page
            and "mêmes informations sous forme de tableau" not in page
        )


def _explanation(page: str) -> str:
    """A visit page's explanation paragraph, as read (`text`)."""
    return re.search(
        r"(?:Explication|Explanation) (.*?) (?:Version de la règle|Rule version)", page
    ).group(1)


def _sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences (a full stop and a space end one; "art. 127-1" does not)."""
    return re.split(r"(?<![Aa]rt)(?<!Arts)\. (?=[A-ZÀ-Ý])", paragraph)


def test_a_country_chart_caption_has_one_colon(reader, seeded):
    """« Mongolie : le bilan au fil du temps : les chiffres » chained two colons."""
    french = body(reader.get("/fr/states/MNG/"))
    summary = html.unescape(
        re.search(r"<summary>(.*?)</summary>", french.split('class="chart-table"')[1]).group(1)
    )
    assert summary == "Mongolie\u00a0: le bilan au fil du temps, en chiffres"
    english = body(reader.get("/states/MNG/"))
    assert "<summary>Mongolia&#x27;s record over time: the numbers</summary>" in english


def test_a_country_summary_names_the_state_once(reader, seeded):
    """« Mongolie : … Mongolie : manquement … constaté par la CPI »: the Court's findings
    are said of « cet État », as « Cet État a accueilli … » says the visits, each date with
    the word French gives it."""
    for iso3, name, dates in (
        ("MNG", "Mongolie", "dans une décision rendue le 24 octobre 2024."),
        ("TCD", "Tchad", "dans des décisions rendues le 13 décembre 2011 et le 26 mars 2013."),
        ("ZAF", "Afrique du Sud", "dans une décision rendue le 6 juillet 2017."),
        ("UGA", "Ouganda", "dans une décision rendue le 11 juillet 2016."),
        ("JOR", "Jordanie", "dans une décision rendue le 11 décembre 2017."),
    ):
        page = body(reader.get(f"/fr/states/{iso3}/"))
        summary = html.unescape(
            re.search(r'<meta name="description" content="([^"]*)"', page).group(1)
        )
        assert summary.startswith(f"{name}\u00a0: "), summary
        assert summary.count(f"{name}\u00a0:") == 1, summary
        assert (
            "La CPI a constaté un manquement de cet État à son obligation de coopérer (art. 87-7) "
            + dates
        ) in summary, summary
    english = text(reader.get("/states/TCD/"))
    assert (
        "The ICC found this state in non-compliance (Art. 87(7)) in decisions of 13 December 2011 "
        "and 26 March 2013."
    ) in english


def test_a_finding_is_listed_once_with_its_date_once(reader, seeded):
    """« 24 octobre 2024 : Constat de manquement (art. 87-7) — Chambre préliminaire II — …
    Constat de manquement (art. 87-7) par la Chambre … le 24 octobre 2024 … »: the heading
    said again what the sentence says, and the date twice; the timeline too gave the date
    twice. Each fact is kept: the Chamber, the date, the referral, the visit, the persons."""
    page = body(reader.get("/fr/states/MNG/"))
    listed = page.split('id="findings">')[1].split("</ul>")[0]
    entry = re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", "", listed))).strip()
    assert entry.startswith(
        "Constat de manquement (art. 87-7) par la Chambre préliminaire II de la CPI le 24 octobre "
        "2024, qui a saisi l’Assemblée des États parties. Visite\u00a0: Vladimir Vladimirovich "
        "Putin, 2–3 septembre 2024 Personnes concernées\u00a0: Vladimir Vladimirovich Putin"
    ), entry
    assert entry.count("24 octobre 2024") == 1 and entry.count("Constat de manquement") == 1
    assert 'href="/fr/visits/vladimir-putin-mng-2024-09-02/"' in listed
    assert 'href="/fr/persons/vladimir-putin/"' in listed
    timeline = page.split('id="timeline"')[1].split("</ol>")[0]
    finding = re.search(r'<li class="t-finding">(.*?)</li>', timeline, re.S).group(1)
    finding = re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", finding)))
    assert finding.strip() == (
        "24 octobre 2024 Constat de manquement (art. 87-7) — Chambre préliminaire II"
    )
    visit = body(reader.get("/fr/visits/vladimir-putin-mng-2024-09-02/"))
    decisions = html.unescape(
        re.sub(r"<[^>]+>", "", visit.split('id="findings"')[1].split("</ul>")[0])
    )
    assert decisions.count("24 octobre 2024") == 1 and decisions.count("Constat de manquement") == 1


def test_a_trip_not_made_says_its_hosts_obligation_in_one_sentence_with_one_colon(reader, seeded):
    """« aurait été tenu d’arrêter : Hongrie : État lié… : l’État était donc… » chained three
    colons, and « chacun des jours possibles donne ce verdict » was no French: the
    obligation goes on from the hypothesis, the host named once."""
    french = _explanation(text(reader.get("/fr/visits/vladimir-putin-hun-2025-10/")))
    assert (
        "Si le voyage avait eu lieu, l’État hôte (Hongrie) aurait été tenu d’arrêter\u00a0: il "
        "était lié par le Statut de Rome depuis le 1er juillet 2002 (État partie\u202f; "
        "ratification du 29 novembre 2001) et le retrait qu’il avait notifié ne devait prendre "
        "effet que le 2 juin 2026 (art. 127-1), si bien qu’il l’était encore à la date prévue de "
        "la visite."
    ) in french
    assert (
        "Le voyage n’est daté qu’approximativement (octobre 2025)\u202f; le verdict est le même "
        "quel qu’en soit le jour."
    ) in french
    assert "chacun des jours possibles" not in french and "Hongrie\u00a0: État" not in french
    english = _explanation(text(reader.get("/visits/vladimir-putin-hun-2025-10/")))
    assert (
        "Had the trip gone ahead, Hungary would have been bound to arrest: it was bound from "
        "1 July 2002 (State Party; ratified 29 November 2001) and the withdrawal it had notified "
        "was to take effect only on 2 June 2026 (Art. 127(1)), so it was still bound at the "
        "time of the planned visit."
    ) in english
    assert "The trip is dated only October 2025; the verdict is the same whatever its day." in (
        english
    )
    assert "every possible day" not in english
    for slug in (
        "vladimir-putin-hun-2025-10",
        "vladimir-putin-zaf-2023-08-22",
        "vladimir-putin-bra-2025-07-06",
        "omar-al-bashir-mys-2011-06",
        "omar-al-bashir-tur-undated",
    ):
        for prefix in ("/fr", ""):
            paragraph = _explanation(text(reader.get(f"{prefix}/visits/{slug}/")))
            for sentence in _sentences(paragraph):
                assert sentence.count(":") <= 1, (slug, prefix, sentence)


def test_a_trip_attended_by_video_is_dated_as_planned(reader, seeded):
    """ "did not travel to Johannesburg, South Africa on 22–24 August 2023" read as a
    journey not made on those days; « pas de déplacement (…) du 22 au 24 août 2023,
    participation par vidéo à la place » as a label. The dates are those of the trip planned."""
    french = _explanation(text(reader.get("/fr/visits/vladimir-putin-zaf-2023-08-22/")))
    assert french.startswith(
        "Vladimir Vladimirovich Putin\u00a0: voyage (Johannesburg, Afrique du Sud) prévu du 22 "
        "au 24 août 2023, remplacé par une participation par vidéo. Si le voyage avait eu lieu, "
        "l’État hôte (Afrique du Sud) aurait été tenu d’arrêter\u00a0: il était lié par le Statut "
        "de Rome depuis le 1er juillet 2002"
    ), french
    english = _explanation(text(reader.get("/visits/vladimir-putin-zaf-2023-08-22/")))
    assert english.startswith(
        "Vladimir Vladimirovich Putin did not make the trip to Johannesburg, South Africa, "
        "planned for 22–24 August 2023, and took part by video instead. Had the trip gone "
        "ahead, South Africa would have been bound to arrest: it had been bound since 1 July "
        "2002 (State Party; ratified 27 November 2000)."
    ), english


def test_the_label_of_a_trip_not_made_to_a_bound_host_reads_as_french(reader, seeded):
    """« pas de déplacement (hôte qui aurait été tenu d’arrêter) »: the host is the State."""
    page = text(reader.get("/fr/states/HUN/"))
    assert "pas de déplacement (l’État hôte aurait été tenu d’arrêter)" in page
    assert "hôte qui aurait" not in page


def test_an_explanation_names_its_host_with_a_colon_once(reader, seeded):
    """/fr/visits/omar-al-bashir-mys-2011-06/ read « Malaisie : État non partie … Malaisie :
    État que ne lie pas la résolution S/RES/1593 (2005) … »: a later sentence about the
    host refers to it. Visits and trips of every kind of host, each named so once at most."""
    french = _explanation(text(reader.get("/fr/visits/omar-al-bashir-mys-2011-06/")))
    assert french.count("Malaisie\u00a0:") == 1, french
    assert (
        "L’État hôte (Malaisie) n’est pas non plus lié par la résolution S/RES/1593 (2005)"
    ) in french
    english = _explanation(text(reader.get("/visits/omar-al-bashir-mys-2011-06/")))
    assert "Malaysia is not a State Party to the Rome Statute" in english
    assert "the others, Malaysia among them: a referral binds only the States it names." in (
        english
    )
    for slug, host in (
        ("omar-al-bashir-eth-2014-01", "Éthiopie"),
        ("omar-al-bashir-irn-2013-08-04", "Iran"),
        ("bosco-ntaganda-rwa-2013-03-18", "Rwanda"),
        ("sergei-shoigu-mys-2025-02-24", "Malaisie"),
        ("omar-al-bashir-jor-2017-03-28", "Jordanie"),
        ("omar-al-bashir-zaf-2015-06-14", "Afrique du Sud"),
        ("omar-al-bashir-tcd-2013-02-15", "Tchad"),
        ("benjamin-netanyahu-hun-2025-04-03", "Hongrie"),
        ("vladimir-putin-hun-2025-10", "Hongrie"),
    ):
        paragraph = _explanation(text(reader.get(f"/fr/visits/{slug}/")))
        assert paragraph.count(f"{host}\u00a0:") <= 1, (slug, paragraph)


def test_the_person_boxs_help_asks_for_no_english_spelling(reader, seeded):
    """The help under a list's person box said "en graphie anglaise, par ex. Putin", which
    the English does not say and the box does not need: a French spelling is found by how it
    sounds ("Poutine")."""
    french = text(reader.get("/fr/visits/"))
    assert "graphie anglaise" not in french
    assert "Un nom ou une partie d’un nom, par ex. Putin ou Poutine." in french
    found = reader.get("/fr/visits/", {"person": "Poutine"})
    assert found.status_code == 302
    assert found["Location"].endswith("?person=vladimir-putin")


def test_the_method_page_names_persons_as_french_readers_know_them(reader, seeded):
    """/fr/method/'s own prose said « la visite d'Omar al-Bashir en Jordanie » and « à
    propos de la visite de Vladimir Putin »: in the project's French, Omar el-Béchir and
    Vladimir Poutine, as the French press writes them."""
    french = text(reader.get("/fr/method/"))
    assert "à propos de la visite d’Omar el-Béchir en Jordanie en mars 2017" in french
    assert "à propos de la visite de Vladimir Poutine," in french
    assert "(Omar el-Béchir en Afrique du Sud en 2015," in french
    assert "(el-Béchir après le 12 juillet 2010" in french
    assert not re.search(r"Putin|Bashir", french), re.findall(r".{60}(?:Putin|Bashir).{20}", french)
    english = text(reader.get("/method/"))
    assert "about Omar al-Bashir's visit to Jordan" in english
    assert "about Vladimir Putin's visit" in english


# The French of an address's hints may give the spelling to type: a list's person box takes
# both ("Putin ou Poutine"). The newsroom's takes both too, and names them in French.
SPELLING_HINTS = {
    "A name or part of one, e.g. Putin.",
}


def test_the_projects_french_names_persons_in_french():
    """Every French sentence of the project names Vladimir Poutine, Omar el-Béchir and
    Benyamin Nétanyahou so, not by the English spelling of its source: the names from
    the dataset (a person's record) are data and stay as recorded, but they are not in the
    catalogue."""
    from django.utils import translation
    from django.utils.translation import trans_real

    english = re.compile(r"\bPutin\b|\bal-Bashir\b|\bAl[ -]Bashir\b|\bNetanyahu\b", re.I)
    with translation.override("fr"):
        catalog = trans_real.translation("fr")._catalog
        found = [
            (msgid, french)
            for msgid, french in catalog.items()
            if isinstance(msgid, str)
            and msgid not in SPELLING_HINTS
            and english.search(french or "")
        ]
    assert not found, found


def test_the_searchs_french_hint_gives_a_spelling_it_finds(reader, seeded):
    """« Les variantes d’orthographe sont acceptées : « el-Béchir » … »: the French name
    the hint gives finds Omar al-Bashir."""
    page = body(reader.get("/fr/search/"))
    assert "«\u00a0el-Béchir\u00a0»" in page
    found = body(reader.get("/fr/search/", {"q": "el-Béchir"}))
    assert 'href="/fr/persons/omar-al-bashir/"' in found
