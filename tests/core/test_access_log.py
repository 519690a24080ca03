"""gunicorn's access log holds no password link's token (core/accesslog.py).

A password link opens a password form for 3 days until used; with gunicorn's own logger
its GET was in the access log whole. The logger class docker/gunicorn.conf.py names
writes the token `[redacted]` and keeps the rest of the line.
"""

import datetime
import types

import pytest
from django.urls import reverse
from gunicorn.config import Config

from core.accesslog import REDACTED, RedactingLogger, redact

TOKEN = "cz8k2a-6f1e0b2c9d8e7f6a5b4c"


def reset_link(uidb64: str = "MQ", token: str = TOKEN) -> str:
    return reverse("newsroom:password-reset-confirm", kwargs={"uidb64": uidb64, "token": token})


def access_line(
    tmp_path,
    path: str,
    query: str = "",
    referer: str = "-",
    status="302 Found",
    peer: str = "203.0.113.7",
    forwarded_for: str = "",
):
    """The line RedactingLogger writes for a GET of `path` (gunicorn's default format)."""
    log_file = tmp_path / "access.log"
    cfg = Config()
    cfg.set("accesslog", str(log_file))
    logger = RedactingLogger(cfg)
    raw_uri = f"{path}?{query}" if query else path
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": peer,
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Mail/1.0",
    }
    if forwarded_for:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded_for
    request = types.SimpleNamespace(
        headers=[("HOST", "iccwatch.example.org"), ("REFERER", referer)]
    )
    response = types.SimpleNamespace(
        status=status, sent=0, headers=[("Location", "/newsroom/password-reset/MQ/set-password/")]
    )
    try:
        logger.access(response, request, environ, datetime.timedelta(milliseconds=12))
    finally:
        for handler in list(logger.access_log.handlers):
            logger.access_log.removeHandler(handler)
            handler.close()
    (line,) = log_file.read_text().splitlines()
    return line


def test_the_access_line_of_a_password_link_holds_no_token_but_keeps_the_rest(tmp_path):
    link = reset_link()
    assert link == f"/newsroom/password-reset/MQ/{TOKEN}/"  # the address mailed
    line = access_line(tmp_path, link, referer=f"https://mail.example.org{link}")
    assert TOKEN not in line
    assert line.startswith("203.0.113.7 - - [")
    assert line.endswith(
        '"GET /newsroom/password-reset/MQ/[redacted]/ HTTP/1.1" 302 0 '
        '"https://mail.example.org/newsroom/password-reset/MQ/[redacted]/" "Mail/1.0"'
    )


@pytest.mark.parametrize(
    "path",
    [
        f"/newsroom/password-reset/MQ/{TOKEN}",  # before its slash is added
        f"/fr/newsroom/password-reset/MQ/{TOKEN}/",  # French, redirected to the newsroom
        f"/newsroom/password%2Dreset/MQ/{TOKEN}/",  # percent-encoded, as Django decodes it
        f"/newsroom/Password-Reset/MQ/{TOKEN}/",
    ],
)
def test_every_form_of_a_password_link_is_redacted(tmp_path, path):
    line = access_line(tmp_path, path)
    assert TOKEN not in line and f"/MQ/{REDACTED}" in line


def test_a_credential_in_the_query_string_is_redacted(tmp_path):
    line = access_line(tmp_path, "/api/v1/visits/", query="api_key=s3cr3t-key&host=MNG")
    assert "s3cr3t-key" not in line
    assert '"GET /api/v1/visits/?api_key=[redacted]&host=MNG HTTP/1.1"' in line


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("api_key=s3cr3t&host=MNG", "api_key=[redacted]&host=MNG"),  # gunicorn's `q`
        ("/visits/?host=MNG&Token=s3cr3t", "/visits/?host=MNG&Token=[redacted]"),
        ("/visits/?%74oken=s3cr3t", "/visits/?token=[redacted]"),  # as Django decodes it
        ("/visits/?monkey=1&keys=2", "/visits/?monkey=1&keys=2"),
    ],
)
def test_the_credential_parameters_are_redacted_and_no_other(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "/newsroom/password-reset/MQ/set-password/",  # Django's next step: no secret
        "/newsroom/password-reset/",
        "/newsroom/password-reset/sent/",
        "/newsroom/password-reset/done/",
        "/visits/?host=MNG&sort=-start",
        "/states/MNG/?monkey=1",
        "Mozilla/5.0 (X11; Linux x86_64) 100%",
    ],
)
def test_addresses_without_a_secret_are_logged_as_they_are(text):
    assert redact(text) == text


def test_behind_the_proxy_the_access_log_shows_the_client_the_site_counts(tmp_path, settings):
    """Behind one proxy (ICCWATCH_API_NUM_PROXIES=1), gunicorn's peer is the proxy: the line
    shows the address the proxy appended to X-Forwarded-For, the one every per-client limit
    counts, not 127.0.0.1 on every request; whatever a client wrote before it is not read."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    line = access_line(
        tmp_path, "/", status="200 OK", peer="127.0.0.1", forwarded_for="10.9.9.9, 198.51.100.23"
    )
    assert line.startswith("198.51.100.23 - - [")


def test_a_client_that_reaches_gunicorn_directly_is_logged_by_its_own_address(tmp_path, settings):
    """A peer that is no proxy gunicorn trusts (forwarded_allow_ips: 127.0.0.1 and ::1 by
    default) writes what it likes in X-Forwarded-For: the line shows the peer."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    line = access_line(
        tmp_path, "/", status="200 OK", peer="192.0.2.44", forwarded_for="198.51.100.23"
    )
    assert line.startswith("192.0.2.44 - - [")
