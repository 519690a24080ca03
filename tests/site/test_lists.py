"""Lists: the shared FilterSets, shareable URLs, sorting, pagination, and downloads that match the screen."""

import csv
import datetime
import html
import io
import json
import re

import pytest

from front import listing
from tests.site.conftest import body, row_ids
from visits.models import Visit
from warrants.models import Person, Warrant

pytestmark = pytest.mark.django_db


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(body(response))))


def json_doc(response):
    assert response["Content-Type"] == "application/json"
    return json.loads(body(response))


def test_visit_filters_are_the_shared_filterset_and_the_url_is_shareable(reader, seeded):
    url = "/visits/?person=vladimir-putin&verdict=non_compliance"
    html = body(reader.get(url))
    # Newest first: Tajikistan (October 2025), then Mongolia (September 2024).
    assert row_ids(html) == ["vladimir-putin-tjk-2025-10-08", "vladimir-putin-mng-2024-09-02"]
    assert 'name="person" value="vladimir-putin"' in html  # a search box, not a menu of everyone
    # Each choice says how many rows it would give, with the other filters as they are.
    assert '<option value="non_compliance" selected>non-compliance (2)</option>' in html
    assert "2 results" in html
    # The downloads carry exactly these filters.
    assert 'href="/visits.csv?person=vladimir-putin&amp;verdict=non_compliance"' in html
    assert 'href="/visits.json?person=vladimir-putin&amp;verdict=non_compliance"' in html


@pytest.mark.parametrize(
    "query",
    [
        "host=MNG",
        "host=mng",
        "situation=darfur-sudan&verdict=non_compliance",
        "person=omar-al-bashir&start_after=2015-01-01&start_before=2016-12-31",
        "basis=state_party",
        "status=cancelled",
        "verdict=no_obligation&ordering=host",
        "situation=ukraine&ordering=-verdict",
        "",
    ],
)
def test_visit_downloads_carry_exactly_the_rows_of_the_filtered_view(
    reader, seeded, query, monkeypatch
):
    monkeypatch.setattr(listing, "PER_PAGE", 1000)  # the whole list on one screen
    screen = row_ids(body(reader.get(f"/visits/?{query}")))
    expected = list(_filterset_qs(query).values_list("slug", flat=True))
    assert sorted(screen) == sorted(expected)
    assert [r["id"] for r in csv_rows(reader.get(f"/visits.csv?{query}"))] == screen
    doc = json_doc(reader.get(f"/visits.json?{query}"))
    assert [r["id"] for r in doc["results"]] == screen
    assert doc["count"] == len(screen)


def test_the_visits_download_says_null_where_there_is_no_value_as_the_api_does(reader, seeded):
    """`null` in JSON, never "": a basis a verdict does not have, a state in control nobody
    named; the CSV's cells stay empty all the same."""
    rows = {r["id"]: r for r in json_doc(reader.get("/visits.json"))["results"]}
    assert "" not in {
        r[k] for r in rows.values() for k in ("basis", "controlled_by_iso3", "verdict")
    }
    called_off = rows["vladimir-putin-ind-2023-09-09"]
    assert called_off["basis"] is None and called_off["controlled_by_iso3"] is None
    api = reader.get("/api/v1/visits/vladimir-putin-ind-2023-09-09/").json()
    assert api["verdict"]["basis"] is None and api["controlled_by"] is None
    cells = {r["id"]: r for r in csv_rows(reader.get("/visits.csv"))}
    assert cells["vladimir-putin-ind-2023-09-09"]["basis"] == ""


def test_the_visits_download_says_no_withdrawal_for_a_published_visit(reader, seeded, settings):
    """`withdrawal_source_urls` follows `withdrawal_note`: the sources a withdrawn visit's
    withdrawal cites, [] for one that cited none. A list that does not ask for withdrawn
    visits (`verdict=withdrawn`, `changed_since`) holds published ones only, so each of
    its rows says there is no withdrawal: null in JSON, an empty cell in CSV, never [] (a
    withdrawal that cited nothing); a visit withdrawn with its sources leaves it."""
    from visits import flagging
    from visits.reports import SourceInput, withdraw_visit

    settings.ICCWATCH_PAGE_CACHE = False
    withdraw_visit(
        Visit.objects.get(slug="vladimir-putin-tjk-2025-10-08"),
        "Reported in error: the newspaper retracted its story the next day.",
        sources=[SourceInput(url="https://news.example.org/retraction")],
    )
    flagging.evaluate_pending()
    rows = csv_rows(reader.get("/visits.csv?person=vladimir-putin"))
    names = list(rows[0])
    assert names[names.index("withdrawal_note") + 1] == "withdrawal_source_urls"
    assert "vladimir-putin-tjk-2025-10-08" not in {r["id"] for r in rows}
    assert {r["withdrawal_source_urls"] for r in rows} == {""}
    results = json_doc(reader.get("/visits.json?person=vladimir-putin"))["results"]
    assert [r["id"] for r in results] == [r["id"] for r in rows]
    assert {r["withdrawal_source_urls"] for r in results} == {None}


