"""Every status an operation can answer is one its schema declares: a walk over the
schema's operations that provokes, on each, the refusals every request may meet (a wrong
key, a rate limit, a parameter, an Accept header, a precondition, a database away); and
the other way round, a 404 declared is one some request gets."""

from django.test import Client
from rest_framework.authtoken.models import Token

from tests.api.conftest import member
from tests.conftest import forget_rate_limit_history

WRONG_KEY = {"Authorization": "Bearer not-a-key-of-anyone"}


def operations(openapi) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post")
    ]


def schema() -> dict:
    answer = Client().get("/api/v1/schema/", {"format": "json"})
    assert answer.status_code == 200
    return answer.json()


def address(path: str, values: dict[str, str]) -> str:
    """`path` with each `{name}` given a value: `values[path]` for the first of the path
    (its own id), else by name."""
    for name, value in sorted(values.items(), key=lambda item: not item[0].startswith("/")):
        if name.startswith("/"):
            if path.startswith(name):
                path = path.replace("{id}", value, 1)
        else:
            path = path.replace("{" + name + "}", value)
    return path


# Values refusals before any lookup accept (the path's pattern only).
ANY_VALUES = {
    "/api/v1/visits/": "vladimir-putin-mng-2024-09-02",
    "id": "1",
    "iso3": "MNG",
    "slug": "vladimir-putin",
    "ref": "vladimir-putin-2023-03-17",
}


def declared(operation: dict, status: int, path: str, method: str) -> None:
    responses = operation["responses"]
    assert str(status) in responses, f"{method.upper()} {path} answers {status}, undeclared"
    if status >= 400:
        content = responses[str(status)]["content"]["application/json"]["schema"]
        assert content["$ref"].endswith(("/Error", "/DuplicateReport")), (path, method, status)


def undeclared(answer, response: dict) -> set[str]:
    """The headers `answer` sends that its status's `response` in the schema does not
    declare, beyond those every answer carries (EVERY_ANSWER)."""
    return set(answer.headers) - EVERY_ANSWER - set(response.get("headers", {}))


def send(client, method: str, url: str, **kwargs):
    if method == "post":
        return client.post(url, data=b"{}", content_type="application/json", **kwargs)
    return client.get(url, **kwargs)


def test_a_wrong_key_a_parameter_an_accept_header_and_a_rate_limit_are_declared_everywhere(
    seeded, settings
):
    """A wrong token is a 401 on every operation (the schema declared it on /reports/
    only); a bad parameter a 400, an Accept nothing matches a 406, one request over the
    limit a 429 (counted after the access checks: an admin, who passes them all)."""
    openapi = schema()
    admin = member("walker", "admins")
    key = {"Authorization": f"Token {Token.objects.create(user=admin).key}"}
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/min", "user": "1/min"},
    }
    client = Client()
    walked = 0
    for path, method, operation in operations(openapi):
        url = address(path, ANY_VALUES)
        answer = send(client, method, url, headers=WRONG_KEY)
        assert answer.status_code == 401, (method, url, answer.content[:200])
        assert answer["WWW-Authenticate"] == "Bearer, Token"
        declared(operation, 401, path, method)
        assert not undeclared(answer, operation["responses"]["401"]), (method, path)

        answer = send(client, method, url, headers={"Accept": "image/png"})
        assert answer.status_code == 406, (method, url, answer.content[:200])
        declared(operation, 406, path, method)
        assert not undeclared(answer, operation["responses"]["406"]), (method, path)

        forget_rate_limit_history()
        # An unknown parameter (a read's) or one given twice (any).
        answer = send(client, method, f"{url}?lang=en&lang=en", headers=key)
        assert answer.status_code == 400, (method, url, answer.content[:200])
        declared(operation, 400, path, method)
        # With the rate limits' headers, which the schema gave a success and a 429 only.
        limits = {name for name in answer.headers if name.startswith("RateLimit-")}
        assert not undeclared(answer, operation["responses"]["400"]), (method, path)
        assert limits, (method, path)
        answer = send(client, method, f"{url}?lang=en&lang=en", headers=key)
        assert answer.status_code == 429, (method, url, answer.content[:200])
        declared(operation, 429, path, method)
        assert {"Retry-After", "RateLimit-Limit"} <= set(operation["responses"]["429"]["headers"])
        assert not undeclared(answer, operation["responses"]["429"]), (method, path)
        walked += 1
    forget_rate_limit_history()
    assert walked == len(operations(openapi)) > 20


