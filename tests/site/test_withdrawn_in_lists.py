"""Withdrawn visits in the lists: one rule for the site's list, its downloads and the API's.

A list of visits holds the visits withdrawn from the record exactly when its filters ask
for them (`verdict=withdrawn`) or it is read for what changed (`changed_since`):
visits.filters.VisitFilterSet.holds_withdrawn. So `/visits.csv?…` and
`/api/v1/visits/?…&format=csv` hold the same rows (README, "Export format"), and a copy
kept in step from either learns of a withdrawal.
"""

import csv
import io
import json

import pytest
from django.utils import timezone

from tests.site.conftest import body, row_ids
from visits import flagging, review
from visits.models import Visit

pytestmark = pytest.mark.django_db

WITHDRAWN = ("vladimir-putin-mng-2024-09-02", "omar-al-bashir-zaf-2015-06-14")


@pytest.fixture
def two_withdrawn(seeded, reporter, reviewer, settings):
    """Two published visits withdrawn by verified withdrawals after the moment returned
    (ISO 8601, UTC), every verdict evaluated before and after it."""
    settings.ICCWATCH_PAGE_CACHE = False
    flagging.evaluate_pending()  # what the seed left to evaluate, before the moment read
    before = timezone.now().isoformat().replace("+00:00", "Z")
    for slug in WITHDRAWN:
        withdrawal = review.propose_withdrawal(
            author=reporter, visit=Visit.objects.get(slug=slug), note="Made up by its source."
        )
        review.verify(withdrawal, reviewer)
    flagging.evaluate_pending()
    assert set(Visit.objects.withdrawn().values_list("slug", flat=True)) == set(WITHDRAWN)
    return before


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, body(response)
    return list(csv.DictReader(io.StringIO(body(response))))


def site_and_api_rows(client, query: str) -> tuple[list[dict], list[dict]]:
    """The rows of `/visits.csv?query` and of the API's CSV of the same query in the same
    order, the API's `url` (its own address) left out and its `page_url` named `url`, as
    the site's column is."""
    site = csv_rows(client.get(f"/visits.csv?{query}&ordering=-start"))
    api = csv_rows(client.get(f"/api/v1/visits/?{query}&ordering=-start&format=csv"))
    for row in api:
        row["url"] = row.pop("page_url")
    return site, api


def test_the_sites_download_of_withdrawn_visits_is_the_apis(two_withdrawn, api_client):
    site, api = site_and_api_rows(api_client, "verdict=withdrawn")
    assert sorted(row["id"] for row in site) == sorted(WITHDRAWN)
    assert {row["verdict"] for row in site} == {"withdrawn"}
    assert {row["withdrawal_note"] for row in site} == {"Made up by its source."}
    assert site == api
    # The JSON download holds them too; a list that does not ask for them does not.
    download = json.loads(body(api_client.get("/visits.json?verdict=withdrawn")))
    json_ids = {row["id"] for row in download["results"]}
    assert json_ids == set(WITHDRAWN)
    everything, api_everything = site_and_api_rows(api_client, "status=occurred")
    assert everything == api_everything
    assert not set(WITHDRAWN) & {row["id"] for row in everything}


def test_the_sites_download_of_what_changed_tells_of_withdrawals_as_the_apis(
    two_withdrawn, api_client
):
    """A copy kept in step from the site's "Changed since" download learns of each visit
    withdrawn since, as one kept from the API's does: the same rows."""
    query = f"changed_since={two_withdrawn}"
    site, api = site_and_api_rows(api_client, query)
    assert set(WITHDRAWN) <= {row["id"] for row in site}
    assert {row["verdict"] for row in site if row["id"] in WITHDRAWN} == {"withdrawn"}
    assert site == api
    # Filtered on another verdict, a list read for changes keeps to that verdict.
    site, api = site_and_api_rows(api_client, f"{query}&verdict=non_compliance")
    assert site == api and not set(WITHDRAWN) & {row["id"] for row in site}


def test_the_sites_list_shows_withdrawn_visits_as_withdrawn_and_counts_them(two_withdrawn, reader):
    page = body(reader.get("/visits/?verdict=withdrawn"))
    assert sorted(row_ids(page)) == sorted(WITHDRAWN)
    assert "2 results" in page
    assert page.count('<span class="verdict v-withdrawn">withdrawn</span>') == 2
    assert '<option value="withdrawn" selected>withdrawn (2)</option>' in page
    # In every order, the page read host by host or verdict by verdict too (core.paging).
    for ordering in ("host", "-verdict", "end", "person", "-updated"):
        ordered = row_ids(body(reader.get(f"/visits/?verdict=withdrawn&ordering={ordering}")))
        assert sorted(ordered) == sorted(WITHDRAWN), ordering
        api = reader.get(f"/api/v1/visits/?verdict=withdrawn&ordering={ordering}").json()
        assert [v["id"] for v in api["results"]] == ordered, ordering
    # The menu says what choosing a verdict gives, whichever is chosen: two withdrawn
    # visits beside the published ones, which the list without it holds alone.
    page = body(reader.get("/visits/?status=occurred"))
    assert not set(WITHDRAWN) & set(row_ids(page))
    assert '<option value="withdrawn">withdrawn (2)</option>' in page
    page = body(reader.get("/visits/?person=omar-al-bashir"))
    assert '<option value="withdrawn">withdrawn (1)</option>' in page
    assert "v-withdrawn" not in page.split('id="results"')[1]


def test_the_apis_facets_count_the_withdrawn_visits_choosing_them_gives(two_withdrawn, api_client):
    def answer(**params):
        response = api_client.get("/api/v1/visits/", {"page_size": 500, **params})
        assert response.status_code == 200, response.content
        return response.json()

    published = answer(facets="verdict,host")
    assert published["facets"]["verdict"]["withdrawn"] == 2
    assert "withdrawn" not in {v["verdict"]["code"] for v in published["results"]}
    # Each other verdict's count is the list's rows of that verdict.
    for code, count in published["facets"]["verdict"].items():
        assert answer(verdict=code)["count"] == count, code
    withdrawn = answer(verdict="withdrawn", facets="verdict,host")
    assert withdrawn["count"] == 2
    assert withdrawn["facets"]["host"] == {"MNG": 1, "ZAF": 1}
    assert withdrawn["facets"]["verdict"] == published["facets"]["verdict"]
    assert answer(person="omar-al-bashir", facets="verdict")["facets"]["verdict"]["withdrawn"] == 1
