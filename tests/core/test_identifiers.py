"""One place for identifier patterns: the site's addresses, the API, the importer and the schema."""

import pytest

from core import identifiers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("vladimir-putin", True),
        ("vladimir-putin-mng-2024-09-02", True),
        ("ukraine", True),
        ("Vladimir-Putin", False),
        ("vladimir_putin", False),
        ("-putin", False),
        ("putin--", False),
        ("a" * 151, False),
        (None, False),
    ],
)
def test_a_slug_is_lowercase_words_joined_by_single_hyphens(value, slug):
    assert identifiers.is_slug(value) is slug


@pytest.mark.parametrize(
    ("value", "iso3"), [("MNG", True), ("mng", False), ("MN", False), ("MNGL", False)]
)
def test_an_iso3_code_is_three_capitals(value, iso3):
    assert identifiers.is_iso3(value) is iso3


def test_site_addresses_match_only_well_formed_identifiers(client, db):
    from tests.factories import make_state

    make_state("MNG", "Mongolia")
    assert client.get("/states/MNG/").status_code == 200
    response = client.get("/states/mng/")
    assert (response.status_code, response["Location"]) == (301, "/states/MNG/")
    assert client.get("/states/MNGL/").status_code == 404
    assert client.get("/persons/Vladimir_Putin/").status_code == 404


def test_api_lookups_and_the_schema_use_the_same_patterns(api_client, db):
    response = api_client.get("/api/v1/persons/Vladimir_Putin/")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "No person with slug 'Vladimir_Putin'."
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    parameters = {
        # One or more values: an array whose items carry the pattern.
        p["name"]: p["schema"].get("pattern") or p["schema"].get("items", {}).get("pattern")
        for p in schema["paths"]["/api/v1/visits/"]["get"]["parameters"]
    }
    assert parameters["person"] == identifiers.SLUG_ANCHORED
    assert parameters["host"] == identifiers.ISO3_ANY_CASE_ANCHORED
