"""The API's `ordering` and the site's lists sort by one definition of each key
(core.sorting): the same rows in the same order, row for row, in the answer's language;
a sort key given twice is refused, never dropped."""

import csv
import io

import pytest
from django.urls import resolve, reverse

from front.views.states import STATES
from front.views.visits import INCIDENTS, VISITS
from front.views.warrants import PERSONS, WARRANTS

pytestmark = pytest.mark.django_db

# (the site's list, the API's list of the same rows, the column naming a row in both)
LISTS = [
    (VISITS, "/api/v1/visits/", "id"),
    (STATES, "/api/v1/states/", "iso3"),
    (PERSONS, "/api/v1/persons/", "slug"),
    (WARRANTS, "/api/v1/warrants/", "ref"),
]
# The API's parameters the site's lists do not take, and why: a list of states or visits
# *as it stood* on another day is the API's alone (README, "Filters"). The site's list of
# states shows each state's standing today (its column, its menu, its downloads'
# `status_today`), its visits list each visit's verdict today.
API_ONLY = {"states": {"as_of"}, "visits": {"as_of"}}


def api_filterset(path: str):
    """The FilterSet the API's list at `path` reads its query with."""
    return resolve(path).func.cls.filterset_class


def site_sort_keys(listing) -> set[str]:
    """The keys `?ordering=` takes on the site's list and its downloads."""
    return set(listing.sorts)


def api_sort_keys(path: str) -> set[str]:
    """The keys `?ordering=` takes on the API's list at `path`."""
    return set(api_filterset(path).base_filters["ordering"].sorts)


CASES = [
    pytest.param(
        api,
        reverse(f"{listing.name}-export", kwargs={"fmt": "csv"}),
        column,
        sign + key,
        id=f"{listing.name}-{sign}{key}",
    )
    for listing, api, column in LISTS
    for key in sorted(site_sort_keys(listing) | api_sort_keys(api))
    for sign in ("", "-")
]


@pytest.mark.parametrize(("listing", "api", "column"), LISTS, ids=[x[0].name for x in LISTS])
def test_the_site_and_the_api_offer_the_same_sort_keys(listing, api, column):
    """`/warrants/?ordering=person` sorted the site's list and was a 400 on the API, and
    `/api/v1/warrants/?ordering=updated` the other way round: each side offered its own
    part of the list's keys."""
    assert site_sort_keys(listing) == api_sort_keys(api)


@pytest.mark.parametrize(
    ("listing", "api"),
    [(listing, api) for listing, api, _column in LISTS] + [(INCIDENTS, "/api/v1/incidents/")],
    ids=[x[0].name for x in LISTS] + ["incidents"],
)
def test_the_site_and_the_api_take_the_same_filters(listing, api):
    """`/api/v1/states/?party=true` filtered; `/states/?party=true` was a 400."""
    site = set(listing.filterset_class.base_filters) - {"ordering"}
    from_api = set(api_filterset(api).base_filters) - {"ordering"}
    assert site == from_api - API_ONLY.get(listing.name, set())
    assert API_ONLY.get(listing.name, set()) <= from_api


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(("api", "site", "column", "ordering"), CASES)
def test_the_api_and_the_site_list_the_same_rows_in_the_same_order(
    seeded, api_client, client, api, site, column, ordering, language
):
    """`/api/v1/visits/?format=csv&ordering=host` and `/visits.csv?ordering=host` differed in
    26 of 97 rows (67 by person, 86 by verdict): the API broke ties by id, the site by the
    visit's start; `/api/v1/states/?ordering=name&lang=fr` sorted by the English name.
    Every key of each list, both ways: `/persons/?ordering=visits` was the site's alone."""
    prefix = "/fr" if language == "fr" else ""
    from_api = csv_rows(
        api_client.get(api, {"format": "csv", "ordering": ordering, "lang": language})
    )
    from_site = csv_rows(client.get(prefix + site, {"ordering": ordering}))
    assert len(from_api) > 1
    assert [row[column] for row in from_api] == [row[column] for row in from_site]


@pytest.mark.parametrize("key", ["host", "-host", "person", "verdict"])
def test_an_undated_visit_comes_last_among_its_hosts_or_persons_visits(seeded, api_client, key):
    """As the documentation says of a missing value: last, in either direction."""
    from visits.models import Visit

    undated = Visit.objects.published().filter(start__isnull=True).first()
    assert undated is not None, "the seed holds an undated visit"
    column = {"host": "host_iso3", "person": "person_slug", "verdict": "verdict"}[key.lstrip("-")]
    rows = csv_rows(api_client.get("/api/v1/visits/", {"format": "csv", "ordering": key}))
    (own,) = [row for row in rows if row["id"] == undated.slug]
    group = [row["id"] for row in rows if row[column] == own[column]]
    assert len(group) > 1 and group[-1] == undated.slug


