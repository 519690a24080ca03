"""Requests refused before any view runs: a NUL character in the path or the query string.

PostgreSQL cannot store or compare a NUL (U+0000) in text, so `?q=%00` or `/states/M%00G/`
would reach the database and fail there (a 500). No address or parameter of iccwatch
ever holds one, so such a request is answered 400 here: in the API's JSON error shape
under /api/ (`invalid_filter` naming each parameter that holds one, as every refused
parameter; `invalid` for one in the path), as a short plain-text page elsewhere.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote_to_bytes

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from core.tabular import error_body

API_PREFIX = "/api/"
MESSAGE = (
    "The address or its query string contains a NUL character (%00), "
    "which no address of iccwatch accepts."
)
PARAMETER_MESSAGE = "Contains a NUL character (%00), which no parameter accepts."


def has_nul(request) -> bool:
    """Whether the decoded path or query string (any parameter, name or value) holds a NUL."""
    if "\x00" in request.path:
        return True
    query = request.META.get("QUERY_STRING", "")
    return b"\x00" in unquote_to_bytes(query.replace("+", " "))


def parameters_with_nul(request) -> list[str]:
    """The query string's parameters (by name, as decoded; a NUL in a name shown as
    U+FFFD) whose name or value holds a NUL, in their order, each once."""
    query = request.META.get("QUERY_STRING", "")
    names: list[str] = []
    for name, value in parse_qsl(query, keep_blank_values=True, errors="replace"):
        if "\x00" in name or "\x00" in value:
            shown = name.replace("\x00", "\ufffd")
            if shown not in names:
                names.append(shown)
    return names


class RefuseNulMiddleware:
    """400 for a NUL anywhere in the path or the query string (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            if request.path.startswith(API_PREFIX):
                named = [] if "\x00" in request.path else parameters_with_nul(request)
                if named:
                    # As every refused parameter: `invalid_filter`, each named in `fields`.
                    fields = {name: [PARAMETER_MESSAGE] for name in named}
                    return JsonResponse(error_body("invalid_filter", MESSAGE, fields), status=400)
                return JsonResponse(error_body("invalid", MESSAGE), status=400)
            message = _(
                "This address contains a NUL character (U+0000), which no page of iccwatch "
                "accepts. Check the link and try again."
            )
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
