"""The permission matrix: every kind of caller against every endpoint and method.

Reading public data (by anyone), filing reports (reporters, admins), reading one's own
reports (and any, for reviewers) and reviewing others' reports (reviewers, admins)
succeed; everything else is refused with the right status and the API's error body.
"""

import pytest

from states.models import JointStatement
from visits import review
from visits.models import Finding, Report, ReportState, Visit

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "reader", "staff", "reporter", "reviewer", "both", "admin", "superuser"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
# POST /reports/ (and its alias POST /visits/): reporters and admins; is_staff alone is no role.
FILE = {
    "anonymous": 401,
    "reader": 403,
    "staff": 403,
    "reviewer": 403,
    "reporter": 201,
    "both": 201,
    "admin": 201,
    "superuser": 201,
}
# GET /reports/ and a report the caller may read: reporters and reviewers (and admins).
READ_REPORTS = {
    **FILE,
    "reviewer": 200,
    "reporter": 200,
    "both": 200,
    "admin": 200,
    "superuser": 200,
}
# GET /reports/queue/ and the review actions on another's report: reviewers and admins.
REVIEW = {**READ_REPORTS, "reporter": 403}
ACTIONS = ("verify", "reject", "request-changes")
ACTION_BODY = {
    # The reports are of Putin's trip to Tajikistan: the reviewer confirms they differ from
    # the recorded visit and from the one the first verification publishes.
    "verify": {
        "different_from": ["vladimir-putin-tjk-2025-10-08", "vladimir-putin-tjk-2025-10-08-2"]
    },
    "reject": {"reason": "No outlet reports this trip."},
    "request-changes": {"comment": "Why?"},
}


def public_endpoints():
    return [
        "/api/v1/",
        "/api/v1/schema/",
        "/api/v1/states/",
        "/api/v1/states/HUN/",
        "/api/v1/persons/",
        "/api/v1/persons/vladimir-putin/",
        "/api/v1/warrants/",
        "/api/v1/warrants/vladimir-putin-2023-03-17/",
        "/api/v1/visits/",
        "/api/v1/visits/vladimir-putin-mng-2024-09-02/",
        "/api/v1/incidents/",
        "/api/v1/findings/",
        f"/api/v1/findings/{Finding.objects.first().pk}/",
        "/api/v1/statements/",
        f"/api/v1/statements/{JointStatement.objects.first().pk}/",
        "/api/v1/referrals/",
    ]


def report(n: int) -> dict:
    return {
        "person": "vladimir-putin",
        "host": "TJK",
        "start": "2025-10-08",
        "status": "occurred",
        "outcome": "not_arrested",
        "place": f"Dushanbe {n}",
        "sources": [{"url": f"https://news.example.org/matrix-{n}"}],
    }


def filed(author, n: int) -> Report:
    data = {k: v for k, v in report(n).items() if k != "sources"}
    return review.file_report(author=author, data=data, citations=report(n)["sources"])


@pytest.fixture
def targets(seeded, reporter, both):
    """For each review action, a report by the reporter and one by the reporter-reviewer."""
    return {
        (action, author): filed(user, 1000 + 10 * i + j)
        for i, action in enumerate(ACTIONS)
        for j, (author, user) in enumerate((("reporter", reporter), ("both", both)))
    }


def expectations(who: str, targets) -> dict:
    """{(method, url): status} for every endpoint and method, as the matrix in api.access says."""
    want = {}
    for url in public_endpoints():
        for method in METHODS:
            if method == "GET":
                want[method, url] = 200
            elif method == "POST" and url == "/api/v1/visits/":
                want[method, url] = FILE[who]
            else:
                want[method, url] = 405
    for method in METHODS:
        want[method, "/api/v1/reports/"] = {"GET": READ_REPORTS[who], "POST": FILE[who]}.get(
            method, 405
        )
        want[method, "/api/v1/reports/queue/"] = REVIEW[who] if method == "GET" else 405
    for (action, author), target in targets.items():
        detail = f"/api/v1/reports/{target.pk}/"
        own = who == author
        read = READ_REPORTS[who]
        if who == "reporter" and not own:
            read = 404  # another reporter's report does not exist, for a reporter
        for method in METHODS:
            want[method, detail] = read if method == "GET" else 405
            review_status = REVIEW[who]
            if own and review_status == 200:
                review_status = 403  # four eyes
            want[method, f"{detail}{action}/"] = review_status if method == "POST" else 405
    return want


def call(client, method: str, url: str, n: int):
    action = url.rstrip("/").rsplit("/", 1)[-1]
    if method == "POST" and action in ACTION_BODY:
        body = ACTION_BODY[action]
        if action == "verify":  # the version the reviewer read, as a client gives it
            target = Report.objects.get(pk=int(url.rstrip("/").split("/")[-2]))
            body = {**body, "seen": review.version_of(target)}
        return client.post(url, body, format="json")
    # Putin's trip to Tajikistan, filed again and again (from other places) on purpose: each
    # time confirmed as another visit, or the matrix would test the duplicate check.
    body = {**report(n), "another_visit": True} if method in ("POST", "PUT", "PATCH") else None
    return (
        getattr(client, method.lower())(url, body, format="json")
        if body
        else getattr(client, method.lower())(url)
    )