def _filterset_qs(query):
    from django.http import QueryDict

    from visits.filters import VisitFilterSet

    return VisitFilterSet(data=QueryDict(query), queryset=Visit.objects.published()).qs


def test_downloads_cover_every_page_in_the_on_screen_order(reader, seeded, monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 10)
    query = "person=omar-al-bashir&ordering=host"
    pages = []
    page = 1
    while True:
        html = body(reader.get(f"/visits/?{query}&page={page}"))
        pages += row_ids(html)
        if 'rel="next"' not in html:
            break
        page += 1
    assert page > 1 and len(pages) == len(set(pages))
    assert [r["id"] for r in csv_rows(reader.get(f"/visits.csv?{query}"))] == pages
    assert "Page 2 of" in body(reader.get(f"/visits/?{query}&page=2"))


def test_csv_rows_hold_the_verdict_its_explanation_and_the_sources(reader, seeded):
    (row,) = csv_rows(reader.get("/visits.csv?host=MNG"))
    assert row["url"] == "http://testserver/visits/vladimir-putin-mng-2024-09-02/"
    assert row["person"] == "Vladimir Vladimirovich Putin" and row["host_iso3"] == "MNG"
    assert (row["start"], row["end"], row["place"]) == ("2024-09-02", "2024-09-03", "Ulaanbaatar")
    assert (row["verdict"], row["basis"]) == ("non_compliance", "state_party")
    assert row["explanation"].startswith("Mongolia had been bound since 1 July 2002")
    assert (
        "https://sputnikglobe.com/20240902/putin-arrives-in-mongolia-on-official-visit-1119988556.html"
        in json.loads(row["source_urls"])
    )
    assert json.loads(row["warrants"]) == ["vladimir-putin-2023-03-17"]


def test_json_download_says_which_filters_it_applied(reader, seeded):
    doc = json_doc(reader.get("/incidents.json?host=MNG"))
    assert (
        doc["list"] == "incidents" and doc["filters"] == {"host": "MNG"} and doc["sort"] == "-start"
    )
    assert [r["id"] for r in doc["results"]] == ["vladimir-putin-mng-2024-09-02"]


def test_invalid_filters_show_an_error_and_downloads_refuse_them(reader, seeded):
    html = body(reader.get("/visits/?verdict=guilty"))
    assert 'class="error" role="alert"' in html and 'id="results"' not in html
    response = reader.get("/visits.csv?verdict=guilty")
    assert response.status_code == 400
    error = json.loads(response.content)["error"]  # the API's error shape
    assert error["code"] == "invalid_filter" and "verdict" in error["fields"]
    assert reader.get("/visits.json?start_after=yesterday").status_code == 400


def test_incidents_list_shows_only_non_compliance(reader, seeded):
    html = body(reader.get("/incidents/"))
    ids = row_ids(html)
    assert sorted(ids) == sorted(Visit.objects.published().flagged().values_list("slug", flat=True))
    assert ids[:2] == [
        "vladimir-putin-tjk-2025-10-08",
        "benjamin-netanyahu-hun-2025-04-03",
    ]  # newest first
    assert 'href="/incidents/feed/"' in html
    assert [r["id"] for r in csv_rows(reader.get("/incidents.csv"))] == ids


def _row(html_text: str, slug: str) -> str:
    return html_text.split(f'data-id="{slug}"')[1].split("</tr>")[0]


