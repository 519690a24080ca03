"""Who may do what through the API, and how often.

Roles are core.roles' groups: reporters, reviewers and admins (the group, or a superuser).
`is_staff` alone gives nothing here. The permission matrix (anything not listed is 405
Method Not Allowed, whoever asks):

| who                      | GET (public data) | POST /reports/ (and /visits/) | GET /reports/, /reports/{id}/ | GET /reports/queue/ | POST /reports/{id}/verify/, reject/, request-changes/ |
|--------------------------|-------------------|-------------------------------|-------------------------------|---------------------|-------------------------------------------------------|
| anonymous                | yes (anon rate)   | 401                           | 401                           | 401                 | 401                                                   |
| account in no group      | yes (user rate)   | 403                           | 403                           | 403                 | 403                                                   |
| reporter                 | yes               | 201 (or 409 duplicate)        | own reports; others' 404      | 403                 | 403                                                   |
| reviewer                 | yes               | 403                           | any but a colleague's draft   | 200                 | 200; 409 if not awaiting review; a draft's 404        |
| reporter + reviewer      | yes               | 201                           | own + any but others' drafts  | 200 (not own)       | 200; own report 403 `four_eyes`                       |
| admin                    | yes               | 201                           | own + any report              | 200 (not own)       | 200; own report 403 `four_eyes`                       |

POST /reports/withdrawals/ (proposing to withdraw a published visit) is a report's filing:
who may file one may file it, with the same answers. So is POST /reports/{id}/resubmit/
(answering a request for changes): a reporter's, on their own report sent back (another
reporter's report is a 404, as to GET; a reporter who is not its author, an admin say,
is refused by the service layer: 403; a report not sent back, 409).

The four-eyes rule (nobody reviews their own report) is the service layer's
(visits.review), so the API, the newsroom, the admin and a shell all refuse it; the API
answers it with 403 and the code `four_eyes`. Nothing filed through the API is public
until another person verifies it.
"""

import contextlib
import functools
import math
import time

from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ImproperlyConfigured
from django.db.models import OuterRef
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.settings import api_settings

from api.negotiation import FORMAT_REFUSAL
from core import roles
from core.auth import client_key, client_network
from core.cache import Hit, counters

NOT_A_REPORTER = (
    "Only reporters may file reports through the API: ask the iccwatch team to add your "
    "account to the reporters group."
)
NOT_A_REVIEWER = (
    "Only reviewers may review reports: ask the iccwatch team to add your account to the "
    "reviewers group."
)
NO_ROLE = (
    "Reports are for the newsroom's reporters and reviewers: ask the iccwatch team to add "
    "your account to the reporters or reviewers group."
)


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Bearer <key>` (what generated clients and most HTTP libraries send)
    or `Authorization: Token <key>` (DRF's scheme): the same key either way, the scheme's
    name in any case. A request without the header (or with an empty one) reads
    anonymously, through the next authenticator (the site's session), and so does one
    with HTTP `Basic` credentials, which are a proxy's (a staging site behind a password
    sends them with every request, the site's own scripts' calls to the API included),
    never an API key. One with a header the API cannot read, a key without a scheme,
    another scheme (`ApiKey`), or a `Bearer` or `Token` with a wrong key, is 401
    `authentication_failed`, never an anonymous read: no other authenticator of the
    project reads the header (the session is a cookie, the admin signs in with it, and
    the API has no browsable pages). The
    refusal names the schemes it takes, never the header's words (a key sent alone would
    be its "scheme"). A 401 challenges with both, the schema's first
    (`WWW-Authenticate: Bearer, Token`), and the schema declares the bearer scheme
    (TokenAuthenticationScheme): one list, SCHEMES, for the three."""

    SCHEMES = ("Bearer", "Token")
    KEYWORDS = tuple(scheme.lower().encode() for scheme in SCHEMES)
    UNREADABLE = (
        "The Authorization header names no scheme this API reads: send your key as "
        "`Authorization: Bearer <key>` (or `Token <key>`), or no Authorization header "
        "to read anonymously."
    )

    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() == b"basic":
            return None  # no API key: a proxy's password (see above), or nothing
        if words[0].lower() not in self.KEYWORDS:
            raise exceptions.AuthenticationFailed(self.UNREADABLE)
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                "Send one key after the scheme: `Authorization: Bearer <key>` (or `Token <key>`)."
            )
        try:
            key = words[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("The key must be ASCII.") from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key):
        """The key's (user, token), its user's role names read in the same query (the
        groups core.roles asks about: the filing POST stays within its 8 queries, issue
        "report to verdict"). An unknown key or an inactive user is refused by DRF's own
        check, in its words (AuthenticationFailed, a 401)."""
        token = (
            self.get_model()
            .objects.select_related("user")
            .annotate(
                role_names=ArraySubquery(
                    Group.objects.filter(user=OuterRef("user_id")).values("name")
                )
            )
            .filter(key=key)
            .first()
        )
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)
        roles.remember_groups(token.user, token.role_names)
        return (token.user, token)

    def authenticate_header(self, request):
        """The 401's challenge: every scheme accepted, the one the schema declares first
        (`Bearer, Token`; DRF's own says `Token` alone)."""
        return ", ".join(self.SCHEMES)


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """The schema's description of TokenAuthentication: HTTP bearer, which generated
    clients send by default (openapi-python-client's AuthenticatedClient: `Bearer`), the
    first scheme of its 401 challenge; the description names the other one it accepts."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        first, *others = TokenAuthentication.SCHEMES
        also = ", ".join(f"`{scheme} <key>`" for scheme in others)
        return {
            "type": "http",
            "scheme": first.lower(),
            "description": f"An account's API key in `Authorization: {first} <key>` ({also} "
            "works too). Without the header a request reads anonymously (at the anonymous rate); "
            "with a wrong key, or a header of another scheme (a key alone, `ApiKey`), it is "
            "`401 authentication_failed`, never anonymous; HTTP `Basic` credentials (a proxy's "
            "password) read as no key. A request that "
            f"needs an account and has none is `401` with `WWW-Authenticate: "
            f"{', '.join(TokenAuthentication.SCHEMES)}`.",
        }


