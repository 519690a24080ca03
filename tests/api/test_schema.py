"""The OpenAPI schema, the documentation served from the site, and a property-based run of the schema.

The schemathesis run generates requests for every operation of the schema and sends
them to the live test server (with the seed data): no answer may be a 5xx, and every
answer must match the schema (status code, content type, headers, body).
"""

import datetime
import itertools
import json
import os
import re
import urllib.parse

import hypothesis
import pytest
import schemathesis
import yaml
from django.contrib.staticfiles import finders
from rest_framework.authtoken.models import Token
from schemathesis.generation.modes import GenerationMode

OPERATIONS = {
    ("/api/v1/", "get"),
    ("/api/v1/states/", "get"),
    ("/api/v1/states/{iso3}/", "get"),
    ("/api/v1/persons/", "get"),
    ("/api/v1/persons/{slug}/", "get"),
    ("/api/v1/warrants/", "get"),
    ("/api/v1/warrants/{ref}/", "get"),
    ("/api/v1/visits/", "get"),
    ("/api/v1/visits/", "post"),
    ("/api/v1/visits/{id}/", "get"),
    ("/api/v1/incidents/", "get"),
    ("/api/v1/findings/", "get"),
    ("/api/v1/findings/{id}/", "get"),
    ("/api/v1/statements/", "get"),
    ("/api/v1/statements/{id}/", "get"),
    ("/api/v1/referrals/", "get"),
    ("/api/v1/referrals/{id}/", "get"),
    ("/api/v1/reports/", "get"),
    ("/api/v1/reports/", "post"),
    ("/api/v1/reports/queue/", "get"),
    ("/api/v1/reports/{id}/", "get"),
    ("/api/v1/reports/{id}/verify/", "post"),
    ("/api/v1/reports/{id}/reject/", "post"),
    ("/api/v1/reports/{id}/request-changes/", "post"),
    ("/api/v1/reports/{id}/resubmit/", "post"),
    ("/api/v1/reports/withdrawals/", "post"),
    ("/api/v1/reports/restorations/", "post"),
    ("/api/v1/search/", "get"),
}
# Filing a report answers 201; the review actions answer 200 with the report.
CREATES = {"/api/v1/reports/", "/api/v1/visits/"}
# Proposing a visit's withdrawal answers 201 too, with its own body; its restoration too.
WITHDRAWALS = "/api/v1/reports/withdrawals/"
RESTORATIONS = "/api/v1/reports/restorations/"


@pytest.fixture
def openapi(db, client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_yaml_by_default_and_json_when_asked(db, client):
    default = client.get("/api/v1/schema/")
    assert default["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(default.content)["openapi"].startswith("3.")
    for response in (
        client.get("/api/v1/schema/", {"format": "json"}),
        client.get("/api/v1/schema/", HTTP_ACCEPT="application/json"),
    ):
        assert response["Content-Type"] == "application/json"
        assert json.loads(response.content)["info"]["title"] == "iccwatch API"


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("?formats=json", "formats"),  # unknown
        ("?version=2", "version"),  # drf-spectacular's: the API is versioned by its path
        ("?page=2&format=json", "page"),
        ("?lang=", "lang"),  # empty
        ("?format=json&format=yaml", "format"),  # repeated
        ("?lang=de", "lang"),  # a language the API does not answer in
        ("?format=xml", "format"),
    ],
)
def test_the_schema_refuses_a_parameter_as_every_endpoint_does(db, client, query, refused):
    """A parameter the schema does not read, an empty or repeated one, or a bad value is
    the 400 `invalid_filter` a list gives, naming it, not the schema as if it were absent."""
    answer = client.get(f"/api/v1/schema/{query}", HTTP_ACCEPT_LANGUAGE="fr")
    assert answer.status_code == 400, query
    assert answer["Content-Type"] == "application/json"
    assert answer["Content-Language"] == "en"
    error = answer.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == "invalid_filter"
    assert list(error["fields"]) == [refused]
    # The same shape and wording as a list's refusal of a parameter it does not have.
    listed = client.get("/api/v1/states/?formats=json").json()["error"]
    assert listed["code"] == "invalid_filter" and set(listed) == set(error)
    if refused in ("formats", "version", "page"):
        assert error["fields"][refused] == [
            "This schema has no such parameter. Its parameters are: format, lang."
        ]
        assert listed["fields"]["formats"][0].startswith("This list has no such parameter.")


@pytest.mark.parametrize(
    ("query", "media_type"),
    [
        ("", "application/vnd.oai.openapi"),
        ("?format=yaml", "application/vnd.oai.openapi"),
        ("?format=json", "application/json"),
        ("?lang=fr&format=json", "application/json"),
        ("?lang=EN", "application/vnd.oai.openapi"),
    ],
)
def test_the_schema_reads_its_format_and_a_language(db, client, query, media_type):
    """`format` and `lang` (which changes nothing: the schema is in English) still work."""
    answer = client.get(f"/api/v1/schema/{query}")
    assert answer.status_code == 200, query
    assert answer["Content-Type"].startswith(media_type)
    assert answer["Content-Language"] == "en"


