"""/healthz tells a load balancer or container runtime that the web process can reach its database."""

import pytest
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
