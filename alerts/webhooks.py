"""Signed webhook requests, sent only to public https addresses.

A request carries the JSON body and two headers:

- ``X-Iccwatch-Timestamp``: Unix seconds when it was signed;
- ``X-Iccwatch-Signature``: ``sha256=`` and the hex HMAC-SHA256, keyed with the
  subscription's secret, of ``timestamp + "." + body``.

The receiver recomputes it (see `verify`) and rejects old timestamps (replays).

The URL's host must be on the public internet by a source's address rule
(core.addresses.is_public_address: no name only a network knows, such as
`printer.local` or `metadata.google.internal`); the host name is resolved once, every
address is checked (no private, loopback, link-local, multicast or reserved targets, so
that a webhook cannot reach the servers behind the site), and the connection goes to
the checked address, so a second DNS answer cannot point it elsewhere. Loopback is allowed only when
ICCWATCH_WEBHOOK_ALLOW_LOOPBACK is on (local development and tests; refused in
production), and plain http only to loopback then (a receiver on the developer's own
machine, or a test's): every other address is https, so that what goes out, a
subscriber's signed alert, is read by its receiver alone. Redirects are not followed.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from core.addresses import is_public_address
from core.models import character_no_url_holds, shown_character

SIGNATURE_HEADER = "X-Iccwatch-Signature"
TIMESTAMP_HEADER = "X-Iccwatch-Timestamp"
USER_AGENT = "iccwatch-alerts/1"


class UnsafeTarget(ValueError):
    """The URL is not http(s), or its host resolves to an address the site must not call."""


class NotPublic(UnsafeTarget):
    """The URL's host is not on the public internet (core.addresses.is_public_address, the
    rule of a source's address): a private, loopback, link-local, multicast or reserved
    address, or a name only a network knows (`printer.local`, `router.home.arpa`,
    `metadata.google.internal`, `localhost`, a name without a dot such as `intranet`)."""


class PlainHttp(UnsafeTarget):
    """The URL is plain http to an address other than this machine's loopback (where
    ICCWATCH_WEBHOOK_ALLOW_LOOPBACK allows it): webhooks go over https."""


def body_of(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, *, tolerance: int = 300
) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    try:
        fresh = abs(time.time() - int(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    if address.is_loopback:
        return bool(settings.ICCWATCH_WEBHOOK_ALLOW_LOOPBACK)
    return address.is_global and not (
        address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def check_url(url: str) -> None:
    """Raise UnsafeTarget unless `url` is https with a host, no user name or password and
    no character a URL may not hold (core.models.character_no_url_holds), and its host is
    on the public internet as a source's must be (core.addresses.is_public_address): not
    a literal private, loopback or reserved address, nor a name only a network knows
    (`localhost`, a name without a dot, names under `.local`, `.home.arpa`, `.internal`):
    NotPublic (an UnsafeTarget) for those. No DNS (for forms: `resolve` checks what the
    name resolves to). Where ICCWATCH_WEBHOOK_ALLOW_LOOPBACK is on (local development and
    tests, never production: iccwatch.settings), loopback (`localhost`, 127.0.0.1, ::1) is
    allowed, and plain http to it only: PlainHttp (an UnsafeTarget) for any other http
    URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget("only https URLs are allowed")
    if parts.username or parts.password:
        raise UnsafeTarget("the URL must not carry a user name or password")
    if (char := character_no_url_holds(url)) is not None:
        raise UnsafeTarget(f"the URL contains {shown_character(char)}, which no URL may hold")
    host = parts.hostname.lower()
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        if not _allowed(literal):
            raise NotPublic("private, loopback and reserved addresses are not allowed")
    elif host == "localhost" and settings.ICCWATCH_WEBHOOK_ALLOW_LOOPBACK:
        pass  # this machine, in development and tests
    elif not is_public_address(url):
        # A name only a network knows, or an IPv4 address written as browsers also read
        # it (127.1): no name is looked up here.
        raise NotPublic(f"{host} is not a public address (a name known only inside a network?)")
    # Here a loopback host is one ICCWATCH_WEBHOOK_ALLOW_LOOPBACK allowed.
    loopback = host == "localhost" or (literal is not None and _loopback(literal))
    if parts.scheme == "http" and not loopback:
        raise PlainHttp("only https URLs are allowed (plain http only to this machine's loopback)")


def _loopback(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (getattr(address, "ipv4_mapped", None) or address).is_loopback


def resolve(url: str) -> str:
    """The checked address to connect to for `url` (raises UnsafeTarget)."""
    check_url(url)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeTarget(f"cannot resolve {parts.hostname}: {exc}") from exc
    addresses = {info[4][0] for info in infos}
    for address in addresses:
        if not _allowed(ipaddress.ip_address(address.split("%")[0])):
            raise UnsafeTarget(f"{parts.hostname} resolves to a non-public address ({address})")
    return sorted(addresses)[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass
class Response:
    status: int
    body: str


def post(url: str, secret: str, payload: dict, *, delivery_id: int | None = None) -> Response:
    """POST the signed payload; returns the status (any), raises UnsafeTarget or OSError."""
    address = resolve(url)
    parts = urlsplit(url)
    body = body_of(payload)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
    if delivery_id is not None:
        headers["X-Iccwatch-Delivery"] = str(delivery_id)
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    conn = kind(parts.hostname, address, port=parts.port, timeout=settings.ICCWATCH_WEBHOOK_TIMEOUT)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read(2000).decode("utf-8", "replace")
        return Response(response.status, text)
    finally:
        conn.close()