def test_a_posts_access_and_body_refusals_are_declared(seeded, settings):
    """On each POST: an account without the role (403), a body over the limit (413) or
    not JSON (415)."""
    openapi = schema()
    nobody = member("no-role")
    admin = member("walker", "admins")
    no_role = {"Authorization": f"Token {Token.objects.create(user=nobody).key}"}
    key = {"Authorization": f"Token {Token.objects.create(user=admin).key}"}
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    client = Client()
    posts = [(p, m, o) for p, m, o in operations(openapi) if m == "post"]
    for path, method, operation in posts:
        url = address(path, ANY_VALUES)
        answer = send(client, method, url, headers=no_role)
        assert answer.status_code == 403, (url, answer.content[:200])
        declared(operation, 403, path, method)
        answer = client.post(url, data=b"{}", content_type="text/plain", headers=key)
        assert answer.status_code == 415, (url, answer.content[:200])
        declared(operation, 415, path, method)
        body = b'{"comment": "' + b"x" * 200 + b'"}'
        answer = client.post(url, data=body, content_type="application/json", headers=key)
        assert answer.status_code == 413, (url, answer.content[:200])
        declared(operation, 413, path, method)
    assert len(posts) > 5


def test_a_database_away_is_a_503_every_operation_declares(django_db_blocker, dead_port):
    """Every operation reads the database (a token, at least): away, each answers `503
    busy` with Retry-After, which the schema declared on none."""
    from django.db import connections

    openapi = schema()
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    client = Client()
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(dead_port))
        try:
            for path, method, operation in operations(openapi):
                url = address(path, ANY_VALUES)
                answer = send(client, method, url, headers={"Authorization": "Token abc"})
                assert answer.status_code == 503, (method, url, answer.content[:200])
                assert answer.json()["error"]["code"] == "busy"
                declared(operation, 503, path, method)
                assert "Retry-After" in operation["responses"]["503"]["headers"]
                assert not undeclared(answer, operation["responses"]["503"]), (method, path)
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


def test_every_get_answers_its_declared_412(seeded):
    """A failed If-Match on each GET, read as an admin (who may read every report)."""
    from states.models import JointStatement, SecurityCouncilReferral
    from visits import review
    from visits.models import Finding

    openapi = schema()
    admin = member("walker", "admins")
    key = {"Authorization": f"Token {Token.objects.create(user=admin).key}"}
    report = review.file_report(
        author=admin,
        data={"person": "vladimir-putin", "host": "TJK", "start": "2030-01-01"},
        citations=[],
        submit=False,
    )
    values = {
        **ANY_VALUES,
        "/api/v1/findings/": str(Finding.objects.values_list("pk", flat=True).first()),
        "/api/v1/statements/": str(JointStatement.objects.values_list("pk", flat=True).first()),
        "/api/v1/referrals/": str(
            SecurityCouncilReferral.objects.values_list("pk", flat=True).first()
        ),
        "/api/v1/reports/": str(report.pk),
    }
    client = Client()
    for path, method, operation in operations(openapi):
        if method != "get":
            continue
        url = address(path, values)
        query = "?q=putin" if path.endswith("/search/") else ""
        assert client.get(url + query, headers=key).status_code == 200, url
        answer = client.get(url + query, headers={**key, "If-Match": '"nope"'})
        assert answer.status_code == 412, (url, answer.content[:200])
        declared(operation, 412, path, method)
        assert not undeclared(answer, operation["responses"]["412"]), (path, set(answer.headers))


