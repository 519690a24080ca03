"""The address rule of every public address the site takes: a source's, its archived
copy's, a withdrawal's source's (the newsroom's form, the API, the admin, the importer's
checks beside it): an http(s) URL naming a host on the public internet, without
credentials or a character no URL holds. visits.review re-exports it. And what two
addresses of one document share (`cleaned_address`, `address_key`): a source cited twice,
once with a newsletter's tracking parameters, is one source."""

import ipaddress
import re
import socket
import urllib.parse

from django.utils.translation import gettext as _

from core.echo import echoed
from core.locale import is_tracking_parameter
from core.models import carries_credentials, url_character_refusal

# Names that exist only inside a network, by standard: loopback (RFC 6761), multicast DNS
# on the local link (RFC 6762), home networks (RFC 8375) and private use (ICANN, 2024).
PRIVATE_NAME_SUFFIXES = ("localhost", "local", "home.arpa", "internal")

# A host whose last label is a number (decimal, or hexadecimal after 0x): an IPv4 address
# to a browser (the URL Standard's "ends in a number"), never a name.
_ENDS_IN_A_NUMBER = re.compile(r"(?:^|\.)(?:[0-9]+|0x[0-9a-f]*)$")


def is_public_address(url: str) -> bool:
    """Whether `url` (http or https) names a host on the public internet, read from the URL
    alone (no name is looked up): not a private, loopback, link-local, multicast or
    reserved IP address (an IPv4 address embedded in IPv6, such as NAT64's
    64:ff9b::7f00:1, included, and one written as browsers also read it, such as
    127.1 or 0177.0.0.1), not a name without a dot nor one under a suffix that
    names a private network (`PRIVATE_NAME_SUFFIXES`: `localhost`, `printer.local`,
    `router.home.arpa`, `wiki.internal`). A source is a public document that a reader
    opens from the page; an address inside someone's network is none."""
    host = (urllib.parse.urlsplit(url).hostname or "").rstrip(".").lower()
    if not host or "." not in host and ":" not in host:
        return False
    if any(host == suffix or host.endswith("." + suffix) for suffix in PRIVATE_NAME_SUFFIXES):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not _ENDS_IN_A_NUMBER.search(host):
            return True
        # A browser reads a name whose last label is a number as an IPv4 address, in the
        # shorthand forms `ipaddress` refuses ("127.1", "0177.0.0.1", "0x7f.0.0.1"), as
        # inet_aton does; one it cannot read is no address a reader can open.
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return False
    return address.is_global and not (address.is_reserved or address.is_multicast)


def address_refusal(url) -> str | None:
    """Why a source's address, or its archived copy's, cannot be cited, in the reader's
    language; None when it can: an http(s) URL (`is_public_address`; a name without a
    dot, such as `intranet`, is said as such) without a user name or password in it,
    which the public page would show to every reader, nor a character no URL holds
    (`core.models.url_character_refusal`: `"`, `<`, a control character, a space, said
    with where it is...), which would be published as typed to every data user."""
    url = str(url)
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises ValueError)
    except ValueError:
        parts = None
    if parts is None or not url.startswith(("http://", "https://")):
        return _("%(value)r is not an http(s) URL.") % {"value": echoed(url)}
    if refused := url_character_refusal(url):
        return refused
    if not is_public_address(url):
        host = (parts.hostname or "").rstrip(".")
        if host and "." not in host and ":" not in host:
            # `intranet`, `wiki`: a name that only a network's own DNS knows.
            return _(
                "%(value)r is not a public address: %(host)r, a name without a dot, is known "
                "only inside a network; a source must be a public web address, one anyone "
                "can read."
            ) % {"value": echoed(url), "host": echoed(host)}
        return _("%(value)r is not a public address: a source must be one anyone can read.") % {
            "value": echoed(url)
        }
    if carries_credentials(url):
        return _(
            "%(value)r carries a user name or password: cite the address without them, "
            "as every reader opens it."
        ) % {"value": echoed(url)}
    return None


def typed_address_refusal(url: str) -> str | None:
    """Why an address that Django's URL check refuses (the newsroom's and the API's URL
    fields: "Enter a valid URL.") cannot be cited, in the project's words, when the
    address rule can say it (`address_refusal`): a space, or another character no URL
    holds, after the host (an address pasted from a PDF: where it is, and what to write
    instead); a host without a dot (`http://intranet/x`). None when it cannot (a host
    that is no name, such as `not an address` read as `https://not an address`): the
    field's own message then stands. `url` as the field read it (its scheme added when
    typed without one)."""
    try:
        host = urllib.parse.urlsplit(url).netloc
    except ValueError:
        return None
    if not host or any(char.isspace() for char in host):
        return None
    return address_refusal(url)


def cleaned_address(url: str) -> str:
    """`url` as a source is stored and shown: without its fragment (`#top`) and without the
    tracking parameters a shared link carries for whoever shared it (`utm_*`, `fbclid`,
    `gclid`…: core.locale.is_tracking_parameter, the list the site's own lists ignore),
    which no reader needs and which would publish who shared it. The rest of the address
    is kept as written, character for character (the other parameters in their order,
    the host's case: the address rule reads it as typed). A text urllib cannot read, or
    without anything to drop, is returned unchanged."""
    if not isinstance(url, str) or ("#" not in url and "?" not in url):
        return url
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return url
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and not is_tracking_parameter(urllib.parse.unquote_plus(pair.split("=")[0]))
    ]
    query = "&".join(kept)
    if query == parts.query and not parts.fragment and not url.endswith("#"):
        return url
    return urllib.parse.urlunsplit(parts._replace(query=query, fragment=""))


def address_key(url: str) -> str:
    """What two addresses of the same document share, to tell that a source is cited
    already (visits.review.resolve_citations, the newsroom's sources, a visit's own):
    `cleaned_address` (no fragment, no tracking parameter), the scheme left out (http and
    https name one document), the host in lower case without a trailing dot, and an empty
    path read as "/". "https://www.gazeta.uz/en/a/?utm_source=telegram#top" and
    "http://WWW.gazeta.uz/en/a/" share one key. A text urllib cannot read is its own key."""
    cleaned = cleaned_address(url)
    if not isinstance(cleaned, str):
        return cleaned
    try:
        parts = urllib.parse.urlsplit(cleaned)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return cleaned
    if parts.scheme.lower() not in ("http", "https"):
        return cleaned
    default = port is None or port == {"http": 80, "https": 443}[parts.scheme.lower()]
    netloc = host if default else f"{host}:{port}"
    if "@" in parts.netloc:
        netloc = parts.netloc.rpartition("@")[0] + "@" + netloc
    return urllib.parse.urlunsplit(("", netloc, parts.path or "/", parts.query, ""))
