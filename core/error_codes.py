"""Every `code` an API error body can carry (`{"error": {"code": ...}}`), each described:
the one registry. core.tabular.error_body writes no other (ValueError), the API's
exception handler (api.errors.api_exception_handler) answers a code outside it by its
status (`code_for_status`), and the OpenAPI schema's `ErrorDetail.code` is an enum of
these, described (api.errors.ErrorDetailSerializer). The README's "Errors" lists them.

The order is the answer's status, then the code's name.
"""

ERROR_CODES: dict[str, str] = {
    "invalid": "400: a field of the body is invalid (each one named in `fields`).",
    "invalid_filter": "400: a query parameter is unknown, empty, repeated or has a value the "
    "API cannot use (each one named in `fields`).",
    "parse_error": "400: the body is not well-formed JSON (or gives a key twice).",
    "authentication_failed": "401: the `Authorization` header cannot be read, or its key is "
    "wrong (on a read too).",
    "not_authenticated": "401: this needs an account's API key, and none was given.",
    "four_eyes": "403: the author of a report may not review it (verify, reject or send it back).",
    "permission_denied": "403: authenticated, but not allowed to do this.",
    "not_found": "404: no such address or record, or a page beyond the last (`page` named in "
    "`fields`).",
    "method_not_allowed": "405: the address does not take this HTTP method.",
    "not_acceptable": "406: no format the `Accept` header asks for is available here.",
    "conflict": "409: conflicts with what is recorded (a report no longer awaiting review, a "
    "version `seen` that is not the current one).",
    "duplicate_report": "409: the same report was already filed (the same `Idempotency-Key`, "
    "or an identical open report): `existing` names it when you may read it.",
    "precondition_failed": "412: an `If-Match` header named no current entity tag of the answer.",
    "too_large": "413: the body is larger than the API accepts.",
    "unsupported_media_type": "415: the body is not JSON (its `Content-Type`).",
    "throttled": "429: too many requests, or downloads at once; `Retry-After` says when to "
    "try again.",
    "server_error": "500: a failure on the server's side, logged; never told in detail.",
    "busy": "503: the data is being updated or the database cannot be reached; retry after "
    "`Retry-After` seconds.",
}

# The code an answer of a status gets when what was raised carries none of the registry's.
_BY_STATUS = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
    503: "busy",
}


def code_for_status(status: int) -> str:
    """The registry's code for an error answer of HTTP `status` whose cause names none of
    its own: `not_found` for 404, `server_error` for any 5xx but 503 (`busy`), `invalid`
    for any other 4xx not listed."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return "server_error" if status >= 500 else "invalid"