def test_the_schema_says_under_which_licence_the_data_is_reused(openapi):
    """The licence of data/LICENSE, in the schema's `info` where a client's tooling reads
    it, with the credit to give."""
    assert openapi["info"]["license"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert "iccwatch dataset, version" in openapi["info"]["description"]
    with open("data/LICENSE", encoding="utf-8") as licence:
        assert openapi["info"]["license"]["url"] in licence.read()


def test_the_schema_tells_existing_clients_what_changed_under_them(openapi):
    """A column that kept its name but changed its meaning (the CSV's `url`) is said where a
    client's tooling reads the API's description."""
    description = openapi["info"]["description"]
    changes = " ".join(description.split("**Changes to this version**")[1].split())
    assert "`url` is the row's API address" in changes and "`page_url`" in changes


def test_the_schema_has_every_operation_with_a_summary_and_an_example(openapi):
    operations = {
        (path, method): op for path, item in openapi["paths"].items() for method, op in item.items()
    }
    assert set(operations) == OPERATIONS
    for (path, method), op in operations.items():
        assert op.get("summary"), (path, method)
        creates = method == "post" and (path in CREATES or path in (WITHDRAWALS, RESTORATIONS))
        success = op["responses"]["201" if creates else "200"]
        assert success["content"]["application/json"].get("examples"), (path, method)
        if method == "post":
            assert op["requestBody"]["content"]["application/json"].get("examples")
        if path.startswith("/api/v1/reports/"):
            assert {} not in op["security"], path  # an account is required, even to read
            assert {"401", "403"} <= set(op["responses"]), path
        for code in ("406", "429"):
            assert (
                op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                == "#/components/schemas/Error"
            )
        assert "Retry-After" in op["responses"]["429"]["headers"]


def test_the_list_examples_name_their_own_list_and_count_their_own_rows(openapi):
    """No placeholder address from DRF's pagination (`api.example.org/accounts/`): a list's
    page links name the list, and a listed example counts the rows it shows."""
    import json

    assert "api.example.org" not in json.dumps(openapi)
    page = openapi["components"]["schemas"]["PaginatedVisitList"]["properties"]
    assert page["next"]["example"].endswith("/api/v1/visits/?page=3")
    listed = openapi["paths"]["/api/v1/visits/"]["get"]["responses"]["200"]["content"]
    for example in listed["application/json"]["examples"].values():
        value = example["value"]
        assert value["count"] == len(value["results"]) and value["next"] is None


def test_the_schema_explains_as_of_and_reads_need_no_account(openapi):
    params = {p["name"]: p for p in openapi["paths"]["/api/v1/visits/{id}/"]["get"]["parameters"]}
    assert "at the end of this day (UTC" in params["as_of"]["description"]
    assert (
        "Art. 127(2)"
        in {p["name"]: p for p in openapi["paths"]["/api/v1/states/"]["get"]["parameters"]}[
            "as_of"
        ]["description"]
    )
    assert {} in openapi["paths"]["/api/v1/visits/"]["get"]["security"]
    assert {} not in openapi["paths"]["/api/v1/visits/"]["post"]["security"]
    assert (
        openapi["paths"]["/api/v1/visits/"]["get"]["responses"]["200"]["content"]["text/csv"][
            "schema"
        ]["type"]
        == "string"
    )


def _resolved(openapi: dict, schema: dict | None) -> dict:
    """`schema` with its `$ref` (to #/components/schemas/...) followed."""
    while schema and "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema or {}


def prefilled(openapi: dict, parameter: dict):
    """The value Swagger UI (drf-spectacular-sidecar's, 5.x) writes into a parameter's box
    when "Try it out" opens the form, and sends on Execute unless the reader clears it
    (its ParameterRow.setDefaultValue, for OpenAPI 3): the first of `examples`, the
    content's `example`, the parameter's `example`, its schema's `example`, its schema's
    `default`, the parameter's `default`; failing all, a sample made up from the schema of
    an object (or an array of objects) without `examples`. None: the box is left empty."""
    for example in parameter.get("examples", {}).values():
        if "value" in example:
            return example["value"]
    for content in parameter.get("content", {}).values():
        if "example" in content:
            return content["example"]
    schema = _resolved(openapi, parameter.get("schema"))
    for holder, key in (
        (parameter, "example"),
        (schema, "example"),
        (schema, "default"),
        (parameter, "default"),
    ):
        if key in holder:
            return holder[key]
    items = _resolved(openapi, schema.get("items"))
    if schema.get("type") == "object" or (
        schema.get("type") == "array" and items.get("type") == "object"
    ):
        return "a sample of the object"
    return None


def test_try_it_out_sends_no_parameter_the_reader_did_not_fill_in(openapi):
    """Swagger UI fills a parameter's box with its example (prefilled), so Execute with an
    untouched form sent it: `?cursor=0` on the visits (adding `ordering` then made it a
    `400 invalid_filter`), `?as_of=2026-06-01` on the states. No query or header parameter
    gives Swagger UI a value to prefill; its examples are in its description."""
    # The rule read, on what the schema held before.
    assert prefilled(openapi, {"schema": {"type": "string", "example": "0"}}) == "0"
    assert prefilled(openapi, {"examples": {"Hungary": {"value": "2026-06-01"}}}) == "2026-06-01"
    assert prefilled(openapi, {"schema": {"type": "integer"}}) is None
    boxes = 0
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":  # a box the reader must fill in anyway
                    continue
                boxes += 1
                value = prefilled(openapi, parameter)
                assert value is None, (method, path, parameter["name"], value)
    assert boxes > 100
    visits = {p["name"]: p for p in openapi["paths"]["/api/v1/visits/"]["get"]["parameters"]}
    assert "`0` for the first page" in visits["cursor"]["description"]
    states = {p["name"]: p for p in openapi["paths"]["/api/v1/states/"]["get"]["parameters"]}
    assert "`2026-06-01`" in states["as_of"]["description"]


# --- The documentation page -------------------------------------------------------------


def test_the_docs_page_needs_nothing_but_the_sites_own_files(db, client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    assert page["Content-Security-Policy"] == (  # 'self' only, no 'unsafe-inline'
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
    html = page.content.decode()
    assert "<style" not in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="' in attributes for attributes in scripts), (
        "inline scripts break the CSP"
    )
    # Every file the page loads (a link to a place on the page, the skip link's, is none).
    assets = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
    for url in assets:
        assert url.startswith("/"), f"{url} is not served by the site"
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    init = client.get(next(u for u in assets if "script" in u))
    assert init["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in init.content.decode()


def test_the_docs_page_leads_back_to_the_site_past_its_own_header(db, client):
    """Swagger UI draws its own <main>: the page's wrapper is a plain box, not a second
    main landmark; a skip link comes first, and a header links back to the site."""
    html = client.get("/api/v1/docs/").content.decode()
    assert "<main" not in html
    assert '<div id="swagger-ui" tabindex="-1"></div>' in html
    page = html[html.index("<body>") :]
    assert re.match(r'<body>\s*(\{#.*?#\}\s*)?<a class="skip" href="#swagger-ui">', page, re.S)
    assert '<header class="docs-header">\n  <a href="/" class="brand">iccwatch</a>' in page


def render_docs(playwright, chromium: str, url: str) -> tuple[int, list[str]]:
    """Open the docs in a fresh Chromium: (operations shown, console errors and page errors)."""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        page = browser.new_page()
        problems = []
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(url)
        page.wait_for_selector("text=/api/v1/incidents/", timeout=20000)
        shown = page.locator(".opblock").count()
        browser.close()
    return shown, problems


@pytest.mark.browser
def test_the_docs_render_in_a_browser_without_csp_violations(live_server, transactional_db):
    playwright = pytest.importorskip("playwright.sync_api")
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium on PATH")
    # In a thread of its own: Playwright's sync API refuses a thread whose event loop
    # is already running, as it is here when the browser tests' Chromium ran first.
    with ThreadPoolExecutor(1) as pool:
        shown, problems = pool.submit(
            render_docs, playwright, chromium, f"{live_server.url}/api/v1/docs/"
        ).result()
    assert shown >= len(OPERATIONS)
    assert problems == []


# --- Property-based: every operation against the live server ---------------------------
#
# Driven through schemathesis's Python API: its pytest integration for lazily loaded
# schemas (schemathesis.pytest.from_fixture) does not run under pytest 9.

# A few examples per operation, the same on every run, keep CI fast and reproducible;
# ICCWATCH_API_FUZZ_EXAMPLES=200 gives a deeper run with fresh random examples.
FUZZ_EXAMPLES = os.environ.get("ICCWATCH_API_FUZZ_EXAMPLES", "")
FEW = hypothesis.settings(
    max_examples=int(FUZZ_EXAMPLES or 6),
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    database=None,
    derandomize=not FUZZ_EXAMPLES,
)


def run_every_operation(schema, *, mode=GenerationMode.POSITIVE, headers=None) -> list[str]:
    """Run each operation's generated cases with every check schemathesis has (none
    excluded); returns the labels of the operations run."""
    ran = []
    for result in schema.get_all_operations():
        operation = result.ok()
        excluded = []

        def check_with(excluded, operation=operation):
            @FEW
            @hypothesis.given(case=operation.as_strategy(mode))
            def check(case):
                case.call_and_validate(headers=headers, excluded_checks=excluded)

            return check

        check_with(excluded)()
        ran.append(operation.label)
    return ran


class SeedReferences:
    """What a filed report may name, read from the seed: published visits (with the data a
    correction starts from), persons (with their nationality) and states."""

    def __init__(self):
        from states.models import State
        from visits import review
        from visits.models import ReviewState, Visit
        from warrants.models import Person, Situation

        self.states = sorted(State.objects.values_list("iso3", flat=True))
        self.situations = sorted(Situation.objects.values_list("slug", flat=True))
        self.persons = list(
            Person.objects.order_by("slug").values_list("slug", "nationality__iso3")
        )
        published = Visit.objects.filter(review_state=ReviewState.VERIFIED).order_by("slug")[:20]
        self.visits = {visit.slug: review.report_data_of(visit) for visit in published}
        # Those with ICC decisions on them: a correction keeps their host and person.
        self.decided = set(
            Visit.objects.filter(slug__in=self.visits, findings__isnull=False).values_list(
                "slug", flat=True
            )
        )
        # The visits a restoration may name: the seed's withdrawn ones, else its last
        # published one (not one a correction names), withdrawn here.
        withdrawn = Visit.objects.filter(review_state=ReviewState.WITHDRAWN)
        if not withdrawn.exists():
            from visits.reports import withdraw_visit

            last = Visit.objects.filter(review_state=ReviewState.VERIFIED).order_by("slug").last()
            withdraw_visit(last, "Withdrawn for the fuzzing of restorations.")
        self.withdrawn = sorted(withdrawn.values_list("slug", flat=True))


_UNIQUE = itertools.count()
# Text (no NUL character in it: the server refuses one with a 400 naming the field).
TEXT_FIELDS = ("place", "occasion", "host_justification", "notes")
SOURCE_TEXT_FIELDS = ("publisher", "excerpt")


def _real_date(value, fallback: str) -> str:
    """`value` if it is a real date (YYYY-MM-DD, YYYY-MM or YYYY) no more than ten years
    ahead, else `fallback`."""
    from compliance.facts import Period
    from visits.review import YEARS_AHEAD

    try:
        period = Period.parse(value)
    except (TypeError, ValueError):
        return fallback
    if period.last.year > datetime.date.today().year + YEARS_AHEAD:
        return fallback
    return value


def _fill_report(body, refs: SeedReferences, picks: dict):
    """The generated report body, with what it names made to exist (and to agree):
    each rule this applies is one the operation's description states (REPORT_RULES)."""
    from compliance.facts import Period
    from visits.models import HostControl, VisitStatus
    from visits.review import WITHDRAWAL_NOTE_MIN

    if not isinstance(body, dict):
        return body
    body = dict(body)
    if body.get("visit") is not None:
        body["visit"] = picks["visit"]
        base = refs.visits[picks["visit"]]
    else:
        base = {}
    for field in TEXT_FIELDS:
        if isinstance(body.get(field), str):
            body[field] = body[field].replace("\x00", "")
    merged = {**base, **body}
    person, nationality = picks["person"]
    if base and picks["visit"] in refs.decided and ("person" in body or "host" in body):
        # The decisions on it rule on what its host did, and name its person.
        body["person"], body["host"] = base["person"], base["host"]
        nationality = dict(refs.persons).get(base["person"])
    elif not base or "person" in body or "host" in body:
        body["person"], body["host"] = person, picks["host"]
    elif merged.get("person") and merged.get("host"):
        nationality = dict(refs.persons).get(merged["person"])
    host = body.get("host", merged.get("host"))
    assert host != nationality
    if not base:  # a new visit needs what a correction takes from its visit
        for field in ("status", "outcome"):
            body.setdefault(field, picks[field])
        # Another visit than those recorded or filed of the same trip: the fuzzing files
        # many reports of one person's visits to one host.
        body["another_visit"] = True
        for field in ("based_on", "reason"):  # and says nothing of a visit's version
            body.pop(field, None)
    elif (
        isinstance(body.get("reason"), str)
        and 0 < len(body["reason"].strip()) < WITHDRAWAL_NOTE_MIN
    ):
        # A correction's reason: none, or a sentence its visit's page can show.
        body["reason"] = "Its source corrected the dates of the visit."
    status = body.get("status", merged.get("status"))
    # An outcome only for a trip that took place; `n/a` for one that did not.
    outcome = body.get("outcome", merged.get("outcome"))
    not_taken = status in ("cancelled", "virtual", "announced")
    if outcome is not None and not_taken != (outcome == "n/a"):
        body["outcome"] = "n/a" if not_taken else "unknown"
    # Dates: real ones; a start unless cancelled; an end only after a start, not before it;
    # `?`, an end not known, as it is (a correction copies it from its visit).
    for field in ("start", "end"):
        if body.get(field) is not None and not (field == "end" and body[field] == "?"):
            body[field] = _real_date(body[field], picks["date"])
    start, end = body.get("start", merged.get("start")), body.get("end", merged.get("end"))
    if end == "?" and start is None:
        body["end"] = end = None
    if end == "?":
        end = None
    if start is None and (status != VisitStatus.CANCELLED or end is not None):
        body["start"] = start = picks["date"]
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    if status in ("occurred", "transit") and start and Period.parse(start).first > tomorrow:
        body["start"] = start = picks["date"]  # a visit that took place is in the past
    if not base and status == VisitStatus.ANNOUNCED and start:
        # A new announced trip is still to come: its days have not passed.
        last = Period.parse(end or start).last
        if last < datetime.date.today():
            body["start"] = start = str(datetime.date.today() + datetime.timedelta(days=30))
            end = body["end"] = None if end is None else start
    if end is not None and Period.parse(end).first < Period.parse(start).first:
        body["end"] = start
    # An occupier only where the host did not control the place, and never the host.
    if body.get("controlled_by", merged.get("controlled_by")) is not None:
        if body.get("host_control", merged.get("host_control")) == HostControl.NONE:
            body["controlled_by"] = next(s for s in picks["occupiers"] if s != host)
        else:
            body["controlled_by"] = None
    # Sources: public http(s) addresses, one of them new on every request (no two reports
    # are identical); at least one for a new visit.
    if not base and not body.get("sources"):
        body["sources"] = [{"url": ""}]
    if body.get("sources"):
        body["sources"] = _fill_sources(body["sources"], picks)
    return body


def _fill_sources(sources: list, picks: dict) -> list:
    """Generated sources made citable: public http(s) addresses, each new (no two reports
    are identical), their texts without a NUL, their dates real ones."""
    filled = []
    for source in sources:
        source = dict(source)
        source["url"] = f"https://news.example.org/fuzz/{next(_UNIQUE)}"
        if source.get("archived_url"):
            source["archived_url"] = f"https://web.archive.org/web/{next(_UNIQUE)}"
        for field in SOURCE_TEXT_FIELDS:
            if isinstance(source.get(field), str):
                source[field] = source[field].replace("\x00", "")
        if source.get("published") is not None:
            source["published"] = _real_date(source["published"], picks["date"])
        filled.append(source)
    return filled


def _fill_withdrawal(body, picks: dict):
    """A generated withdrawal made to name a published visit of the seed, with a reason
    its page can show and citable sources (the rules its description states); the rest
    stays as generated. A second withdrawal of the same visit is a 409, as documented."""
    if not isinstance(body, dict):
        return body
    body = {**body, "visit": picks["visit"]}
    body["withdrawal_note"] = "Reported in error: its source retracted the story."
    if body.get("withdrawal_sources"):
        body["withdrawal_sources"] = _fill_sources(body["withdrawal_sources"], picks)
    return body


def _fill_restoration(body, visit: str):
    """A generated restoration made to name a withdrawn visit (`visit`), with a reason its
    page can show. A second restoration of the same visit is a 409, as documented."""
    if not isinstance(body, dict):
        return body
    return {
        **body,
        "visit": visit,
        "restoration_note": "Withdrawn by mistake: its sources report the trip after all.",
    }


# The lists whose identifier filters must name a record (a slug or code nobody has is a 400,
# as their parameters say): {path: {parameter: the kind of record it names}}.
_VISIT_FILTERS = {"person": "person", "host": "state", "situation": "situation"}
NAMED_FILTERS = {
    "/api/v1/visits/": _VISIT_FILTERS,
    "/api/v1/incidents/": _VISIT_FILTERS,
    "/api/v1/findings/": {"state": "state", "person": "person"},
    "/api/v1/warrants/": {"person": "person", "situation": "situation"},
    "/api/v1/persons/": {"situation": "situation", "nationality": "state"},
    "/api/v1/statements/": {"signatory": "state"},
    "/api/v1/referrals/": {"state": "state", "situation": "situation"},
}


def fill_filters_from_the_seed(schema, refs: SeedReferences) -> None:
    """Positive queries of the lists name persons, states and situations that exist (their
    descriptions say a value nobody has is a 400), a feed cursor a position that exists
    and a visits cursor one a page hands out, alone; the rest stays as generated."""
    from hypothesis import strategies as st

    picks = st.fixed_dictionaries(
        {
            "person": st.sampled_from([slug for slug, _ in refs.persons]),
            "state": st.sampled_from(refs.states),
            "situation": st.sampled_from(refs.situations),
        }
    )

    from visits.models import VerdictChange

    # A feed cursor is a position some page handed out: none beyond the newest change (the
    # cursor's description says that is a 400).
    newest = VerdictChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    visit_cursors = ["0", "2011-06-01.omar-al-bashir-mys-2011-06", "undated.omar-al-bashir-caf"]

    @schema.hook("flatmap_query")
    def filters_name_the_seed(context, query):
        operation = context.operation
        if operation is None or not isinstance(query, dict):
            return st.just(query)
        if operation.path == "/api/v1/incidents/" and isinstance(query.get("cursor"), int):
            query = {**query, "cursor": query["cursor"] % (newest + 1)}
        if operation.path == "/api/v1/visits/" and "cursor" in query:
            # A visits cursor is `0` or a place some page handed out (a date of the
            # calendar), and pages alone, in the default order: not with `page` or
            # `ordering`, nor with CSV (its description says each is a 400).
            if query.get("format") == "csv":
                query = {k: v for k, v in query.items() if k != "cursor"}
            else:
                query = {k: v for k, v in query.items() if k not in ("page", "ordering")}
                query["cursor"] = visit_cursors[len(str(query["cursor"])) % len(visit_cursors)]
        if query.get("ordering"):
            # A key in one direction only, as the description says (`start,-start` is a 400).
            given = query["ordering"]
            keys = given.split(",") if isinstance(given, str) else list(given)
            first = {str(key).lstrip("-"): key for key in reversed(keys)}
            kept = [key for key in keys if key in first.values()]
            query = {**query, "ordering": ",".join(kept) if isinstance(given, str) else kept}
        if query.get("format") == "csv":
            # Paging and facets are JSON only: with CSV a 400, as their descriptions say.
            query = {k: v for k, v in query.items() if k not in ("page", "page_size", "facets")}
        named = {
            name: kind
            for name, kind in NAMED_FILTERS.get(operation.path, {}).items()
            if name in query
        }
        if not named:
            return st.just(query)
        return picks.map(lambda p: {**query, **{name: p[kind] for name, kind in named.items()}})


def fill_reports_from_the_seed(schema, refs: SeedReferences) -> None:
    """Positive bodies of POST /reports/ (and its alias) name a real person, host, occupier and
    published visit, and keep the report rules the schema states in words; those of POST
    /reports/withdrawals/ a published visit, with a reason and citable sources, and those of
    POST /reports/restorations/ a withdrawn visit, with a reason; the rest of each body
    stays as generated. Registered on this schema object only (not negative runs)."""
    from hypothesis import strategies as st

    from visits.models import VisitOutcome, VisitStatus

    pairs = [(p, h) for p in refs.persons for h in refs.states if h != p[1]]
    picks = st.fixed_dictionaries(
        {
            "pair": st.sampled_from(pairs),
            "visit": st.sampled_from(sorted(refs.visits)),
            "status": st.sampled_from(VisitStatus.values),
            "outcome": st.sampled_from(VisitOutcome.values),
            # Past days: a visit that took place cannot start in the future.
            "date": st.dates(datetime.date(1990, 1, 1), datetime.date(2025, 12, 31)).map(str),
            "occupiers": st.lists(
                st.sampled_from(refs.states), min_size=2, max_size=2, unique=True
            ),
        }
    ).map(lambda p: {**p, "person": p["pair"][0], "host": p["pair"][1]})

    @schema.hook("flatmap_body")
    def report_names_the_seed(context, body):
        operation = context.operation
        if operation is not None and operation.method.upper() == "POST":
            if operation.path in CREATES:
                return picks.map(lambda p: _fill_report(body, refs, p))
            if operation.path == WITHDRAWALS:
                return picks.map(lambda p: _fill_withdrawal(body, p))
            if operation.path == RESTORATIONS:
                return st.sampled_from(refs.withdrawn).map(lambda v: _fill_restoration(body, v))
        return st.just(body)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("caller", ["anonymous", "reporter"])
def test_the_schema_and_the_server_agree_on_every_operation(
    live_server, seeded, reporter, caller, mode
):
    """schemathesis with all its checks, negative-data rejection and positive-data acceptance
    included, on every operation: what the schema calls invalid is a 4xx, what it calls valid
    is answered, every answer matches the schema (status, content type, headers, body). A
    valid report names records that exist (fill_reports_from_the_seed)."""
    headers = None
    if caller == "reporter":
        headers = {"Authorization": f"Token {Token.objects.get_or_create(user=reporter)[0].key}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    if mode == GenerationMode.POSITIVE:
        refs = SeedReferences()
        fill_reports_from_the_seed(schema, refs)
        fill_filters_from_the_seed(schema, refs)
    ran = run_every_operation(schema, mode=mode, headers=headers)
    assert len(ran) == len(OPERATIONS)


def test_the_schema_states_each_rule_the_fuzzing_fills_reports_to_keep(openapi):
    from api.reports.views import REPORT_RULES

    for path in CREATES:
        description = openapi["paths"][path]["post"]["description"]
        for rule in REPORT_RULES:
            assert rule in description, (path, rule)


def test_the_schema_documents_duplicates_four_eyes_and_the_alias(openapi):
    for path in ("/api/v1/reports/", "/api/v1/visits/"):
        post = openapi["paths"][path]["post"]
        conflict = post["responses"]["409"]["content"]["application/json"]
        assert conflict["schema"]["$ref"] == "#/components/schemas/DuplicateReport"
        assert conflict["examples"]
        assert "Idempotency-Key" in {p["name"] for p in post["parameters"]}
        assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"] == (
            "#/components/schemas/ReportInputRequest"
        )
    assert openapi["paths"]["/api/v1/visits/"]["post"]["deprecated"] is True
    assert "alias" in openapi["paths"]["/api/v1/visits/"]["post"]["summary"]
    verify = openapi["paths"]["/api/v1/reports/{id}/verify/"]["post"]
    assert (
        "four_eyes"
        in verify["responses"]["403"]["content"]["application/json"]["examples"]["403Forbidden"][
            "value"
        ]["error"]["code"]
    )
    assert "409" in verify["responses"]
    assert "Idempotency-Key" in openapi["info"]["description"]


def test_the_schema_documents_a_withdrawals_sources(openapi):
    """A withdrawal is filed with its sources, shaped as a visit's are, and a visit and a
    report read back with theirs."""
    post = openapi["paths"][WITHDRAWALS]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body == "#/components/schemas/WithdrawalInputRequest"
    schemas = openapi["components"]["schemas"]
    given = schemas["WithdrawalInputRequest"]["properties"]
    assert given["withdrawal_sources"]["items"]["$ref"].endswith("/SourceInputRequest")
    assert given["withdrawal_note"]["minLength"] == 20
    assert set(schemas["WithdrawalInputRequest"]["required"]) == {"visit", "withdrawal_note"}
    assert post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"] == (
        "#/components/schemas/ReportDetail"
    )
    conflict = post["responses"]["409"]["content"]["application/json"]
    assert conflict["schema"]["$ref"] == "#/components/schemas/DuplicateReport"
    assert conflict["examples"]
    assert "Idempotency-Key" in {p["name"] for p in post["parameters"]}
    for read in ("Visit", "Report"):
        shown = schemas[read]["properties"]["withdrawal_sources"]
        assert shown["type"] == "array" and "withdrawal" in shown["description"], read


def test_the_schema_documents_the_second_editions_values_and_lang(openapi):
    enums = {name: schema.get("enum") for name, schema in openapi["components"]["schemas"].items()}
    assert {"upcoming", "no_control", "withdrawn"} <= set(enums["VerdictCodeEnum"])
    assert "unsc_referral" in enums["BasisEnum"]
    assert "announced" in enums["VisitStatusEnum"]
    assert set(enums["HostControlEnum"]) == {"effective", "none"}
    assert set(enums["FindingKindEnum"]) == {"art_87_7", "other", "no_failure"}
    visit = openapi["components"]["schemas"]["Visit"]["properties"]
    assert visit["dates_passed"]["type"] == "boolean"
    assert "not confirmed as taken" in visit["dates_passed"]["description"]
    for field in ("host_control", "controlled_by", "expected_verdict", "withdrawal_note"):
        assert field in visit, field
    verdict = openapi["components"]["schemas"]["VisitVerdict"]["properties"]
    assert "reasons" in verdict and "answer's language" in verdict["explanation"]["description"]
    for path, item in openapi["paths"].items():
        if "get" not in item:
            continue  # the review actions are POSTs
        params = {p["name"]: p for p in item["get"].get("parameters", [])}
        assert params["lang"]["schema"]["enum"] == ["en", "fr"], path
        assert "Accept-Language" in params["lang"]["description"]
    findings = {p["name"] for p in openapi["paths"]["/api/v1/findings/"]["get"]["parameters"]}
    assert {"kind", "person", "has_visit", "state"} <= findings


# --- The reproductions of issue 10 (schemathesis' negative-data check) -------------------

REPORT = {
    "person": "vladimir-putin",
    "host": "TJK",
    "start": "2025-10-08",
    "status": "occurred",
    "outcome": "not_arrested",
    "sources": [{"url": "https://news.example.org/putin-dushanbe", "published": "2025-10-09"}],
}


def _invalid(response, *fields, code="invalid_filter"):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert set(fields) <= set(error["fields"]), error


@pytest.mark.parametrize(
    "query",
    ["situation=", "as_of=", "format=", "page_size=501", "page_size=0", "page_size=abc", "page=x"],
)
def test_an_empty_or_out_of_range_parameter_is_a_400(seeded, api_client, query):
    name = query.split("=")[0]
    _invalid(api_client.get(f"/api/v1/visits/?{query}"), name)
    _invalid(
        api_client.get(
            f"/api/v1/visits/?{query}&format=csv" if name != "format" else "/api/v1/visits/?format="
        ),
        name,
    )


def test_a_bad_page_size_or_boolean_is_a_400_on_the_feed_and_the_lists(seeded, api_client):
    _invalid(api_client.get("/api/v1/incidents/?page_size=501"), "page_size")
    _invalid(api_client.get("/api/v1/incidents/?page_size=501&format=csv"), "page_size")
    _invalid(api_client.get("/api/v1/warrants/?in_force=0.3"), "in_force")
    _invalid(api_client.get("/api/v1/incidents/?situation=%C3%9F"), "situation")
    assert api_client.get("/api/v1/incidents/?page_size=500").status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sources": [{"url": "https://news.example.org/a", "excerpt": 0}]}, "sources.0.excerpt"),
        ({"end": "00"}, "end"),
        ({"start": "0001"}, "start"),
        ({"start": "0001-01-01"}, "start"),
        (
            {"sources": [{"url": "https://news.example.org/a", "published": "0001-01-01"}]},
            "sources.0.published",
        ),
        ({"host_notified": "yes"}, "host_notified"),
        # A field the body does not have: never dropped unseen (api.base.KnownFieldsOnly).
        ({"end_dat": "2025-10-09"}, "end_dat"),
        (
            {"sources": [{"url": "https://news.example.org/a", "exerpt": "x"}]},
            "sources.0.exerpt",
        ),
    ],
)
def test_a_report_the_schema_refuses_the_server_refuses(seeded, reporter, openapi, change, field):
    from jsonschema import Draft4Validator

    from tests.api.conftest import token_client
    from visits.models import Report

    body = {**REPORT, **change}
    schemas = openapi["components"]["schemas"]
    resolver_schema = {**schemas["ReportInputRequest"], "components": openapi["components"]}
    assert not Draft4Validator(resolver_schema).is_valid(body), "the schema accepts it"
    response = token_client(reporter).post("/api/v1/reports/", body, format="json")
    _invalid(response, field, code="invalid")
    assert Report.objects.count() == 0


