"""/healthz tells a load balancer or container runtime that the web process can reach its database."""

import logging

import pytest
from django.conf import settings
from django.db import DatabaseError


@pytest.mark.django_db
def test_healthz_answers_ok_after_querying_the_database(reader, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = reader.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(reader, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", fail)
    response = reader.get("/healthz")
    assert response.status_code == 503


@pytest.mark.django_db
def test_a_request_for_an_unknown_host_is_refused_and_logged_as_one_warning_line(reader, caplog):
    """A probe or scanner that sends the bare address as its Host header is answered 400,
    and logged once, as one WARNING line naming the host: no ERROR, no traceback."""
    caplog.set_level(logging.INFO)
    response = reader.get("/healthz", HTTP_HOST="203.0.113.7")
    assert response.status_code == 400
    (record,) = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None and record.exc_text is None
    assert "203.0.113.7" in record.getMessage()
    line = logging.Formatter(settings.LOGGING["formatters"]["line"]["format"]).format(record)
    assert "\n" not in line and "[WARNING] django.security.DisallowedHost:" in line
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
