"""A list's download says which data it holds and when it was made: its file name carries
the dataset version and the day, the JSON's head the data's state (as a citation names
it, dataset.state) and the moment it was generated; the API's CSV is named the same way,
its JSON body left as its schema describes it."""

import datetime
import json

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


def expected_name(stem: str, extension: str) -> str:
    version = DatasetImport.latest_version()
    assert version  # the seed's data/VERSION
    return (
        f'attachment; filename="{stem}-{version}-{timezone.now().date().isoformat()}.{extension}"'
    )


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("prefix", ["", "/fr"])
def test_every_list_download_is_named_by_the_dataset_version_and_the_day(
    reader, seeded, name, prefix
):
    for fmt in ("csv", "json"):
        response = reader.get(f"{prefix}/{name}.{fmt}")
        assert response.status_code == 200
        assert response["Content-Disposition"] == expected_name(f"iccwatch-{name}", fmt)


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
        ("/api/v1/visits/?host=TJK&format=csv", "iccwatch-visits"),
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
    assert response["Content-Disposition"] == expected_name(stem, "csv")


def test_the_apis_json_body_keeps_its_shape(api_client, seeded):
    """The API's JSON is described by its OpenAPI schema: no envelope keys are added."""
    document = api_client.get("/api/v1/visits/", {"host": "TJK"}).json()
    assert "dataset_version" not in document and "generated_at" not in document
    assert "Content-Disposition" not in api_client.get("/api/v1/visits/", {"host": "TJK"})
