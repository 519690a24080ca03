"""A HEAD answer, as the WSGI server gets it, has the GET's headers and no body.

The test client takes a HEAD answer's body out itself (as `runserver` does), so these
requests go through Django's WSGI handler as gunicorn calls it: gunicorn logged a
warning for every HEAD answer that came with body bytes."""

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def through_wsgi(method: str, path: str, query: str = "") -> tuple[str, dict, bytes]:
    """(status line, headers, every body byte the application gave) for one request."""
    environ = RequestFactory()._base_environ(
        PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=method
    )
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = status, dict(headers)

    # As the test client does: the test's database connection must outlive the request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        result = WSGIHandler()(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return started["status"], started["headers"], body


@pytest.mark.parametrize(
    ("path", "query"),
    [("/", ""), ("/states/MNG/", ""), ("/api/v1/states/", ""), ("/incidents/feed/", "")],
)
def test_a_head_answer_has_the_headers_of_the_get_and_no_body(
    seeded, generous_rate_limits, path, query
):
    first_head = through_wsgi("HEAD", path, query)  # rendered
    status, headers, body = through_wsgi("GET", path, query)
    assert status.startswith("200") and body
    again = through_wsgi("HEAD", path, query)  # as the page cache replays it
    for head_status, head_headers, head_body in (first_head, again):
        assert head_status == status
        assert head_body == b""
        assert head_headers["Content-Length"] == headers["Content-Length"] == str(len(body))
        assert head_headers["ETag"] == headers["ETag"]
        assert head_headers["Content-Type"] == headers["Content-Type"]


def test_a_streamed_answer_to_head_streams_nothing(seeded, generous_rate_limits):
    status, headers, body = through_wsgi("GET", "/api/v1/visits/", "format=csv")
    assert status.startswith("200") and headers["Content-Type"].startswith("text/csv")
    assert body.count(b"\n") > 1
    head_status, head_headers, head_body = through_wsgi("HEAD", "/api/v1/visits/", "format=csv")
    assert head_status == status and head_body == b""
    assert head_headers["Content-Type"] == headers["Content-Type"]
    assert head_headers.get("Content-Length") == headers.get("Content-Length")
