"""Conditional reads as RFC 9110 says (core.conditional): If-Unmodified-Since without a
Last-Modified is ignored; an If-Match no current representation matches is a 412 in the
API's error shape, for JSON and CSV alike, and the schema declares it."""

import gzip
import json

import pytest

pytestmark = pytest.mark.django_db

NOPE = '"nope"'
LONG_AGO = "Mon, 01 Jan 2001 00:00:00 GMT"


def refused(response):
    assert response.status_code == 412, (response.status_code, response.content[:200])
    assert response["Content-Type"] == "application/json"
    assert response["Content-Language"] == "en"
    assert "Accept" in response["Vary"]
    error = response.json()["error"]
    assert error["code"] == "precondition_failed" and error["fields"] == {}
    return error


@pytest.mark.parametrize(
    "path", ["/api/v1/states/MNG/", "/api/v1/visits/?host=MNG", "/api/v1/visits/?format=csv"]
)
def test_if_unmodified_since_is_ignored_where_no_answer_has_a_last_modified(
    seeded, api_client, path
):
    """It was a 412 on every API answer (none has Last-Modified; RFC 9110 13.1.4: ignore it)."""
    answer = api_client.get(path, headers={"If-Unmodified-Since": LONG_AGO})
    assert answer.status_code == 200
    assert "Last-Modified" not in answer


def test_if_unmodified_since_is_ignored_on_the_sites_pages_too(seeded, reader):
    assert reader.get("/states/MNG/", headers={"If-Unmodified-Since": LONG_AGO}).status_code == 200


@pytest.mark.parametrize("page_cache", [True, False], ids=["etag", "no-data-version"])
@pytest.mark.parametrize("query", ["?host=MNG", "?host=MNG&format=csv"], ids=["json", "csv"])
def test_an_if_match_naming_no_current_answer_is_a_412_in_the_apis_shape(
    seeded, api_client, settings, query, page_cache
):
    """It was a 412 with an empty text/html body and no `Vary: Accept` (JSON), and a 200
    (a CSV streamed without an ETag, without a data version): the RFC (13.1.1) matches a
    list of entity tags only to the current one, and `*` to any current answer."""
    settings.ICCWATCH_PAGE_CACHE = page_cache
    path = f"/api/v1/visits/{query}"
    current = api_client.get(path)
    assert current.status_code == 200
    error = refused(api_client.get(path, headers={"If-Match": NOPE}))
    assert "If-Match" in error["message"]
    assert "RateLimit-Remaining" in api_client.get(path, headers={"If-Match": NOPE})
    head = api_client.head(path, headers={"If-Match": NOPE})
    assert head.status_code == 412 and head["Content-Type"] == "application/json"
    assert api_client.get(path, headers={"If-Match": "*"}).status_code == 200
    etag = current.get("ETag")
    if etag is not None:
        assert api_client.get(path, headers={"If-Match": etag}).status_code == 200
        assert api_client.get(path, headers={"If-Match": f"W/{etag}"}).status_code == 412
        # If-Match first (RFC 9110 13.2.2): a 412, not the 304 the If-None-Match asks for.
        both = api_client.get(path, headers={"If-Match": NOPE, "If-None-Match": etag})
        refused(both)
        assert api_client.get(path, headers={"If-None-Match": etag}).status_code == 304


def test_an_answer_that_is_no_success_ignores_its_preconditions(seeded, api_client):
    """RFC 9110 13.2.1: a 404 or a 400 stays what it is."""
    assert api_client.get("/api/v1/states/XXX/", headers={"If-Match": NOPE}).status_code == 404
    assert api_client.get("/api/v1/visits/?host=", headers={"If-Match": NOPE}).status_code == 400


def test_every_get_of_the_schema_declares_its_412(client, db):
    openapi = client.get("/api/v1/schema/", {"format": "json"}).json()
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            if method == "get":
                schema = responses["412"]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, path
                assert "If-Match" in responses["412"]["description"], path
            else:
                assert "412" not in responses, (path, method)


