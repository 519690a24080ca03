"""/api/v1/reports/: NGO tools file reports, and reviewers review them (four eyes).

Every write goes through the newsroom's service layer (visits.review): the same checks,
duplicate detection and four-eyes rule as the newsroom's pages and the admin. Nothing
filed here is public until another person verifies it.

- POST /reports/ (reporters): files a report, submitted for review at once; 201 with
  Location. An `Idempotency-Key` header already used by the caller, or a report identical
  to an open one, is a 409 `duplicate_report` naming the existing report (`existing` and
  Location). Two identical requests at the same moment: one 201, one 409 (the
  database's unique keys decide; its words never reach the client).
- POST /reports/withdrawals/ (reporters): proposes withdrawing a published visit, with
  the reason its page will show and the sources that show it (none required), checked
  as a visit's are; 201, or 409 `duplicate_report` as POST /reports/.
- POST /reports/restorations/ (reporters): proposes restoring a withdrawn visit to the
  record (withdrawn by mistake), with the reason its page will show; verified, the same
  visit returns under its own id; 201, or 409 `duplicate_report` as POST /reports/.
- GET /reports/ (reporters and reviewers): the caller's own reports, newest first.
- GET /reports/queue/ (reviewers): reports awaiting review that the caller did not
  write, oldest first.
- GET /reports/{id}/: its author, or any reviewer; with the rule's verdict preview and
  possible duplicates.
- POST /reports/{id}/verify/, /request-changes/ ({"comment"}), /reject/ ({"reason"})
  (reviewers): 403 `four_eyes` for the report's author; 409 `conflict` when the report is
  not awaiting review.
- POST /reports/{id}/resubmit/ (its author): answers a request for changes, the report
  edited and submitted again in one step (visits.review.resubmit, as the newsroom's edit
  form); 403 for anyone else, 409 `conflict` when it is not sent back for changes.

Every answer here is `Cache-Control: private, no-store`, as the newsroom's pages are: a
report is never public until verified, so no browser or proxy may keep a copy of one.
"""

import re
from contextlib import contextmanager
from typing import NoReturn

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.access import ReportAccess
from api.base import EnglishRefusalsMixin, negotiated
from api.errors import (
    DATABASE_CONFLICT,
    Conflict,
    DuplicateReportConflict,
    DuplicateReportSerializer,
    ErrorSerializer,
    FourEyes,
    InvalidFilter,
    caused_by_database,
)
from api.filters import check_parameters
from api.formats import JSONRenderer
from api.lang import LANG, activate_for
from api.parsers import JSONParser
from api.reports import examples
from api.reports.serializers import (
    CITATIONS,
    SOURCES,
    WITHDRAWAL_CITATIONS,
    WITHDRAWAL_SOURCES,
    EachFieldChecked,
    RejectionSerializer,
    ReportDetailSerializer,
    ReportInputSerializer,
    ReportSerializer,
    RestorationInputSerializer,
    ResubmissionSerializer,
    ReviewCommentSerializer,
    VerificationSerializer,
    WithdrawalInputSerializer,
    outcome_by_default,
    report_url,
)
from core import identifiers
from core.echo import echoed
from core.names import format_date
from core.reasons import withdrawal_note as withdrawal_note_words
from front.summaries import visit_title
from visits import review
from visits.models import Report, ReportState, ReviewState, Visit

# What a refused query parameter's message calls the address ("This list has no such
# parameter"): a list, a record, or a POST's (and OPTIONS') address.
PARAMETER_OWNERS = {"list": "list", "queue": "list", "retrieve": "record"}

IDEMPOTENCY_KEY = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 200
# Printable ASCII without spaces, as idempotency_key() checks (empty: no key): the schema says it too.
IDEMPOTENCY_KEY_PATTERN = rf"^[!-~]{{0,{IDEMPOTENCY_KEY_MAX_LENGTH}}}$"


def idempotency_key_parameter() -> OpenApiParameter:
    """The `Idempotency-Key` header as the schema documents it (optional; printable ASCII,
    at most IDEMPOTENCY_KEY_MAX_LENGTH characters)."""
    return OpenApiParameter(
        IDEMPOTENCY_KEY,
        str,
        OpenApiParameter.HEADER,
        required=False,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            "Any string of up to 200 printable ASCII characters that is yours for this report "
            "(a UUID is best). Sending a request again with the same key (a retry after a "
            "timeout) files nothing more: the answer is 409 `duplicate_report` with the report "
            "already filed in `existing` and Location."
        ),
    )


# The headers a filing's answers carry besides the rate limits' (declared by
# api.base.ApiAutoSchema): a 201's Location (file_from_request, withdraw_from_request),
# and a `duplicate_report` 409's when it names the report (api.errors.api_exception_handler).
CREATED_LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=[201],
    required=True,
    description="The new report's address, as its `url`.",
)
DUPLICATE_LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=[409],
    required=False,
    description="With a `duplicate_report` that names the report already filed (a report "
    "you may read): its address, as `existing`. Absent when `existing` is (another "
    "person's report; a `conflict`).",
)


def idempotency_key(request) -> str:
    """The request's Idempotency-Key ('' without one); a malformed one is a 400."""
    key = request.headers.get(IDEMPOTENCY_KEY, "")
    if key and (
        len(key) > IDEMPOTENCY_KEY_MAX_LENGTH
        or not all(" " < c <= "~" for c in key)  # printable ASCII, no spaces
    ):
        raise exceptions.ValidationError(
            {
                IDEMPOTENCY_KEY: [
                    _("Use up to %(max)d printable ASCII characters without spaces, e.g. a UUID.")
                    % {"max": IDEMPOTENCY_KEY_MAX_LENGTH}
                ]
            }
        )
    return key


def _api_field(name: str) -> str:
    """The service's field names in the API's words: `citations.0.url` is `sources.0.url`,
    and a withdrawal's `withdrawal_citations.0.url` is `withdrawal_sources.0.url`."""
    for service, api in ((CITATIONS, SOURCES), (WITHDRAWAL_CITATIONS, WITHDRAWAL_SOURCES)):
        if name == service or name.startswith(service + "."):
            return api + name[len(service) :]
    return name