@pytest.mark.parametrize("who", WHO)
def test_every_role_against_every_api_action(seeded, clients, targets, who):
    """The permission matrix of api.access: every kind of caller, every endpoint and method."""
    client = clients[who]
    got = {}
    want = expectations(who, targets)
    for n, (method, url) in enumerate(want):
        response = call(client, method, url, n)
        got[method, url] = response.status_code
        if response.status_code >= 400:
            error = response.json()["error"]
            assert set(error) == {"code", "message", "fields"}, (method, url)
            if response.status_code == 403 and url.endswith(("verify/", "reject/", "changes/")):
                assert error["code"] == ("four_eyes" if who in ("both",) else "permission_denied")
    assert got == want


def test_refusals_say_why(seeded, clients):
    anonymous = clients["anonymous"].post("/api/v1/visits/", report(1), format="json")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Bearer, Token"
    assert anonymous.json()["error"]["code"] == "not_authenticated"

    reviewer = clients["reviewer"].post("/api/v1/visits/", report(2), format="json")
    assert reviewer.json()["error"]["code"] == "permission_denied"
    assert "reporters group" in reviewer.json()["error"]["message"]

    put = clients["reporter"].put(
        "/api/v1/visits/vladimir-putin-mng-2024-09-02/", report(3), format="json"
    )
    assert put.json()["error"] == {
        "code": "method_not_allowed",
        "message": 'Method "PUT" not allowed.',
        "fields": {},
    }


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("token", [None, "Token not-a-real-token"])
def test_the_reports_refusals_are_english_whatever_the_language_asked(
    seeded, api_client, method, token
):
    """Only a report's validation errors (and its preview) are in the reader's language: a
    refusal to authenticate is English, and says so, as on every other endpoint."""
    if token:
        api_client.credentials(HTTP_AUTHORIZATION=token)
    response = getattr(api_client, method)(
        "/api/v1/reports/", {} if method == "post" else None, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 401
    message = response.json()["error"]["message"]
    assert message in ("Invalid token.", "Authentication credentials were not provided."), message
    assert response["Content-Language"] == "en"


def test_the_reports_other_refusals_are_english_and_say_so(seeded, clients):
    """A method not allowed, a body the endpoint cannot read and a repeated parameter are
    refused in English, labelled English, for a reader who asked for French."""
    reporter = clients["reporter"]
    put = reporter.put("/api/v1/reports/1/", {}, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert put.status_code == 405
    assert put.json()["error"]["message"] == 'Method "PUT" not allowed.'
    plain = reporter.generic(
        "POST", "/api/v1/reports/", "x", content_type="text/plain", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert plain.status_code == 415
    assert plain.json()["error"]["message"] == 'Unsupported media type "text/plain" in request.'
    repeated = reporter.post(
        "/api/v1/reports/?x=1&x=2", {}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert repeated.status_code == 400
    for response in (put, plain, repeated):
        assert response["Content-Language"] == "en"


def test_the_challenge_the_accepted_schemes_and_the_schema_agree(seeded, api_client, reporter):
    """A 401's WWW-Authenticate names the schemes a key is accepted after, the one the
    schema's security scheme declares (HTTP bearer) first; each of them is accepted with a
    good key and refused with a wrong one, whatever the 401 (no key, a wrong key), and the
    schema documents that header on its 401s and names each scheme."""
    from rest_framework.authtoken.models import Token

    openapi = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    # The schemes sent in the Authorization header (the other is the site's session cookie).
    security = openapi["components"]["securitySchemes"]
    in_header = [s for s in security.values() if s["type"] == "http" or s.get("in") == "header"]
    assert in_header == [security["tokenAuth"]]
    declared = security["tokenAuth"]

    no_key = api_client.get("/api/v1/reports/")
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    wrong_key = api_client.get("/api/v1/visits/")
    assert (no_key.status_code, wrong_key.status_code) == (401, 401)
    challenge = no_key["WWW-Authenticate"]
    assert wrong_key["WWW-Authenticate"] == challenge
    # RFC 7235: challenges separated by commas, each a scheme (case-insensitive).
    schemes = [c.strip().split(" ")[0] for c in challenge.split(",")]
    assert schemes[0].lower() == declared["scheme"].lower() == "bearer"

    key = Token.objects.get_or_create(user=reporter)[0].key
    for scheme in schemes:
        assert f"{scheme} <key>`" in declared["description"]
        assert f"{scheme} <key>`" in openapi["info"]["description"]
        api_client.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
        assert api_client.get("/api/v1/reports/").status_code == 200, scheme
        api_client.credentials(HTTP_AUTHORIZATION=f"{scheme} not-a-real-token")
        refused = api_client.get("/api/v1/visits/")
        assert refused.status_code == 401, scheme
        assert refused.json()["error"]["code"] == "authentication_failed"

    documented = [
        response["headers"]["WWW-Authenticate"]
        for item in openapi["paths"].values()
        for operation in item.values()
        for code, response in operation.get("responses", {}).items()
        if code == "401"
    ]
    assert documented, "the reports' operations answer 401"
    assert all(h["schema"]["example"] == challenge and h["required"] for h in documented)


def test_a_wrong_token_is_refused_even_for_reading(seeded, api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/visits/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_report_posted_to_visits_is_filed_for_review_and_stays_unpublished(
    seeded, clients, reporter, django_capture_on_commit_callbacks
):
    """POST /visits/ is an alias of POST /reports/: a report awaiting review, never a visit."""
    visits = Visit.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        # A trip nothing recorded or filed may repeat: filed as it is, no confirmation asked.
        response = clients["reporter"].post(
            "/api/v1/visits/", {**report(7), "start": "2025-04-08"}, format="json"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == body["url"]
    assert "/api/v1/reports/" in body["url"]
    assert response["Link"] == '<http://testserver/api/v1/reports/>; rel="successor-version"'
    assert (body["state"], body["author"], body["place"]) == ("submitted", "reporter", "Dushanbe 7")
    filed_report = Report.objects.get(pk=body["id"])
    assert (filed_report.state, filed_report.author) == (ReportState.SUBMITTED, reporter)
    assert Visit.objects.count() == visits  # nothing is published, nor even a pending visit
    listed = (
        clients["anonymous"]
        .get("/api/v1/visits/", {"person": "vladimir-putin", "page_size": 500})
        .json()["results"]
    )
    assert "Dushanbe 7" not in {v["place"] for v in listed}


@pytest.mark.parametrize(
    "header",
    ["{key}", "ApiKey {key}", "Digest username=x", "Bearer{key}", "bearer: {key}"],
)
def test_an_authorization_the_api_cannot_read_is_a_401_never_an_anonymous_read(
    seeded, api_client, reporter, settings, header
):
    """A key sent without a scheme the API knows was read as no key at all: 200, anonymous,
    at the anonymous limit. It is a 401 naming the schemes it takes, the key never quoted."""
    from rest_framework.authtoken.models import Token

    key = Token.objects.get_or_create(user=reporter)[0].key
    api_client.credentials(HTTP_AUTHORIZATION=header.format(key=key))
    for path in ("/api/v1/visits/?host=MNG", "/api/v1/states/MNG/", "/api/v1/reports/"):
        refused = api_client.get(path)
        assert refused.status_code == 401, (path, refused.status_code)
        assert refused["WWW-Authenticate"] == "Bearer, Token"
        error = refused.json()["error"]
        assert error["code"] == "authentication_failed"
        assert "`Authorization: Bearer <key>`" in error["message"]
        assert "`Token <key>`" in error["message"]
        assert key not in refused.content.decode()
        assert "RateLimit-Limit" not in refused


def test_no_authorization_header_or_an_empty_one_reads_anonymously(seeded, api_client):
    assert api_client.get("/api/v1/states/MNG/").status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION="")
    assert api_client.get("/api/v1/states/MNG/").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/visits/vladimir-putin-mng-2024-09-02/?format=csv"),
        ("post", "/api/v1/states/MNG/?format=xml"),
        ("put", "/api/v1/visits/?format=csv"),
        ("delete", "/api/v1/reports/1/?format=csv"),
        ("post", "/api/v1/search/?q=putin&format=csv"),
        ("post", "/api/v1/schema/?format=xml"),
        ("post", "/api/v1/?format=csv"),
    ],
)
def test_a_method_an_address_does_not_have_is_a_405_whatever_else_the_request_says(
    seeded, api_client, method, path
):
    """`POST /visits/<id>/?format=csv` was a 406 (the format was checked first), while the
    same POST without it was a 405: the method is checked before the format, the key and
    the limits."""
    for credentials in (None, "Bearer not-a-real-token"):
        if credentials:
            api_client.credentials(HTTP_AUTHORIZATION=credentials)
        answer = getattr(api_client, method)(path, {}, format="json")
        assert answer.status_code == 405, (path, credentials, answer.content[:200])
        assert answer.json()["error"]["code"] == "method_not_allowed"
        assert method.upper() not in answer["Allow"] and "GET" in answer["Allow"]
        assert answer["Content-Type"] == "application/json"


def test_a_proxys_basic_credentials_read_as_no_key_not_as_a_wrong_one(seeded, api_client):
    """A staging site behind a proxy's password sends `Authorization: Basic …` with every
    request, the site's own scripts' calls to the API included (the newsroom's person
    suggestions): those are no API key, so the API reads anonymously, as without the
    header; a reports list that needs a key still says so (401 for no credentials)."""
    api_client.credentials(HTTP_AUTHORIZATION="Basic YTpi")
    read = api_client.get("/api/v1/states/MNG/")
    assert read.status_code == 200
    assert read["RateLimit-Limit"] == api_client.get("/api/v1/states/MNG/")["RateLimit-Limit"]
    api_client.credentials()
    assert read["RateLimit-Limit"] == api_client.get("/api/v1/states/MNG/")["RateLimit-Limit"]
    api_client.credentials(HTTP_AUTHORIZATION="Basic YTpi")
    assert api_client.get("/api/v1/reports/").status_code in (401, 403)