def test_if_unmodified_since_is_still_read_against_a_last_modified(seeded, reader):
    """A feed has a Last-Modified (its newest entry's): a date before it is a 412 (on the
    site, an empty answer, as before), one after it reads the feed."""
    feed = reader.get("/incidents/feed/")
    assert feed.status_code == 200 and feed.has_header("Last-Modified")
    failed = reader.get("/incidents/feed/", headers={"If-Unmodified-Since": LONG_AGO})
    assert failed.status_code == 412 and failed.content == b""
    later = "Fri, 01 Jan 2100 00:00:00 GMT"
    assert reader.get("/incidents/feed/", headers={"If-Unmodified-Since": later}).status_code == 200


API_ERRORS = [
    ("/api/v1/states/XXX/", 404),
    ("/api/v1/visits/nobody-xxx-2010-01-01/", 404),
    ("/api/v1/nothing-here/", 404),
    ("/api/v1/visits/?host=", 400),
    ("/api/v1/visits/?ordering=nonsense", 400),
    ("/api/v1/visits/?host=&format=csv", 400),
]
SITE_ERRORS = [
    ("/states/XXX/", 404),
    ("/visits/nobody-xxx-2010-01-01/", 404),
    ("/nothing-here/", 404),
    ("/visits.csv?ordering=nonsense", 400),
]


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
@pytest.mark.parametrize(("path", "status"), API_ERRORS + SITE_ERRORS)
def test_an_error_carries_no_etag(seeded, client, settings, path, status, page_cache):
    """A 404 or a 400 is no representation of the resource to revalidate: it had an ETag
    from its content (core.conditional's middleware, as Django's), which the API's schema
    declares on no error; GET and HEAD alike, with or without the page cache."""
    settings.ICCWATCH_PAGE_CACHE = page_cache
    for read in (client.get, client.head):
        answer = read(path)
        assert answer.status_code == status, (path, answer.status_code)
        assert not answer.has_header("ETag"), (path, read.__name__, answer["ETag"])
        # Asked again with what a client might send: still the error, still no ETag.
        again = read(path, headers={"If-None-Match": "*", "If-Match": NOPE})
        assert again.status_code == status and not again.has_header("ETag"), path


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
@pytest.mark.parametrize(
    "path", ["/api/v1/states/MNG/", "/api/v1/visits/?host=MNG", "/states/MNG/", "/"]
)
def test_a_success_keeps_its_etag_and_its_304_and_412_carry_it(
    seeded, client, settings, path, page_cache
):
    """A 200 still has its ETag, a 304 repeats it, and the API's 412 gives the current one
    (the schema's `412`: "the current answer's ETag"; the site's is an empty answer)."""
    settings.ICCWATCH_PAGE_CACHE = page_cache
    current = client.get(path)
    assert current.status_code == 200 and current.has_header("ETag"), path
    etag = current["ETag"]
    unchanged = client.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag
    failed = client.get(path, headers={"If-Match": NOPE})
    assert failed.status_code == 412
    if path.startswith("/api/"):
        assert failed["ETag"] == etag


def test_the_schema_declares_an_etag_on_no_error_but_the_412(client, db):
    openapi = client.get("/api/v1/schema/", {"format": "json"}).json()
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                if status.startswith(("4", "5")) and status != "412":
                    assert "ETag" not in response.get("headers", {}), (path, method, status)


