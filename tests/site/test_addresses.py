"""Pages that share and cite well: canonical links, titles and descriptions per page,
sitemap.xml and robots.txt."""

import re
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from front import sitemaps
from states.models import State
from tests.site.conftest import body
from visits.models import ReviewState, Visit
from warrants.models import Person

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def head_links(html: str) -> dict[str, str]:
    """{"canonical": url, "en": url, "fr": url, "x-default": url} from a page's <head>."""
    head = html[: html.index("</head>")]
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))
    (links["canonical"],) = re.findall(r'<link rel="canonical" href="([^"]+)">', head)
    return {k: v.replace("&amp;", "&") for k, v in links.items()}


def title(html: str) -> str:
    return re.search(r"<title>(.*?) · iccwatch</title>", html).group(1)


def description(html: str) -> str:
    return re.search(r'<meta name="description" content="([^"]*)">', html).group(1)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/states/",
        "/states/MNG/",
        "/persons/",
        "/persons/vladimir-putin/",
        "/warrants/",
        "/visits/",
        "/visits/vladimir-putin-mng-2024-09-02/",
        "/incidents/",
        "/changes/",
        "/method/",
    ],
)
def test_every_page_type_names_its_canonical_address_in_each_language(reader, seeded, path):
    english = head_links(body(reader.get(path)))
    assert english == {
        "canonical": SITE + path,
        "en": SITE + path,
        "fr": SITE + "/fr" + path,
        "x-default": SITE + path,
    }
    french = head_links(body(reader.get("/fr" + path)))
    assert french == {**english, "canonical": SITE + "/fr" + path}


def test_a_lists_canonical_address_keeps_its_filters_sorted_and_drops_ordering_and_page(
    reader, seeded
):
    html = body(
        reader.get("/visits/?ordering=person&verdict=non_compliance&host=MNG&page=1&basis=")
    )
    links = head_links(html)
    assert links["canonical"] == SITE + "/visits/?host=MNG&verdict=non_compliance"
    assert links["fr"] == SITE + "/fr/visits/?host=MNG&verdict=non_compliance"
    assert links["x-default"] == SITE + "/visits/?host=MNG&verdict=non_compliance"
    search = head_links(body(reader.get("/fr/search/?q=Bashir")))
    assert search["canonical"] == SITE + "/fr/search/?q=Bashir"


def test_a_filtered_view_says_what_it_shows_in_the_readers_language(reader, seeded):
    query = "?host=MNG&person=vladimir-putin&start_after=2024-01-01&start_before=2024-12-31"
    html = body(reader.get("/visits/" + query))
    assert title(html) == "Visits to Mongolia by Vladimir Vladimirovich Putin, 2024"
    assert description(html).startswith(
        "Visits to Mongolia by Vladimir Vladimirovich Putin, 2024: 1 result."
    )
    html = body(reader.get("/fr/visits/" + query))
    assert (
        title(html) == "Visites de Vladimir Vladimirovich Putin — État hôte\u00a0: Mongolie, 2024"
    )
    assert description(html).startswith(
        "Visites de Vladimir Vladimirovich Putin — État hôte\u00a0: Mongolie, 2024\u00a0: 1 résultat."
    )
    html = body(reader.get("/incidents/?host=MNG&start_after=2024-09-01"))
    assert title(html) == "Incidents in Mongolia, from 1 September 2024"
    html = body(reader.get("/visits/?verdict=deterred"))
    # A filter of codes cannot tell whether the hosts would have been bound, nor why any
    # trip was called off: it says only that the person did not travel.
    assert title(html) == "Visits — Verdict: did not travel"
    assert title(body(reader.get("/fr/visits/?page=2"))) == "Visites, page 2"
    html = body(reader.get("/fr/persons/?status=at_large"))
    assert title(html) == "Personnes — Statut\u00a0: pas sous la garde de la Cour"
    html = body(reader.get("/warrants/?in_force=true&situation=darfur-sudan"))
    assert title(html) == "Warrants — Situation: Darfur, Sudan; Still in force: yes"
    assert title(body(reader.get("/visits/"))) == "Visits"


def test_each_page_has_its_own_title_and_description(reader, seeded):
    pages = {
        "/states/MNG/": ("Mongolia", "Mongolia has been a State Party since 1 July 2002."),
        "/fr/states/MNG/": ("Mongolie", "Mongolie\u00a0: État partie depuis le 1er juillet 2002."),
        "/persons/vladimir-putin/": (
            "Vladimir Vladimirovich Putin",
            "Vladimir Vladimirovich Putin, named in an ICC arrest warrant (Ukraine).",
        ),
        "/search/?q=Bashir": ("Search: Bashir", "Persons, states and visits matching “Bashir”."),
        "/fr/visits/vladimir-putin-mng-2024-09-02/": (
            "Vladimir Vladimirovich Putin, Mongolie, 2–3 septembre 2024",
            "Verdict\u00a0: non-coopération.",
        ),
    }
    seen = set()
    for path, (expected_title, expected_description) in pages.items():
        html = body(reader.get(path))
        assert title(html) == expected_title, path
        assert description(html).replace("&#x27;", "'").startswith(expected_description), path
        seen.add(description(html))
    assert len(seen) == len(pages)


