"""The permission matrix: every kind of caller against every endpoint and method.

Only reading (by anyone) and posting a visit report (by reporters and staff) succeed;
everything else is refused with the right status and the API's error body.
"""

import pytest

from states.models import JointStatement
from visits.models import Finding, ReviewState, Visit

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "reader", "reporter", "reviewer", "admin"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
REFUSED_WRITE = {"anonymous": 401, "reader": 403, "reviewer": 403, "reporter": 201, "admin": 201}


def endpoints():
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


def expected(who: str, method: str, url: str) -> int:
    if method == "GET":
        return 200
    if method == "POST" and url == "/api/v1/visits/":
        return REFUSED_WRITE[who]
    return 405


def call(client, method: str, url: str, n: int):
    body = report(n) if method in ("POST", "PUT", "PATCH") else None
    return (
        getattr(client, method.lower())(url, body, format="json")
        if body
        else getattr(client, method.lower())(url)
    )


@pytest.mark.parametrize("who", WHO)
def test_only_reads_and_reporters_posting_visit_reports_succeed(seeded, clients, who):
    client = clients[who]
    got, want, n = {}, {}, 0
    for url in endpoints():
        for method in METHODS:
            n += 1
            response = call(client, method, url, n)
            got[(method, url)] = response.status_code
            want[(method, url)] = expected(who, method, url)
            if response.status_code >= 400:
                assert set(response.json()["error"]) == {"code", "message", "fields"}, (method, url)
    assert got == want


def test_refusals_say_why(seeded, clients):
    anonymous = clients["anonymous"].post("/api/v1/visits/", report(1), format="json")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
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


def test_a_wrong_token_is_refused_even_for_reading(seeded, api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/visits/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_report_posted_by_a_reporter_enters_as_reported_and_stays_unpublished(
    seeded, clients, reporter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["reporter"].post("/api/v1/visits/", report(7), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["review_state"] == "reported"
    assert response["Location"] == body["url"]

    visit = Visit.objects.get(slug=body["id"])
    assert (visit.review_state, visit.created_by, visit.place) == (
        ReviewState.REPORTED,
        reporter,
        "Dushanbe 7",
    )
    # Evaluated after commit, through the same outbox as every other change: pending until verified.
    assert visit.verdict.code == "pending"
    assert [s.url for s in visit.sources.all()] == ["https://news.example.org/matrix-7"]

    anonymous = clients["anonymous"]
    assert anonymous.get(body["url"]).status_code == 404
    listed = anonymous.get(
        "/api/v1/visits/", {"person": "vladimir-putin", "page_size": 500}
    ).json()["results"]
    assert body["id"] not in {v["id"] for v in listed}
