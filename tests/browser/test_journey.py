"""A journalist's path through the site in a real browser, with screenshots of each page."""

import csv
import io
from pathlib import Path

import pytest

from tests.browser.conftest import snap
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.npm("world-atlas")
def test_home_to_mongolia_to_the_visit_to_putin(site, browse):
    page = browse()
    page.goto(site + "/")
    assert page.locator("h1").inner_text().startswith("Who hosts people wanted by the ICC")
    assert page.locator("svg.worldmap").is_visible()
    # The newest incident first (Tajikistan, October 2025); Mongolia's among the latest.
    latest = page.locator("ol.incidents li")
    assert latest.first.inner_text().startswith("Tajikistan (bound: State Party)")
    assert latest.filter(has_text="Mongolia (bound: State Party)").count() == 1
    snap(page, "home")

    # Home -> Mongolia, by clicking the country on the map.
    page.locator('svg.worldmap a[href="/states/MNG/"]').click()
    page.wait_for_url("**/states/MNG/")
    assert page.locator("h1").inner_text().startswith("Mongolia")
    assert (
        "Mongolia has been a State Party since 1 July 2002."
        in page.locator("#summary").inner_text()
    )
    timeline = page.locator("#timeline")
    assert "1 July 2002" in timeline.inner_text()
    june = timeline.locator("li", has_text="14 June 2024")
    assert "93 States Parties" in june.inner_text()
    visit = timeline.locator("li", has_text="2 September 2024")
    assert "Hosted Vladimir Vladimirovich Putin" in visit.inner_text()
    assert visit.locator(".verdict").inner_text() == "non-compliance"
    assert "24 October 2024" in page.locator("#findings").inner_text()
    assert (
        "found non-compliance on 24 October 2024 (Art. 87(7)) and referred it to the Assembly of "
        "States Parties" in page.locator("#findings").inner_text()
    )
    # The embed code has its copy button too, in the page's language.
    assert page.get_by_role("button", name="Copy the code").is_visible()
    snap(page, "mongolia")

    # -> the visit page: explanation and sources.
    visit.locator("a").first.click()
    page.wait_for_url("**/visits/vladimir-putin-mng-2024-09-02/")
    explanation = page.locator("#explanation").inner_text()
    assert "a failure to arrest and surrender (Arts. 86, 89(1))" in explanation
    assert page.locator("#sources li").count() >= 5
    assert page.locator("#sources a", has_text="sputnikglobe.com").count() == 1
    assert "vladimir-putin-mng-2024-09-02" in page.locator("#permalink").inner_text()
    assert page.get_by_role("button", name="Copy the citation").is_visible()  # the enhancement
    snap(page, "visit")

    # -> Putin's page: travel timeline and map.
    page.locator("dd a", has_text="Vladimir Vladimirovich Putin").click()
    page.wait_for_url("**/persons/vladimir-putin/")
    trips = page.locator("#travel-timeline li")
    assert trips.count() >= 20
    assert (
        "non-compliance"
        in page.locator('#travel-timeline li[data-id="vladimir-putin-mng-2024-09-02"]').inner_text()
    )
    assert page.locator("svg.worldmap").is_visible()
    assert page.locator("svg.worldmap circle.marker").count() == trips.count()
    # One incident marker per flagged trip: Mongolia 2024 and Tajikistan 2025.
    assert page.locator("svg.worldmap circle.m-incident").count() == 2
    snap(page, "putin")
    assert page.problems == []


def test_a_filtered_visit_list_downloads_the_rows_on_screen(site, browse):
    page = browse()
    page.goto(site + "/visits/")
    page.get_by_label("Person").fill("Bashir")  # a name, resolved by the server
    page.get_by_label("Verdict").select_option("non_compliance")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    # Empty fields are left out of the shareable address (progressive enhancement), and the
    # name typed becomes the person's slug.
    assert page.url.split("?")[1] == "person=omar-al-bashir&verdict=non_compliance&ordering=-start"
    on_screen = page.locator("#results tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.id)"
    )
    flagged = Visit.objects.published().filter(
        person__slug="omar-al-bashir", verdict__code="non_compliance"
    )
    assert len(on_screen) == flagged.count() == 15
    snap(page, "visits-filtered")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == on_screen
    assert {r["verdict"] for r in rows} == {"non_compliance"} and {
        r["person_slug"] for r in rows
    } == {"omar-al-bashir"}
    # The address is shareable: a fresh reader opening it sees the same rows.
    other = browse()
    other.goto(page.url)
    assert (
        other.locator("#results tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")
        == on_screen
    )
    assert page.problems == [] and other.problems == []