def test_each_incident_says_whether_the_court_itself_found_non_compliance(reader, seeded):
    """iccwatch's verdict is not the Court's finding: a row says which incidents the ICC
    found to be non-compliance under Art. 87(7) (the earliest finding) and which it did
    not, or not yet, nor only in another kind of decision (Kenya 2010: the Council told)."""
    page = body(reader.get("/incidents/"))
    assert "each row says whether the ICC itself found non-compliance" in html.unescape(page)
    mongolia = _row(page, "vladimir-putin-mng-2024-09-02")
    assert "ICC finding of non-compliance (Art. 87(7)): 24 October 2024" in mongolia
    # Jordan 2017: found in 2017, upheld on appeal in 2019; the first finding is given,
    # and that the Court decided on it again (the row said nothing of the appeal).
    jordan = _row(page, "omar-al-bashir-jor-2017-03-28")
    assert "(Art. 87(7)): 11 December 2017 (and 1 other ICC decision on it)" in jordan
    assert "other ICC decision" not in mongolia
    assert "No Art. 87(7) finding by the ICC recorded" in _row(
        page, "vladimir-putin-tjk-2025-10-08"
    )
    # Kenya 2010: no finding, but the Court did decide (it informed the Council): the row
    # said "No Art. 87(7) finding by the ICC recorded" as if the Court had been silent.
    kenya = _row(page, "omar-al-bashir-ken-2010-08-27")
    assert "No Art. 87(7) finding; an ICC decision on cooperation: 27 August 2010" in kenya
    assert "by the ICC recorded" not in kenya
    french = body(reader.get("/fr/visits/?person=vladimir-putin"))
    assert "(art. 87-7)\u00a0: 24 octobre 2024" in _row(french, "vladimir-putin-mng-2024-09-02")
    assert "court-finding none" in _row(french, "vladimir-putin-tjk-2025-10-08")
    bashir = body(reader.get("/fr/visits/?person=omar-al-bashir"))
    assert "(et 1 autre décision de la CPI à ce sujet)" in _row(
        bashir, "omar-al-bashir-jor-2017-03-28"
    )
    assert "une décision de la CPI sur la coopération : 27 août 2010" in _row(
        bashir, "omar-al-bashir-ken-2010-08-27"
    )
    # A visit that is no incident says nothing of findings.
    assert "court-finding" not in _row(french, "vladimir-putin-ind-2025-12-04")