def sitemap_locations(reader) -> list[str]:
    """Every <loc> of every file the sitemap index lists, after checking the alternates."""
    index = ElementTree.fromstring(reader.get("/sitemap.xml").content)
    locations = []
    for file_loc in index.findall("s:sitemap/s:loc", NS):
        response = reader.get(file_loc.text.removeprefix(SITE))
        assert response.status_code == 200 and response["Content-Type"] == "application/xml"
        urlset = ElementTree.fromstring(body(response))
        for url in urlset.findall("s:url", NS):
            loc = url.find("s:loc", NS).text
            alternates = {
                link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
            }
            english = alternates["en"]
            assert alternates == {
                "en": english,
                "fr": english.replace(SITE, SITE + "/fr", 1),
                "x-default": english,
            }
            assert loc in (alternates["en"], alternates["fr"])
            locations.append(loc)
    return locations


def test_the_sitemap_lists_every_state_person_and_visit_page_in_both_languages(reader, seeded):
    response = reader.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    locations = sitemap_locations(reader)
    assert len(locations) == len(set(locations))
    for prefix, count in [
        ("/states/", State.objects.count()),
        ("/persons/", Person.objects.count()),
        ("/visits/", Visit.objects.published().count()),
    ]:
        for language in ("", "/fr"):
            pages = [
                loc for loc in locations if re.fullmatch(rf"{SITE}{language}{prefix}[^/]+/", loc)
            ]
            assert len(pages) == count > 0, (prefix, language)
    assert f"{SITE}/visits/vladimir-putin-mng-2024-09-02/" in locations
    assert f"{SITE}/fr/states/MNG/" in locations
    assert f"{SITE}/fr/incidents/" in locations


def test_the_sitemap_splits_a_long_section_into_files(reader, seeded, monkeypatch):
    monkeypatch.setattr(sitemaps.PersonSitemap, "limit", 7)
    index = reader.get("/sitemap.xml").content.decode()
    files = (2 * Person.objects.count() + 6) // 7
    assert f"{SITE}/sitemap-persons.xml?p={files}</loc>" in index
    assert f"sitemap-persons.xml?p={files + 1}<" not in index
    persons = [loc for loc in sitemap_locations(reader) if re.search(r"/persons/[^/]+/$", loc)]
    assert len(persons) == len(set(persons)) == 2 * Person.objects.count()
    assert reader.get(f"/sitemap-persons.xml?p={files + 1}").status_code == 404
    assert reader.get("/sitemap-persons.xml?p=x").status_code == 404
    assert reader.get("/sitemap-nothing.xml").status_code == 404


def test_the_visits_sitemap_files_are_ranges_of_ids_read_without_an_offset(
    reader, seeded, monkeypatch
):
    """A file of visits holds the published visits of one range of ids, each in both
    languages: its cost does not grow with its number (no OFFSET over the files before).
    A range with no published visit has no file: an empty urlset is not a sitemap."""
    monkeypatch.setattr(sitemaps.VisitSitemap, "ids_per_file", 7)
    published = Visit.objects.published()
    # Seven ids in a row that no reader sees (reports not yet verified hold visit ids too).
    hidden = published.order_by("pk").values_list("pk", flat=True)[20]
    hidden_range = (hidden - 1) // 7
    Visit.objects.filter(pk__gt=hidden_range * 7, pk__lte=hidden_range * 7 + 7).update(
        review_state=ReviewState.REPORTED
    )
    ranges = sorted({(pk - 1) // 7 for pk in published.values_list("pk", flat=True)})
    assert hidden_range not in ranges and len(ranges) > 5
    files = len(ranges)
    index = reader.get("/sitemap.xml").content.decode()
    assert f"{SITE}/sitemap-visits.xml?p={files}</loc>" in index
    assert f"sitemap-visits.xml?p={files + 1}<" not in index

    visits = [loc for loc in sitemap_locations(reader) if re.search(r"/visits/[^/]+/$", loc)]
    assert len(visits) == len(set(visits)) == 2 * published.count()
    for number, first in enumerate(ranges, start=1):
        with CaptureQueriesContext(connection) as queries:
            xml = body(reader.get(f"/sitemap-visits.xml?p={number}"))
        slugs = set(re.findall(r"<loc>[^<]*/visits/([^/<]+)/</loc>", xml))
        in_range = published.filter(pk__gt=first * 7, pk__lte=first * 7 + 7)
        assert slugs == set(in_range.values_list("slug", flat=True)) != set()
        assert not any("OFFSET" in query["sql"] for query in queries.captured_queries)
    assert reader.get(f"/sitemap-visits.xml?p={files + 1}").status_code == 404
    assert reader.get("/sitemap-visits.xml?p=0").status_code == 404
    assert reader.get("/sitemap-visits.xml?p=x").status_code == 404


def test_a_sitemap_of_no_visits_is_one_file(reader, db):
    index = reader.get("/sitemap.xml").content.decode()
    assert f"{SITE}/sitemap-visits.xml</loc>" in index
    assert "sitemap-visits.xml?p=2" not in index
    assert reader.get("/sitemap-visits.xml").status_code == 200


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_staff_pages(reader, seeded):
    response = reader.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = body(response).splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for path in (
        "/newsroom/",
        "/admin/",
        "/account/",
        "/*.csv",
        "/*.json",
        "/data/iccwatch-data-",
        "/fr/search/",
    ):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines


@pytest.mark.parametrize(("url", "queries"), [("/sitemap.xml", 3), ("/sitemap-visits.xml", 2)])
def test_the_sitemap_reads_a_fixed_number_of_queries(
    reader, seeded, more_data, django_assert_num_queries, url, queries
):
    """The index counts each section read from the database (states, persons, visits); a
    file counts its section and reads one slice."""
    more_data(2)
    with django_assert_num_queries(queries):
        assert reader.get(url).status_code == 200
    more_data(8)
    with django_assert_num_queries(queries):
        assert reader.get(url).status_code == 200
