"""What a French-reading journalist, a lawyer and NGO staff tripped on, page by page."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.site.conftest import body

pytestmark = pytest.mark.django_db


def test_a_state_found_in_non_compliance_and_upheld_on_appeal_reads_as_one_failure(seeded, client):
    # Jordan: Pre-Trial Chamber II (2017), upheld on appeal (2019): one failure found, not
    # "Pre-Trial Chambers found it in non-compliance 2 times"; the appeal is told in the
    # list of decisions.
    html = body(client.get("/states/JOR/"))
    assert (
        "The ICC found this state in non-compliance (Art. 87(7)) in a decision of 11 December 2017."
        in html
    )
    assert "Pre-Trial Chambers" not in html
    assert "The ICC Appeals Chamber upheld the finding of non-compliance on 6 May 2019" in html
    french = body(client.get("/fr/states/JOR/"))
    assert "(art. 87-7) dans une décision rendue le 11 décembre 2017." in french


@pytest.mark.parametrize(
    ("path", "language", "words"),
    [
        ("/no-such-page/", "en", "Page not found"),
        ("/fr/n-existe-pas/", "fr", "Page introuvable"),
        ("/fr/states/XXX/", "fr", "Page introuvable"),
    ],
)
def test_an_unknown_address_is_a_page_of_the_site_in_the_readers_language(
    seeded, client, path, language, words
):
    response = client.get(path)
    html = body(response)
    assert response.status_code == 404
    assert f'<html lang="{language}">' in html and words in html
    assert 'role="search"' in html and "Not Found</h1>" not in html


def test_a_french_reader_finds_states_by_their_french_names(seeded, client):
    from django.utils import translation

    from front import search

    with translation.override("fr"):
        assert [s["iso3"] for s in search.search("Hongrie").states][:1] == ["HUN"]
        assert [s["iso3"] for s in search.search("Afrique du Sud").states] == ["ZAF"]
        found = search.search("Allemagne")
        assert [s["iso3"] for s in found.states] == ["DEU"]
        assert found.visits and all("-deu-" in v["slug"] for v in found.visits)
    with translation.override("en"):
        # Search reads every language's names, whatever the reader's: a French name typed
        # on an English page (or sent to the API without `lang`) still finds the state.
        assert [s["iso3"] for s in search.search("Allemagne").states] == ["DEU"]
    states = body(client.get("/fr/states/?name=hongrie"))
    assert "/fr/states/HUN/" in states
    # The states list's name filter reads every language's names too, as search does: the
    # English page and the API without `lang` find Hungary by "hongrie", not Hong Kong.
    english = body(client.get("/states/?name=hongrie"))
    assert "/states/HUN/" in english and "/states/HKG/" not in english
    found = client.get("/api/v1/states/?name=hongrie").json()["results"]
    assert [s["iso3"] for s in found] == ["HUN"]


def _options(html: str, name: str) -> list[str]:
    menu = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [re.sub(r" \(\d+\)$", "", label) for label in re.findall(r">([^<]+)</option>", menu)]


def test_the_menus_name_states_and_situations_in_the_readers_language_and_order(seeded, client):
    html = body(client.get("/fr/visits/"))
    hosts = _options(html, "host")[1:]
    assert "Hongrie" in hosts and "Hungary" not in hosts
    assert hosts.index("Afrique du Sud") < hosts.index("Allemagne") < hosts.index("Tadjikistan")
    situations = _options(html, "situation")[1:]
    assert "Darfour (Soudan)" in situations and "Darfur, Sudan" not in situations
    nationalities = _options(body(client.get("/fr/persons/")), "nationality")[1:]
    assert "Russie" in nationalities and "Russian Federation" not in nationalities


def test_a_trip_that_did_not_take_place_is_not_on_the_timeline_as_hosted(seeded, client):
    html = body(client.get("/states/ZAF/"))
    assert "Vladimir Vladimirovich Putin took part by video instead of travelling" in html
    assert "Hosted Vladimir Vladimirovich Putin" not in html
    assert "Hosted Omar Hassan Ahmad Al Bashir (Johannesburg)" in html
    hungary = body(client.get("/states/HUN/"))
    assert "Trip by Vladimir Vladimirovich Putin planned for this date, called off" in hungary
    assert "Hosted Vladimir Vladimirovich Putin" not in hungary


def test_a_trip_called_off_to_a_host_that_was_not_bound_is_not_called_deterred(seeded, client):
    html = body(client.get("/visits/vladimir-putin-ind-2023-09-09/"))
    line = re.sub(
        r"<[^>]+>", "", re.search(r'<p class="verdict-line">(.*?)</p>', html, re.S).group(1)
    )
    assert "did not travel" in line and "deterred" not in line and "bound" not in line
    # The page's description and its citation say the same.
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert description.startswith("Verdict: did not travel.")
    # A bound host's called-off trip says the host would have been bound, not that the
    # warrant deterred the trip, in its timeline entry.
    zaf = body(client.get("/states/ZAF/"))
    entry = re.search(r"took part by video instead of travelling.*?</li>", zaf, re.S).group(0)
    assert "did not travel (host would have been bound)" in entry
    assert "deterred" not in re.sub(r"<[^>]+>", "", entry)


def test_only_a_bound_hosts_called_off_trip_is_counted_or_listed_as_deterred(seeded, client):
    """ "Putin deterred 5 times" must not be quotable when India, 2023, was not bound: the
    visit's history says what its page says; a chart, a legend and a filter menu, which
    count codes, say only that the person did not travel."""
    india = body(client.get("/visits/vladimir-putin-ind-2023-09-09/"))
    history = india[india.index('id="history"') :] if 'id="history"' in india else india
    assert re.search(r"first verdict: did not travel(?! \()", re.sub(r"\s+", " ", history))
    assert "host would have been bound" not in history
    assert "deterred" not in re.sub(r"<[^>]+>", "", history.split("</table>")[0])
    zaf = body(client.get("/visits/vladimir-putin-zaf-2023-08-22/"))
    zaf = re.sub(r"\s+", " ", zaf)
    assert "first verdict: did not travel (host would have been bound)" in zaf
    person = re.sub(r"<[^>]+>", " ", body(client.get("/persons/vladimir-putin/")))
    assert "did not travel (called off or by video)" in person
    assert "deterred" not in person
    menu = body(client.get("/visits/"))
    assert re.search(r'<option value="deterred"[^>]*>did not travel \(\d+\)<', menu)
    # An undated trip called off to a host bound on every day a warrant was in force
    # (Zambia, a State Party since 2003): it would have been bound, whatever the day.
    zambia = body(client.get("/visits/omar-al-bashir-zmb-undated/"))
    zambia = re.sub(r"\s+", " ", zambia[zambia.index('id="history"') :])
    assert "first verdict: did not travel (host would have been bound)" in zambia
    # The API's verdict as of a day says what the page's history says.
    for slug, label in (
        ("vladimir-putin-ind-2023-09-09", "did not travel"),
        ("vladimir-putin-zaf-2023-08-22", "did not travel (host would have been bound)"),
    ):
        today = timezone.localdate().isoformat()  # verdicts exist from the seeding on
        then = client.get(f"/api/v1/visits/{slug}/?as_of={today}").json()["verdict"]
        assert then["label"] == label, slug
    french = body(client.get("/fr/visits/vladimir-putin-ind-2023-09-09/"))
    assert "dissuadé" not in re.sub(r"<[^>]+>", "", french.split('id="history"')[-1])
    french = body(client.get("/fr/visits/vladimir-putin-zaf-2023-08-22/"))
    assert "pas de déplacement (l’État hôte aurait été tenu d’arrêter)" in french.replace(
        "&#x27;", "'"
    )
    assert "dissuadé" not in re.sub(r"<[^>]+>", "", french)


def test_french_puts_a_space_before_a_colon(seeded, client):
    html = body(client.get("/fr/states/MNG/"))
    assert re.search(r"</time>\u00a0: ", html)
    assert not re.search(r"</time>: ", html)
    assert re.search(r"</time>: ", body(client.get("/states/MNG/")))


def test_the_changes_name_a_treaty_event_by_its_state_in_the_readers_language(seeded, client):
    import datetime

    from core.names import country_name
    from states.models import State, TreatyEvent

    state = (
        State.objects.filter(treaty_events__kind="deposited")
        .exclude(treaty_events__kind="signed")
        .order_by("iso3")
        .first()
    )
    TreatyEvent.objects.create(state=state, kind="signed", date=datetime.date(2000, 12, 1))
    html = body(client.get("/fr/changes/?page=1"))
    from django.utils import translation

    with translation.override("fr"):
        french_name = country_name(state.iso3, state.name)
    assert f"Étape du traité {french_name}, signature" in re.sub("<[^>]+>", "", html)
    entries = re.findall(r'<h2 class="change-title">Étape du traité (.*?)</h2>', html)
    assert entries, "no treaty event on the first page of changes"
    assert not any(re.match(r"[A-Z]{3}\b", re.sub("<[^>]+>", "", e)) for e in entries)
    assert "\u00a0: ajout</h2>" in html


def test_a_failed_csrf_check_is_a_page_of_the_site_in_the_readers_language(seeded):
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "fr"
    response = client.post("/newsroom/sign-in/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = body(response)
    assert "Le formulaire a expiré" in html and "Rien n’a été enregistré" in html


def test_search_results_say_called_off_to_an_unbound_host_as_the_visit_page_does(seeded, client):
    html = body(client.get("/search/?q=India"))
    entry = re.search(r'<li><a href="/visits/vladimir-putin-ind-2023-09-09/">.*?</li>', html, re.S)
    text = re.sub(r"<[^>]+>", "", entry.group(0)) if entry else ""
    assert "did not travel" in text and "deterred" not in text and "bound" not in text


def test_the_persons_list_says_its_count_is_of_every_recorded_trip(seeded, client):
    """Putin's 28 include 5 trips he did not take: the column says "recorded trips", not
    "visits", and the list says how that differs from a state's count of visits hosted."""
    html = body(client.get("/persons/"))
    headers = re.findall(r'<th scope="col"[^>]*>(?:<a [^>]*>)?(?:<span[^>]*>)?([^<]+)', html)
    assert "Recorded trips" in headers and "Visits" not in headers
    assert "where a state's list counts only the visits that took place" in html.replace(
        "&#x27;", "'"
    )
    assert "Voyages enregistrés" in body(client.get("/fr/persons/"))