def in_reader_language(refusal: exceptions.APIException) -> exceptions.APIException:
    """`refusal`, marked as worded by the newsroom's rules (visits.review) in the language
    the request asked for, not built in English: api.errors labels its answer with that
    language (`Content-Language`), not "en"."""
    refusal.in_reader_language = True
    return refusal


@contextmanager
def service_errors(request, key: str = ""):
    """The service layer's refusals as API answers (and never the database's own words).
    Those the newsroom's rules word (a four-eyes refusal, a permission, a report not
    awaiting review, a correction that changes nothing) are in the request's language,
    as its validation errors are, and labelled so (`in_reader_language`); the duplicate
    and database answers are built here, in English."""
    try:
        yield
    except review.DuplicateReport as duplicate:
        existing = duplicate.existing
        if not review.may_read(request.user, existing):
            # Another person's report the caller may not read (GET answers 404): neither
            # its number nor its address, as the newsroom tells how many, not whose.
            raise DuplicateReportConflict(
                "An identical report by another person is already open. Nothing more was filed.",
                existing_url="",
            ) from None
        url = report_url(existing, request)
        if key and existing.idempotency_key == key and existing.author_id == request.user.pk:
            message = (
                f"You already filed report {existing.pk} with this Idempotency-Key: {url} "
                "(nothing more was filed)."
            )
        else:
            message = (
                f"An identical report is already open: report {existing.pk} ({url}, "
                f"{existing.state}). Nothing more was filed."
            )
        raise DuplicateReportConflict(message, existing_url=url) from None
    except review.FourEyesError as refusal:
        # DRF's default words, when the refusal has none, are in that language too.
        said = " ".join(refusal.args) or FourEyes.default_detail
        raise in_reader_language(FourEyes(said)) from None
    except DjangoPermissionDenied as refusal:
        said = " ".join(map(str, refusal.args)) or None
        raise in_reader_language(exceptions.PermissionDenied(said)) from None
    except DjangoValidationError as invalid:
        if caused_by_database(invalid):
            raise Conflict(DATABASE_CONFLICT) from None
        if review.is_stale_refusal(invalid):
            # The report changed since the version the caller read: a conflict, as verify's.
            raise in_reader_language(Conflict(" ".join(invalid.messages))) from None
        if hasattr(invalid, "error_dict"):
            raise exceptions.ValidationError(
                {_api_field(k): v for k, v in invalid.message_dict.items()}
            ) from None
        raise in_reader_language(Conflict(" ".join(invalid.messages))) from None


def published_visit(slug: str) -> Visit:
    """The published visit a correction names; ValidationError (400) naming `visit`."""
    visit = Visit.objects.filter(slug=slug, review_state=ReviewState.VERIFIED).first()
    if visit is None:
        raise exceptions.ValidationError(
            {"visit": [_("No published visit with id %(id)r.") % {"id": echoed(slug)}]}
        )
    return visit


def withdrawn_visit(slug: str) -> Visit:
    """The withdrawn visit a restoration names; ValidationError (400) naming `visit` for any
    other id (a published visit is corrected or withdrawn, not restored)."""
    visit = Visit.objects.filter(slug=slug, review_state=ReviewState.WITHDRAWN).first()
    if visit is None:
        raise exceptions.ValidationError(
            {"visit": [_("No withdrawn visit with id %(id)r.") % {"id": echoed(slug)}]}
        )
    return visit


def refuses_fields(invalid: DjangoValidationError) -> bool:
    """Whether the service layer's `invalid` refuses fields of the body (a 400 naming
    them), as service_errors answers it: not a refusal of the request as a whole (a 409),
    not a report changed since the version read (`seen`, a 409), never the database's."""
    return (
        hasattr(invalid, "error_dict")
        and not caused_by_database(invalid)
        and not review.is_stale_refusal(invalid)
    )


def _add_refusals(errors: dict, refusals: dict, before: dict) -> None:
    """The service layer's `refusals` ({field: message or [messages]}, named as the service
    names them: `citations.0.url`) added to `errors` under their API names (_api_field),
    but for those whose field, or one it reads, `before` refuses already
    (_refused_already); a field `errors` names already keeps its own."""
    for field, messages in refusals.items():
        name = _api_field(field)
        if not _refused_already(name, before):
            errors.setdefault(name, [messages] if isinstance(messages, str) else list(messages))


def _body_refusals(
    body: EachFieldChecked, refused: DjangoValidationError | dict | None
) -> tuple[dict, dict, dict]:
    """(errors, accepted, misspelt) of a body refused, by its serializer or (`refused`) by
    the service layer after the serializer accepted it: `errors` the refusals so far, the
    serializer's and each field's checked alone (EachFieldChecked.each_field), the
    service's under their API names; `accepted` the validated value of each field
    accepted; `misspelt` the fields the body's unknown keys resemble (`soruces`:
    `sources`), each refused already: named with its misspelling, not as missing nor as
    what filing makes of its absence."""
    errors = dict(body.errors)
    if isinstance(refused, DjangoValidationError):
        refused = refused.message_dict
    for field, messages in (refused or {}).items():
        errors.setdefault(_api_field(field), messages)
    accepted, refused_alone = body.each_field()
    for name, detail in refused_alone.items():
        errors.setdefault(name, detail)
    data = body.initial_data
    meant = body.meant_fields(data) if isinstance(data, dict) else set()
    misspelt = {name: errors.get(name, [""]) for name in meant}
    return errors, accepted, misspelt


