"""JSON and CSV with the same filters, one error shape for every 4xx, and conditional GETs."""

import csv
import datetime
import io
import json

import pytest

from api.formats import csv_text
from api.visits.views import API_VISIT_TABLE
from visits.tables import VISIT_TABLE

pytestmark = pytest.mark.django_db

# (list, filters): each list with filters that select some rows but not all.
LISTS = [
    ("/api/v1/states/", {"status": "party", "as_of": "2024-09-03"}),
    ("/api/v1/persons/", {"situation": "ukraine"}),
    ("/api/v1/warrants/", {"situation": "darfur-sudan"}),
    ("/api/v1/visits/", {"verdict": "non_compliance", "start_after": "2015-01-01"}),
    ("/api/v1/incidents/", {"situation": "darfur-sudan"}),
    ("/api/v1/findings/", {"referred_to": "ASP"}),
    ("/api/v1/statements/", {"date_after": "2022-01-01"}),
]
KEY = {"/api/v1/states/": "iso3", "/api/v1/persons/": "slug", "/api/v1/warrants/": "ref"}


def all_json_rows(client, url, params):
    rows, response = [], client.get(url, {**params, "page_size": 2})
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        more = body.get("has_more") if "has_more" in body else body["next"] is not None
        if not more:
            return rows
        response = client.get(body["next"])


def csv_rows(response) -> list[dict]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize(("url", "params"), LISTS, ids=[u for u, _ in LISTS])
def test_csv_has_the_same_rows_as_json_for_the_same_filters(seeded, api_client, url, params):
    key = KEY.get(url, "id")
    everything = {str(row[key]) for row in all_json_rows(api_client, url, {})}
    filtered = [str(row[key]) for row in all_json_rows(api_client, url, params)]
    assert filtered and set(filtered) < everything, "the filters must select some rows, not all"

    by_param = api_client.get(url, {**params, "format": "csv"})
    by_header = api_client.get(url, params, HTTP_ACCEPT="text/csv")
    for response in (by_param, by_header):
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="iccwatch-')
        assert [
            row[key] for row in csv_rows(response)
        ] == filtered  # same rows, same order, unpaginated


def test_the_visits_csv_has_the_sites_columns_and_one_cell_per_list(seeded, api_client, client):
    rows = csv_rows(api_client.get("/api/v1/visits/", {"host": "MNG", "format": "csv"}))
    mongolia = next(r for r in rows if r["id"] == "vladimir-putin-mng-2024-09-02")
    assert list(mongolia) == API_VISIT_TABLE.names
    assert mongolia["host_iso3"] == "MNG"
    assert mongolia["verdict"] == "non_compliance"
    # Several warrants or sources are one JSON array each: never parallel columns.
    assert json.loads(mongolia["warrants"]) == ["vladimir-putin-2023-03-17"]
    assert len(json.loads(mongolia["source_urls"])) > 1
    assert (mongolia["start"], mongolia["start_precision"]) == ("2024-09-02", "day")
    assert mongolia["rule_version"].startswith("rule ")
    site = csv.DictReader(
        io.StringIO(
            b"".join(client.get("/visits.csv?host=MNG").streaming_content).decode("utf-8-sig")
        )
    )
    assert site.fieldnames == VISIT_TABLE.names
    # The site's columns, but for `url`, which means in the API's CSV what it means in its
    # JSON (the API address), the site's page being `page_url`, as in the JSON.
    site_row = {r["id"]: r for r in site}["vladimir-putin-mng-2024-09-02"]
    assert {k: v for k, v in mongolia.items() if k != "page_url"} == {
        **site_row,
        "url": mongolia["url"],
    }
    assert mongolia["page_url"] == site_row["url"]