def test_every_request_body_refuses_a_field_it_does_not_have(openapi):
    """Each body the API writes from says `additionalProperties: false`, as the server
    refuses an unknown field (a generated client's validator catches a misspelling first)."""
    schemas = openapi["components"]["schemas"]
    bodies = set()
    for item in openapi["paths"].values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                bodies.add(media["schema"]["$ref"].rsplit("/", 1)[-1])
    assert bodies == {
        "ReportInputRequest",
        "VerificationRequest",
        "ReviewCommentRequest",
        "RejectionRequest",
        "WithdrawalInputRequest",
        "RestorationInputRequest",
        "ResubmissionRequest",
    }
    for name in (*bodies, "SourceInputRequest"):
        assert schemas[name]["additionalProperties"] is False, name


def test_the_dates_pattern_is_the_servers(openapi):
    properties = openapi["components"]["schemas"]["ReportInputRequest"]["properties"]
    for field in ("start", "end"):
        pattern = properties[field]["pattern"]
        for good in ("2024-09-02", "2024-09", "2024", "1900"):
            assert re.search(pattern, good), (field, good)
        for bad in ("00", "0001", "1899-12-31", "2024-9-2", "24", "??", "2024?"):
            assert not re.search(pattern, bad), (field, bad)
    # An end not known (visits.reports.UNKNOWN_END); never a start.
    assert re.search(properties["end"]["pattern"], "?")
    assert not re.search(properties["start"]["pattern"], "?")
    published = openapi["components"]["schemas"]["SourceInputRequest"]["properties"]["published"]
    assert not re.search(published["pattern"], "0001-01-01")


