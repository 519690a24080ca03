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
    assert "si le voyage avait eu lieu, il n’aurait donc pas été tenu d’arrêter" in malaysia
    assert "il n’était donc pas tenu" not in malaysia
    turkey = text(reader.get("/fr/visits/omar-al-bashir-tur-undated/"))
    assert "voyage (Turquie) annulé ; la date à laquelle il était prévu n’est pas connue" in (
        turkey.replace("\u202f", " ")
    )
    assert "annulé (Turquie) à une date inconnue" not in turkey
    tunisia = text(reader.get("/visits/omar-al-bashir-tun-2019-03-31/"))
    assert "to Tunis, Tunisia, planned for 31 March 2019, was called off" in tunisia
    english = text(reader.get("/visits/omar-al-bashir-mys-2011-06/"))
    assert "so it would not have been bound to arrest" in english


def test_a_verdicts_history_names_the_visit_and_the_finding_and_writes_french_times(reader, seeded):
    page = text(reader.get("/fr/visits/vladimir-putin-mng-2024-09-02/"))
    history = page[page.index("Historique du verdict") :]
    assert (
        "ajout\u00a0: visite (Vladimir Vladimirovich Putin, Mongolie, 2–3 septembre 2024)"
        in history
    )
    assert "ajout\u00a0: constat (Mongolie, 24 octobre 2024)" in history
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
    assert re.search(r"Situation au \d+ \w+ \d{4}\s*: État retiré du Statut de Rome", burundi)
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
