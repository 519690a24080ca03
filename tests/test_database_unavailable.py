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


def test_a_phone_lays_the_page_out_at_its_own_width(closed_database):
    """The page named no viewport: a phone laid it out 980 px wide and shrank it to its
    screen, as it does every page without one (the site's pages name it in base.html)."""
    text = assert_unavailable(Client().get("/states/MNG/"), closed_database)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text


@pytest.mark.parametrize("session", [False, True], ids=["view", "session-middleware"])
def test_the_page_is_in_the_frame_of_the_500_page(closed_database, session):
    """The page had no <main> landmark, no link home, and a title without the site's name
    that every other page's ends with: it is rendered in the 500 page's frame
    (bare_error.html), which reads neither the database nor the session, whether a view or
    a middleware loading the session met the closed database."""
    client = Client(raise_request_exception=False)
    if session:
        client.cookies["sessionid"] = "x" * 32
    english = assert_unavailable(client.get("/states/MNG/"), closed_database)
    assert '<html lang="en">' in english
    assert "<title>Temporarily unavailable · iccwatch</title>" in english
    main = english.split("<main>", 1)[1].split("</main>", 1)[0]
    assert "<h1>Temporarily unavailable</h1>" in main and '<a href="/">Home</a>' in main
    french = assert_unavailable(client.get("/fr/states/MNG/"), closed_database)
    assert '<html lang="fr">' in french
    assert "<title>Momentanément indisponible · iccwatch</title>" in french
    assert '<a href="/fr/">Accueil</a>' in french.split("<main>", 1)[1]


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


# --- Any other database error: a 500, never a 503 nor the database's words --------------


MISSING_TABLE = 'relation "visits_visit" does not exist'


def missing_table(*args, **kwargs):
    """What every read of an unmigrated database raises."""
    from django.db import ProgrammingError

    raise ProgrammingError(MISSING_TABLE)


def assert_server_error(response):
    assert response.status_code == 500, response.content[:500]
    assert "Retry-After" not in response
    text = response.content.decode()
    assert "visits_visit" not in text and "relation" not in text and "Programming" not in text
    return text


@pytest.mark.django_db
def test_another_database_error_is_the_apis_500_not_503_busy(monkeypatch, caplog):
    """An unmigrated database ("relation does not exist") answered the API's `503 busy`
    with Retry-After, while the site's pages gave it a 500: only a database out of reach is
    a 503 (core.unavailable.database_unreachable, which the API asks too)."""
    from api.visits.views import VisitViewSet

    monkeypatch.setattr(VisitViewSet, "list", missing_table)
    response = Client(raise_request_exception=False).get("/api/v1/visits/")
    assert_server_error(response)
    assert response.json()["error"]["code"] == "server_error"
    assert response["Content-Language"] == "en"
    # Logged in full for the operator.
    assert MISSING_TABLE in caplog.text


@pytest.mark.django_db
def test_another_database_error_is_a_500_page_on_the_site_as_before(monkeypatch):
    monkeypatch.setattr("front.search.search", missing_table)
    response = Client(raise_request_exception=False).get("/search/?q=putin")
    assert "<h1>Server error</h1>" in assert_server_error(response)


@pytest.mark.django_db
def test_an_api_error_no_view_answers_is_the_apis_500_too(monkeypatch):
    """One shape for an API 500, whichever place answers it: Django's handler500 (an error
    raised outside DRF's handler, here a bug in a view's code) gives the API's error body
    under /api/, as api.errors gives it to a database error."""
    from api.visits.views import VisitViewSet

    def bug(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(VisitViewSet, "list", bug)
    response = Client(raise_request_exception=False).get("/api/v1/visits/")
    assert_server_error(response)
    assert response.json()["error"]["code"] == "server_error"
    assert "a bug" not in response.content.decode()