def test_a_post_answers_json_only_and_files_nothing_when_asked_for_csv(seeded, reporter):
    from tests.api.conftest import token_client
    from visits.models import Report

    client = token_client(reporter)
    for path in ("/api/v1/visits/?format=csv", "/api/v1/reports/?format=csv"):
        response = client.post(path, REPORT, format="json")
        assert response.status_code == 406, (path, response.content)
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "not_acceptable"
    assert Report.objects.count() == 0


def test_no_schema_description_is_a_base_class_docstring(openapi):
    """A serializer without a docstring of its own inherited its base class's in the schema:
    `FindingRef` read "A serializer's `to_representation` with less work per row...", and
    the reviewers' requests "Input serializers: each field's value must already be...",
    notes on the code, not on the data."""
    import inspect

    from api.base import PlainReadMixin
    from api.reports.serializers import StrictJSONTypes

    internal = {inspect.getdoc(PlainReadMixin), inspect.getdoc(StrictJSONTypes)}
    leaked = {
        name: component["description"][:80]
        for name, component in openapi["components"]["schemas"].items()
        if component.get("description") in internal
        or "serializer" in component.get("description", "").lower()
    }
    assert leaked == {}


# A value each identifier filter of the seed accepts.
KNOWN_VALUES = {
    "host": "MNG",
    "nationality": "RUS",
    "state": "SDN",
    "signatory": "FRA",
    "person": "vladimir-putin",
    "situation": "ukraine",
    "year": "2024",
}


