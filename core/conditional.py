"""Conditional GETs and HEADs (RFC 9110, section 13): `304 Not Modified`, or `412
Precondition Failed`, for the site and the API alike.

Django's ConditionalGetMiddleware, which this replaces, refused two kinds of reads the
RFC accepts, and answered the API's refusals out of its shape:

- `If-Unmodified-Since` was a 412 on every answer without a `Last-Modified` (every API
  answer, most pages): the RFC says to ignore it then (13.1.4: "A recipient MUST ignore
  the If-Unmodified-Since header field if the resource does not have a modification
  date available"). It is evaluated only against a `Last-Modified` the answer has (the
  feeds'), and only without an `If-Match` (13.2.2).
- `If-Match` was read only on an answer with an `ETag`, so a CSV streamed without one
  (a site run without Redis) answered 200 to `If-Match: "nope"`. It is evaluated on
  every successful GET and HEAD as 13.1.1 says: `*` matches the current representation
  (any 2xx answer, with an `ETag` or not); a list of entity tags matches only the
  answer's strong `ETag`, so an answer without one (or with a weak one) matches none of
  them, and a failed `If-Match` is a 412 even where an `If-None-Match` would have given
  a 304 (13.2.2, step 1 before step 3).
- The 412 under /api/ is the API's error, `{"error": {"code": "precondition_failed",
  ...}}` in JSON (`Content-Language: en`, the answer's `Vary` and `ETag` kept), not an
  empty HTML page; elsewhere it is an empty answer, as Django's.

The RFC leaves no room to ignore `If-Match` on a GET (13.2.1: only methods that select
no representation, such as OPTIONS, may), so the API's schema declares the 412 on every
GET (api.schema). An unsafe request (POST) is answered by its view without evaluating
its preconditions, as Django's middleware did ("too late to prevent" it: the view has
run). An answer that is not a 2xx ignores them all (13.2.1). `If-None-Match` and
`If-Modified-Since` give 304s as Django gives them; a 2xx answer without an `ETag` gets
one from its content, as Django's (but for a streamed one, or one marked `no-store`). An
error or a redirect gets none (Django's gave a 404 or a 400 one, as if it were a
representation to revalidate): only a 2xx, a 304 and a 412 carry an `ETag`
(`carries_an_etag`).

A resource answered in two content codings has two current representations, identity and
gzip (core.compression), each with its strong tag (`"abc"`, `"abc-gzip"`): an entity tag
of either matches, in `If-Match` as in `If-None-Match`, whichever coding the request asks
for (13.1.1: "any current representation"). A 304 repeats the tag it validated; a 412
gives the current one a 200 to the same request would carry (`representation_etag`).
"""

from __future__ import annotations

import json

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import set_response_etag
from django.utils.http import parse_etags, parse_http_date_safe, split_directive_names

from core.compression import current_etags, representation_etag
from core.tabular import error_body

API_PREFIX = "/api/"
PRECONDITION_FAILED = "precondition_failed"
# The headers a 304 keeps from the answer it replaces (RFC 9110, 15.4.5), as Django's,
# and the API's `Changed-Until` (a list read for what changed: the moment to ask from
# next, read before the rows the 304 says are unchanged; api.base.changes_horizon).
_NOT_MODIFIED_HEADERS = (
    "Cache-Control",
    "Content-Location",
    "Date",
    "ETag",
    "Expires",
    "Last-Modified",
    "Vary",
    "Changed-Until",
)


def if_match_passes(etag: str | None, wanted: list[str]) -> bool:
    """Whether `If-Match`'s entity tags (`wanted`, parsed: `["*"]` or quoted tags) match
    a current representation of the answer whose `ETag` is `etag` (None: it has none), by
    strong comparison (RFC 9110, 13.1.1 and 8.8.3.2): `*` matches any, a tag only the
    strong tag of its identity or its gzip representation (`current_etags`), never a weak
    one."""
    if wanted == ["*"]:
        return True
    if not etag or etag.startswith("W/"):
        return False
    return any(tag in wanted for tag in current_etags(etag))


def if_none_match_validates(etag: str | None, wanted: list[str]) -> str | None:
    """The tag of a current representation (`current_etags` of `etag`) that
    `If-None-Match`'s entity tags name (weak comparison, RFC 9110 13.1.2: a `W/` prefix
    aside), which a 304 repeats; `"*"` for `*`; None when they name none, or when there is
    no `etag` to compare."""
    if not etag:
        return None
    if wanted == ["*"]:
        return "*"
    named = {tag.removeprefix("W/") for tag in wanted}
    return next((tag for tag in current_etags(etag.removeprefix("W/")) if tag in named), None)


def if_none_match_passes(etag: str | None, wanted: list[str]) -> bool:
    """Whether `If-None-Match`'s entity tags match none of the current representations'
    (`if_none_match_validates`): false for `*`, and for a tag equal to `etag` or its gzip
    one but for a `W/` prefix; true when there is no `etag` to compare."""
    return if_none_match_validates(etag, wanted) is None


