"""Every error's `code` is one of a registry (core.error_codes.ERROR_CODES), each code
described there: the schema enumerates it, the README lists it, and nothing the API
answers carries a code outside it."""

import pathlib
import re

import pytest
from django.conf import settings
from rest_framework import exceptions

from api.errors import api_exception_handler
from core.error_codes import ERROR_CODES
from core.tabular import error_body

ROOT = pathlib.Path(settings.BASE_DIR)
SKIPPED = {".venv", "node_modules", "tests", "migrations", "bench", "devtools"}


def project_sources():
    for path in sorted(ROOT.rglob("*.py")):
        if not SKIPPED & set(path.relative_to(ROOT).parts):
            yield path


def all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)


@pytest.fixture
def openapi(db, client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_every_code_is_a_described_word():
    assert len(ERROR_CODES) >= 17
    for code, description in ERROR_CODES.items():
        assert re.fullmatch(r"[a-z]+(?:_[a-z]+)*", code), code
        assert len(description) > 20, code


def test_every_exception_the_api_raises_has_a_registered_code():
    """DRF's exceptions and the project's own (api.errors, api.parsers): each one's code."""
    import api.urls  # noqa: F401 - every view, so every exception class, is defined

    classes = list(all_subclasses(exceptions.APIException))
    assert {c.__name__ for c in classes} >= {"InvalidFilter", "FourEyes", "DuplicateReportConflict"}
    for cls in classes:
        assert cls.default_code in ERROR_CODES, cls


def test_every_code_written_in_the_code_is_registered():
    """Each literal code given to error_body or set as a default_code, or named by a
    module constant, across the project's code."""
    found = set()
    for path in project_sources():
        text = path.read_text()
        constants = dict(re.findall(r'^([A-Z_]+) = "([a-z_]+)"$', text, re.M))
        for given in re.findall(r"error_body\(\s*([A-Za-z_\"]+)", text):
            if given.startswith('"'):
                found.add(given.strip('"'))
            elif given in constants:
                found.add(constants[given])
        found.update(re.findall(r'default_code = "([a-z_]+)"', text))
        found.update(re.findall(r'\bcode = "([a-z_]+)"', text) if "api" in path.parts else ())
    assert found >= {"busy", "conflict", "server_error", "precondition_failed", "too_large"}
    assert found <= set(ERROR_CODES), found - set(ERROR_CODES)


def test_an_unregistered_code_is_never_written():
    with pytest.raises(ValueError):
        error_body("no_such_code", "Whatever.")


@pytest.mark.parametrize(
    ("raised", "status", "code"),
    [
        (exceptions.APIException(), 500, "server_error"),
        (exceptions.NotFound("Gone.", code="vanished"), 404, "not_found"),
        (exceptions.PermissionDenied("No.", code="nope"), 403, "permission_denied"),
    ],
)
def test_the_handler_answers_a_registered_code_whatever_was_raised(raised, status, code):
    response = api_exception_handler(raised, {})
    assert response.status_code == status
    assert response.data["error"]["code"] == code


def test_the_schema_enumerates_and_describes_every_code(openapi):
    schemas = openapi["components"]["schemas"]
    code = schemas["ErrorDetail"]["properties"]["code"]
    refs = [code, *code.get("allOf", [])]
    ref = next(r["$ref"] for r in refs if "$ref" in r)
    enum = schemas[ref.rsplit("/", 1)[1]]
    assert enum["enum"] == list(ERROR_CODES)
    described = enum.get("description", "") + code.get("description", "")
    for name in ERROR_CODES:
        assert f"`{name}`" in described, name


def test_the_readme_lists_every_code():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("- **Errors**", 1)[1].split("\n\n", 1)[0]
    for name in ERROR_CODES:
        # `404 not_found`: with its status, which a line may break from it.
        assert re.search(rf"`(?:\d{{3}}\s+)?{name}`", section), name


def test_a_page_beyond_the_last_names_page_among_its_fields(seeded, api_client):
    error = api_client.get("/api/v1/visits/", {"page": 99})
    assert error.status_code == 404
    body = error.json()["error"]
    assert body["code"] == "not_found"
    assert body["message"].startswith("There is no page 99: the list has ")
    assert body["fields"] == {"page": [body["message"]]}