def test_the_schema_says_how_many_values_each_parameter_takes(seeded, api_client):
    """Every filter refuses more than 100 values (core.filters.MAX_VALUES), which the schema
    did not say: `?host=` with 101 codes passed a client's validation, then was a 400."""
    schema = api_client.get("/api/v1/schema/?format=json").json()
    tried = 0
    for path, item in schema["paths"].items():
        operation = item.get("get")
        if operation is None or "{" in path:
            continue
        for parameter in operation.get("parameters", []):
            values = parameter.get("schema", {})
            if values.get("type") != "array":
                continue
            name = parameter["name"]
            one = values["items"].get("enum", [KNOWN_VALUES.get(name)])[0]
            many = ",".join([str(one)] * 101)
            query = f"{name}={many}" + ("&q=putin" if path == "/api/v1/search/" else "")
            answer = api_client.get(f"{path}?{query}")
            refused = answer.status_code == 400
            assert refused == (values.get("maxItems", 101) < 101), (path, name, answer.content)
            tried += 1
    assert tried > 30


def test_the_schema_names_the_server_it_was_read_from(openapi):
    """No `servers`: a client generated from it did not know where to send its requests."""
    assert openapi["servers"] == [
        {"url": "http://testserver", "description": "The iccwatch site this schema was read from."}
    ]


