"""gunicorn's access log without the secrets an address may carry.

A password link (`/newsroom/password-reset/<uidb64>/<token>/`, newsroom/urls.py: mailed by
the reset form and printed by `create_account`) opens a password form for 3 days until
it is used (PASSWORD_RESET_TIMEOUT). Its GET, and the redirect to the same address with
its slash added, would be in the access log whole: whoever reads the log could set the
account's password. `RedactingLogger`, gunicorn's logger as docker/gunicorn.conf.py
names it (`logger_class`), writes the token as `[redacted]` in every field of the line
(the request line, the path, the referrer, any header or variable an access log format
names) and keeps the rest: `GET /newsroom/password-reset/MQ/[redacted]/ HTTP/1.1`. The
address Django sends the link on to, `.../MQ/set-password/`, holds no secret and is kept.

An API key is read from the `Authorization` header only, which the access log does not
show; a key a client sends in the query string all the same (`?api_key=...`, which the
site ignores or refuses) is redacted too, as are the values of the other parameters
SECRET_PARAMETERS names.

The client's address (`h`) is the one the site counts (client_address): behind the proxy
the README puts in front, gunicorn's peer is the proxy, 127.0.0.1 on every line.

This module imports gunicorn alone, not Django: gunicorn's master process loads it.
"""

from __future__ import annotations

import ipaddress
import re
from types import SimpleNamespace
from urllib.parse import unquote

from gunicorn.glogging import Logger

REDACTED = "[redacted]"

# The token of a password link, after its uidb64, under any prefix (/fr/newsroom/... is
# redirected to /newsroom/...); `set-password` is Django's next step, not a token.
_RESET_TOKEN = re.compile(
    r"(/password-reset/[^/?#\s\"]+/)(?!set-password(?:[/?#\s\"]|$))[^/?#\s\"]+", re.I
)
# Query parameters that carry a credential when a client puts one there (the site reads none).
SECRET_PARAMETERS = ("access_token", "api_key", "apikey", "key", "password", "secret", "token")
# After `?` in an address, at the start of a bare query string (gunicorn's `q`), or after
# another parameter.
_SECRET_PARAMETER = re.compile(rf"((?:^|[?&;])(?:{'|'.join(SECRET_PARAMETERS)})=)[^&;#\s\"]*", re.I)


def redact(text: str) -> str:
    """`text` (an address, a request line, a header) with the token of a password link and
    the values of SECRET_PARAMETERS replaced by REDACTED; anything else is left as it is.

    An address whose secret is percent-encoded (`password%2Dreset`, `%74oken=`) is redacted
    in its decoded form, as Django reads it."""
    if "%" not in text and "=" not in text and "password-reset/" not in text.lower():
        return text  # most fields: nothing to look for
    redacted = _redact_decoded(text)
    if redacted == text and "%" in text:
        decoded = unquote(text)
        redacted_decoded = _redact_decoded(decoded)
        if redacted_decoded != decoded:
            return redacted_decoded
    return redacted


def _redact_decoded(text: str) -> str:
    text = _RESET_TOKEN.sub(rf"\g<1>{REDACTED}", text)
    return _SECRET_PARAMETER.sub(rf"\g<1>{REDACTED}", text)


def client_address(environ: dict, trusted_peer: bool) -> str:
    """The client's address as the site counts it (core.auth.client_ip: behind
    ICCWATCH_API_NUM_PROXIES proxies, from X-Forwarded-For) when the peer is a proxy
    gunicorn trusts (`trusted_peer`: its forwarded_allow_ips, 127.0.0.1 and ::1 unless
    set); else the peer's own address, whatever X-Forwarded-For says: a client that
    reached gunicorn directly writes what it likes there. Django is read only here, in a
    worker that serves requests, which has loaded it; without it, the peer's."""
    peer = environ.get("REMOTE_ADDR", "") or "-"
    if not trusted_peer or not environ.get("HTTP_X_FORWARDED_FOR"):
        return peer
    try:
        from django.conf import settings

        if not settings.configured:
            return peer
        from core.auth import client_ip

        return client_ip(SimpleNamespace(META=environ)) or peer
    except Exception:  # noqa: BLE001 - a log line must never fail a request
        return peer


class RedactingLogger(Logger):
    """gunicorn's logger, whose access log lines hold no password link's token and no
    credential in a query string (see the module's docstring), and whose client address
    (`h`) is the one the site counts behind its proxy (client_address), not the proxy's
    127.0.0.1 on every line; the error log is gunicorn's."""

    def atoms(self, resp, req, environ, request_time):
        """gunicorn's atoms (the fields of an access log format), each redacted, `h` the
        client's address (client_address)."""
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if isinstance(value, str):
                atoms[name] = redact(value)
        atoms["h"] = client_address(environ, self._trusts(environ.get("REMOTE_ADDR", "")))
        return atoms

    def _trusts(self, peer: str) -> bool:
        """Whether gunicorn trusts `peer`'s forwarding headers (forwarded_allow_ips)."""
        allowed = self.cfg.forwarded_allow_ips
        if "*" in allowed:
            return True
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return not peer  # a UNIX socket has no address: gunicorn trusts it
        return any(address in network for network in self.cfg.forwarded_allow_networks())
