"""Signing in: the lockout of repeated failures, the admins' permissions and the second factor.

- `LockoutBackend` (django-axes) comes first in AUTHENTICATION_BACKENDS: once a username
  has failed ICCWATCH_LOGIN_FAILURE_LIMIT times from one address (one client:
  `client_key`, an IPv6 client's whole /64), every sign-in form (the admin's and the
  newsroom's, which all call django.contrib.auth.authenticate with the request) refuses
  it, even with the right password, until the cool-off has passed. An address that has
  failed to sign in as ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT different usernames
  (password spraying: a few guesses at each of many accounts) is refused for every
  username the same way (`address_locked`); one person retrying their own account,
  however often, never locks out their colleagues at that address. An IPv6 client's /48
  is counted too, with higher limits (`network_lock`): one holder of a /48 has 65,536 /64s.
- `AdminsBackend` gives the members of the admins group (core.roles) every model
  permission, as a superuser has: the admin site is theirs, and theirs alone
  (core.adminsite).
- `client_ip(request)`, `client_key(request)`: the client's address, and the key every
  per-client limit of the project counts it by (an IPv6 client by its /64).
- `second_factor_pending(user)`: the user enrolled a TOTP device (django-otp) but has not
  yet given a code in this session; staff pages then ask for one (accounts.middleware).
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_credentials
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.db.models import Count, GenericIPAddressField, Lookup, Q, Sum
from django.utils import timezone

from core import roles


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for every authenticate() call that comes with a request.

    Every sign-in form passes the request. A call without one (the test client's
    login(), a shell) has no address to count failures against: it is not checked here
    (the next backend still checks the password) instead of failing with an error.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        lock = network_lock(request, username)
        if lock is not None:
            # The same answer for a lock of the client's whole /48 (network_lock).
            request.axes_locked_out = True
            request.axes_credentials = get_credentials(username=username)
            request.iccwatch_network_lock = lock
            raise AxesBackendPermissionDenied("too many failed sign-ins from this network")
        if address_locked(request):
            # As axes does for a locked username: the middleware answers with the lockout
            # page (429), and authenticate() reports the attempt as failed (axes logs it,
            # which keeps the address's cool-off running).
            request.axes_locked_out = True
            request.axes_credentials = get_credentials(username=username)
            # The lockout page tells which lock, after how many failures.
            request.iccwatch_address_lock = settings.ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT
            raise AxesBackendPermissionDenied("too many failed sign-ins from this address")
        return super().authenticate(request, username=username, password=password, **kwargs)


def address_locked(request) -> bool:
    """Whether the request's client (`client_key`: its address, an IPv6 one's /64) has
    failed to sign in as at least ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT different
    usernames within the cool-off: axes' own attempt log (AccessAttempt, one row per
    username, address and browser, counted while its last failure is within
    AXES_COOLOFF_TIME), read in one query. Usernames, not failures: a colleague's thirty
    retries at one locked account are one username, while a sprayer's few guesses at each
    of many accounts are many. A success clears only that username's rows
    (AXES_RESET_ON_SUCCESS), so an address cannot wash its count by signing in to an
    account of its own between guesses at others'."""
    usernames = (
        AccessAttempt.objects.filter(
            ip_address=client_key(request),
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        )
        .values("username")
        .distinct()
        .count()
    )
    return usernames >= settings.ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT


@GenericIPAddressField.register_lookup
class WithinNetwork(Lookup):
    """`ip_address__within="2001:db8:1::/48"`: the address lies in that network
    (PostgreSQL's inet operator `<<=`). The network is given as text, as
    ipaddress.IPv6Network writes it; it is passed as a parameter, never into the SQL."""

    lookup_name = "within"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} <<= ({rhs})::inet", (*lhs_params, *rhs_params)


def client_network(request) -> str | None:
    """The IPv6 network of `IPV6_NETWORK_PREFIX` bits (a /48) the request's client lies in,
    as text ('2001:db8:1::/48'); None for an IPv4 client (or one carried in IPv6:
    client_key gives its IPv4 address) and for a request without an address."""
    try:
        key = ipaddress.ip_address(client_key(request))
    except ValueError:
        return None
    if key.version != 6:
        return None
    return str(ipaddress.IPv6Network((int(key), IPV6_NETWORK_PREFIX), strict=False))


class Lock(NamedTuple):
    """A lock of a whole network (network_lock): `kind` "username" (one account, after
    `limit` failures) or "usernames" (every account, after `limit` usernames failed)."""

    kind: str
    limit: int


