"""A visit whose end is not known is never published as a visit of one day.

data/DICTIONARY.md: an empty `end` in visits.csv is "the start day"; `?` says the sources
give the day a visit began but not the day it ended. Benjamin Netanyahu's visit to the
United States from 2 February 2025 (a White House meeting on 4 February) was said to be
"on 2 February 2025" on its page, and its API record (`end` null) read as one day. Now the
visit records `end_known` false, the verdict rests on its start (docs/DOMAIN.md, "Dates"),
and every output says the end is not known.
"""

import csv
import io
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.api.test_reports import TAJIKISTAN, file, verify_as
from visits.models import Visit

pytestmark = pytest.mark.django_db

WASHINGTON = "benjamin-netanyahu-usa-2025-02-02"
# The rows whose notes say their end was not confirmed (or not stated).
UNKNOWN_ENDS = {
    "omar-al-bashir-rwa-2016-07-16",
    "omar-al-bashir-rus-2017-11-23",
    "omar-al-bashir-rus-2018-07-14",
    "vladimir-putin-kaz-2023-11-09",
    WASHINGTON,
    "benjamin-netanyahu-usa-2025-07-06",
    "benjamin-netanyahu-usa-2025-09-25",
    "benjamin-netanyahu-usa-2025-12-28",
}


def text(response) -> str:
    assert response.status_code == 200, response
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode("utf-8-sig")


def test_the_dataset_says_which_ends_are_not_known(seeded):
    unknown = set(Visit.objects.filter(end_known=False).values_list("slug", flat=True))
    assert unknown == UNKNOWN_ENDS
    assert not Visit.objects.filter(end_known=False, end__isnull=False).exists()


def test_the_api_says_the_end_is_not_known(seeded, api_client, settings):
    settings.ICCWATCH_PAGE_CACHE = False
    detail = api_client.get(f"/api/v1/visits/{WASHINGTON}/").json()
    assert (detail["start"], detail["end"], detail["end_precision"], detail["end_known"]) == (
        "2025-02-02",
        None,
        None,
        False,
    )
    assert detail["verdict"]["code"] == "no_obligation"  # the United States is no party
    keys = [r["key"] for r in detail["verdict"]["reasons"]]
    assert "end_unknown" in keys
    assert "from 2 February 2025 (end date not known)" in detail["verdict"]["explanation"]
    assert "Washington, United States on 2 February 2025" not in detail["verdict"]["explanation"]
    # The list, answered from plain rows, says the same.
    listed = api_client.get("/api/v1/visits/", {"person": "benjamin-netanyahu"}).json()
    (row,) = [r for r in listed["results"] if r["id"] == WASHINGTON]
    assert (row["end"], row["end_precision"], row["end_known"]) == (None, None, False)
    # A visit of one day is still one: its end is known.
    one_day = api_client.get("/api/v1/visits/benjamin-netanyahu-usa-2025-04-06/").json()
    assert (one_day["end"], one_day["end_known"]) == (None, True)
    french = api_client.get(f"/api/v1/visits/{WASHINGTON}/", {"lang": "fr"}).json()
    assert "date de fin inconnue" in french["verdict"]["explanation"]


def test_the_downloads_say_the_end_is_not_known(seeded, api_client, settings):
    settings.ICCWATCH_PAGE_CACHE = False
    site = {
        r["id"]: r
        for r in csv.DictReader(
            StringIO(text(api_client.get("/visits.csv?person=benjamin-netanyahu")))
        )
    }
    assert (site[WASHINGTON]["end"], site[WASHINGTON]["end_known"]) == ("", "false")
    assert site["benjamin-netanyahu-usa-2025-04-06"]["end_known"] == "true"
    api = {
        r["id"]: r
        for r in csv.DictReader(
            StringIO(
                text(
                    api_client.get(
                        "/api/v1/visits/", {"person": "benjamin-netanyahu", "format": "csv"}
                    )
                )
            )
        )
    }
    assert api[WASHINGTON]["end_known"] == "false"