def _get_values(admin) -> dict[str, str]:
    """ANY_VALUES, with a record of each resource read by its database id (a report of
    `admin`'s among them)."""
    from states.models import JointStatement, SecurityCouncilReferral
    from visits import review
    from visits.models import Finding

    report = review.file_report(
        author=admin,
        data={"person": "vladimir-putin", "host": "TJK", "start": "2030-01-01"},
        citations=[],
        submit=False,
    )
    return {
        **ANY_VALUES,
        "/api/v1/findings/": str(Finding.objects.values_list("pk", flat=True).first()),
        "/api/v1/statements/": str(JointStatement.objects.values_list("pk", flat=True).first()),
        "/api/v1/referrals/": str(
            SecurityCouncilReferral.objects.values_list("pk", flat=True).first()
        ),
        "/api/v1/reports/": str(report.pk),
    }


def test_a_get_declares_its_304_and_etag_exactly_when_it_sends_an_etag(seeded):
    """The reports' reads (`Cache-Control: private, no-store`) send no ETag, so they never
    answer 304, which the schema declared on them as on every GET, with an ETag on their
    200 and an If-None-Match to send: a generated client revalidated what it could not.
    Every other GET sends its ETag and answers 304 to it. Every header a 200 sends, in
    JSON and in CSV where the operation has it, is one the schema declares: its language
    (`Content-Language`) and a CSV's file name (`Content-Disposition`) were declared
    nowhere."""
    openapi = schema()
    admin = member("walker", "admins")
    key = {"Authorization": f"Token {Token.objects.create(user=admin).key}"}
    values = _get_values(admin)
    client = Client()
    private = []
    csvs = 0
    for path, method, operation in operations(openapi):
        if method != "get":
            continue
        url = address(path, values) + ("?q=putin" if path.endswith("/search/") else "")
        answer = client.get(url, headers=key)
        assert answer.status_code == 200, url
        sends = answer.has_header("ETag")
        responses = operation["responses"]
        assert not undeclared(answer, responses["200"]), (path, set(answer.headers))
        if "text/csv" in responses["200"]["content"]:
            as_csv = client.get(url + ("&" if "?" in url else "?") + "format=csv", headers=key)
            assert as_csv["Content-Type"].startswith("text/csv"), path
            assert "Content-Disposition" in as_csv, path
            assert not undeclared(as_csv, responses["200"]), (path, set(as_csv.headers))
            csvs += 1
        asks = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert sends == ("304" in responses), (path, sends)
        assert sends == ("ETag" in responses["200"].get("headers", {})), path
        assert sends == ("If-None-Match" in asks), path
        if sends:
            again = client.get(url, headers={**key, "If-None-Match": answer["ETag"]})
            assert again.status_code == 304, url
            assert not undeclared(again, responses["304"]), path
        else:
            assert "no-store" in answer["Cache-Control"], path
            private.append(path)
    assert sorted(private) == [
        "/api/v1/reports/",
        "/api/v1/reports/queue/",
        "/api/v1/reports/{id}/",
    ]
    assert csvs > 10


# Headers HTTP and the site's middleware give every answer, which no operation declares:
# its body's type and length, what it varies on, the methods of the address, the
# security headers and, on a report's answers, that no cache may keep it. Not its
# language (`Content-Language`), which the schema declares on every answer: a client
# reads it.
EVERY_ANSWER = {
    "Allow",
    "Cache-Control",
    "Content-Length",
    "Content-Security-Policy",
    "Content-Type",
    "Cross-Origin-Opener-Policy",
    "Expires",
    "Referrer-Policy",
    "Vary",
    "X-Content-Type-Options",
    "X-Frame-Options",
}


