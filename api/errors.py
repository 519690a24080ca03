"""One shape for every API error: {"error": {"code": ..., "message": ..., "fields": {...}}}.

`code` is a stable machine-readable word, one of core.error_codes.ERROR_CODES
(`not_found`, `invalid`, `invalid_filter`, `not_authenticated`, `permission_denied`,
...), `message` a sentence for a human, and `fields` maps each offending field or query
parameter to its messages (empty when the error is not about a field).
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, IntegrityError
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from api.formats import JSONRenderer
from core.echo import echoed
from core.error_codes import ERROR_CODES, code_for_status
from core.tabular import error_body, invalid_values_message
from core.unavailable import api_server_error_body, database_unreachable
from front.summaries import colon, list_separator


class InvalidFilter(exceptions.ValidationError):
    """A query parameter (filter, ordering, as_of, cursor) has a value the API cannot use."""

    default_code = "invalid_filter"
    default_detail = "A query parameter has an invalid value."


class ParameterNotFound(exceptions.NotFound):
    """404 `not_found` because of a query parameter's value (`?page=` beyond the last
    page): the message, and the parameter in `fields` with it, as a 400 names the
    parameter at fault."""

    def __init__(self, parameter: str, detail: str):
        super().__init__(detail)
        self.parameter_fields = {parameter: [str(self.detail)]}


class ServiceBusy(exceptions.APIException):
    """The data is being rewritten right now; the client should retry shortly."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "busy"
    default_detail = "The data is being updated; retry in a few seconds."

    def __init__(self, detail=None, *, wait: int = 5):
        super().__init__(detail)
        self.wait = wait


class Conflict(exceptions.APIException):
    """The request conflicts with what is recorded (a report not awaiting review, ...)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "This conflicts with what is recorded; reload it and try again."


class DuplicateReportConflict(Conflict):
    """The report was already filed (same Idempotency-Key, or an identical open report).

    The answer carries the existing report's URL in `existing` and in `Location` when the
    caller may read that report (visits.review.may_read; `existing_url` "" otherwise: the
    answer then names no report)."""

    default_code = "duplicate_report"

    def __init__(self, detail: str, *, existing_url: str):
        super().__init__(detail)
        self.existing_url = existing_url


class FourEyes(exceptions.PermissionDenied):
    """The author of a report asked to verify, reject or send it back."""

    default_code = "four_eyes"


# Never shown to a client: the database's own words (constraint names, values, SQL).
DATABASE_CONFLICT = (
    "This could not be saved because it conflicts with something recorded at the same "
    "moment; reload and try again."
)
DATABASE_BUSY = "The database could not answer right now; retry in a few seconds."
logger = logging.getLogger(__name__)


def caused_by_database(exc: BaseException) -> bool:
    """Whether a database error is behind `exc` (its message may then quote the database)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DatabaseError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _flatten(value)]
    return [str(detail)]


def _fields(detail) -> dict:
    """{field: [messages]}; nested serializers keep their structure as dotted names."""
    fields = {}
    for name, value in detail.items():
        if isinstance(value, dict):
            for sub, messages in _fields(value).items():
                key = name if sub == "non_field_errors" else f"{name}.{sub}"
                fields.setdefault(key, []).extend(messages)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, item in enumerate(value):
                for sub, messages in _fields(item).items():
                    fields[f"{name}.{i}.{sub}"] = messages
        else:
            fields[name] = _flatten(value)
    return fields


def request_of(context: dict):
    """The request DRF hands the exception handler, if any."""
    return context.get("request") if context else None


# The API's own messages (these and every refusal of a read) are written in English.
_ENGLISH = {"Content-Language": "en"}