def refuse_with_every_error(
    body: ReportInputSerializer, refused: DjangoValidationError | None = None
) -> NoReturn:
    """A body the serializer refused, or (`refused`) one whose filing visits.review
    refused for its fields: one 400 (ValidationError) with its refusals and those
    filing would give what it accepted (visits.review.resolve: a person or state nobody
    has, a date that is not one, a source that is not public, ...; a reason
    visits.review.reason_errors refuses), as the newsroom's form says both at once
    (newsroom.views.filing_refusals), so that a client fixes the body in one round trip,
    not one stage at a time; and, for a new visit, the fields it lacks
    (ReportInputSerializer.new_visit_refusals; not one a misspelt key resembles, which its
    refusal names). A refusal of filing is left out when its
    field, or one it reads (visits.review.FILING_READS), was refused already, and so are
    those of a source refused already. A correction of a visit that is not one published
    (or not named by a valid id) is refused for that, its fields not read. Costs the
    checks' queries, on a refused body only."""
    errors, accepted, misspelt = _body_refusals(body, refused)
    if not isinstance(body.initial_data, dict) or "visit" in errors:
        raise exceptions.ValidationError(errors)
    visit = None
    if accepted.get("visit"):
        try:
            visit = published_visit(accepted["visit"])
        except exceptions.ValidationError as unknown:
            raise exceptions.ValidationError({**errors, **unknown.detail}) from None
    # A trip not taken has its outcome left out set to `n/a` in `accepted`, as
    # ReportInputSerializer.validate sets it: not read as an outcome '' by filing.
    for name, messages in ReportInputSerializer.new_visit_refusals(
        accepted, refused={**misspelt, **errors}
    ).items():
        errors.setdefault(name, messages)
    before = {**misspelt, **errors}
    said = review.reason_errors(accepted["reason"], visit) if "reason" in accepted else []
    if said:
        _add_refusals(errors, {"reason": said}, before)
    data, citations = ReportInputSerializer.data_and_citations(accepted, visit)
    if SOURCES in errors:
        citations = body.accepted_citations()
    if visit is None and "person" in errors:
        # A new visit's person refused (a name that names nobody) or left out is no person
        # to filing, not another one (a correction's would be its visit's): the host's
        # refusals read none, and an unknown code is said with the person's refusal (which
        # keeps its own words: filing's "no such slug" is not added).
        before.pop("person")
    try:
        review.resolve(data, citations, new=visit is None, visit=visit)
    except DjangoValidationError as invalid:
        _add_refusals(errors, getattr(invalid, "message_dict", {}), before)
    raise exceptions.ValidationError(errors)


def _refused_already(name: str, errors: dict) -> bool:
    """Whether the body's `errors` already refuse the field `name` (an API field: `host`,
    `sources`, `sources.1.url`, `withdrawal_sources.0.url`) or one its check reads
    (visits.review.FILING_READS): a source's field when that field of it was refused
    (its other fields are still checked: SourceInputSerializer's accepted_citations), a
    whole source when it was refused as a whole (no object), the list itself
    (`sources`: no source) when any source was refused."""
    listed = next(
        (kind for kind in (SOURCES, WITHDRAWAL_SOURCES) if name.startswith(kind + ".")), None
    )
    if listed is None:
        return name in errors or any(read in errors for read in review.FILING_READS.get(name, ()))
    refused = errors.get(listed)
    if not refused:
        return False
    index, _dot, field = name.split(".", 1)[1].partition(".")
    index = int(index)
    if isinstance(refused, dict):  # {index: its refusals}, as DRF gives a list's
        said = refused.get(index)
    elif isinstance(refused, list) and all(isinstance(item, dict) for item in refused):
        said = refused[index] if index < len(refused) else None
    else:
        return True  # the list itself (none given, too many, not a list)
    if not said:
        return False
    if isinstance(said, dict) and field and "non_field_errors" not in said:
        return field in said  # the source's other fields were checked alone
    return True


def refuse_resubmission_with_every_error(
    report: Report,
    user,
    body: ResubmissionSerializer,
    refused: DjangoValidationError | None = None,
) -> NoReturn:
    """POST /reports/{id}/resubmit/: a body the serializer refused, or (`refused`) one
    whose resubmission visits.review.resubmit refused for its fields: one 400
    (ValidationError) with its refusals and every one the resubmission would give what
    it accepted, laid over the report (visits.review.resubmission_refusals: a `based_on`
    or a `reason` a new visit's report has no use for, a correction's reason too short,
    and what filing refuses of the report as edited), as refuse_with_every_error says a
    filing's, so that a client fixes the body in one round trip, not one stage at a
    time. A refusal whose field, or one it reads (visits.review.FILING_READS), was
    refused already is left out, as are those of a source refused already. Only the
    author's report sent back for changes is read so: anyone else's body, or one to a
    report not sent back, is refused with its own errors (what the service would refuse
    of the request itself comes once the body is right). Reads, never writes: nothing
    changes. Costs the checks' queries, on a refused body only."""
    errors, accepted, misspelt = _body_refusals(body, refused)
    if not isinstance(body.initial_data, dict) or not review.allows(
        review.check_resubmission, report, user
    ):
        raise exceptions.ValidationError(errors)
    before = {**misspelt, **errors}
    outcome_by_default(accepted)  # as ResubmissionSerializer.validate sets it
    data, citations = ResubmissionSerializer.changes(accepted)
    if SOURCES in errors:
        citations = body.accepted_citations()
    refusals = review.resubmission_refusals(
        report,
        data=data,
        citations=citations,
        reason=accepted.get("reason"),
        based_on=accepted.get("based_on"),
    )
    _add_refusals(errors, refusals, before)
    raise exceptions.ValidationError(errors)


def refuse_withdrawal_with_every_error(
    body: WithdrawalInputSerializer, refused: dict | None = None
) -> NoReturn:
    """POST /reports/withdrawals/: a body the serializer refused, or (`refused`, as
    {field: [messages]}) one that names no published visit: one 400 (ValidationError)
    with its refusals and every one filing the withdrawal would give what it accepted
    (visits.review.propose_withdrawal: a visit that is not one published, a reason too
    short or too long, a source that is not public, a date that is not one, an address
    cited twice), as refuse_with_every_error says a filing's, so that a client fixes
    the body in one round trip. Those of a source refused already are left out. Reads,
    never writes: nothing is filed. Costs the checks' queries, on a refused body only."""
    errors, accepted, misspelt = _body_refusals(body, refused)
    if not isinstance(body.initial_data, dict):
        raise exceptions.ValidationError(errors)
    if accepted.get("visit") and "visit" not in errors:
        try:
            published_visit(accepted["visit"])
        except exceptions.ValidationError as unknown:
            errors.update(unknown.detail)
    before = {**misspelt, **errors}
    if "withdrawal_note" in accepted:
        said = review.withdrawal_note_errors(accepted["withdrawal_note"])
        if said:
            _add_refusals(errors, {"withdrawal_note": said}, before)
    if WITHDRAWAL_SOURCES in errors:
        citations = body.accepted_citations(WITHDRAWAL_SOURCES)
    else:
        citations = WithdrawalInputSerializer.citations(accepted)
    _add_refusals(errors, review.resolve_citations(citations, WITHDRAWAL_CITATIONS)[1], before)
    raise exceptions.ValidationError(errors)