def test_every_header_a_filing_answers_with_is_declared(seeded):
    """A filing's 201 sends `Location` (and POST /visits/, the deprecated alias, `Link`
    rel="successor-version", which the README promises), and its `409 duplicate_report`
    the existing report's `Location`: the schema declared only the RateLimit headers on
    the 201, and none on the 409. Every header each answer carries, beyond those every
    answer does, is now one its operation's response declares."""
    from tests.api.test_reports import MONGOLIA, TAJIKISTAN
    from visits.models import Visit

    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()
    openapi = schema()
    reporter = member("filer", "reporters")
    key = {"Authorization": f"Token {Token.objects.create(user=reporter).key}"}
    client = Client()
    filings = [
        ("/api/v1/reports/", TAJIKISTAN),
        ("/api/v1/visits/", {**TAJIKISTAN, "place": "Khujand", "another_visit": True}),
        (
            "/api/v1/reports/withdrawals/",
            {"visit": MONGOLIA, "withdrawal_note": "The newspaper retracted its story."},
        ),
    ]
    checked = []
    for path, body in filings:
        for status in (201, 409):  # the same key again: a duplicate, named
            answer = client.post(
                path,
                body,
                content_type="application/json",
                headers={**key, "Idempotency-Key": f"key-{path}"},
            )
            assert answer.status_code == status, (path, answer.content[:300])
            sent = set(answer.headers) - EVERY_ANSWER
            response = openapi["paths"][path]["post"]["responses"][str(status)]
            assert sent <= set(response.get("headers", {})), (path, status, sent)
            assert "Location" in sent
            checked.append((path, status, sent))
    assert "Link" in checked[2][2]  # the alias's 201
    # What a 201 always sends is required; a 409 names the report only when it may.
    for path, _ in filings:
        responses = openapi["paths"][path]["post"]["responses"]
        assert responses["201"]["headers"]["Location"]["required"] is True
        assert not responses["409"]["headers"]["Location"].get("required")
    resubmit = openapi["paths"]["/api/v1/reports/{id}/resubmit/"]["post"]["responses"]
    assert "Location" in resubmit["409"]["headers"]  # a duplicate, as a filing's


def test_every_read_refuses_an_unknown_format_as_a_counted_400(seeded, settings):
    """`?format=xml` is a 400 `invalid_filter` on every GET, counted by the rate limits
    (RateLimit headers), never answered in the first format it has."""
    openapi = schema()
    admin = member("walker", "admins")
    key = {"Authorization": f"Token {Token.objects.create(user=admin).key}"}
    client = Client()
    for path, method, operation in operations(openapi):
        if method != "get":
            continue
        answer = client.get(address(path, ANY_VALUES) + "?format=xml", headers=key)
        assert answer.status_code == 400, (path, answer.content[:200])
        assert answer.json()["error"]["fields"].keys() == {"format"}, path
        assert "RateLimit-Remaining" in answer, path
        declared(operation, 400, path, method)
        assert not undeclared(answer, operation["responses"]["400"]), path
    forget_rate_limit_history()


# Values each path's pattern accepts that name no record.
NO_RECORD = {
    "/api/v1/visits/": "nobody-xyz-2024-01-01",
    "id": "999999999",
    "iso3": "ZZZ",
    "slug": "nobody-xyz",
    "ref": "nobody-xyz-2023-03-17",
}


def test_every_declared_404_is_answered(seeded):
    """The other way round: an operation that declares a 404 answers one to some request,
    an identifier that names no record (on a GET or a report's action) or, on a list, a
    page beyond the last. /api/v1/search/ declared a 404 it never gave: it has neither
    identifier nor pages, and a query that finds nothing is a 200 without results."""
    openapi = schema()
    admin = member("walker", "admins")
    key = {"Authorization": f"Token {Token.objects.create(user=admin).key}"}
    client = Client()
    provoked = []
    for path, method, operation in operations(openapi):
        if "404" not in operation["responses"]:
            continue
        if "{" in path:
            url = address(path, NO_RECORD)
            answer = send(client, method, url, headers=key)
        else:
            assert method == "get", (method, path)
            url = f"{path}?page=999999"
            answer = client.get(url, headers=key)
        assert answer.status_code == 404, (method, url, answer.content[:200])
        declared(operation, 404, path, method)
        provoked.append(path)
    assert "/api/v1/search/" not in provoked
    assert len(provoked) > 15
