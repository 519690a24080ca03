"""The schema read as strictly as OpenAPI 3.0.3 reads: its examples, and the answers the
seed gives, validate against it (openapi-schema-validator, the validator many clients'
pipelines run). A `nullable` beside a reference without a `type` let no null through, so
every visit without an occupier was refused; examples had `next: null` where the schema
says it is always present, and states' declarations without their covered period."""

import re
import urllib.parse

import pytest
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _is_uri(value) -> bool:
    """RFC 3986's URI (section 3): a scheme, then `:`, no space or control character;
    what openapi-spec-validator asserts of `format: uri` once rfc3987 is installed (an
    empty string is none)."""
    if not isinstance(value, str):
        return True
    if re.search(r"[\x00-\x20\x7f]", value):
        return False
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", urllib.parse.urlsplit(value).scheme))


# jsonschema's formats (dates, times...) and `uri`, asserted rather than annotations.
FORMATS = FormatChecker()
FORMATS.checks("uri")(_is_uri)


def validator(openapi: dict, schema: dict, formats: bool = True) -> OAS30Validator:
    """`schema` (a response's, with `#/components/...` references) checked against the
    whole document, read as OpenAPI 3.0 (`nullable`, `readOnly`), with its formats
    asserted (FORMATS), or, `formats` False, read as annotations, as many clients do."""
    return OAS30Validator(
        {**schema, "components": openapi["components"]},
        format_checker=FORMATS if formats else None,
    )


def json_responses(openapi: dict):
    """(operation, status, schema, examples) of every JSON response the schema describes."""
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json")
                if content and "schema" in content:
                    yield (
                        f"{method.upper()} {path}",
                        status,
                        content["schema"],
                        content.get("examples", {}),
                    )


def errors(check: OAS30Validator, value) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in check.iter_errors(value)
    ]


def test_every_example_is_an_answer_the_schema_allows(openapi):
    found = 0
    wrong = {}
    for operation, status, schema, examples in json_responses(openapi):
        check = validator(openapi, schema)
        for name, example in examples.items():
            found += 1
            problems = errors(check, example["value"])
            if problems:
                wrong[f"{operation} {status} {name}"] = problems[:3]
    assert found >= 20
    assert wrong == {}


@pytest.mark.parametrize("formats", [True, False], ids=["formats-asserted", "formats-annotated"])
def test_every_request_example_is_a_body_the_schema_allows(openapi, formats):
    """A request body's examples (a new visit's `archived_url: ""` among them) validate,
    formats asserted (as openapi-spec-validator checks them) or not: read without formats,
    the empty address was valid under both branches of a `oneOf`, so under none."""
    found = 0
    wrong = {}
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            for media, body in content.items():
                check = validator(openapi, body["schema"], formats)
                for name, example in body.get("examples", {}).items():
                    found += 1
                    problems = errors(check, example["value"])
                    if problems:
                        wrong[f"{method.upper()} {path} {media} {name}"] = problems[:3]
    assert found >= 5
    assert wrong == {}


def _defaults(node, where=""):
    """(where, schema) of every schema in `node` that gives a `default`."""
    if isinstance(node, dict):
        if "default" in node and isinstance(node.get("type", ""), str):
            yield where, node
        for key, value in node.items():
            yield from _defaults(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _defaults(value, f"{where}/{index}")


def test_every_default_is_a_value_its_own_schema_allows(openapi):
    """openapi-spec-validator checks each `default` against the schema that gives it:
    `archived_url`'s `""` sat on the `format: uri` branch, which no empty string is."""
    wrong = {
        where: errors(validator(openapi, schema), schema["default"])
        for where, schema in _defaults(openapi["components"])
        if errors(validator(openapi, schema), schema["default"])
    }
    assert wrong == {}


def test_the_format_check_can_fail():
    assert not FORMATS.conforms("", "uri")
    assert not FORMATS.conforms("news.example.org/a", "uri")
    assert FORMATS.conforms("https://web.archive.org/web/2026/https://example.org/", "uri")


LISTS = {
    "/api/v1/visits/": "PaginatedVisitList",
    "/api/v1/incidents/": "PaginatedIncidentList",
    "/api/v1/persons/": "PaginatedPersonList",
    "/api/v1/warrants/": "PaginatedWarrantList",
    "/api/v1/states/": "PaginatedStateList",
    "/api/v1/findings/": "PaginatedFindingList",
    "/api/v1/referrals/": "PaginatedCouncilReferralList",
    "/api/v1/statements/": "PaginatedJointStatementList",
}


@pytest.mark.parametrize("path", LISTS)
def test_the_seeds_answers_are_what_the_schema_says(seeded, api_client, openapi, path):
    schema = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    assert schema["schema"]["$ref"].endswith(f"/{LISTS[path]}")
    query = {} if path == "/api/v1/incidents/" else {"page_size": 500}
    answer = api_client.get(path, query).json()
    assert answer["results"]
    assert errors(validator(openapi, schema["schema"]), answer) == []


@pytest.mark.parametrize("cursor", ["0", "undated.omar-al-bashir-tur-undated"])
def test_a_page_of_visits_read_by_cursor_is_what_the_schema_says(
    seeded, api_client, openapi, cursor
):
    """With its `cursor` (a string, and null on the last page), which a page by number
    leaves out."""
    schema = openapi["paths"]["/api/v1/visits/"]["get"]["responses"]["200"]["content"]
    answer = api_client.get("/api/v1/visits/", {"cursor": cursor, "page_size": 3}).json()
    assert "cursor" in answer and answer["results"]
    assert errors(validator(openapi, schema["application/json"]["schema"]), answer) == []


def test_a_visit_without_an_occupier_is_valid_and_a_wrong_occupier_is_not(
    seeded, api_client, openapi
):
    """The check can fail: an occupier that is neither a state nor null is refused."""
    check = validator(openapi, {"$ref": "#/components/schemas/Visit"})
    visit = api_client.get("/api/v1/visits/vladimir-putin-mng-2024-09-02/").json()
    assert visit["controlled_by"] is None
    assert errors(check, visit) == []
    assert errors(check, {**visit, "controlled_by": "RUS"})


def test_the_feeds_example_page_points_next_at_its_own_cursor(openapi):
    content = openapi["paths"]["/api/v1/incidents/"]["get"]["responses"]["200"]["content"]
    (example,) = content["application/json"]["examples"].values()
    page = example["value"]
    assert page["next"].endswith(f"/api/v1/incidents/?cursor={page['cursor']}")
    assert page["cursor"] == page["results"][-1]["flag_id"]
    paged = openapi["components"]["schemas"]["PaginatedIncidentList"]["properties"]
    assert paged["next"]["example"].endswith(f"?cursor={paged['cursor']['example']}")
