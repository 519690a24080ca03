"""Answers compressed with gzip for a client that accepts it, each with a validator of its own.

gunicorn serves the site directly, with no proxy to compress it: the home page is about
98 KB of HTML, 23 KB gzipped, and a list's JSON or CSV shrinks as much. `GZipMiddleware`
compresses every text answer (HTML, JSON, CSV, Atom, ...: `is_text`) with a body for a
request whose `Accept-Encoding` accepts gzip (`accepts_gzip`), streamed answers as they
stream (Django's `compress_sequence`: a CSV download is still sent row by row), with
Django's own compression functions and its defence against BREACH (up to 100 random bytes
in the gzip header, as `django.middleware.gzip.GZipMiddleware`). Every text answer says
`Vary: Accept-Encoding`, compressed or not, and so does every 304.

**Validators** (RFC 9110, 8.8.3): a gzip answer is another representation of the same
resource, so it carries another strong entity tag: the identity answer's with `-gzip`
inside the quotes (`"abc"`, `"abc-gzip"`: `gzip_etag`). Django's GZipMiddleware made the
tag weak instead (`W/"abc"`), which `If-Match` never matches (strong comparison, 13.1.1),
so a client echoing the tag it got was refused a 412 every time. Both tags name a current
representation of the resource (`current_etags`): `If-Match` and `If-None-Match` accept
either, whichever encoding the request asks for (core.conditional, core.pagecache). A
304 repeats the tag it validated; a 412, and a 304 for `If-None-Match: *` or
`If-Modified-Since`, the one a 200 to the same request would carry (`representation_etag`).

**Where it runs** (MIDDLEWARE): below the early page cache, which keeps whole answers as
sent and so keys them by whether the client accepts gzip (core.pagecache.early_identity):
a gzip body is never replayed to a client that did not ask for it; below WhiteNoise, which
serves the static files' own compressed copies; above core.conditional's middleware, which
computes and validates the identity answer's ETag, rewritten here on the way out.
"""

from __future__ import annotations

from django.utils.cache import patch_vary_headers
from django.utils.http import parse_header_parameters
from django.utils.text import acompress_sequence, compress_sequence, compress_string

GZIP_SUFFIX = "-gzip"
# Content codings that mean gzip (RFC 9110, 8.4.1.3: "x-gzip" is an alias).
GZIP_CODINGS = ("gzip", "x-gzip")
# Media types compressed besides text/*, and any `+json` or `+xml` type (Atom, problem
# details): what the site and the API answer in words. Images, zip files and SQLite files
# are compressed already, or not worth it.
TEXT_TYPES = frozenset(
    {
        "application/json",
        "application/javascript",
        "application/xml",
        "application/x-bibtex",
        "application/x-research-info-systems",
        "application/vnd.oai.openapi",
        "image/svg+xml",
    }
)
# Django's GZipMiddleware's BREACH mitigation: a random file name of up to this many bytes
# in each gzip header, so that a secret's compressed length cannot be read off the wire.
MAX_RANDOM_BYTES = 100


def accepts_gzip(request) -> bool:
    """Whether the request's `Accept-Encoding` accepts gzip (RFC 9110, 12.5.3): `gzip` or
    `x-gzip` with a q-value above 0, or, when neither is named, `*` with one. No header, an
    empty one, `identity`, `br` alone or `gzip;q=0`: no (Django's middleware read any
    header mentioning "gzip" as a yes, `gzip;q=0` included)."""
    header = request.META.get("HTTP_ACCEPT_ENCODING", "")
    named = anything = None
    for item in header.split(","):
        coding, parameters = parse_header_parameters(item)
        coding = coding.strip().lower()
        if not coding:
            continue
        quality = _quality(parameters.get("q", "1"))
        if coding in GZIP_CODINGS:
            named = max(named or 0.0, quality)
        elif coding == "*":
            anything = quality
    chosen = named if named is not None else anything
    return bool(chosen)