def file_from_request(view, request) -> Response:
    """POST /reports/ (and its alias POST /visits/): file a report through visits.review.
    A body refused is refused with every error it has at once (refuse_with_every_error)."""
    key = idempotency_key(request)
    body = ReportInputSerializer(data=request.data)
    if not body.is_valid():
        refuse_with_every_error(body)
    attrs = body.validated_data
    visit = published_visit(attrs["visit"]) if attrs.get("visit") else None
    read = attrs.get("based_on")
    # A retry of a correction already filed answers as the first did (duplicate_report),
    # even if the visit changed since: the key is looked up first, in file_report.
    if (
        visit is not None
        and read is not None
        and visit.updated_at > read
        and not (key and Report.objects.filter(author=request.user, idempotency_key=key).exists())
    ):
        # What the client read is older than the visit: the correction could undo a change
        # verified since (visits.review._require_unchanged_since, checked again on verify).
        raise Conflict(
            f"The visit changed at {visit.updated_at.isoformat()}, after the version you read "
            f"({read.isoformat()}): read it again and base the correction on what it says now."
        )
    data, citations = ReportInputSerializer.data_and_citations(attrs, visit)
    with service_errors(request, key):
        try:
            report = review.file_report(
                author=request.user,
                data=data,
                citations=citations,
                visit=visit,
                idempotency_key=key,
                reason=attrs.get("reason", ""),
                person=getattr(body.fields.get("person"), "person", None),
                # A retry (a key already used) answers as the first request did: file_report
                # looks the key up before the duplicates, in the same query.
                refuse_duplicates=not attrs.get("another_visit"),
            )
        except review.PossibleDuplicates as possible:
            refuse_unconfirmed_duplicates(request, data, citations, possible)
        except DjangoValidationError as refused:
            if refuses_fields(refused):
                # Filing stops at its first check that refuses: the others say theirs too.
                refuse_with_every_error(body, refused)
            raise
    # The report as created, with its author and visit already in hand: not read again.
    shown = ReportDetailSerializer(report, context=view.get_serializer_context()).data
    return Response(shown, status=status.HTTP_201_CREATED, headers={"Location": shown["url"]})


def refuse_unconfirmed_duplicates(
    request, data: dict, citations: list[dict], possible: review.PossibleDuplicates
) -> NoReturn:
    """A new visit's report that may repeat a trip already known is not filed until the
    client confirms it is another visit (`another_visit`), as the newsroom's form asks
    ("This is another visit"): a visit recorded (visits.review.possible_duplicates: same
    person and host, days that may overlap), or one of that trip withdrawn from the record
    (said with when and why), or a report of that trip already filed and
    not yet closed, or the caller's own draft of it (visits.review.pending_duplicates). The
    reports are named only when the caller may read them (visits.review.may_read), as the
    form links them; the others are counted, as the form counts them, and a colleague's
    draft is never counted. ValidationError naming `another_visit`, in the language asked
    for, with every error filing would give the body too (visits.review.resolve, each under
    its API field): one answer says all that is wrong with it."""
    # Found by file_report (`refuse_duplicates`), the same report again left to it (409).
    duplicates = [v for v in possible.visits if v.withdrawn_on is None]
    withdrawn = [v for v in possible.visits if v.withdrawn_on is not None]
    pending = possible.pending
    said = []
    if duplicates:
        said.append(
            ngettext(
                "This may be a visit already recorded: %(visits)s. Add your sources to "
                "it as a correction (`visit`), or send `another_visit`: true if it is "
                "another visit.",
                "This may be one of these visits already recorded: %(visits)s. Add your "
                "sources to one as a correction (`visit`), or send `another_visit`: true "
                "if it is another visit.",
                len(duplicates),
            )
            % {"visits": ", ".join(f"{v.slug} ({visit_title(v)})" for v in duplicates)}
        )
    for visit in withdrawn:
        # A trip taken out of the record is not published again unseen: its reason first.
        said.append(
            (
                _(
                    "A visit of this trip was withdrawn on %(date)s: %(reason)s (%(visit)s). "
                    "Read why; send `another_visit`: true if this is another visit, or if the "
                    "trip belongs on the record all the same."
                )
                if visit.withdrawal_note
                else _(
                    "A visit of this trip was withdrawn on %(date)s (%(visit)s). Read why; "
                    "send `another_visit`: true if this is another visit, or if the trip "
                    "belongs on the record all the same."
                )
            )
            % {
                "date": format_date(visit.withdrawn_on),
                "reason": withdrawal_note_words(visit.withdrawal_note),
                "visit": f"{visit.slug}, {visit_title(visit)}",
            }
        )
    if pending:
        said.append(pending_in_words(request, pending))
    errors = {}
    try:
        review.resolve(data, citations, new=True)
    except DjangoValidationError as invalid:
        if hasattr(invalid, "error_dict"):
            errors = {_api_field(k): v for k, v in invalid.message_dict.items()}
        else:
            errors = {"non_field_errors": invalid.messages}
    raise exceptions.ValidationError({**errors, "another_visit": said})