def test_a_withdrawn_visits_row_gives_the_sources_its_withdrawal_cites(
    seeded, api_client, settings
):
    """The visits table gave a withdrawn visit's own sources (`source_urls`) but not those
    its withdrawal cites: `withdrawal_source_urls`, after `withdrawal_note`, gives their
    addresses, sorted, as the JSON's `withdrawal_sources`; [] for a withdrawal that cited
    none; an empty cell for a visit not withdrawn. In a list read as withdrawn, as
    changed, as of a day (the verdict then), and for one visit alone."""
    from visits import flagging
    from visits.models import Visit
    from visits.reports import SourceInput, withdraw_visit

    settings.ICCWATCH_PAGE_CACHE = False
    cited = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    bare = Visit.objects.get(slug="vladimir-putin-tjk-2025-10-08")
    withdraw_visit(
        cited,
        "Reported in error: the newspaper retracted its story the next day.",
        sources=[
            SourceInput(url="https://news.example.org/retraction", publisher="Example News"),
            SourceInput(url="https://archive.example.org/denial"),
        ],
    )
    withdraw_visit(bare, "Entered twice: the same trip is recorded under another id.")
    flagging.evaluate_pending()
    expected = {
        cited.slug: ["https://archive.example.org/denial", "https://news.example.org/retraction"],
        bare.slug: [],
    }
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    for params in (
        {"verdict": "withdrawn"},
        {"changed_since": "2000-01-01T00:00:00Z"},
        {"verdict": "withdrawn", "as_of": today},
    ):
        response = api_client.get("/api/v1/visits/", {**params, "format": "csv"})
        rows = {r["id"]: r for r in csv_rows(response)}
        got = {slug: json.loads(rows[slug]["withdrawal_source_urls"]) for slug in expected}
        assert got == expected, params
        assert {rows[slug]["verdict"] for slug in expected} == {"withdrawn"}, params
        published = [row for slug, row in rows.items() if slug not in expected]
        assert all(row["withdrawal_source_urls"] == "" for row in published), params
        listed = api_client.get("/api/v1/visits/", {**params, "page_size": 500}).json()
        in_json = {
            row["id"]: [source["url"] for source in row["withdrawal_sources"]]
            for row in listed["results"]
            if row["id"] in expected
        }
        assert in_json == expected, params
    names = API_VISIT_TABLE.names
    assert names[names.index("withdrawal_note") + 1] == "withdrawal_source_urls"
    for slug, urls in expected.items():
        (row,) = csv_rows(api_client.get(f"/api/v1/visits/{slug}/", {"format": "csv"}))
        assert json.loads(row["withdrawal_source_urls"]) == urls


@pytest.mark.parametrize("path", ["/api/v1/visits/", "/api/v1/incidents/"])
def test_url_and_page_url_mean_in_the_csv_what_they_mean_in_the_json(seeded, api_client, path):
    """In the visits and incidents CSV, `url` was the site's page, the JSON's `page_url`."""
    (listed,) = api_client.get(path, {"host": "MNG"}).json()["results"]
    (row,) = csv_rows(api_client.get(path, {"host": "MNG", "format": "csv"}))
    assert (row["url"], row["page_url"]) == (listed["url"], listed["page_url"])
    assert row["url"] == "http://testserver/api/v1/visits/vladimir-putin-mng-2024-09-02/"
    assert row["page_url"] == "http://testserver/visits/vladimir-putin-mng-2024-09-02/"
    one = csv_rows(api_client.get(listed["url"], {"format": "csv"}))
    assert [(r["url"], r["page_url"]) for r in one] == [(row["url"], row["page_url"])]


def test_a_moment_in_the_csv_is_the_moment_in_the_json(seeded, api_client):
    """The CSV cut `updated_at` to the second: copied as a report's `based_on`, it came
    before the visit's own and the correction was refused as a conflict."""
    (listed,) = api_client.get("/api/v1/visits/", {"host": "MNG"}).json()["results"]
    (row,) = csv_rows(api_client.get("/api/v1/visits/", {"host": "MNG", "format": "csv"}))
    moment = datetime.datetime.fromisoformat(listed["updated_at"])
    assert datetime.datetime.fromisoformat(row["updated_at"]) == moment
    if moment.microsecond:
        assert row["updated_at"] == listed["updated_at"]
    assert row["updated_at"] == moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def test_other_lists_flatten_nested_objects_and_keep_lists_in_one_cell(seeded, api_client):
    rows = csv_rows(api_client.get("/api/v1/findings/", {"format": "csv"}))
    assert rows and "state.iso3" in rows[0]
    for row in rows:
        assert isinstance(json.loads(row["persons"]), list)
        assert row["decided_precision"] in ("day", "month", "year", "")
    # The visit a method gives (documented as a VisitRef) is flattened too, not a JSON cell:
    # a spreadsheet joins findings to visits on `visit.id`.
    assert "visit" not in rows[0] and {"visit.id", "visit.url"} <= set(rows[0])
    mongolia = [r for r in rows if r["state.iso3"] == "MNG" and r["kind"] == "art_87_7"]
    assert [r["visit.id"] for r in mongolia] == ["vladimir-putin-mng-2024-09-02"]
    assert all(r["visit.id"] == "" for r in rows if r["state.iso3"] == "SDN" and not r["visit.url"])


