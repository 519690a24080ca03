"""A database that cannot be reached: 503 with Retry-After on pages and the API, never a 500
and never the database's own words (core/unavailable.py).

The tests point the default connection at a local port where nothing listens (a closed
PostgreSQL: connecting is refused at once), then put the real settings back.
"""

import pytest
from django.db import connections
from django.test import Client

from core.unavailable import RETRY_AFTER_SECONDS

DATABASE_WORDS = ("connection", "refused", "127.0.0.1", "psycopg", "OperationalError", "server")


@pytest.fixture
def closed_database(django_db_blocker, dead_port):
    """Every new connection goes to a port where no PostgreSQL listens."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(dead_port))
        try:
            yield dead_port
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


def assert_unavailable(response, port):
    assert response.status_code == 503, response.content[:500]
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    text = response.content.decode()
    assert str(port) not in text
    for word in DATABASE_WORDS:
        assert word not in text, word
    return text


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/states/MNG/",
        "/persons/vladimir-putin/",
        "/search/?q=Ulan",
        "/visits/",
        # Downloads stream their rows after the status line: they connect first.
        "/visits.csv",
        "/visits.json",
    ],
)
def test_a_page_answers_503_with_retry_after(closed_database, url):
    text = assert_unavailable(Client().get(url), closed_database)
    assert "Temporarily unavailable" in text


def test_the_page_is_in_the_readers_language(closed_database):
    response = Client().get("/fr/states/MNG/")
    assert "Momentanément indisponible" in assert_unavailable(response, closed_database)


@pytest.mark.parametrize("url", ["/api/v1/states/", "/api/v1/incidents/", "/api/v1/visits/"])
def test_the_api_answers_503_with_its_error_body(closed_database, url):
    response = Client().get(url)
    assert_unavailable(response, closed_database)
    assert response.json()["error"]["code"] == "busy"


def test_a_token_the_api_cannot_check_is_503_not_401(closed_database):
    response = Client().get("/api/v1/reports/", HTTP_AUTHORIZATION="Token " + "a" * 40)
    assert_unavailable(response, closed_database)
    assert response.json()["error"]["code"] == "busy"


@pytest.mark.parametrize("url", ["/", "/newsroom/", "/api/v1/states/"])
def test_a_session_a_middleware_cannot_load_is_503_too(closed_database, url):
    """The session is read by a middleware, before any view: handler500 answers 503."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "x" * 32
    response = client.get(url)
    assert_unavailable(response, closed_database)
    if url.startswith("/api/"):
        assert response.json()["error"]["code"] == "busy"


def test_healthz_still_says_503(closed_database):
    response = Client().get("/healthz")
    assert response.status_code == 503


def test_other_errors_are_still_500(closed_database, monkeypatch):
    """Only an unreachable database is 503: a bug stays a 500."""
    monkeypatch.setattr("core.views.connection", None)  # healthz fails with AttributeError
    response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 500
    assert "Retry-After" not in response