def pending_in_words(request, pending: list[Report]) -> str:
    """The `another_visit` refusal's words for reports of the same trip not yet closed
    (visits.review.pending_duplicates): how many were filed and await review, then those
    the caller may read, by id and address (their own drafts among them); a report the
    caller may not read is counted, never named."""
    filed = [r for r in pending if r.state != ReportState.DRAFT]
    readable = [r for r in pending if review.may_read(request.user, r)]
    parts = []
    if filed:
        parts.append(
            ngettext(
                "A report of this person's visit to this host, on days that may overlap, "
                "was already filed and awaits review.",
                "%(counter)s reports of this person's visit to this host, on days that may "
                "overlap, were already filed and await review.",
                len(filed),
            )
            % {"counter": len(filed)}
        )
    if readable:
        parts.append(
            _("Reports of this trip you may read: %(reports)s.")
            % {
                "reports": ", ".join(
                    _("report %(pk)s (%(url)s, %(state)s%(yours)s)")
                    % {
                        "pk": r.pk,
                        "url": report_url(r, request),
                        "state": r.state,
                        "yours": _(", yours") if r.author_id == request.user.pk else "",
                    }
                    for r in readable
                )
            }
        )
    parts.append(
        _(
            "Add to a report of yours rather than file the trip twice, or send "
            "`another_visit`: true if it is another visit."
        )
    )
    return " ".join(parts)


def withdraw_from_request(view, request) -> Response:
    """POST /reports/withdrawals/: propose withdrawing a published visit, with its reason
    and sources, through visits.review.propose_withdrawal; 201 with the report."""
    key = idempotency_key(request)
    body = WithdrawalInputSerializer(data=request.data)
    if not body.is_valid():
        refuse_withdrawal_with_every_error(body)
    attrs = body.validated_data
    try:
        visit = published_visit(attrs["visit"])
    except exceptions.ValidationError as unknown:
        refuse_withdrawal_with_every_error(body, unknown.detail)
    with service_errors(request, key):
        report = review.propose_withdrawal(
            author=request.user,
            visit=visit,
            note=attrs["withdrawal_note"],
            citations=WithdrawalInputSerializer.citations(attrs),
            idempotency_key=key,
        )
    shown = ReportDetailSerializer(report, context=view.get_serializer_context()).data
    return Response(shown, status=status.HTTP_201_CREATED, headers={"Location": shown["url"]})


def restore_from_request(view, request) -> Response:
    """POST /reports/restorations/: propose restoring a withdrawn visit to the record, with
    its reason, through visits.review.propose_restoration; 201 with the report. A body
    refused is a 400 naming each field (the visit's id, the reason), nothing filed."""
    key = idempotency_key(request)
    body = RestorationInputSerializer(data=request.data)
    errors = {} if body.is_valid() else dict(body.errors)
    attrs = body.validated_data if not errors else {}
    visit = None
    slug = body.initial_data.get("visit") if isinstance(body.initial_data, dict) else None
    if "visit" not in errors and isinstance(slug, str):
        try:
            visit = withdrawn_visit(slug)
        except exceptions.ValidationError as unknown:
            errors.update(unknown.detail)
    if errors:
        raise exceptions.ValidationError(errors)
    with service_errors(request, key):
        report = review.propose_restoration(
            author=request.user,
            visit=visit,
            note=attrs["restoration_note"],
            idempotency_key=key,
        )
    shown = ReportDetailSerializer(report, context=view.get_serializer_context()).data
    return Response(shown, status=status.HTTP_201_CREATED, headers={"Location": shown["url"]})


def reports():
    """Every report with its author, reviewer and visit joined in (each view narrows it)."""
    return Report.objects.select_related("author", "reviewer", "visit")


