"""A list's download says which data it holds: its file name carries the list, the dataset
version, the moment of the later changes when the data changed after that version (a
newsroom edit), the language when it is not English, a digest of the filters when the
rows are filtered (the one the list's BibTeX key carries) and the day of an `as_of`, by one
function for the site and the API (dataset.state.download_name); the JSON's head gives the
data's state (as a citation names it, dataset.state) and the moment it was generated; the
API's JSON body is left as its schema describes it."""

import csv
import datetime
import io
import json
import re

import pytest
from django.utils import timezone

from dataset import bulk
from dataset.models import DatasetImport
from tests.site.conftest import body
from tests.site.test_citations import correct_mongolia, data_changed_at

pytestmark = pytest.mark.django_db

LISTS = ["visits", "incidents", "states", "persons", "warrants"]


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def version() -> str:
    found = DatasetImport.latest_version()
    assert found  # the seed's data/VERSION
    return found


def file_name(response) -> str:
    match = re.fullmatch(r'attachment; filename="([^"]+)"', response["Content-Disposition"])
    assert match, response["Content-Disposition"]
    return match[1]


def bibtex_digest(reader, page: str) -> str:
    """The digest of a list's filters its BibTeX key ends with ("iccwatch-visits-06577de2")."""
    name = file_name(reader.get(f"{page}&cite=bibtex"))
    digest = re.fullmatch(r"iccwatch-(?:fr-)?[a-z]+-([0-9a-f]{8})\.bib", name)
    assert digest, name
    return digest[1]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("prefix", ["", "/fr"])
def test_every_unfiltered_list_download_is_named_by_the_list_the_version_and_the_language(
    reader, seeded, name, prefix
):
    language = "-fr" if prefix else ""
    for fmt in ("csv", "json"):
        response = reader.get(f"{prefix}/{name}.{fmt}")
        assert response.status_code == 200
        assert file_name(response) == f"iccwatch-{name}-{version()}{language}.{fmt}"


@pytest.mark.parametrize(
    ("download", "page", "language"),
    [
        (
            "/visits.csv?host=MNG&verdict=non_compliance",
            "/visits/?host=MNG&verdict=non_compliance",
            "",
        ),
        ("/fr/visits.csv?year=2024", "/fr/visits/?year=2024", "-fr"),
        ("/persons.json?status=at_large", "/persons/?status=at_large", ""),
        ("/fr/incidents.json?host=TCD", "/fr/incidents/?host=TCD", "-fr"),
    ],
)
def test_a_filtered_download_is_named_by_the_digest_its_lists_bibtex_key_carries(
    reader, seeded, download, page, language
):
    digest = bibtex_digest(reader, page)
    path = download.split("?")[0]
    stem, fmt = path.rsplit("/", 1)[1].split(".")
    response = reader.get(download)
    assert response.status_code == 200
    assert file_name(response) == f"iccwatch-{stem}-{version()}{language}-{digest}.{fmt}"


def test_the_filters_name_a_download_whatever_their_order_the_sort_or_how_it_was_shared(
    reader, seeded
):
    names = {
        file_name(reader.get(url))
        for url in (
            "/visits.csv?host=MNG&verdict=non_compliance",
            "/visits.csv?verdict=non_compliance&host=MNG",
            "/visits.csv?host=MNG&verdict=non_compliance&ordering=person",
            "/visits.csv?host=MNG&verdict=non_compliance&utm_source=x",
        )
    }
    assert len(names) == 1
    assert file_name(reader.get("/visits.csv?host=TJK")) not in names


def test_a_download_after_a_newsroom_edit_names_the_moment_of_the_changes(reader, seeded):
    """The dataset version's files no longer hold the rows: the name says they are the
    version with later changes, up to the moment the data last changed (UTC)."""
    before = file_name(reader.get("/visits.csv"))
    correct_mongolia()
    moment = data_changed_at().strftime("%Y%m%dT%H%M%SZ")
    after = file_name(reader.get("/visits.csv"))
    assert before == f"iccwatch-visits-{version()}.csv"
    assert after == f"iccwatch-visits-{version()}-changes-{moment}.csv"
    api = file_name(reader.get("/api/v1/visits/?format=csv&host=MNG"))
    assert api.startswith(f"iccwatch-visits-{version()}-changes-{moment}-")


@pytest.mark.parametrize("name", LISTS)
def test_the_json_download_says_which_data_it_holds_and_when_it_was_made(reader, seeded, name):
    before = timezone.now()
    document = json.loads(body(reader.get(f"/{name}.json")))
    after = timezone.now()
    assert list(document)[:4] == ["list", "filters", "sort", "url"]
    assert document["dataset_version"] == DatasetImport.latest_version()
    # The moment the data last changed: the bulk files' data_as_of, the citation's.
    assert document["data_as_of"] == iso(data_changed_at()) == iso(bulk.data_as_of())
    assert document["changed_since_import"] is False
    generated = document["generated_at"]
    assert generated.endswith("Z")
    moment = datetime.datetime.fromisoformat(generated)
    assert before <= moment <= after
    assert document["count"] == len(document["results"])


def test_a_download_after_a_newsroom_correction_says_the_data_changed_since_the_version(
    reader, seeded
):
    correct_mongolia()
    document = json.loads(body(reader.get("/visits.json", {"host": "MNG"})))
    assert document["filters"] == {"host": "MNG"}
    assert document["dataset_version"] == DatasetImport.latest_version()
    assert document["changed_since_import"] is True
    assert document["data_as_of"] == iso(data_changed_at())
    end = next(r for r in document["results"] if r["id"] == "vladimir-putin-mng-2024-09-02")
    assert end["end"] == "2024-09-04"