def api_exception_handler(exc, context):
    """DRF's handler (status, WWW-Authenticate, Retry-After), with the body in our one shape."""
    if isinstance(exc, DatabaseError):
        # Logged in full for the operators; the client gets a sentence, never the database's text.
        logger.error("database error in %s", context.get("view"), exc_info=exc)
        set_rollback()
        if isinstance(exc, IntegrityError):
            return Response(error_body("conflict", DATABASE_CONFLICT), status=409, headers=_ENGLISH)
        if database_unreachable(exc):
            # Only a database out of reach is worth a retry, as the site's pages say it.
            return Response(
                error_body("busy", DATABASE_BUSY),
                status=503,
                headers={"Retry-After": "5", **_ENGLISH},
            )
        # Any other (a missing table, a bug in a query) is a 500, as on the site's pages.
        return Response(api_server_error_body(), status=500, headers=_ENGLISH)
    if isinstance(exc, RequestDataTooBig):
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE; say so in the API's shape.
        return Response(
            error_body(
                "too_large",
                "The request body is larger than the API accepts "
                f"({settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes at most).",
            ),
            status=413,
            headers=_ENGLISH,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: let Django answer 500 (a page without details) and log it
    if isinstance(exc, exceptions.APIException):
        detail, code = exc.detail, exc.get_codes()
    else:  # Django's Http404 / PermissionDenied, converted by DRF
        detail, code = response.data.get("detail", ""), None

    if isinstance(exc, exceptions.UnsupportedMediaType) and request_of(context) is not None:
        # DRF's message repeats the whole Content-Type header.
        detail = f'Unsupported media type "{echoed(request_of(context).content_type)}" in request.'

    request, view = context.get("request"), context.get("view")
    # A refusal is English whatever language the data would have been in
    # (api.base.PublicReadMixin, the filters and the paginators build it so); a report's
    # validation errors are in the reporter's language, the sentence around them included.
    in_english = (
        request is None
        or request.method in ("GET", "HEAD", "OPTIONS")
        or (
            getattr(view, "refuses_in_english", False)
            and (not isinstance(exc, exceptions.ValidationError) or isinstance(exc, InvalidFilter))
            # A refusal the newsroom's rules worded, in the reader's language
            # (api.reports.views.in_reader_language): labelled with it, never "en".
            and not getattr(exc, "in_reader_language", False)
        )
    )
    fields = {}
    if isinstance(detail, dict):
        # A parameter's name is the client's too (`?<5,000 characters>=1` is unknown).
        fields = {}
        for name, messages in _fields(detail).items():
            fields.setdefault(echoed(name), []).extend(messages)
        non_field = fields.pop("non_field_errors", [])
        if non_field:
            message = " ".join(non_field)
        elif in_english:
            message = invalid_values_message(fields)
        else:
            message = invalid_values_message(
                fields, gettext("Some values are invalid"), colon(), list_separator()
            )
    elif isinstance(detail, list):
        message = " ".join(_flatten(detail))
    else:
        message = str(detail)

    fields = getattr(exc, "parameter_fields", None) or fields
    if isinstance(exc, InvalidFilter):
        code = "invalid_filter"
    elif not isinstance(code, str):
        code = getattr(exc, "default_code", None)
    if code == "invalid" and response.status_code == status.HTTP_404_NOT_FOUND:
        code = "not_found"
    # Only the registry's codes (the schema's enum): any other by the answer's status.
    if code not in ERROR_CODES:
        code = code_for_status(response.status_code)
    response.data = error_body(code, message, fields)
    if in_english:
        response["Content-Language"] = "en"
    existing = getattr(exc, "existing_url", None)
    if existing:
        response.data["existing"] = existing
        response["Location"] = existing
    return response


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=list(ERROR_CODES.items()),
        help_text="A stable machine-readable code, one of those listed: "
        "the status it comes with, and what it means.",
    )
    message = serializers.CharField(help_text="What went wrong, for a human.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each offending field or query parameter with its messages; empty when none is at fault.",
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx (and 5xx: 503 `busy`, 500 `server_error`) answer."""

    error = ErrorDetailSerializer()


class DuplicateReportSerializer(ErrorSerializer):
    """A filing's 409: `duplicate_report`, the error and, when the caller may read it, the
    report already filed (`existing`); or `conflict` (a correction based on an older
    version of its visit, or changing nothing), the error alone."""

    existing = serializers.URLField(
        required=False,
        help_text="The report already filed, by its URL (also in the `Location` header). "
        "Present for a `duplicate_report` whose report you may read: your own (the same "
        "`Idempotency-Key`, or an identical report of yours), or, for a reviewer or an "
        "admin, another person's submitted one. Absent when the identical open report is "
        "another person's that you may not read: a report is not public until verified "
        "(`GET` of it answers you 404), so the answer says only that one is open, without "
        "its number or address. Absent too for a `conflict`, which names no report (a "
        "correction based on an older version of its visit: read the visit again).",
    )


@csrf_exempt  # it changes nothing: a POST to an unknown path is a JSON 404, not a CSRF page
def api_not_found(request, *args, **kwargs):
    """Unknown paths under /api/v1/ answer in the API's error shape, not with an HTML page.

    A path that only lacks its trailing slash is redirected to it with its query string
    (308 keeps a POST a POST; a GET's is Django's 301, APPEND_SLASH, which keeps it too).
    """
    if not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            query = request.META.get("QUERY_STRING", "")
            target = request.path + "/" + (f"?{query}" if query else "")
            return HttpResponsePermanentRedirect(
                target, preserve_request=request.method not in ("GET", "HEAD")
            )
    body = error_body(
        "not_found",
        f"There is no API endpoint at {echoed(request.path)}. The list of endpoints is at "
        "/api/v1/.",
    )
    # Written by the API's renderer, as every other error is (compact, UTF-8).
    return HttpResponse(
        JSONRenderer().render(body),
        content_type=JSONRenderer.media_type,
        status=404,
        headers=_ENGLISH,
    )