def test_an_empty_csv_still_has_its_header(seeded, api_client):
    response = api_client.get("/api/v1/visits/", {"start_after": "2900-01-01", "format": "csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines == [",".join(API_VISIT_TABLE.names)]


def test_csv_cells_that_a_spreadsheet_would_run_are_defused():
    text = csv_text(
        [{"a": '=HYPERLINK("http://evil")', "b": "-1", "c": ["x", "y"], "d": None, "e": True}],
        list("abcde"),
    )
    assert text.splitlines()[1] == '"\'=HYPERLINK(""http://evil"")",\'-1,"[""x"",""y""]",,true'


def test_json_is_the_default_and_an_accept_header_nothing_matches_is_a_406(seeded, api_client):
    assert api_client.get("/api/v1/visits/")["Content-Type"] == "application/json"
    assert (
        api_client.get("/api/v1/visits/", HTTP_ACCEPT="text/html,*/*;q=0.8")["Content-Type"]
        == "application/json"
    )
    for accept in ("application/xml", "text/csv;q=0, application/xml"):
        response = api_client.get("/api/v1/visits/", HTTP_ACCEPT=accept)
        assert response.status_code == 406
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "not_acceptable"


@pytest.mark.parametrize(
    ("path", "format", "available"),
    [
        ("/api/v1/visits/", "xml", "csv, json"),
        ("/api/v1/states/MNG/", "html", "csv, json"),
        ("/api/v1/search/?q=putin", "csv", "json"),
    ],
)
def test_an_unknown_format_parameter_is_a_400_naming_the_formats(
    seeded, api_client, path, format, available
):
    """`?format=xml` was a 406, where the documentation promises a 400 `invalid_filter`
    for a parameter's impossible value."""
    response = api_client.get(path, {"format": format})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "invalid_filter"
    assert list(error["fields"]) == ["format"]
    assert f"this endpoint answers in {available}" in error["fields"]["format"][0]
    # The schema lists `format`, with the formats it takes, where the endpoint reads it.
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    template = path.split("?")[0].replace("MNG", "{iso3}")
    (documented,) = [
        p for p in schema["paths"][template]["get"]["parameters"] if p["name"] == "format"
    ]
    assert ", ".join(documented["schema"]["enum"]) == available


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/json;q=0.1, text/csv", "text/csv; charset=utf-8"),
        ("text/csv;q=0.5, application/json;q=0.9", "application/json"),
        ("*/*, text/csv;q=0.2", "application/json"),
        ("application/json;q=0, text/csv;q=0.1", "text/csv; charset=utf-8"),
        ("text/csv;q=0.7, application/json;q=0.7", "text/csv; charset=utf-8"),
        ("application/json;q=0.7, text/csv;q=0.7", "application/json"),
        # A wildcard matches only what no more specific range names (RFC 9110, 12.5.1).
        ("application/json;q=0, */*", "text/csv; charset=utf-8"),
        ("*/*, application/json;q=0", "text/csv; charset=utf-8"),
        ("application/*;q=0, */*", "text/csv; charset=utf-8"),
        ("application/json;q=0.1, */*", "text/csv; charset=utf-8"),
        ("text/csv;q=0, */*", "application/json"),
        ("text/*;q=0, text/csv, */*;q=0.1", "text/csv; charset=utf-8"),
        ("application/json;q=0.5, */*;q=0.1", "application/json"),
    ],
)
def test_the_accept_headers_quality_values_choose_the_format(
    seeded, api_client, accept, content_type
):
    """Quality values were ignored: `application/json;q=0.1, text/csv` answered JSON."""
    response = api_client.get("/api/v1/visits/", {"host": "MNG"}, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    # `?format=` still wins over the header.
    explicit = api_client.get(
        "/api/v1/visits/", {"host": "MNG", "format": "json"}, HTTP_ACCEPT=accept
    )
    assert explicit["Content-Type"] == "application/json"


@pytest.mark.parametrize("accept", ["application/json;q=0, */*", "*/*;q=0.5, application/*;q=0"])
def test_a_format_refused_with_q_0_is_never_what_a_wildcard_gets(
    seeded, api_client, clients, accept
):
    """`Accept: application/json;q=0, */*` was answered in JSON, the type it refuses: the
    wildcard matched it first. Where JSON is all an address has (search, the reports),
    nothing acceptable is left: a 406."""
    assert api_client.get("/api/v1/warrants/", HTTP_ACCEPT=accept)["Content-Type"] == (
        "text/csv; charset=utf-8"
    )
    for client, path in (
        (api_client, "/api/v1/search/?q=putin"),
        (clients["reporter"], "/api/v1/reports/"),
    ):
        response = client.get(path, HTTP_ACCEPT=accept)
        assert response.status_code == 406, (path, response["Content-Type"])
        assert response.json()["error"]["code"] == "not_acceptable"


def test_an_error_asked_for_as_csv_is_still_json(seeded, api_client):
    response = api_client.get("/api/v1/visits/", {"verdict": "bogus", "format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "Content-Disposition" not in response


def every_4xx(client, reporter_client):
    """One request for each client error the API can answer."""
    yield 400, client.get("/api/v1/visits/", {"start_before": "tomorrow"})
    yield 400, reporter_client.post("/api/v1/visits/", {"person": "vladimir-putin"}, format="json")
    yield 400, reporter_client.post("/api/v1/visits/", "{not json", content_type="application/json")
    yield 401, client.post("/api/v1/visits/", {}, format="json")
    yield 401, client.get("/api/v1/visits/", HTTP_AUTHORIZATION="Token wrong")
    yield 404, client.get("/api/v1/persons/nobody/")
    yield 404, client.get("/api/v1/visits/", {"page": 999})
    yield 400, client.get("/api/v1/visits/", {"format": "xml"})
    yield 404, client.get("/api/v1/no-such-thing/")
    yield 405, client.delete("/api/v1/visits/vladimir-putin-mng-2024-09-02/")
    yield 406, client.get("/api/v1/states/", HTTP_ACCEPT="image/png")
    yield 415, reporter_client.post("/api/v1/visits/", "<visit/>", content_type="application/xml")


def test_every_client_error_has_the_same_body(seeded, api_client, clients):
    seen = set()
    for status, response in every_4xx(api_client, clients["reporter"]):
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/json"
        error = response.json()["error"]
        assert set(response.json()) == {"error"}
        # One renderer for all of them: compact, UTF-8 (an unknown path's was spaced out).
        compact = json.dumps(response.json(), ensure_ascii=False, separators=(",", ":"))
        assert response.content.decode() == compact, response.content
        assert set(error) == {"code", "message", "fields"}
        assert isinstance(error["code"], str) and error["code"].islower()
        assert isinstance(error["message"], str) and error["message"]
        assert isinstance(error["fields"], dict)
        assert all(
            isinstance(m, list) and all(isinstance(x, str) for x in m)
            for m in error["fields"].values()
        )
        seen.add(error["code"])
    assert seen == {
        "invalid_filter",
        "invalid",
        "parse_error",
        "not_authenticated",
        "authentication_failed",
        "not_found",
        "method_not_allowed",
        "not_acceptable",
        "unsupported_media_type",
    }


def test_a_path_without_its_trailing_slash_is_redirected_with_its_query(seeded, api_client):
    response = api_client.get("/api/v1/visits?host=MNG&page_size=2")
    assert response.status_code in (301, 308)
    assert response["Location"].endswith("/api/v1/visits/?host=MNG&page_size=2")
    assert api_client.get(response["Location"]).json()["count"] == 1


# --- Conditional GETs -------------------------------------------------------------------

CONDITIONAL = [
    "/api/v1/states/?as_of=2026-06-02",
    "/api/v1/states/HUN/",
    "/api/v1/persons/vladimir-putin/",
    "/api/v1/warrants/",
    "/api/v1/visits/?host=MNG",
    "/api/v1/visits/?host=MNG&format=csv",
    "/api/v1/visits/vladimir-putin-mng-2024-09-02/",
    "/api/v1/incidents/",
    "/api/v1/incidents/?format=csv",
    "/api/v1/findings/",
    "/api/v1/statements/",
    "/api/v1/schema/?format=json",
]


@pytest.mark.parametrize("url", CONDITIONAL)
def test_every_get_has_an_etag_and_answers_304_when_it_matches(seeded, api_client, url):
    first = api_client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert api_client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_the_etag_changes_when_the_data_does(seeded, api_client):
    from visits.models import Visit

    url = "/api/v1/visits/vladimir-putin-mng-2024-09-02/"
    etag = api_client.get(url)["ETag"]
    Visit.objects.filter(slug="vladimir-putin-mng-2024-09-02").update(occasion="A state visit")
    response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_csv_s_etag_changes_when_a_record_its_rows_show_does(seeded, api_client):
    """A visit's row shows its person's name: renaming the person changes the visits CSV,
    though no visit row changed (its rows' count and latest `updated_at` stay the same)."""
    from warrants.models import Person

    url = "/api/v1/visits/?person=vladimir-putin&format=csv"
    first = api_client.get(url)
    etag = first["ETag"]
    assert b"".join(first.streaming_content)
    assert api_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    Person.objects.filter(slug="vladimir-putin").update(name="Vladimir V. Putin")
    again = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag
    assert "Vladimir V. Putin" in b"".join(again.streaming_content).decode("utf-8-sig")


def test_without_a_shared_cache_another_process_s_write_shows_at_once(seeded, api_client, settings):
    """Without Redis the page cache is off (iccwatch.settings): the data version would live
    in this process's memory, which another process's write (an import in a second
    terminal) never bumps. A write outside Django's connection wrapper stands for it here:
    the visit, the CSV and its revalidation show it at once, and no ETag is derived from a
    version nobody else moves."""
    from django.db import connection

    settings.ICCWATCH_PAGE_CACHE = False
    slug = "vladimir-putin-mng-2024-09-02"
    detail, csv_url = f"/api/v1/visits/{slug}/", "/api/v1/visits/?host=MNG&format=csv"
    api_client.get(detail)
    first = api_client.get(csv_url)
    b"".join(first.streaming_content)
    assert "ETag" not in first
    with connection.connection.cursor() as cursor:  # bypasses the version's bump
        cursor.execute(
            "UPDATE visits_visit SET occasion = 'Written elsewhere' WHERE slug = %s", [slug]
        )
    assert api_client.get(detail).json()["occasion"] == "Written elsewhere"
    again = api_client.get(csv_url, HTTP_IF_NONE_MATCH=first.get("ETag", '"none"'))
    assert again.status_code == 200
    assert "Written elsewhere" in b"".join(again.streaming_content).decode("utf-8-sig")


def test_with_redis_and_the_page_cache_off_the_version_still_serves_summaries_and_etags(
    settings,
):
    """Turning the page cache off with Redis (the benchmarks' uncached runs) still keeps
    the data version, which the summaries and the CSVs' ETags read; only without Redis,
    the page cache not asked for, is there none (a version no other process moves)."""
    from core.pagecache import data_version

    settings.ICCWATCH_PAGE_CACHE = False
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert data_version() is not None
    settings.REDIS_URL = ""
    assert data_version() is None
    settings.ICCWATCH_PAGE_CACHE = True
    assert data_version() is not None


def test_json_and_csv_of_one_list_have_different_etags_and_vary_on_accept(seeded, api_client):
    as_json = api_client.get("/api/v1/visits/")
    as_csv = api_client.get("/api/v1/visits/", HTTP_ACCEPT="text/csv")
    assert as_json["ETag"] != as_csv["ETag"]
    assert "Accept" in as_json["Vary"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/visits/?host=MNG",
        "/api/v1/warrants/",
        "/api/v1/incidents/",
        "/api/v1/visits/vladimir-putin-mng-2024-09-02/",
    ],
)
def test_a_csv_has_one_etag_however_it_was_asked_for(seeded, api_client, path):
    """`?format=csv` and `Accept: text/csv` give the same bytes, which had two ETags (the
    `format` parameter was part of the key): a client revalidating one with the other's
    got the whole CSV again. Both still vary on Accept: the address without `format`
    answers JSON to another Accept."""
    joined = "&" if "?" in path else "?"
    asked = {
        "format": api_client.get(f"{path}{joined}format=csv"),
        "format first": api_client.get(f"{path}{joined}format=csv", HTTP_ACCEPT="text/html"),
        "accept": api_client.get(path, HTTP_ACCEPT="text/csv"),
        "wildcard": api_client.get(path, HTTP_ACCEPT="text/*"),
    }
    contents = {name: csv_rows(answer) for name, answer in asked.items()}
    etags = {name: answer["ETag"] for name, answer in asked.items()}
    assert len({json.dumps(rows) for rows in contents.values()}) == 1
    assert len(set(etags.values())) == 1, etags
    for name, answer in asked.items():
        assert "Accept" in answer["Vary"], name
        assert answer["Content-Type"] == "text/csv; charset=utf-8", name
    etag = etags["format"]
    assert api_client.get(path, HTTP_ACCEPT="text/csv", HTTP_IF_NONE_MATCH=etag).status_code == 304
    as_json = api_client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert as_json.status_code == 200 and as_json["ETag"] != etag


def test_the_schema_is_english_whatever_the_language_asked(seeded, api_client):
    """One artifact: `?lang=fr` or Accept-Language fr give the same English schema, labelled
    English (its choices' descriptions are translatable labels: "non-coopération" leaked)."""
    english = api_client.get("/api/v1/schema/?format=json")
    for response in (
        api_client.get("/api/v1/schema/?format=json&lang=fr"),
        api_client.get("/api/v1/schema/?format=json", HTTP_ACCEPT_LANGUAGE="fr"),
    ):
        assert response.status_code == 200 and response["Content-Language"] == "en"
        text = response.content.decode()
        assert "non-coopération" not in text and "en fuite" not in text
        assert response.json() == english.json()
    assert "non_compliance` - non-compliance" in english.content.decode()


@pytest.mark.parametrize(
    ("path", "params", "refused"),
    [
        ("/api/v1/visits/", {"page": "99"}, ["page"]),
        ("/api/v1/visits/", {"page_size": "5", "facets": "host"}, ["facets", "page_size"]),
        ("/api/v1/states/", {"page": "1"}, ["page"]),
        ("/api/v1/incidents/", {"page_size": "20"}, ["page_size"]),
        ("/api/v1/findings/", {"page_size": "20"}, ["page_size"]),
    ],
)
def test_a_csv_refuses_the_parameters_that_apply_to_json_only(
    seeded, api_client, path, params, refused
):
    """`?format=csv&page=99` answered every row, as if the page had not been asked for."""
    response = api_client.get(path, {**params, "format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "invalid_filter"
    assert sorted(error["fields"]) == refused
    assert "applies to JSON only: the CSV gives every matching row" in error["message"]
    # The same by the Accept header; and JSON still takes them.
    assert api_client.get(path, params, HTTP_ACCEPT="text/csv").status_code == 400
    assert api_client.get(path, {k: v for k, v in params.items() if k != "page"}).status_code == 200


def test_the_feeds_csv_still_streams_from_its_cursor(seeded, api_client):
    response = api_client.get("/api/v1/incidents/", {"cursor": "0", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/visits.json?format=csv&host=MNG",
        "/api/v1/visits.csv?format=xml",
        "/api/v1/visits.csv",
        "/api/v1/states/MNG.csv",
        "/api/v1/search.json?q=putin",
        "/api/v1/visits/vladimir-putin-mng-2024-09-02.json",
        "/api/v1/schema.json",
    ],
)
def test_no_format_suffix_address_answers(seeded, api_client, path):
    """DRF's router added `.json` and `.csv` addresses nobody documented, whose suffix won
    over `?format=` unchecked (`/visits.csv?format=xml` was a CSV): they are gone, a 404 in
    the API's shape, as any address the API does not have."""
    answer = api_client.get(path)
    assert answer.status_code == 404, answer.content[:200]
    assert answer.json()["error"]["code"] == "not_found"


def test_the_router_makes_no_format_suffix_routes():
    from api.urls import urlpatterns

    assert not [p for p in urlpatterns if "format" in str(p.pattern)]