def _quality(value: str) -> float:
    """A q-value (0 to 1); one that is not a number counts as 0 (not acceptable)."""
    try:
        quality = float(value)
    except ValueError:
        return 0.0
    return quality if 0 <= quality <= 1 else 0.0


def is_text(content_type: str) -> bool:
    """Whether an answer of this `Content-Type` is worth compressing: text/*, `TEXT_TYPES`,
    and any `+json` or `+xml` type."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return (
        media_type.startswith("text/")
        or media_type in TEXT_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


def compressible(response) -> bool:
    """Whether `response` is one `GZipMiddleware` compresses for a client that accepts gzip:
    a text answer (`is_text`) with a body (or streamed), not already content-coded, and not
    a 204, 206 or 304. Decided by its headers alone (and whether its body is empty), never
    by the compressed size, so that a 304 or a 412 can name the tag its 200 would carry."""
    if response.status_code in (204, 206, 304) or response.has_header("Content-Encoding"):
        return False
    if not is_text(response.get("Content-Type", "")):
        return False
    return response.streaming or bool(response.content)


def gzip_etag(etag: str) -> str:
    """The strong entity tag of the gzip representation whose identity one is `etag`
    (`"abc"` gives `"abc-gzip"`); a weak tag (`W/"abc"`), which may stand for both
    representations, is returned as it is, and so is a gzip tag."""
    if not etag.startswith('"') or etag.endswith(GZIP_SUFFIX + '"'):
        return etag
    return etag[:-1] + GZIP_SUFFIX + '"'


def current_etags(etag: str) -> tuple[str, ...]:
    """The entity tags naming a current representation of the answer whose tag is `etag`
    (the identity one or the gzip one): both, identity first; a weak tag alone. An answer
    never compressed (an image) has no gzip tag to send back: accepting one changes
    nothing."""
    if not etag.startswith('"'):
        return (etag,)
    identity = etag.removesuffix(GZIP_SUFFIX + '"')
    if identity != etag:
        identity += '"'
    return (identity, gzip_etag(identity))


def representation_etag(request, response, etag: str | None) -> str | None:
    """The entity tag a 200 answering `request` with `response` (whose identity tag is
    `etag`) carries: the gzip tag when it is compressed for this request, else `etag`.
    What a 412 gives as the current tag, and a 304 that named no tag of its own."""
    if etag and accepts_gzip(request) and compressible(response):
        return gzip_etag(etag)
    return etag


class GZipMiddleware:
    """gzip for a client that accepts it: see the module. A 2xx answer compressed here has
    its strong ETag replaced by the gzip one (`gzip_etag`); a 304's and a 412's are the
    ones core.conditional or core.pagecache chose. `Vary: Accept-Encoding` on every text
    answer and every 304."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return compress(request, self.get_response(request))


def compress(request, response):
    """`response`, compressed with gzip when the request accepts it and it is
    `compressible` (in place: a streamed one streams compressed), with its `Vary`,
    `Content-Encoding`, `Content-Length` and `ETag` to match."""
    if response.status_code == 304:
        patch_vary_headers(response, ("Accept-Encoding",))
        return response
    if not compressible(response):
        return response
    patch_vary_headers(response, ("Accept-Encoding",))
    if not accepts_gzip(request):
        return response
    if response.streaming:
        squeeze = acompress_sequence if response.is_async else compress_sequence
        response.streaming_content = squeeze(
            response.streaming_content, max_random_bytes=MAX_RANDOM_BYTES
        )
        # Unknown until it has all been sent.
        del response.headers["Content-Length"]
    else:
        response.content = compress_string(response.content, max_random_bytes=MAX_RANDOM_BYTES)
        response.headers["Content-Length"] = str(len(response.content))
    response.headers["Content-Encoding"] = "gzip"
    if 200 <= response.status_code < 300 and response.has_header("ETag"):
        response.headers["ETag"] = gzip_etag(response["ETag"])
    return response