def test_states_sort_by_their_name_in_the_answers_language_by_default_too(seeded, api_client):
    """`?ordering=name&lang=fr`, and the list's own order in French, follow the French names
    (Afrique du Sud among the A), as /fr/states/ and the visits' `ordering=host` do."""
    for query in ({"ordering": "name"}, {}):
        rows = api_client.get("/api/v1/states/", {**query, "lang": "fr", "page_size": 500}).json()
        names = [state["translated_name"] for state in rows["results"]]
        assert names.index("Afrique du Sud") < names.index("Allemagne") < names.index("Belgique")
        english = api_client.get("/api/v1/states/", {**query, "page_size": 500}).json()
        iso3 = [state["iso3"] for state in english["results"]]
        assert iso3.index("DEU") < iso3.index("ZAF")  # Germany before South Africa


@pytest.mark.parametrize(
    "ordering",
    [["start,-start"], ["start,start"], ["start", "-start"], ["-host,person,host"]],
    ids=["both-ways", "twice", "repeated-parameter", "three-keys"],
)
def test_a_sort_key_given_twice_is_a_400_naming_ordering(seeded, api_client, client, ordering):
    """`ordering=start,-start` sorted by the start alone, the second key dropped unseen."""
    answer = api_client.get("/api/v1/visits/", {"ordering": ordering})
    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    assert error["code"] == "invalid_filter" and list(error["fields"]) == ["ordering"]
    (message,) = error["fields"]["ordering"]
    assert "twice" in message or "opposite directions" in message
    as_csv = api_client.get("/api/v1/visits/", {"ordering": ordering, "format": "csv"})
    assert as_csv.status_code == 400
    # The site refuses it too, its page and its downloads, in the reader's language.
    page = client.get("/visits/", {"ordering": ordering})
    assert page.status_code == 400 and "ordering" in page.content.decode()
    download = client.get("/fr/visits.csv", {"ordering": ordering})
    assert download.status_code == 400
    french = download.json()["error"]["message"]
    assert "ordering" in french and ("deux fois" in french or "sens opposés" in french)


def test_one_key_in_each_direction_of_two_keys_still_sorts(seeded, api_client):
    assert api_client.get("/api/v1/visits/", {"ordering": "person,-start"}).status_code == 200


def test_a_facet_asked_for_twice_is_a_400_naming_facets(seeded, api_client):
    for query in ("facets=host,host", "facets=host&facets=host"):
        answer = api_client.get(f"/api/v1/visits/?{query}")
        assert answer.status_code == 400, query
        fields = answer.json()["error"]["fields"]
        assert list(fields) == ["facets"] and "more than once" in fields["facets"][0]
    assert api_client.get("/api/v1/visits/?facets=host,verdict").status_code == 200


@pytest.mark.parametrize(
    "path", ["/visits.csv", "/visits.json", "/states.csv", "/incidents.csv", "/persons.json"]
)
def test_cite_on_a_download_is_a_400_naming_it(seeded, client, path):
    """`?cite=` downloads a list page's citation: a download has none, and answered its rows
    as if `cite` were not there, whatever its value."""
    for value in ("zzz", "bibtex"):
        answer = client.get(path, {"cite": value})
        assert answer.status_code == 400, (path, value)
        assert "cite" in answer.json()["error"]["message"]
    french = client.get(f"/fr{path}", {"cite": "zzz"}).json()["error"]["message"]
    assert french.startswith("Certaines valeurs ne sont pas valables\xa0: cite\xa0: ")
    assert "page de la liste" in french


def test_an_etag_does_not_depend_on_the_order_of_the_parameters(seeded, api_client):
    """Nor, for a CSV, on a `lang` that names the language the answer is in anyway."""
    csv_etag = api_client.get("/api/v1/visits/?host=MNG&format=csv")["ETag"]
    assert api_client.get("/api/v1/visits/?format=csv&host=MNG")["ETag"] == csv_etag
    assert api_client.get("/api/v1/visits/?host=MNG&format=csv&lang=en")["ETag"] == csv_etag
    french = api_client.get("/api/v1/visits/?host=MNG&format=csv&lang=fr")["ETag"]
    assert french != csv_etag
    assert (
        api_client.get(
            "/api/v1/visits/?format=csv&host=MNG",
            HTTP_ACCEPT_LANGUAGE="fr",
            HTTP_IF_NONE_MATCH=french,
        ).status_code
        == 304
    )
    first = api_client.get("/api/v1/visits/?host=MNG,TJK&page_size=1")
    second = api_client.get("/api/v1/visits/?page_size=1&host=MNG,TJK")
    assert first["ETag"] == second["ETag"] and first.content == second.content
    assert first.json()["next"]  # a link that writes the query: in the order of the names


def test_an_etag_keeps_the_order_of_one_parameters_values(seeded, api_client):
    """`ordering=person&ordering=-end` is not `ordering=-end&ordering=person`: the values
    of a parameter given several times keep their order, and so their own ETag."""
    one = api_client.get("/api/v1/visits/?ordering=person&ordering=-end&page_size=3")
    other = api_client.get("/api/v1/visits/?ordering=-end&ordering=person&page_size=3")
    assert one.json()["results"] != other.json()["results"]
    assert one["ETag"] != other["ETag"]
    # A JSON page writes `lang` into its links: it keeps an ETag of its own.
    english = api_client.get("/api/v1/visits/?host=MNG,TJK&page_size=1&lang=en")
    plain = api_client.get("/api/v1/visits/?host=MNG,TJK&page_size=1")
    assert english.json()["next"] != plain.json()["next"]
    assert english["ETag"] != plain["ETag"]