class ReadOnlyUnlessReporter(permissions.BasePermission):
    """Everyone may read; only reporters (and admins) may use the view's POST."""

    message = NOT_A_REPORTER

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method not in view.allowed_methods:
            return True  # let the view answer 405 Method Not Allowed, whoever asks
        return roles.may_report(request.user)


class ReportAccess(permissions.BasePermission):
    """/reports/: reporters file and read their own; reviewers read any but a colleague's
    draft, and review (the module's matrix; visits.review.readable_reports)."""

    REVIEWER_ACTIONS = {"queue", "verify", "reject", "request_changes"}

    def has_permission(self, request, view):
        if request.method not in view.allowed_methods:
            return True  # 405, whoever asks
        user = request.user
        if not (user and user.is_authenticated):
            return False  # 401 with WWW-Authenticate
        if view.action in ("create", "withdrawals", "resubmit"):
            self.message = NOT_A_REPORTER
            return roles.may_report(user)
        if view.action in self.REVIEWER_ACTIONS:
            self.message = NOT_A_REVIEWER
            return roles.may_review(user)
        self.message = NO_ROLE
        return roles.may_report(user) or roles.may_review(user)


@functools.lru_cache(maxsize=32)
def _parse_rate(rate: str) -> tuple[int, int]:
    """'60/min' -> (60, 60): DRF's parser (it reads nothing from the throttle it is given)."""
    return throttling.SimpleRateThrottle.parse_rate(None, rate)