def network_lock(request, username: str | None) -> Lock | None:
    """Whether sign-ins from the request's client's /48 (`client_network`) are refused:
    `Lock("username", limit)` once `username` has failed ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT
    times from addresses of that /48, `Lock("usernames", limit)` once sign-ins as
    ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT different usernames have failed from it; None
    otherwise, and always for an IPv4 client. Counted, as `address_locked` counts, in axes'
    attempt log within the cool-off (AXES_COOLOFF_TIME), in one query.

    Why: the lockout and `address_locked` count an IPv6 client by its /64, but one holder
    of a /48 (what a tunnel broker hands out, or a provider to a customer) has 65,536 of
    them, each with a fresh count: 5 guesses at a password became 327,680. Counting the
    /48 as well caps that at ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT per username, at the cost
    that colleagues sharing a /48 share this higher limit."""
    network = client_network(request)
    if network is None:
        return None
    recent = AccessAttempt.objects.filter(
        ip_address__within=network,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    ).aggregate(
        failures=Sum("failures_since_start", filter=Q(username=username or "")),
        usernames=Count("username", distinct=True),
    )
    if (recent["failures"] or 0) >= settings.ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT:
        return Lock("username", settings.ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT)
    if recent["usernames"] >= settings.ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT:
        return Lock("usernames", settings.ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT)
    return None


class AdminsBackend(BaseBackend):
    """Admins (the admins group or a superuser) hold every permission; nobody else gains any."""

    def has_perm(self, user_obj, perm, obj=None):
        return roles.is_admin(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return roles.is_admin(user_obj)


def client_ip(request) -> str:
    """The client's address, which `client_key` turns into the key of every per-client
    limit (the API's throttles, the downloads' slots, the sign-in lockout, the password
    reset's limits): the peer, or behind ICCWATCH_API_NUM_PROXIES reverse proxies the Nth
    address from the right of X-Forwarded-For (what the nearest trusted proxy saw). An
    address there that is not an IPv4 or IPv6 address ('198.51.100.926', a name) counts
    as absent: the peer's is used, as without the header, so that nothing downstream
    (axes writes it to a GenericIPAddressField) fails on it. Returns a str, '' when the
    request has none."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies is None or not forwarded:
        return remote
    if proxies == 0:
        return remote
    addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
    if not addresses:
        return remote
    address = _without_port(addresses[-min(proxies, len(addresses))])
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return remote


# An address with the port a proxy saw it from: '203.0.113.7:5678', '[2001:db8::1]:5678'.
_WITH_PORT = re.compile(r"^\[(?P<v6>[^\]]+)\](?::\d+)?$|^(?P<v4>[0-9.]+):\d+$")


def _without_port(address: str) -> str:
    """`address` without the port some proxies append in X-Forwarded-For ('1.2.3.4:5678'
    -> '1.2.3.4', '[2001:db8::1]:443' -> '2001:db8::1'); any other text unchanged. Without
    this, every client behind such a proxy fell back to the proxy's own address: one key
    for all of them."""
    match = _WITH_PORT.match(address)
    if match is None:
        return address
    return match.group("v6") or match.group("v4")


# How much of an IPv6 address one client holds: a /64, the least a provider gives a
# home or a server (RFC 6177), in which it may pick any address for each request.
IPV6_CLIENT_PREFIX = 64
# The network one holder of many /64s usually has (a provider's customer, a tunnel
# broker's user: RFC 6177): the sign-in lockout counts it too (network_lock).
IPV6_NETWORK_PREFIX = 48
# NAT64's well-known prefix (RFC 6052): an IPv4 client translated, its address the last 32 bits.
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


def _ipv4_inside(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address of the client an IPv6 address stands for, when it is one written
    in IPv6 (`::ffff:1.2.3.4`) or carried through a translation (6to4, Teredo's client,
    NAT64's well-known prefix); None otherwise."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def client_key(request) -> str:
    """The key every per-client limit counts a client by: the API's rate limits, the
    downloads' slots (core.exports), the password reset's requests per client and the
    sign-in lockout (django-axes' AXES_CLIENT_IP_CALLABLE, and `address_locked`).

    From `client_ip`: an IPv4 address is itself ('203.0.113.7'); an IPv6 address is its
    /64 network, written as that network's first address ('2001:db8:1:2:aaaa::1' ->
    '2001:db8:1:2::'), since a client usually holds a whole /64 and could take a fresh
    count with each of its addresses; an IPv4 address written in IPv6 ('::ffff:1.2.3.4')
    is the IPv4 address ('1.2.3.4'), and so is an IPv4 client's address carried through
    6to4 ('2002:c000:204:…' -> '192.0.2.4': its /48 would be 65,536 /64s), Teredo (the
    client's, not the Teredo server's shared /64) or NAT64's well-known prefix
    ('64:ff9b::c000:221' -> '192.0.2.33': not one /64 for every IPv4 client of the
    translator). Always an IP address (axes stores it in a GenericIPAddressField), or the
    peer's value unchanged when it is none ('' without one)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        ipv4 = _ipv4_inside(parsed)
        if ipv4 is not None:
            return str(ipv4)
        # From the integer: a zone ('fe80::1%eth0') names no other network.
        network = ipaddress.IPv6Network((int(parsed), IPV6_CLIENT_PREFIX), strict=False)
        return str(network.network_address)
    return str(parsed)


def second_factor_pending(user) -> bool:
    """Signed in with a password, enrolled for a second factor, and no code given yet."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)
