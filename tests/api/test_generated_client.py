"""The schema serves client generators: the README's script, run on a client that
openapi-python-client generates from the live schema, follows the incidents feed to its
end and revalidates with a 304; and the schema says what generated code needs to know
(304s, the bearer token, required and nullable properties, enum names, descriptions)."""

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from api.schema import ON_REQUEST_ONLY, SOMETIMES
from visits.models import VerdictChange, VerdictCode, Visit
from warrants.models import Warrant

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## A generated API client"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


def readme_script() -> str:
    """The Python block of the README's section on generated clients."""
    section = README.read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1, "the section has one Python script"
    return blocks[0]


def test_the_readmes_script_follows_the_incident_cursor_and_handles_a_304(
    live_server, seeded, reporter, tmp_path
):
    schema = tmp_path / "iccwatch.yaml"
    with urllib.request.urlopen(f"{live_server.url}/api/v1/schema/") as answer:
        schema.write_bytes(answer.read())
    tools = {**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ['PATH']}"}
    generated = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(schema), "--meta", "none"]
        + ["--output-path", str(tmp_path / "iccwatch_api")],
        cwd=tmp_path,
        env=tools,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout + generated.stderr, generated.stdout

    token = Token.objects.get_or_create(user=reporter)[0].key
    run = subprocess.run(
        [sys.executable, "-c", readme_script()],
        cwd=tmp_path,
        env={**tools, "ICCWATCH_URL": live_server.url, "ICCWATCH_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    *incidents, last = run.stdout.splitlines()
    flagged = Visit.objects.published().filter(verdict__code=VerdictCode.NON_COMPLIANCE)
    assert len(incidents) > 10, "more than one page of 10: the cursor was followed"
    flag_ids = [int(line.split()[0]) for line in incidents]
    assert flag_ids == sorted(set(flag_ids)), "each incident once, oldest flag first"
    assert sorted(line.split()[1] for line in incidents) == sorted(v.slug for v in flagged)
    assert all(line.endswith(" non_compliance") for line in incidents)
    assert last == "304 nothing new"


# --- What the schema says --------------------------------------------------------------


@pytest.fixture
def openapi(db, client):
    return client.get("/api/v1/schema/", {"format": "json"}).json()


def properties(openapi):
    for name, schema in openapi["components"]["schemas"].items():
        for prop, spec in schema.get("properties", {}).items():
            yield name, prop, spec


def test_every_property_has_a_description(openapi):
    missing = [
        f"{name}.{prop}" for name, prop, spec in properties(openapi) if not spec.get("description")
    ]
    assert missing == []


# The reads whose answers are private and never cached (`Cache-Control: private,
# no-store`): they send no ETag, so they document no 304 (tests/api/test_declared_statuses.py
# reads each GET's answer).
NEVER_CACHED = {"/api/v1/reports/", "/api/v1/reports/queue/", "/api/v1/reports/{id}/"}


def test_every_get_documents_if_none_match_and_its_304(openapi):
    for path, item in openapi["paths"].items():
        if "get" not in item:
            continue
        operation = item["get"]
        names = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        documented = (
            "304" in operation["responses"],
            "ETag" in operation["responses"]["200"].get("headers", {}),
            "If-None-Match" in names,
        )
        assert documented == (path not in NEVER_CACHED,) * 3, path
        assert "412" in operation["responses"], path


def test_every_property_of_an_answer_is_required_and_absent_values_are_null(openapi):
    schemas = openapi["components"]["schemas"]
    for name, schema in schemas.items():
        if not name.endswith("Request") and "properties" in schema:
            # `facets` only answers `?facets=`; a 409's `existing` only names a duplicate.
            expected = {
                p
                for p in schema["properties"]
                if p not in ON_REQUEST_ONLY and f"{name}.{p}" not in SOMETIMES
            }
            assert set(schema.get("required", [])) == expected, name
    assert "BlankEnum" not in schemas
    change = schemas["VerdictChange"]["properties"]
    assert change["old_code"]["nullable"] is True
    assert schemas["Warrant"]["properties"]["end_reason"]["nullable"] is True
    assert schemas["PaginatedVisitList"]["properties"]["next"]["nullable"] is True


def test_descending_orderings_have_readable_enum_names(openapi):
    ordering = next(
        p
        for p in openapi["paths"]["/api/v1/visits/"]["get"]["parameters"]
        if p["name"] == "ordering"
    )
    items = ordering["schema"]["items"]
    names = dict(zip(items["enum"], items["x-enum-varnames"], strict=True))
    assert names["-start"] == "START_DESC" and names["start"] == "START"


def test_the_token_is_described_as_a_bearer_token(openapi):
    scheme = openapi["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert "Token <key>" in scheme["description"]


# --- What the server does ----------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "bearer"])
def test_a_key_is_accepted_after_bearer_or_token(seeded, reporter, client, scheme):
    key = Token.objects.get_or_create(user=reporter)[0].key
    answer = client.get("/api/v1/reports/", HTTP_AUTHORIZATION=f"{scheme} {key}")
    assert answer.status_code == 200


@pytest.mark.parametrize("header", ["Bearer wrong", "Bearer", "Token a b"])
def test_a_wrong_bearer_key_is_401_never_anonymous(seeded, client, header):
    answer = client.get("/api/v1/visits/", HTTP_AUTHORIZATION=header)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "authentication_failed"


def test_an_absent_value_is_null_not_an_empty_string(seeded, api_client):
    in_force = Warrant.objects.filter(end_reason="").first()
    answer = api_client.get(f"/api/v1/warrants/{in_force.ref}/").json()
    assert answer["end_reason"] is None
    visit = Visit.objects.published().filter(verdict_changes__old_code="").first()
    history = api_client.get(f"/api/v1/visits/{visit.slug}/").json()["history"]
    assert history[0]["old_code"] is None and history[0]["old_basis"] is None
    first = VerdictChange.objects.filter(visit=visit).order_by("changed_at", "id").first()
    assert (history[0]["new_basis"] is None) == (first.new_basis == "")