class RateLimitHeadersMiddleware:
    """Tells an API client where it stands against the rate limit that binds it, on every
    answer the limits counted (a 429 included, and an answer the page cache replayed; not
    a 401, 403, 405 or 406, answered before the limits are checked):
    `RateLimit-Limit` (requests per period), `RateLimit-Remaining` (still allowed now) and
    `RateLimit-Reset` (whole seconds until the oldest request counted leaves the period;
    over the limit, until one more is allowed), the fields of the IETF
    HTTPAPI working group's RateLimit header draft in its widely used first form. First
    in MIDDLEWARE, so that the page cache never stores them with a page (each answer
    carries the client's own). Answers nothing counted (the site's pages) carry none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        hit = getattr(request, "rate_limit", None)
        if hit is not None:
            response["RateLimit-Limit"] = str(hit.limit)
            response["RateLimit-Remaining"] = str(hit.remaining)
            response["RateLimit-Reset"] = str(math.ceil(hit.reset))
        return response


class RateLimits(throttling.BaseThrottle):
    """The API's two rate limits, checked and counted together in one round trip to Redis.

    - `anon`: anonymous readers, by address (ICCWATCH_API_ANON_RATE, 60/min by default);
    - `user`: every reader, by account when signed in (a token or a session), by address
      otherwise (ICCWATCH_API_USER_RATE, 600/min by default);
    - `network`: anonymous IPv6 readers, by /48 (core.auth.client_network;
      ICCWATCH_API_ANON_NETWORK_RATE, 600/min by default, ten clients' `anon`): one holder
      of a /48 has 65,536 /64s, each with an `anon` log of its own. Not checked when the
      rates name no `network` scope.

    "By address" is by `get_ident`: core.auth.client_key, an IPv6 client's whole /64.

    The same limits as DRF's `AnonRateThrottle` and `UserRateThrottle` (a sliding log of
    the requests within each rate's period; a refused request is not counted; the
    Retry-After is DRF's `wait`), kept in core.cache.counters: Redis, shared by every web
    process, or this process's memory while Redis does not answer. The rates are read
    from the settings on each request, so tests and operators can change them.
    """

    cache_format = "throttle_log_%(scope)s_%(ident)s"
    timer = time.time

    def get_ident(self, request) -> str:
        """The client: core.auth.client_key, the key the downloads' slots, the sign-in
        lockout and the password reset's limits count too (an IPv4 address, an IPv6
        client's /64; an unreadable forwarded address is the peer's)."""
        return client_key(request)

    def allow_request(self, request, view) -> bool:
        """Whether the request is within the limits (counted once). Within them, a read
        whose `?format=` the endpoint does not have is refused here, once counted: the
        InvalidFilter (400) content negotiation kept on it (api.negotiation), so that an
        unknown format costs a client's requests as any other 400 does."""
        # A request is counted once: the early page cache (core.pagecache) may have
        # counted it already, before the view checks it again.
        http_request = getattr(request, "_request", request)
        counted = getattr(http_request, "_rate_limits_counted", None)
        if counted is not None:
            allowed, self._wait = counted
        else:
            allowed = self._count(request)
            with contextlib.suppress(AttributeError):
                http_request._rate_limits_counted = (allowed, self._wait)
                # For the answer's RateLimit headers (RateLimitHeadersMiddleware).
                http_request.rate_limit = self._tightest
        refusal = getattr(request, FORMAT_REFUSAL, None)
        if allowed and refusal is not None:
            raise refusal
        return allowed

    def _count(self, request) -> bool:
        rates = api_settings.DEFAULT_THROTTLE_RATES
        user = request.user
        signed_in = bool(user and user.is_authenticated)
        address = None
        logs = []
        for scope in ("anon", "user"):
            if scope not in rates:  # as DRF's SimpleRateThrottle.get_rate
                raise ImproperlyConfigured(f"No default throttle rate set for {scope!r} scope")
            rate = rates[scope]
            if rate is None or (scope == "anon" and signed_in):
                continue
            if signed_in:
                ident = user.pk
            else:
                address = address or self.get_ident(request)
                ident = address
            limit, period = _parse_rate(rate)
            logs.append((self.cache_format % {"scope": scope, "ident": ident}, limit, period))
        network = None if signed_in or not rates.get("network") else client_network(request)
        if network is not None:
            limit, period = _parse_rate(rates["network"])
            logs.append((self.cache_format % {"scope": "network", "ident": network}, limit, period))
        hits = counters.hit(logs, self.timer())
        refused = [hit for hit in hits if not hit.allowed]
        waits = [hit.wait for hit in refused if hit.wait is not None]
        self._wait = max(waits) if waits else None
        # The limit that binds this client now: the fewest requests left, then the longest
        # until one more is allowed.
        self._tightest = min(hits, key=lambda hit: (hit.remaining, -hit.reset), default=None)
        return not refused

    _tightest: Hit | None = None

    def wait(self) -> float | None:
        """Seconds until a request may succeed (the longest of the refusing limits')."""
        return getattr(self, "_wait", None)
