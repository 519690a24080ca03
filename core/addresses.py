"""The address rule of every public address the site takes: a source's, its archived
copy's, a withdrawal's source's (the newsroom's form, the API, the admin, the importer's
checks beside it): an http(s) URL naming a host on the public internet, without
credentials or a character no URL holds. visits.review re-exports it."""

import ipaddress
import re
import socket
import urllib.parse

from django.utils.translation import gettext as _

from core.echo import echoed
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