def precondition_failed(request, response, message: str, etag: str | None = None) -> HttpResponse:
    """The 412 replacing `response`: under /api/, the API's error body in JSON with
    `message` (in English, `Content-Language: en`), the answer's `Vary` kept and `etag`,
    the current tag (the answer's own when not given); elsewhere an empty answer."""
    if not request.path_info.startswith(API_PREFIX):
        return HttpResponse(status=412)
    body = json.dumps(error_body(PRECONDITION_FAILED, message), ensure_ascii=False)
    failed = HttpResponse(body, status=412, content_type="application/json")
    failed["Content-Language"] = "en"
    if response.has_header("Vary"):
        failed["Vary"] = response["Vary"]
    etag = etag or response.get("ETag")
    if etag:
        failed["ETag"] = etag
    return failed


def _not_modified(response, etag: str | None) -> HttpResponseNotModified:
    """The 304 replacing `response`, with the headers it keeps and `etag` as its `ETag`."""
    answer = HttpResponseNotModified()
    for header in _NOT_MODIFIED_HEADERS:
        if response.has_header(header):
            answer[header] = response[header]
    if etag:
        answer["ETag"] = etag
    answer.cookies = response.cookies
    return answer


def conditional_response(request, response, *, etag=None, last_modified=None):
    """`response`, or what replaces it for the request's preconditions (RFC 9110,
    13.2.2, in its order): a 412 (`precondition_failed`) for an `If-Match` no current
    representation matches, or, without `If-Match`, an `If-Unmodified-Since` before
    `last_modified`; else a 304 for an `If-None-Match` naming `etag`, or, without
    `If-None-Match`, an `If-Modified-Since` not before `last_modified`. `etag` is the
    quoted entity tag of the identity answer (its gzip one matches too, and is the one a
    304 or 412 gives a request answered in gzip: core.compression), `last_modified`
    seconds since the epoch, None when the answer has none: `If-Unmodified-Since` and
    `If-Modified-Since` are then ignored. A `response` that is not a 2xx, or a request
    that is not a GET or HEAD, is returned as it is."""
    if request.method not in ("GET", "HEAD") or not 200 <= response.status_code < 300:
        return response
    meta = request.META
    # The tag a 200 to this request carries: the gzip one when it is compressed.
    current = representation_etag(request, response, etag)
    if_match = parse_etags(meta.get("HTTP_IF_MATCH", ""))
    if if_match and not if_match_passes(etag, if_match):
        if etag:
            message = (
                f"If-Match names no current representation of this resource: its ETag is "
                f"now {current}. Read it again."
            )
        else:
            message = (
                "If-Match names an entity tag, but this answer has none to compare it with: "
                "only `If-Match: *` matches it."
            )
        return precondition_failed(request, response, message, current)
    unmodified_since = parse_http_date_safe(meta.get("HTTP_IF_UNMODIFIED_SINCE", "")) or None
    if (
        not if_match
        and last_modified
        and unmodified_since is not None
        and last_modified > unmodified_since
    ):
        return precondition_failed(
            request,
            response,
            "The resource was modified after the date in If-Unmodified-Since "
            f"(Last-Modified: {response.get('Last-Modified', '')}).",
            current,
        )
    if_none_match = parse_etags(meta.get("HTTP_IF_NONE_MATCH", ""))
    if if_none_match:
        validated = if_none_match_validates(etag, if_none_match)
        if validated is None:
            return response
        return _not_modified(response, current if validated == "*" else validated)
    modified_since = parse_http_date_safe(meta.get("HTTP_IF_MODIFIED_SINCE", "")) or None
    if last_modified and modified_since is not None and last_modified <= modified_since:
        return _not_modified(response, current)
    return response


# The answers that are no representation of the resource but may carry its `ETag`: a 304
# (the representation the client holds, RFC 9110 15.4.5) and a 412 (the current one, for
# the client to read again: `precondition_failed`).
_KEEPS_ETAG = (304, 412)


def carries_an_etag(status: int) -> bool:
    """Whether an answer with HTTP `status` may carry an `ETag`: a 2xx (a representation
    to revalidate), a 304 or a 412 (the representation they stand for). An error (a 400,
    a 404, a 5xx) or a redirect is no representation of the resource: an `ETag` on it
    would let a client revalidate the error (`If-None-Match` with it), or take it for
    the resource's version, and the API's schema declares none there (api.schema)."""
    return 200 <= status < 300 or status in _KEEPS_ETAG


class ConditionalGetMiddleware:
    """Django's ConditionalGetMiddleware as RFC 9110 asks (see the module): an `ETag` from
    the content for a 2xx answer without one (not streamed, not `no-store`), then
    `conditional_response` for every GET and HEAD. An answer that `carries_an_etag`
    refuses (an error, a redirect) gets none, and loses one a view gave it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return response
        if not carries_an_etag(response.status_code):
            if response.has_header("ETag"):
                del response["ETag"]
            return response
        if (
            200 <= response.status_code < 300
            and not response.streaming
            and not response.has_header("ETag")
            and "no-store" not in split_directive_names(response.get("Cache-Control", ""))
        ):
            set_response_etag(response)
        last_modified = parse_http_date_safe(response.get("Last-Modified", "")) or None
        return conditional_response(
            request, response, etag=response.get("ETag"), last_modified=last_modified
        )
