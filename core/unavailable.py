"""503 with Retry-After when the database cannot be reached, on pages and the API.

During a PostgreSQL restart or a network cut, a request fails with Django's
OperationalError or InterfaceError (connection refused, server closed the connection,
connection already closed). That is not a bug of the page: the truth for clients and
proxies is "unavailable, retry shortly", never a 500, and never the database's own text.

Two places catch it, as Django hands exceptions to two places:

- `DatabaseUnavailableMiddleware.process_exception`, for an exception raised by a view;
- `server_error`, the site's handler500, for one raised by a middleware (a session or
  a user loaded from the database) once Django has turned it into an error response.

The API's views answer database errors themselves (api.errors, with `database_unreachable`
too: 503 `busy`), a path under /api/ gets the API's error body here too. Any other error is
a 500: the site's page (templates/500.html), and under /api/ the API's error body, code
`server_error` (`api_server_error_body`), which api.errors gives the other database errors
(a missing table, a bug in a query) as well, never the database's text. With DJANGO_DEBUG
on, Django's debug page still shows what happened in a middleware.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.views import defaults

from core.tabular import error_body

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

API_MESSAGE = "The database could not answer right now; retry in a few seconds."
API_SERVER_ERROR = (
    "Something went wrong on our side and this request could not be answered; it was "
    "logged. Please try again later."
)


def database_unreachable(exc: BaseException | None) -> bool:
    """Whether the database could not be reached behind `exc` (its causes included): an
    OperationalError or InterfaceError (connection refused or lost, a server restarting),
    which the site and the API answer 503 with Retry-After. Any other database error (a
    missing table, a bug in a query: ProgrammingError, DataError...) is not, and is a 500."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def api_server_error_body() -> dict:
    """The API's body of a 500 (`server_error`): a sentence, never what failed."""
    return error_body("server_error", API_SERVER_ERROR)


def unavailable_response(request) -> HttpResponse:
    """503 with Retry-After: the API's JSON error under /api/, elsewhere the page of
    templates/503.html in the reader's language, in the frame of the 500 page
    (bare_error.html: its viewport, title, <main> and link home)."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse(error_body("busy", API_MESSAGE), status=503)
    else:
        language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
        # Rendered without the request, as Django renders 500.html: no context processor
        # reads the session or the user (the database), the catalogue alone the words.
        with translation.override(language):
            page = loader.render_to_string("503.html")
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view's OperationalError/InterfaceError becomes 503 with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unreachable(exception):
            return None
        logger.warning("database unreachable for %s: %s", request.path, exception)
        return unavailable_response(request)


def server_error(request, *args, **kwargs):
    """handler500: 503 with Retry-After when the database is unreachable, else a 500: the
    API's error body under /api/ (`server_error`, in English as every API refusal), the
    site's page elsewhere (templates/500.html, through Django's view)."""
    if database_unreachable(sys.exc_info()[1]):
        logger.warning("database unreachable for %s: %s", request.path, sys.exc_info()[1])
        return unavailable_response(request)
    if request.path_info.startswith("/api/"):
        return JsonResponse(api_server_error_body(), status=500, headers={"Content-Language": "en"})
    return defaults.server_error(request, *args, **kwargs)