ERRORS_409 = {409: ErrorSerializer}
DUPLICATE_409 = {409: DuplicateReportSerializer}
REPORT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The report's id.")
STATE_FILTER = OpenApiParameter(
    "state",
    str,
    OpenApiParameter.QUERY,
    enum=list(ReportState.values),
    description="Only reports in this state.",
)
# The rules a well-formed report must also keep (the data's and between fields): the schema
# states them in words; tests/api/test_schema.py fills generated reports to keep them.
REPORT_RULES = (
    "`person`, `host`, `controlled_by` and `visit` name records that exist (a person's slug "
    "or a name that names them alone, states' ISO3 codes, a published visit's id)",
    "a new visit (no `visit`) needs `person`, `host`, `status`, `outcome` and at least one "
    "source; a correction takes what it leaves out from its visit",
    "`based_on` and `reason` only with `visit`: a new visit corrects no version of a visit",
    f"a correction's `reason`, unless empty, has at least {review.WITHDRAWAL_NOTE_MIN} "
    "characters besides the spaces around it, as a withdrawal's: the visit's page shows it",
    "`host` is not the person's state of nationality",
    "a correction of a visit with ICC decisions on it keeps the `host` they rule on and a "
    "`person` they name (checked again when the report is verified)",
    "`start` and `end` are real calendar dates, none more than ten years ahead; `start` is "
    "required unless the status is `cancelled`; `end` needs a `start` and is not before it",
    "a visit that took place (status `occurred` or `transit`) does not start after tomorrow: "
    "a trip still to come is `announced`",
    "a new visit `announced` is still to come: its last day is not before yesterday (one whose "
    "days have passed `occurred`, was a `transit` stop, was `cancelled` or was `virtual`)",
    "`controlled_by` only with `host_control` `none`, and never the host itself (checked when "
    "the report is verified)",
    "a new visit that may be one already recorded, or a trip already filed and not yet "
    "closed (the same person and host, on days that may overlap), has `another_visit` `true`",
    "source addresses are public http(s) URLs",
    "no text contains a NUL character or a bidirectional control (U+202A to U+202E, U+2066 "
    "to U+2069), which would show the text after it reordered",
)
WITHDRAWAL_DESCRIPTION = (
    "Proposes withdrawing a published visit from the record (it should never have been "
    "published: the trip did not take place, its sources do not hold), with the reason its "
    "page will show to every reader (20 to 1,000 characters) and the public sources that "
    "show it, if any: none is required, as an error in the record's own entry may have no "
    "outside source; each source given is checked as a visit's are (a public http(s) "
    "address, a real date; each problem a 400 naming `withdrawal_sources.<n>.<field>`). "
    "Every problem of the body is in one answer (a field it does not have or of the wrong "
    "type, the visit, the reason and each source together), and nothing is filed. "
    "Nothing changes until a reviewer who is not its author verifies it: the visit then "
    "leaves the lists, its page stays, marked withdrawn, with the reason and its sources, "
    "and the visit's `withdrawal_sources` list them. Reporters only. One withdrawal of a "
    "visit is open at a time: another, or an `Idempotency-Key` already used, is a 409 "
    "`duplicate_report` naming the existing report in `existing` when you may read it (another "
    "person's is only said to be open), and nothing is filed. A visit corrected "
    "after the withdrawal was filed is not withdrawn unseen: verifying it is then a 409."
)
RESTORATION_DESCRIPTION = (
    "Proposes restoring a withdrawn visit to the record, when it was withdrawn by mistake, "
    "with the reason its page will show to every reader (20 to 1,000 characters). Nothing "
    "changes until a reviewer who is not its author verifies it: the same visit then "
    "returns to the record under its own id (`review_state` `verified`, no "
    "`withdrawal_note` nor `withdrawal_sources` any more), its verdict evaluated again, "
    "and its page says when it came back and why. Filing the trip again with POST "
    "/reports/ would make another visit, under another id. A visit of the trip on the "
    "record meanwhile is among the report's `possible_duplicates`, to name in "
    "`different_from` when verifying. Reporters only. An id that is no withdrawn visit, or "
    "a reason too short or too long, is a 400 naming the field, and nothing is filed. One "
    "restoration of a visit is open at a time: another, or an `Idempotency-Key` already "
    "used, is a 409 `duplicate_report`, as a withdrawal's. A visit changed after the "
    "restoration was filed is not restored unseen: verifying it is then a 409."
)
RULES_DESCRIPTION = (
    "What the schema alone cannot say, each a 400 naming the field: "
    + "; ".join(REPORT_RULES)
    + "."
)
FILE_DESCRIPTION = (
    "Files a report of a new visit, or (with `visit`) a correction of a published one, and "
    "submits it for review. It is not public anywhere until a reviewer who is not its author "
    "verifies it. Reporters only (group `reporters`, or an admin). The same checks as the "
    "newsroom's form: each problem is a 400 naming the field, and so is a field the body does "
    "not have (a misspelling such as `soruces`, or a key of a source such as `exerpt`), all "
    "in one answer (a source's address, the person, the host, the dates and the reason "
    "together): "
    "nothing is filed. An `Idempotency-Key` already used, "
    "or a report identical to one still open, is a 409 `duplicate_report` with the existing "
    "report's URL in `existing` and Location when you may read it (another person's report "
    "that you may not is only said to be open, not named); nothing more is filed. A "
    "correction whose `based_on` is older than the visit's `updated_at` is a 409 `conflict` "
    "(the visit changed since it was read; no `existing`: read the visit again); nothing is "
    "filed.\n\n" + RULES_DESCRIPTION
)


STALE_RESUBMISSION = gettext_noop(
    "This report was saved again after the version you read (seen): nothing was saved. "
    "Read it again, then send your changes and your answer again."
)
RESUBMIT_DESCRIPTION = (
    "Its author answers a reviewer's request for changes (`comment`): the report sent back "
    "is edited and submitted for review again in one step, as the newsroom's edit form "
    "does (the same checks, the same entries in its history, the same mail to the "
    "reviewers). `reply`, the answer to the reviewer, is required; the report's other "
    "fields are those of a filing, each optional: a field left out keeps the report's "
    "value as it stands when the answer is saved (an edit saved in the newsroom "
    "meanwhile is kept), an `outcome` left out with a `status` `announced`, `cancelled` "
    "or `virtual` is `n/a`, as in a filing, and `sources`, given, replaces the report's "
    "list (a correction's `visit` cannot change). Only the report's author may (anyone "
    "else who may read it: 403 `permission_denied`; a report you may not read: 404), and only while it is sent "
    "back for changes (`changes_requested`): a report awaiting review, verified or "
    "rejected is a 409 `conflict`; so is a `seen` that is not the report's `version`, a "
    "correction that would change nothing on its visit, or one begun before its visit "
    "last changed (read the visit again, and send its `updated_at` as `based_on` with the "
    "fields rebuilt from it). A report identical to another open one is a 409 "
    "`duplicate_report`, as a filing. A new visit's report that, as edited, may repeat a "
    "visit recorded (or withdrawn), or a report of that trip not yet closed, is a 400 "
    "naming `another_visit`, as a filing is, until the body says `another_visit`: true. "
    "A withdrawal sent back is reworded in the newsroom, "
    "on its page (409 `conflict` here). Each problem with a field is a 400 naming it, in "
    "the language asked for, every problem of the body in one answer (a field it does not "
    "have or of the wrong type with a source's address, the host, the dates and the reason "
    "together); whatever the refusal, nothing changes: the report stays sent "
    "back, as it was.\n\n" + RULES_DESCRIPTION
)