GZIP = {"Accept-Encoding": "gzip"}


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/states/MNG/",
        "/api/v1/visits/?host=MNG",
        "/api/v1/visits/?host=MNG&format=csv",
        "/states/MNG/",
        "/visits/",
    ],
)
def test_the_etag_of_a_gzip_answer_passes_its_preconditions(
    seeded, client, settings, path, page_cache
):
    """A client that accepts gzip gets a strong ETag of its own (`"…-gzip"`, RFC 9110
    8.8.3: another content coding, another validator) and sends it back: `If-Match` with it
    reads the answer (Django's GZipMiddleware made it weak, W/"…", which If-Match never
    matches: every echo was a 412), `If-None-Match` with it is a 304. Both current
    representations, identity and gzip, are matched (13.1.1), whichever the request asks
    for; a stale tag is still a 412."""
    settings.ICCWATCH_PAGE_CACHE = page_cache
    packed = client.get(path, headers=GZIP)
    assert packed.status_code == 200 and packed["Content-Encoding"] == "gzip", path
    if not packed.has_header("ETag"):  # a CSV streamed without a data version has none
        assert client.get(path, headers={**GZIP, "If-Match": '"csv-gzip"'}).status_code == 412
        return
    etag = packed["ETag"]
    identity = client.get(path)["ETag"]
    assert etag == identity[:-1] + '-gzip"' and not etag.startswith("W/")
    for tag in (etag, identity):
        for headers in (GZIP, {}):
            matched = client.get(path, headers={**headers, "If-Match": tag})
            assert matched.status_code == 200, (tag, headers)
            assert client.head(path, headers={**headers, "If-Match": tag}).status_code == 200
            unchanged = client.get(path, headers={**headers, "If-None-Match": tag})
            assert unchanged.status_code == 304, (tag, headers)
            assert unchanged["ETag"] == tag
    assert client.get(path, headers={**GZIP, "If-Match": f"W/{etag}"}).status_code == 412
    stale = client.get(path, headers={**GZIP, "If-Match": '"stale-gzip"'})
    assert stale.status_code == 412
    if path.startswith("/api/"):
        # The current one, as a 200 to this request would carry it.
        assert stale["ETag"] == etag
        assert etag in json.loads(gzip.decompress(stale.content))["error"]["message"]
        plain = client.get(path, headers={"If-Match": '"stale"'})
        assert plain["ETag"] == identity


@pytest.mark.parametrize(
    ("variants", "headers"),
    [
        (["", "?lang=en", "?format=json", "?format=json&lang=en", "?lang=en&format=json"], {}),
        (["?lang=fr", "", "?format=json&lang=fr"], {"HTTP_ACCEPT_LANGUAGE": "fr"}),
    ],
    ids=["english", "french"],
)
def test_one_representation_has_one_etag_however_it_was_asked_for(
    seeded, client, variants, headers
):
    """`/api/v1/states/MNG/`, `?lang=en` and `?format=json` are the same bytes; so are
    `?lang=fr` and `Accept-Language: fr`. They had three (two) strong ETags, so an If-Match
    with one was a 412 on another, and an If-None-Match a 200, not a 304."""
    path = "/api/v1/states/MNG/"
    first = client.get(path + variants[0])
    assert first.status_code == 200
    for variant in variants[1:]:
        # The French variants without `?lang=` ask for it by Accept-Language.
        extra = {} if "lang=" in variant else headers
        answer = client.get(path + variant, **extra)
        assert answer.content == first.content, variant
        assert answer["ETag"] == first["ETag"], variant
        again = client.get(path + variant, HTTP_IF_NONE_MATCH=first["ETag"], **extra)
        assert again.status_code == 304, variant
        matched = client.get(path + variant, HTTP_IF_MATCH=first["ETag"], **extra)
        assert matched.status_code == 200, variant
    english = client.get(path)
    if headers:
        assert english.content != first.content and english["ETag"] != first["ETag"]
    assert "Accept-Language" in english["Vary"] and "Accept" in english["Vary"]


def test_a_list_whose_links_repeat_the_query_keeps_an_etag_per_query(seeded, client):
    """A list's `next` link repeats `format` and `lang` as asked: different bytes, so
    different ETags."""
    plain = client.get("/api/v1/states/", {"page_size": 2})
    asked = client.get("/api/v1/states/", {"page_size": 2, "format": "json"})
    assert plain.content != asked.content
    assert plain["ETag"] != asked["ETag"]