def test_the_visits_page_and_lists_say_from_its_start_end_not_known(seeded, client, settings):
    settings.ICCWATCH_PAGE_CACHE = False
    page = text(client.get(f"/visits/{WASHINGTON}/"))
    assert "from 2 February 2025, end not known" in page
    assert "from 2 February 2025 (end date not known)" in page
    listing = text(client.get("/visits/?person=benjamin-netanyahu"))
    assert "from 2 February 2025, end not known" in listing
    french = text(client.get(f"/fr/visits/{WASHINGTON}/"))
    assert "à partir du 2\u00a0février 2025, fin inconnue" in french or (
        "à partir du 2 février 2025, fin inconnue" in french
    )


def test_an_end_not_known_needs_a_start(dataset_dir, tmp_path):
    copy = tmp_path / "no-start"
    shutil.copytree(dataset_dir, copy)
    path = copy / "visits.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    (index,) = [i for i, li in enumerate(lines) if li.startswith("omar-al-bashir-mys-2011-06,")]
    assert ",2011-06,,Summit in Malaysia" in lines[index]
    lines[index] = lines[index].replace(",2011-06,,Summit in Malaysia", ",,?,Summit in Malaysia")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_dataset", str(copy), stdout=io.StringIO(), stderr=err)
    assert (
        f"visits.csv:{index + 1}: end: an end that is not known (?) needs a start date"
        in err.getvalue()
    )


@pytest.fixture
def tajikistan_removed(seeded):
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()


def test_a_report_says_its_end_is_not_known_and_the_visit_keeps_it(
    tajikistan_removed, clients, django_capture_on_commit_callbacks
):
    body = {**TAJIKISTAN, "end": "?"}
    filed = file(clients["reporter"], body)
    assert filed.status_code == 201, filed.content
    report = filed.json()
    assert report["end"] == "?"
    # The rule reads the start: Tajikistan, a party, was bound on 8 October 2025.
    assert report["preview"]["code"] == "non_compliance"
    assert "end date not known" in report["preview"]["explanation"]
    with django_capture_on_commit_callbacks(execute=True):
        verified = verify_as(clients["reviewer"], report["url"])
    assert verified.status_code == 200, verified.content
    visit = clients["anonymous"].get(verified.json()["visit"]["url"]).json()
    assert (visit["start"], visit["end"], visit["end_known"]) == ("2025-10-08", None, False)
    # A correction starts from the visit as it stands: its end is still not known.
    correction = clients["reporter"].post(
        "/api/v1/reports/", {"visit": visit["id"], "notes": "A note."}, format="json"
    )
    assert correction.status_code == 201, correction.content
    assert correction.json()["end"] == "?"


def test_a_report_refuses_an_end_that_is_neither_a_date_nor_unknown(tajikistan_removed, clients):
    refused = file(clients["reporter"], {**TAJIKISTAN, "end": "??"})
    assert refused.status_code == 400
    assert "end" in refused.json()["error"]["fields"]


def test_a_report_of_days_after_the_start_of_a_visit_whose_end_is_not_known_asks_another_visit(
    seeded, clients
):
    """Measured defect: with Putin in Mongolia recorded from 2 September 2024, end not
    known, a report of him there from 3 to 4 September was filed without asking
    `another_visit`: the recorded visit was read as ending on its start. Every day from
    its start on is possible (docs/DOMAIN.md, "Dates"), so it may be the same trip."""
    mongolia = "vladimir-putin-mng-2024-09-02"
    Visit.objects.filter(slug=mongolia).update(end=None, end_known=False)
    body = {**TAJIKISTAN, "host": "MNG", "start": "2024-09-03", "end": "2024-09-04"}
    refused = file(clients["reporter"], body)
    assert refused.status_code == 400, refused.content
    [message] = refused.json()["error"]["fields"]["another_visit"]
    assert mongolia in message
    confirmed = file(clients["reporter"], {**body, "another_visit": True})
    assert confirmed.status_code == 201, confirmed.content
    assert [v["id"] for v in confirmed.json()["possible_duplicates"]] == [mongolia]