def test_a_download_of_every_row_reads_no_finding_per_row(reader, seeded):
    """The Court's findings are read for the rows on screen only: a download of a million
    visits must not look each one's up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        rows = csv_rows(reader.get("/incidents.csv"))
    assert rows
    assert not [q["sql"] for q in queries if "visits_finding" in q["sql"] and "U0" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        body(reader.get("/incidents/"))
    assert any("visits_finding" in q["sql"] for q in queries)


def test_sorting_is_chosen_by_column_and_toggles(reader, seeded):
    html = body(reader.get("/visits/?person=vladimir-putin&ordering=host"))
    ids = row_ids(html)
    hosts = list(
        Visit.objects.filter(slug__in=ids)
        .order_by("host__name", "start", "pk")
        .values_list("slug", flat=True)
    )
    assert ids == hosts
    # The current column links to the reverse order; aria-sort says which way it is sorted.
    assert 'aria-sort="ascending"><a href="?person=vladimir-putin&amp;ordering=-host" ' in html
    reverse = row_ids(body(reader.get("/visits/?person=vladimir-putin&ordering=-host")))
    assert [reverse.index(i) for i in ids[:3]] != [0, 1, 2]
    # An unknown sort is refused, naming the parameter, rather than silently ignored.
    response = reader.get("/visits/?ordering=password")
    assert response.status_code == 400 and "<code>ordering</code>" in body(response)
    # Links made when the parameter was called `sort` still work.
    old = reader.get("/visits/?person=vladimir-putin&sort=host")
    assert (
        old.status_code == 301 and old["Location"] == "/visits/?person=vladimir-putin&ordering=host"
    )


def test_state_list_filters_by_standing_today(reader, seeded):
    withdrawn = row_ids(body(reader.get("/states/?status=withdrawn")))
    assert sorted(withdrawn) == ["BDI", "HUN", "PHL"]
    party = [r["iso3"] for r in csv_rows(reader.get("/states.csv?status=party"))]
    assert len(party) == 124 and "MNG" in party and "HUN" not in party and "MYS" not in party
    non_party = [r["iso3"] for r in csv_rows(reader.get("/states.csv?status=non_party"))]
    assert "MYS" in non_party and "USA" in non_party and "MNG" not in non_party
    assert {r["status_today"] for r in csv_rows(reader.get("/states.csv?name=hung"))} == {
        "withdrawn"
    }


def test_state_list_counts_visits_and_incidents(reader, seeded):
    rows = {r["iso3"]: r for r in csv_rows(reader.get("/states.csv?ordering=incidents"))}
    assert rows["MNG"]["visits_hosted"] == "1" and rows["MNG"]["incidents"] == "1"
    assert rows["TCD"]["incidents"] == str(
        Visit.objects.published().flagged().filter(host__iso3="TCD").count()
    )
    first = next(iter(rows.values()))
    assert int(first["incidents"]) == max(int(r["incidents"]) for r in rows.values())


def test_each_count_on_the_lists_of_states_and_persons_links_the_rows_it_counts(reader, seeded):
    """A state's "visits hosted" are those that took place; the visits list counts every
    trip. Each number links to the list it counts, so the two never seem to disagree
    (the United States: 7 hosted, 8 trips recorded, one called off)."""
    for path in ("/states/", "/persons/"):
        page = html.unescape(body(reader.get(path + "?ordering=incidents")))
        links = re.findall(
            r'<td class="num" [^>]*><a href="(/(?:visits|incidents)/\?[^"]+)">(\d+)</a>', page
        )
        assert len(links) >= 10, path
        for url, count in links:
            assert len(row_ids(body(reader.get(url)))) == int(count), (path, url)
    usa = html.unescape(body(reader.get("/states/?name=United+States")))
    assert '<a href="/visits/?host=USA&status=occurred,transit">7</a>' in usa
    assert len(row_ids(body(reader.get("/visits/?host=USA")))) == 8


def test_an_empty_list_of_incidents_says_no_incident_matches(reader, seeded):
    assert "No incident matches these filters." in body(reader.get("/incidents/?host=FRA"))
    assert "No visit matches these filters." in body(reader.get("/visits/?host=ATA"))
    french = body(reader.get("/fr/incidents/?host=FRA"))
    assert "Aucun incident ne correspond à ces filtres." in french
    # What the French page offers to embed is the page's card (fiche), not its map (carte).
    state = body(reader.get("/fr/states/MNG/"))
    assert "Intégrer cette fiche" in state and "Intégrer cette carte" not in state


def test_person_list_and_download(reader, seeded):
    at_large = row_ids(body(reader.get("/persons/?status=at_large")))
    assert len(at_large) == Person.objects.at_large().count() == 32
    rows = csv_rows(reader.get("/persons.csv?situation=darfur-sudan"))
    bashir = next(r for r in rows if r["slug"] == "omar-al-bashir")
    assert bashir["warrants"] == "2" and json.loads(bashir["other_names"]) == ["Omer al-Bashir"]
    assert {r["situation"] for r in rows} == {"Darfur, Sudan"}


def test_warrant_list_and_download(reader, seeded):
    html = body(reader.get("/warrants/?person=omar-al-bashir"))
    assert len(row_ids(html)) == 2
    rows = csv_rows(reader.get("/warrants.csv?in_force=true&situation=ukraine"))
    assert rows and all(r["in_force"] == "true" for r in rows)
    assert (
        len(rows)
        == Warrant.objects.filter(person__situation__slug="ukraine", ended__isnull=True).count()
    )
    issued = [r["issued"] for r in csv_rows(reader.get("/warrants.csv"))]
    assert issued[0] >= issued[-1]  # newest first by default


def test_filter_form_has_a_label_for_every_control(reader, seeded):

    for url in ("/visits/", "/incidents/", "/states/", "/persons/", "/warrants/"):
        html = body(reader.get(url))
        form = html[
            html.index('<form class="filters"') : html.index(
                "</form>", html.index('<form class="filters"')
            )
        ]
        controls = re.findall(r'<(?:input|select)[^>]*\sid="([^"]+)"', form)
        assert controls, url
        for control in controls:
            assert f'<label for="{control}">' in form, (url, control)


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("/visits/?host=MNG&page=9999", "/visits/?host=MNG"),
        ("/visits/?page=abc&ordering=person", "/visits/?ordering=person"),
        ("/incidents/?page=0", "/incidents/"),
        ("/fr/states/?page=99", "/fr/states/?page={last}"),
        ("/changes/?page=999", None),
        ("/changes/?page=0", "/changes/"),
    ],
)
def test_a_page_that_is_not_there_redirects_to_the_page_shown(reader, seeded, asked, shown):
    """An old link past the last page, or a page that is not a number, lands on the address
    of the rows it shows: a citation of that address names what the reader saw."""
    from front.listing import PER_PAGE
    from states.models import State

    response = reader.get(asked)
    assert response.status_code == 302
    if shown is not None:
        last = -(-State.objects.count() // PER_PAGE)
        assert response["Location"] == shown.format(last=last)
    landed = reader.get(response["Location"])
    assert landed.status_code == 200
    if re.search(r"page=\d{2,}", asked):  # past the end: the last page
        assert 'rel="next"' not in landed.content.decode()
    # The pages that are there answer as they are, page 1 spelled out or not.
    assert reader.get("/visits/?page=1").status_code == 200
    assert reader.get("/visits/?page=2").status_code == 200


def test_a_count_column_sorted_most_first_says_descending(reader, seeded):
    """`?ordering=incidents` lists the states with the most incidents first: its arrow and
    aria-sort say descending, and its reverse says ascending."""
    most = body(reader.get("/states/?ordering=incidents"))
    assert re.search(
        r'aria-sort="descending"><a href="\?ordering=-incidents"[^>]*>[^<]*<span', most
    )
    assert "▼" in most and "▲" not in most
    fewest = body(reader.get("/states/?ordering=-incidents"))
    assert re.search(r'aria-sort="ascending"><a href="\?ordering=incidents"[^>]*>', fewest)
    assert "▲" in fewest and "▼" not in fewest


def test_a_filtered_incidents_list_links_the_feed_that_matches_it(reader, seeded):
    def feed_link(path):
        found = re.search(
            r'<a href="([^"]+)" type="application/atom\+xml" id="list-feed">([^<]+)</a>',
            body(reader.get(path)),
        )
        return found.group(1), html.unescape(found.group(2))

    assert feed_link("/incidents/?host=MNG") == (
        "/states/MNG/feed/",
        "Atom feed of this state's incidents",
    )
    assert feed_link("/incidents/?host=mng&ordering=person") == (
        "/states/MNG/feed/",
        "Atom feed of this state's incidents",
    )
    assert feed_link("/incidents/?year=2024") == ("/incidents/feed/", "Atom feed of all incidents")
    assert feed_link("/incidents/") == ("/incidents/feed/", "Atom feed")


def test_a_warrant_is_in_force_on_its_last_day_alike_on_the_list_the_download_and_the_api(
    reader, api_client
):
    """A warrant's `ended` is its last day in force (the rule counts it: compliance.facts.
    in_force_on). The list said "ended" and the `in_force` filter and column said no as soon
    as `ended` was set, while the API's `in_force` field said yes until the day after."""
    from django.utils import timezone

    from core.names import format_date
    from tests.factories import make_person, make_warrant

    today = timezone.localdate()
    person = make_person("last-day-person", situation="last-day-situation")
    last_day = make_warrant(person, issued=datetime.date(2020, 1, 6), ended=today)
    ended = make_warrant(
        person, issued=datetime.date(2019, 1, 6), ended=today - datetime.timedelta(days=1)
    )
    query = "?situation=last-day-situation"

    rows = {r["ref"]: r for r in csv_rows(reader.get(f"/warrants.csv{query}"))}
    assert (rows[last_day.ref]["in_force"], rows[ended.ref]["in_force"]) == ("true", "false")
    assert [r["ref"] for r in csv_rows(reader.get(f"/warrants.csv{query}&in_force=true"))] == [
        last_day.ref
    ]
    assert [r["ref"] for r in csv_rows(reader.get(f"/warrants.csv{query}&in_force=false"))] == [
        ended.ref
    ]
    page = body(reader.get(f"/warrants/{query}"))
    statuses = re.findall(r'<td data-label="Status">([^<]*)</td>', page)
    assert sorted(statuses) == sorted(
        ["in force", f"ended on {format_date(ended.ended)} (reason not recorded)"]
    )

    api = api_client.get(f"/api/v1/warrants/{query}&in_force=true").json()["results"]
    assert [(w["ref"], w["in_force"]) for w in api] == [(last_day.ref, True)]
    api = api_client.get(f"/api/v1/warrants/{query}&in_force=false").json()["results"]
    assert [(w["ref"], w["in_force"]) for w in api] == [(ended.ref, False)]
