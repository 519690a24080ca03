"""Each list's schema shows the facets that list offers, as a real answer gives them.

Every paginated list's 200 showed the visits' facets (`verdict`, `host`), the persons' and
the findings' too, though the persons count by situation, status and nationality and the
findings take no `facets` at all (a 400).
"""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(api_client):
    return api_client.get("/api/v1/schema/", {"format": "json"}).json()


def lists_of(openapi):
    """(path, facets offered or None, the answer's schema, its examples) of each list:
    every GET without a path parameter whose answer holds `results`."""
    schemas = openapi["components"]["schemas"]
    for path, item in openapi["paths"].items():
        operation = item.get("get")
        if operation is None or "{" in path:
            continue
        content = operation["responses"]["200"]["content"]["application/json"]
        schema = content["schema"]
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        if "results" not in schema.get("properties", {}):
            continue
        (facets,) = [p for p in operation["parameters"] if p["name"] == "facets"] or [None]
        offered = facets["schema"]["items"]["enum"] if facets else None
        examples = [e["value"] for e in content.get("examples", {}).values()]
        yield path, offered, schema, examples


def test_every_lists_facets_example_names_that_lists_facets(openapi):
    seen = set()
    for path, offered, schema, examples in lists_of(openapi):
        seen.add(path)
        facets = schema["properties"].get("facets")
        if offered is None:
            # No `facets` parameter (`?facets=` is a 400): nothing to show.
            assert facets is None, path
            assert all("facets" not in e for e in examples), path
            continue
        assert facets is not None, path
        assert list(facets["example"]) == offered, path
        for example in examples:
            assert list(example["facets"]) == offered, path
    assert {"/api/v1/persons/", "/api/v1/findings/", "/api/v1/visits/"} <= seen


def test_every_lists_facets_example_is_the_answer_of_the_query_it_names(
    seeded, api_client, openapi
):
    checked = []
    for path, offered, schema, _ in lists_of(openapi):
        if offered is None:
            continue
        facets = schema["properties"]["facets"]
        (address,) = re.findall(r"`(/api/v1/[^`]*facets=[^`]*)`", facets["description"])
        parts = urlsplit(address)
        assert parts.path == path
        query = dict(parse_qsl(parts.query))
        assert query["facets"].split(",") == offered, path
        answer = api_client.get(path, query)
        assert answer.status_code == 200, (address, answer.content)
        assert answer.json()["facets"] == facets["example"], address
        checked.append(path)
    assert set(checked) == {
        "/api/v1/states/",
        "/api/v1/persons/",
        "/api/v1/warrants/",
        "/api/v1/visits/",
        "/api/v1/incidents/",
    }