@pytest.mark.parametrize(
    ("url", "stem"),
    [
        ("/api/v1/incidents/?format=csv", "iccwatch-incidents"),
        ("/api/v1/states/?format=csv", "iccwatch-states"),
        ("/api/v1/persons/?format=csv", "iccwatch-persons"),
        ("/api/v1/warrants/?format=csv", "iccwatch-warrants"),
        (
            "/api/v1/visits/vladimir-putin-mng-2024-09-02/?format=csv",
            "iccwatch-visit-vladimir-putin-mng-2024-09-02",
        ),
    ],
)
def test_the_apis_csv_is_named_as_the_sites_downloads_are(api_client, seeded, url, stem):
    response = api_client.get(url)
    assert response.status_code == 200
    assert file_name(response) == f"{stem}-{version()}.csv"


@pytest.mark.parametrize(
    ("api", "site"),
    [
        ("/api/v1/visits/?format=csv&host=TCD", "/visits.csv?host=TCD"),
        (
            "/api/v1/visits/?host=MNG&verdict=non_compliance&format=csv",
            "/visits.csv?host=MNG&verdict=non_compliance",
        ),
        ("/api/v1/visits/?format=csv&host=TCD&lang=fr", "/fr/visits.csv?host=TCD"),
        ("/api/v1/persons/?format=csv&status=at_large", "/persons.csv?status=at_large"),
    ],
)
def test_the_apis_filtered_csv_has_the_name_of_the_sites_download_of_the_same_rows(
    api_client, reader, seeded, api, site
):
    response = api_client.get(api)
    assert response.status_code == 200
    assert file_name(response) == file_name(reader.get(site))
    assert re.search(r"-[0-9a-f]{8}\.csv$", file_name(response))


def test_the_apis_csv_as_of_a_day_names_that_day(api_client, seeded):
    response = api_client.get("/api/v1/states/?format=csv&as_of=2020-01-01")
    assert response.status_code == 200
    assert file_name(response) == f"iccwatch-states-{version()}-as-of-2020-01-01.csv"
    filtered = api_client.get("/api/v1/states/?format=csv&as_of=2020-01-01&status=party")
    assert re.fullmatch(
        rf"iccwatch-states-{re.escape(version())}-[0-9a-f]{{8}}-as-of-2020-01-01\.csv",
        file_name(filtered),
    )


def test_the_apis_json_body_keeps_its_shape(api_client, seeded):
    """The API's JSON is described by its OpenAPI schema: no envelope keys are added."""
    document = api_client.get("/api/v1/visits/", {"host": "TJK"}).json()
    assert "dataset_version" not in document and "generated_at" not in document
    assert "Content-Disposition" not in api_client.get("/api/v1/visits/", {"host": "TJK"})


# Each list's singular, as its records' CSV names them ("iccwatch-visit-<id>").
RECORDS = {
    "states": "state",
    "persons": "person",
    "warrants": "warrant",
    "visits": "visit",
    "findings": "finding",
    "statements": "statement",
    "referrals": "referral",
}


@pytest.mark.parametrize(("name", "singular"), RECORDS.items())
def test_one_records_csv_is_named_by_that_record_not_by_the_whole_list(
    api_client, seeded, name, singular
):
    """A record's CSV holds its one row: its name says which (`iccwatch-state-MNG-…`), so
    that it never shares the name of the list's CSV, nor of another record's."""
    results = api_client.get(f"/api/v1/{name}/", {"page_size": 2}).json()["results"]
    assert len(results) == 2
    names = set()
    for record in results:
        identifier = record["url"].rstrip("/").rsplit("/", 1)[1]
        response = api_client.get(record["url"], {"format": "csv"})
        assert response.status_code == 200
        assert file_name(response) == f"iccwatch-{singular}-{identifier}-{version()}.csv"
        names.add(file_name(response))
    assert len(names) == 2
    assert file_name(api_client.get(f"/api/v1/{name}/", {"format": "csv"})) not in names


def test_a_states_csv_is_named_by_its_code_in_whatever_case_it_was_asked(api_client, seeded):
    names = {
        file_name(api_client.get(f"/api/v1/states/{code}/", {"format": "csv"}))
        for code in ("MNG", "mng")
    }
    assert names == {f"iccwatch-state-MNG-{version()}.csv"}


def test_the_feeds_csv_from_a_cursor_is_named_apart_from_the_whole_feed(api_client, seeded):
    """The incidents' CSV streams from `?cursor=` on: fewer rows, so another name, as a
    filter gives one (a CSV's other paging parameters are refused: tests/api/test_formats.py)."""
    feed = api_client.get("/api/v1/incidents/", {"page_size": 100}).json()["results"]
    assert len(feed) >= 3
    names = {}
    for cursor in (None, feed[0]["flag_id"], feed[-2]["flag_id"]):
        query = {"format": "csv", **({"cursor": cursor} if cursor is not None else {})}
        response = api_client.get("/api/v1/incidents/", query)
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        names[file_name(response)] = len(list(csv.DictReader(io.StringIO(text))))
    assert sorted(names.values(), reverse=True) == [len(feed), len(feed) - 1, 1]
    assert f"iccwatch-incidents-{version()}.csv" in names
    # The same cursor names the same rows alike, with a filter or without.
    again = api_client.get("/api/v1/incidents/", {"format": "csv", "cursor": feed[0]["flag_id"]})
    assert file_name(again) in names
    filtered = api_client.get(
        "/api/v1/incidents/", {"format": "csv", "cursor": feed[0]["flag_id"], "host": "TCD"}
    )
    assert file_name(filtered) not in names