def test_the_api_root_is_documented_as_it_answers(seeded, api_client, openapi):
    """`/api/v1/` answers (the README's first example), and the schema did not have it."""
    from openapi_schema_validator import OAS30Validator

    root = openapi["paths"]["/api/v1/"]["get"]
    assert root["summary"] and {} in root["security"]
    content = root["responses"]["200"]["content"]["application/json"]
    answer = api_client.get("/api/v1/")
    assert answer.status_code == 200
    check = OAS30Validator({**content["schema"], "components": openapi["components"]})
    assert list(check.iter_errors(answer.json())) == []
    (example,) = content["examples"].values()
    assert set(example["value"]) == set(answer.json())
    assert {"400", "401", "406", "412", "429", "503", "304"} <= set(root["responses"])
    assert {p["name"] for p in root["parameters"]} >= {"format", "lang"}
    # It refuses a parameter it does not read, as the schema and the lists do.
    refused = api_client.get("/api/v1/", {"formats": "json"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_filter"
    assert api_client.get("/api/v1/", {"lang": "fr", "format": "json"}).status_code == 200


def test_only_a_read_for_what_changed_declares_changed_until(openapi):
    """`POST /visits/` (the alias of `POST /reports/`) declared a `Changed-Until` header it
    never sends: only the list read for what changed sends one."""
    visits = openapi["paths"]["/api/v1/visits/"]
    assert "Changed-Until" in visits["get"]["responses"]["200"]["headers"]
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            for response in operation["responses"].values():
                if (path, method) != ("/api/v1/visits/", "get"):
                    assert "Changed-Until" not in response.get("headers", {}), (path, method)


def test_the_schemas_version_is_the_date_of_the_latest_change(openapi):
    """`info.version` is the date of the latest entry of "Changes to this version" in the
    schema's own description (YYYY.MM.DD): a breaking change logged there moves it, so the
    version cannot stay behind the contract (it read 1.0.0 across every change)."""
    description = openapi["info"]["description"]
    log = description.split("**Changes to this version**", 1)[1]
    dates = [
        datetime.datetime.strptime(found, "%d %B %Y").date()
        for found in re.findall(r"^- (\d{1,2} [A-Z][a-z]+ \d{4})\b", log, flags=re.MULTILINE)
    ]
    assert len(dates) >= 2
    assert openapi["info"]["version"] == max(dates).strftime("%Y.%m.%d")
    assert isinstance(openapi["info"]["version"], str)


def test_a_pages_example_has_a_cursor_only_when_its_request_gave_one(openapi):
    """A list's example is a page as its request (`GET …` in its description) answers it:
    `cursor` only with `?cursor=` (the visits' page said `cursor`
    "2011-06-01.omar-al-bashir-mys-2011-06", another visit, for `?host=MNG`)."""
    pages = 0
    for path, item in openapi["paths"].items():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                for content in response.get("content", {}).values():
                    for name, example in content.get("examples", {}).items():
                        value = example.get("value")
                        if not isinstance(value, dict) or "results" not in value:
                            continue
                        pages += 1
                        asked = re.search(r"`GET ([^`]+)`", example.get("description", ""))
                        query = urllib.parse.urlsplit(asked[1]).query if asked else ""
                        given = "cursor" in urllib.parse.parse_qs(query)
                        assert ("cursor" in value) == given, (
                            path,
                            name,
                            asked,
                            value.get("cursor"),
                        )
    assert pages >= 10


def test_the_schema_is_generated_once_per_process_address_and_format(db, client, monkeypatch):
    """Generating and rendering the schema took about half a second on every request (the
    slowest read of the API at a million visits): it is kept, rendered, per site address and
    format. The same bytes come back without generating again; another format or another
    site address is generated once more, with its own `servers`."""
    from drf_spectacular.generators import SchemaGenerator

    from api import urls

    urls.forget_schemas()
    generated = []
    generate = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        generated.append(1)
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    first = client.get("/api/v1/schema/")
    again = client.get("/api/v1/schema/", {"lang": "fr"})
    assert first.status_code == again.status_code == 200
    assert len(generated) == 1
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Language"] == "en" and "Accept" in again["Vary"]
    # A revalidation is a 304, and still generates nothing.
    unchanged = client.get("/api/v1/schema/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304 and len(generated) == 1
    as_json = client.get("/api/v1/schema/", {"format": "json"})
    assert as_json["Content-Type"] == "application/json" and len(generated) == 2
    # However the header is written, the same renderer writes the same bytes: one entry.
    for accept in ("application/json", "application/json;q=0.9", "application/json; q=0.9"):
        assert client.get("/api/v1/schema/", HTTP_ACCEPT=accept).content == as_json.content
    assert len(generated) == 2
    indented = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json; indent=2")
    assert len(generated) == 3 and indented.content != as_json.content
    assert json.loads(indented.content) == as_json.json()
    other_site = client.get("/api/v1/schema/", {"format": "json"}, HTTP_HOST="localhost")
    assert len(generated) == 4
    assert other_site.json()["servers"][0]["url"] == "http://localhost"
    assert as_json.json()["servers"][0]["url"] == "http://testserver"