def test_a_history_labels_the_verdict_a_change_replaced_as_its_own_row_did(seeded, client):
    """South Africa, 2023: a later change from `deterred` reads "did not travel (host would
    have been bound) → …", as the first row said it, not the code's own label."""
    from visits.models import VerdictChange, VerdictCode, Visit

    zaf = Visit.objects.get(slug="vladimir-putin-zaf-2023-08-22")
    first = zaf.verdict_changes.order_by("changed_at", "id").last()
    assert first.new_code == VerdictCode.DETERRED
    VerdictChange.objects.create(
        visit=zaf,
        changed_at=timezone.now(),
        old_code=VerdictCode.DETERRED,
        new_code=VerdictCode.WITHDRAWN,
        reasons=[],
        explanation="",
        cause="Withdrawn on review.",
        rule_version=first.rule_version,
    )
    history = body(client.get("/visits/vladimir-putin-zaf-2023-08-22/"))
    history = re.sub(r"\s+", " ", history[history.index('id="history"') :])
    assert "did not travel (host would have been bound) → withdrawn" in history


def test_the_label_of_a_trip_not_made_claims_no_cause():
    """The record shows that a trip called off (or attended by video) did not happen, not
    that the warrant called it off: no label of the code `deterred` says "deterred"; only
    a host that would have been bound is said to be (docs/DOMAIN.md)."""
    from django.utils import translation

    from visits.models import VerdictCode, verdict_label

    for lang, plain, bound in (
        ("en", "did not travel", "did not travel (host would have been bound)"),
        ("fr", "pas de déplacement", "pas de déplacement (l’État hôte aurait été tenu d’arrêter)"),
    ):
        with translation.override(lang):
            assert verdict_label("deterred", True) == bound
            for would in (False, None):
                assert verdict_label("deterred", would) == plain
            assert str(VerdictCode.DETERRED.label) == plain
            labels = [verdict_label(code, would) for code in VerdictCode for would in (True, False)]
            assert not [label for label in labels if "deter" in label or "dissuad" in label]