def test_search_finds_ulan_bator_and_bashir(site, browse):
    page = browse()
    page.goto(site + "/")
    page.get_by_role("searchbox", name="Search").fill("Ulan Bator")
    page.get_by_role("searchbox", name="Search").press("Enter")
    page.wait_for_url("**/search/?q=Ulan+Bator")
    first = page.locator("#results-visits li").first
    assert "Vladimir Vladimirovich Putin — Ulaanbaatar, Mongolia" in first.inner_text()
    snap(page, "search-ulan-bator")
    page.get_by_label("Person, state, city or occasion").fill("Bashir")
    page.get_by_role("button", name="Search").last.click()
    page.wait_for_url("**/search/?q=Bashir")
    assert (
        page.locator("#results-persons li")
        .first.inner_text()
        .startswith("Omar Hassan Ahmad Al Bashir")
    )
    snap(page, "search-bashir")
    page.locator("#results-persons a").first.click()
    page.wait_for_url("**/persons/omar-al-bashir/")
    assert page.problems == []


def test_the_french_interface(site, browse):
    page = browse(locale="fr-FR")
    # The address names the language: an English-speaking browser gets the French page too.
    page.goto(site + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Français").click()
    page.wait_for_url(site + "/fr/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert (
        page.locator("h1")
        .inner_text()
        .startswith("Qui accueille les personnes recherchées par la CPI")
    )
    assert "États tenus d’arrêter aujourd’hui" in page.locator(".counts").inner_text()
    snap(page, "home-fr")
    page.goto(site + "/fr/states/MNG/")
    assert (
        "Mongolie\u00a0: État partie depuis le 1er juillet 2002."
        in page.locator("#summary").inner_text()
    )
    snap(page, "mongolia-fr")
    # The switch: the same page in English.
    page.get_by_role("link", name="English").click()
    page.wait_for_url(site + "/states/MNG/")
    assert page.locator("h2", has_text="Timeline").count() == 1
    page.goto(site + "/incidents/")
    assert (
        page.locator("h1").inner_text() == "Incidents"
        and "results" in page.locator(".count").inner_text()
    )
    assert page.problems == []


def test_the_language_switch_keeps_the_place_on_the_page(site, browse):
    """The fragment never reaches the server, so the switch's links cannot carry it: the
    site's script adds it to them, the one the page was opened at as the one a link on the
    page went to since (a rule version's `#rule-…`)."""
    page = browse(locale="fr-FR")
    page.goto(site + "/fr/method/#verdict-non_compliance")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(site + "/method/#verdict-non_compliance")
    assert page.locator("html").get_attribute("lang") == "en"

    anchor = page.locator("#rule-version-list dt").first.get_attribute("id")
    assert anchor and anchor.startswith("rule-")
    page.goto(site + "/method/")
    page.evaluate("anchor => { location.hash = anchor; }", anchor)
    page.get_by_role("link", name="Français").click()
    page.wait_for_url(site + f"/fr/method/#{anchor}")
    assert page.locator("html").get_attribute("lang") == "fr"
    # A page opened without a fragment switches to the other page's top.
    page.goto(site + "/fr/states/MNG/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(site + "/states/MNG/")
    assert page.problems == []


@pytest.mark.npm("world-atlas")
def test_the_site_works_without_javascript(site, browse):
    page = browse(javascript=False)
    page.goto(site + "/visits/")
    page.get_by_label("Host state").select_option("MNG")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "host=MNG" in page.url
    rows = page.locator("#results tbody tr")
    assert rows.count() == 1 and "Vladimir Vladimirovich Putin" in rows.first.inner_text()
    page.locator("#results a", has_text="2–3 September 2024").click()
    page.wait_for_url("**/visits/vladimir-putin-mng-2024-09-02/")
    assert "failure to arrest" in page.locator("#explanation").inner_text()
    assert page.get_by_role("button", name="Copy the citation").count() == 0
    assert (
        page.locator("#citation")
        .input_value()
        .startswith("iccwatch, “Vladimir Vladimirovich Putin in Mongolia")
    )
    page.goto(site + "/")
    assert page.locator("svg.worldmap").is_visible()  # the map is drawn on the server
    page.locator("#map-table summary").click()
    assert page.locator("#map-table a", has_text="Mongolia").first.is_visible()
    snap(page, "home-nojs")


def test_pages_fit_a_phone_screen(site, browse):
    page = browse(width=390, height=844)
    pages = (
        ("/", "home-phone"),
        ("/states/MNG/", "mongolia-phone"),
        ("/visits/", "visits-phone"),
        ("/persons/vladimir-putin/", "putin-phone"),
        ("/visits/vladimir-putin-mng-2024-09-02/", "visit-phone"),
    )
    for path, name in pages:
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
        snap(page, name)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    # A list's results come first on a phone: its dozen filters wait behind their summary.
    page.goto(site + "/visits/")
    assert not page.evaluate("document.querySelector('details.filter-panel').open")
    assert page.evaluate("document.getElementById('results').getBoundingClientRect().top") < 844
    page.locator("details.filter-panel summary").click()
    assert page.get_by_role("button", name="Apply filters").is_visible()
    for path in ("/changes/", "/fr/changes/"):
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