@extend_schema_view(
    list=extend_schema(
        summary="My reports",
        description="The reports you filed, newest first, in every state. Reporters and reviewers.",
        parameters=[STATE_FILTER],
        examples=[examples.REPORT_LISTED],
    ),
    retrieve=extend_schema(
        summary="One report",
        description=(
            "Its author, any reviewer once it is submitted (a draft is its author's own) and "
            "any admin may read it; anyone else gets a 404. With the verdict "
            "the rule would give if it were verified (`preview`) and the person's published "
            "visits to the host on days that may overlap (`possible_duplicates`)."
        ),
        parameters=[REPORT_ID],
        examples=[examples.REPORT_DETAIL],
    ),
    create=extend_schema(
        summary="File a report (reporters)",
        description=FILE_DESCRIPTION,
        request=ReportInputSerializer,
        responses={201: ReportDetailSerializer, **DUPLICATE_409},
        parameters=[idempotency_key_parameter(), CREATED_LOCATION, DUPLICATE_LOCATION],
        examples=[
            examples.NEW_VISIT,
            examples.ANNOUNCED,
            examples.CORRECTION,
            examples.REPORT_FILED,
            examples.DUPLICATE,
            examples.DUPLICATE_BY_ANOTHER,
            examples.STALE_CORRECTION,
        ],
    ),
)
class ReportViewSet(
    EnglishRefusalsMixin,  # but for a report's validation errors (api.errors)
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Reports: filed by reporters, reviewed by reviewers who did not write them."""

    permission_classes = [ReportAccess]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    serializer_class = ReportSerializer
    filter_backends = []
    http_method_names = ["get", "post", "head", "options"]
    requires_account = True  # the schema: no anonymous reading here (api.base.ApiAutoSchema)
    # Private, never kept by a cache (finalize_response): no ETag, so the schema declares
    # no 304 on its reads (api.schema).
    never_cached = True
    # The serializer each POST reads its body with, as its action does: what OPTIONS
    # describes (api.metadata.ApiMetadata), and the schema's `request` of each action.
    request_serializers = {
        "create": ReportInputSerializer,
        "withdrawals": WithdrawalInputSerializer,
        "restorations": RestorationInputSerializer,
        "verify": VerificationSerializer,
        "request_changes": ReviewCommentSerializer,
        "reject": RejectionSerializer,
        "resubmit": ResubmissionSerializer,
    }
    # Who may make each action on a report now, the report as it stands: the check the
    # service applies when the action is made (visits.review), so that OPTIONS describes
    # the action's body only to a caller it would let make it (api.metadata.ApiMetadata).
    action_rules = {
        "verify": review.check_verification,
        "request_changes": review.check_closing,
        "reject": review.check_closing,
        "resubmit": review.check_resubmission,
    }

    def initial(self, request, *args, **kwargs):
        # Refusals (authentication, permission, throttling, parameters) are English, as on
        # every endpoint, whatever Accept-Language says; only a report's validation errors
        # and its preview are in the reader's language.
        with translation.override("en"):
            super().initial(request, *args, **kwargs)
            # An unknown parameter (`?stat=verified`), an empty one, or one given twice
            # (`?state=a&state=b`, `?page=1&page=2`: read from the last value) is a 400
            # naming it, as on every address: never every report, unfiltered.
            check_parameters(
                request,
                self.known_parameters(),
                what=PARAMETER_OWNERS.get(self.action, "address"),
            )
            if request.method in ("POST", "PUT", "PATCH"):
                request.data  # noqa: B018 - parsed here: a 415 or a malformed body, in English
        activate_for(request)  # the preview's explanation is in the reader's language

    def known_parameters(self) -> set[str]:
        """The query parameters this action reads: every one `format` and `lang`; the
        lists (`list`, `queue`) their paging, and the caller's own list `state`. A POST's
        body is read apart (its serializer refuses a field it does not have)."""
        known = {api_settings.URL_FORMAT_OVERRIDE, LANG}
        if self.action in ("list", "queue"):
            paginator = self.paginator
            known |= {paginator.page_query_param, paginator.page_size_query_param}
        if self.action == "list":
            known.add(STATE_FILTER.name)
        return known

    def finalize_response(self, request, response, *args, **kwargs):
        response = negotiated(super().finalize_response(request, response, *args, **kwargs))
        # Reports are their authors' and the reviewers' until verified: never kept by a
        # browser's or a proxy's cache (as the newsroom's pages, `never_cache`).
        add_never_cache_headers(response)
        return response

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            queryset = reports().filter(author=user).order_by("-created_at", "-id")
            wanted = self.request.query_params.get("state")
            if wanted:
                if wanted not in ReportState.values:
                    raise InvalidFilter(
                        {
                            "state": [
                                f"{echoed(wanted)!r} is not one of: {', '.join(ReportState.values)}."
                            ]
                        }
                    )
                queryset = queryset.filter(state=wanted)
            return queryset
        if self.action == "queue":
            return review.review_queue(user).select_related("reviewer")
        return reports().filter(review.readable_reports(user)).order_by("id")

    def get_object(self):
        """The report the address names, if the caller may read it; any other id (one no
        report has, one that cannot be an id: `0`, `abc`, `99999999999999999999`) is the
        same 404 naming it, without a query when it cannot be one (the router takes any
        segment, as the other records' do: api.base.PublicReadMixin.get_object)."""
        pk = self.kwargs["pk"]
        report = None
        if re.fullmatch(identifiers.DATABASE_ID, pk):
            report = self.get_queryset().filter(pk=int(pk)).first()
        if report is None:
            raise exceptions.NotFound(f"No report with id {echoed(pk)!r} that you may read.")
        return report

    def get_serializer_class(self):
        if self.action in ("retrieve", "verify", "reject", "request_changes", "resubmit"):
            return ReportDetailSerializer
        return ReportSerializer

    def create(self, request, *args, **kwargs):
        return file_from_request(self, request)

    def _reviewed(self, report) -> Response:
        report = reports().get(pk=report.pk)
        return Response(ReportDetailSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Propose withdrawing a published visit (reporters)",
        description=WITHDRAWAL_DESCRIPTION,
        request=WithdrawalInputSerializer,
        responses={201: ReportDetailSerializer, **DUPLICATE_409},
        parameters=[idempotency_key_parameter(), CREATED_LOCATION, DUPLICATE_LOCATION],
        examples=[
            examples.WITHDRAWAL,
            examples.WITHDRAWAL_FILED,
            examples.DUPLICATE,
            examples.DUPLICATE_BY_ANOTHER,
        ],
    )
    @action(detail=False, methods=["post"])
    def withdrawals(self, request):
        return withdraw_from_request(self, request)

    @extend_schema(
        summary="Propose restoring a withdrawn visit (reporters)",
        description=RESTORATION_DESCRIPTION,
        request=RestorationInputSerializer,
        responses={201: ReportDetailSerializer, **DUPLICATE_409},
        parameters=[idempotency_key_parameter(), CREATED_LOCATION, DUPLICATE_LOCATION],
        examples=[
            examples.RESTORATION,
            examples.RESTORATION_FILED,
            examples.DUPLICATE,
            examples.DUPLICATE_BY_ANOTHER,
        ],
    )
    @action(detail=False, methods=["post"])
    def restorations(self, request):
        return restore_from_request(self, request)

    @extend_schema(
        summary="Reports awaiting your review",
        description=(
            "Submitted reports you did not write, oldest first. Reviewers only (group "
            "`reviewers`, or an admin)."
        ),
        responses={200: ReportSerializer(many=True)},
        examples=[examples.REPORT_QUEUED],
    )
    @action(detail=False, methods=["get"])
    def queue(self, request):
        return self.list(request)

    @extend_schema(
        summary="Verify (publish) a report",
        description=(
            "Publishes the report: a new visit, or the correction applied to its visit (the "
            "fields that changed are recorded in `changes`). Reviewers only, never the report's "
            "author (403 `four_eyes`). 409 `conflict` when the report is not awaiting review, "
            "when it changed since the `version` given as `seen`, when it is a correction begun "
            "before the visit last changed (publishing it would undo that change: reject it and "
            "file it again), or when it may duplicate a published visit not listed in "
            "`different_from`. A withdrawal whose reason the newsroom would not take now "
            f"(empty, or shorter than {review.WITHDRAWAL_NOTE_MIN} characters: filed before "
            "that minimum) is a 400 naming `withdrawal_note`, and a correction whose reason is "
            f"shorter than {review.WITHDRAWAL_NOTE_MIN} characters (filed before that "
            "minimum) a 400 naming `reason`, nothing published: send it back for its author "
            "to reword it. A correction whose new `host` or `person` an ICC decision on its "
            "visit would contradict (one recorded after it was filed: a decision on a visit "
            "rules on what its host did, about the person who made it) is a 400 naming that "
            "field and the decisions, nothing published: the decision is corrected first in "
            "the admin, or the correction is wrong."
        ),
        request=VerificationSerializer,
        responses={200: ReportDetailSerializer, **ERRORS_409},
        parameters=[REPORT_ID],
        examples=[examples.VERIFY_BODY, examples.VERIFIED, examples.FOUR_EYES],
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        report = self.get_object()
        body = VerificationSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        with service_errors(request):
            review.verify(
                report,
                request.user,
                seen=body.validated_data["seen"],
                different_from=body.validated_data["different_from"],
            )
        return self._reviewed(report)

    @extend_schema(
        summary="Send a report back to its author",
        description=(
            "With a comment saying what to change; the author edits it, answers the comment "
            "(`reply`, required) and submits it again, in the newsroom or with POST "
            "/api/v1/reports/{id}/resubmit/. Reviewers only, never the report's author (403 `four_eyes`). 409 "
            "`conflict` when the report is not awaiting review, or changed since the `version` "
            "given as `seen`."
        ),
        request=ReviewCommentSerializer,
        responses={200: ReportDetailSerializer, **ERRORS_409},
        parameters=[REPORT_ID],
        examples=[examples.CHANGES_REQUESTED_BODY, examples.CHANGES_REQUESTED],
    )
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        report = self.get_object()
        body = ReviewCommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors(request):
            review.request_changes(
                report,
                request.user,
                body.validated_data["comment"],
                seen=body.validated_data.get("seen"),
            )
        return self._reviewed(report)

    @extend_schema(
        summary="Answer a request for changes and submit the report again (its author)",
        description=RESUBMIT_DESCRIPTION,
        request=ResubmissionSerializer,
        responses={200: ReportDetailSerializer, **DUPLICATE_409},
        parameters=[REPORT_ID, DUPLICATE_LOCATION],
        examples=[
            examples.RESUBMISSION_BODY,
            examples.RESUBMITTED,
            examples.NO_ANSWER,
            examples.NOT_THE_AUTHOR,
            examples.NOT_SENT_BACK,
        ],
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        report = self.get_object()
        body = ResubmissionSerializer(data=request.data)
        if not body.is_valid():
            refuse_resubmission_with_every_error(report, request.user, body)
        attrs = body.validated_data
        # Only what the body gives: the service lays it over the report once locked, so
        # that an edit saved in between (in the newsroom) is kept where the body is silent.
        data, citations = ResubmissionSerializer.changes(attrs)
        with service_errors(request):
            try:
                review.resubmit(
                    report,
                    request.user,
                    data=data,
                    citations=citations,
                    reply=attrs["reply"],
                    reason=attrs.get("reason"),
                    based_on=attrs.get("based_on"),
                    seen=attrs.get("seen"),
                    # As a filing: a trip that may be known already waits for `another_visit`.
                    refuse_duplicates=not attrs.get("another_visit"),
                )
            except review.PossibleDuplicates as possible:
                edited = {**review.normalise(report.data or {}), **data}
                cited = list(report.citations or []) if citations is None else citations
                refuse_unconfirmed_duplicates(request, edited, cited, possible)
            except DjangoValidationError as refused:
                if review.is_stale_refusal(refused):
                    # The service's words speak of the newsroom's form.
                    raise DjangoValidationError({"seen": _(STALE_RESUBMISSION)}) from None
                if refuses_fields(refused):
                    # The service stops at its first step that refuses: the others say theirs too.
                    refuse_resubmission_with_every_error(report, request.user, body, refused)
                raise
        return self._reviewed(report)

    @extend_schema(
        summary="Reject a report",
        description=(
            "With a reason for its author; the report is kept, never public. Reviewers only, "
            "never the report's author (403 `four_eyes`). 409 `conflict` when the report is not "
            "awaiting review, or changed since the `version` given as `seen`."
        ),
        request=RejectionSerializer,
        responses={200: ReportDetailSerializer, **ERRORS_409},
        parameters=[REPORT_ID],
        examples=[examples.REJECTION_BODY, examples.REJECTED],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        report = self.get_object()
        body = RejectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors(request):
            review.reject(
                report,
                request.user,
                body.validated_data["reason"],
                seen=body.validated_data.get("seen"),
            )
        return self._reviewed(report)
