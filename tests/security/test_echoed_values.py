"""An error repeats at most 100 characters of what the client sent (core.echo).

The API's refusal of an unknown visit id repeated the whole id, about 5,000 characters,
twice (in `message` and in `fields`); so did every refusal that names a client's value: a
parameter's name or value, an address, a format, a Content-Type, a report's field, and
the site's downloads refused for their filters.
"""

import json

import pytest

from core.echo import ECHO_LENGTH, echoed
from tests.api.conftest import token_client
from tests.api.test_reports import TAJIKISTAN

pytestmark = pytest.mark.django_db

LONG = "x" * 5000
SHOWN = "x" * ECHO_LENGTH + "…"


def assert_echoes_at_most_the_cap(response, status):
    assert response.status_code == status, response.content[:300]
    text = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        text = json.dumps(response.json(), ensure_ascii=False)  # the site's escape "…"
    # The value, or the address or header it ends, cut (a state's code is upper-cased).
    assert "x" * (ECHO_LENGTH + 1) not in text.lower()
    assert "x…" in text.lower()
    assert len(text) < 2000


@pytest.mark.parametrize(
    ("address", "status"),
    [
        (f"/api/v1/visits/{LONG}/", 404),
        (f"/api/v1/states/{LONG}/", 404),
        (f"/api/v1/persons/{LONG}/", 404),
        (f"/api/v1/{LONG}/", 404),
        (f"/api/v1/incidents/{LONG}/", 404),
        (f"/api/v1/visits/?{LONG}=1", 400),
        (f"/api/v1/visits/?verdict={LONG}", 400),
        (f"/api/v1/visits/?verdict=deterred,{LONG}", 400),
        (f"/api/v1/visits/?ordering={LONG}", 400),
        (f"/api/v1/visits/?facets={LONG}", 400),
        (f"/api/v1/visits/?as_of={LONG}", 400),
        (f"/api/v1/visits/?format={LONG}", 400),
        (f"/api/v1/visits/?lang={LONG}", 400),
        (f"/api/v1/visits/?page={LONG}", 400),
        (f"/api/v1/incidents/?cursor={LONG}", 400),
        (f"/api/v1/findings/?kind={LONG}", 400),
        (f"/api/v1/search/?q=putin&kind={LONG}", 400),
    ],
)
def test_a_refusal_repeats_at_most_100_characters_of_the_value(api_client, address, status):
    assert_echoes_at_most_the_cap(api_client.get(address), status)


@pytest.fixture
def reporting(reporter):
    return token_client(reporter)


def test_the_reports_state_filter_and_id_echo_at_most_the_cap(reporting):
    assert_echoes_at_most_the_cap(reporting.get(f"/api/v1/reports/?state={LONG}"), 400)
    assert_echoes_at_most_the_cap(reporting.get(f"/api/v1/reports/{LONG}/"), 404)


@pytest.mark.parametrize("field", ["status", "outcome", "host_control"])
def test_a_report_field_out_of_its_choices_echoes_at_most_the_cap(seeded, reporting, field):
    # With the seed: the person and the host exist (a refusal names every error of the body).
    response = reporting.post("/api/v1/reports/", {**TAJIKISTAN, field: LONG}, format="json")
    assert_echoes_at_most_the_cap(response, 400)
    assert list(response.json()["error"]["fields"]) == [field]


def test_a_sources_refused_address_echoes_at_most_the_cap(reporting):
    """The checks the newsroom's form shares (visits.review) cut the address too."""
    source = {"url": "http://localhost/" + "x" * 900, "publisher": "Example"}
    response = reporting.post(
        "/api/v1/reports/", {**TAJIKISTAN, "sources": [source]}, format="json"
    )
    assert response.status_code == 400, response.content[:300]
    text = response.content.decode()
    assert "x" * (ECHO_LENGTH + 1) not in text
    assert "'http://localhost/" + "x" * (ECHO_LENGTH - len("http://localhost/")) + "…'" in text


def test_an_unsupported_content_type_echoes_at_most_the_cap(reporting):
    response = reporting.post("/api/v1/reports/", "{}", content_type="application/" + LONG)
    assert_echoes_at_most_the_cap(response, 415)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("", ""),
        ("x" * ECHO_LENGTH, "x" * ECHO_LENGTH),
        ("x" * (ECHO_LENGTH + 1), SHOWN),
        (42, "42"),
    ],
)
def test_echoed_keeps_a_short_value_whole_and_cuts_a_long_one(value, shown):
    assert echoed(value) == shown


@pytest.mark.parametrize(
    "address",
    [
        f"/visits.csv?verdict={LONG}",
        f"/visits.csv?verdict=deterred,{LONG}",
        f"/visits.json?{LONG}=1",
        f"/visits.csv?ordering={LONG}",
        f"/incidents.csv?host_control={LONG}",
        f"/persons.csv?status={LONG}",
        f"/fr/visits.csv?verdict={LONG}",
    ],
)
def test_a_site_download_refused_for_its_filters_echoes_at_most_the_cap(client, address):
    assert_echoes_at_most_the_cap(client.get(address), 400)


def test_a_name_no_person_matches_echoes_at_most_the_cap(seeded, client):
    """The site's person box takes a name (front.search.resolve_person_names)."""
    name = "Zq" * 2500
    response = client.get(f"/visits.csv?person={name}")
    assert response.status_code == 400
    text = json.dumps(response.json(), ensure_ascii=False)
    assert name[:101] not in text
    assert name[:100] + "…" in text
