"""What every /api/v1/ endpoint shares: the read-only viewset, filters, as_of, sources, the schema.

- `PublicReadViewSet`: JSON and CSV, page-number pagination (none for CSV), a clear 404
  naming the resource and the identifier, `Vary: Accept`, errors always in JSON.
- `ApiFilterBackend` (in api_filters): the app's FilterSets (the same as the site's); a
  bad value is a 400 `invalid_filter` naming the parameter.
- `as_of_from`: the `?as_of=YYYY-MM-DD` parameter, parsed once for every endpoint.
- `KnownFieldsOnly`: every serializer of a request body refuses a field it does not
  have (a 400 naming it), never drops it unseen.
- `ApiAutoSchema`: documents the error answers, optional authentication on reads,
  CSV as text and the request bodies' `additionalProperties: false`.
"""

import datetime
import difflib
import functools
import hashlib
import logging
import re
from collections.abc import Mapping
from urllib.parse import urlencode

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.http import Http404, HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.access import TokenAuthentication
from api.errors import ErrorSerializer, InvalidFilter
from api.filters import (
    FACETS,
    GENERAL_PARAMETERS,
    ApiFilterBackend,
    ApiOrderingFilter,
    check_parameters,
    facets_of,
)
from api.formats import CSVRenderer, JSONRenderer, csv_columns, flattener
from api.lang import LANG, activate_for, lang_parameter
from api.paging import JSON_ONLY, facets_schema
from core import conditional, exports, identifiers, pagecache, tabular
from core.echo import echoed
from core.links import plain_link
from core.locale import canonical_filters
from core.models import DatePrecision, Source
from dataset.state import data_state, download_name

# --- as_of ----------------------------------------------------------------------------

AS_OF = "as_of"


def as_of_from(request, *, future: bool = True) -> datetime.date | None:
    """The `?as_of=` date, or None; a value that is not a YYYY-MM-DD date is a 400, and so
    is a day after today (UTC) unless `future` (a state's standing on a coming day is
    known from its timeline; what iccwatch will show on it is not)."""
    raw = request.query_params.get(AS_OF)
    if raw in (None, ""):
        return None
    day = identifiers.iso_date(raw)  # as every date filter reads a day (core.filters.IsoDateField)
    if day is None:
        raise InvalidFilter(
            {AS_OF: [f"{echoed(raw)!r} is not a date: use YYYY-MM-DD, e.g. 2024-09-03."]}
        )
    if not future:
        not_after_today(day)
    return day


def not_after_today(day: datetime.date) -> None:
    """InvalidFilter (400) for a verdict's `as_of` after today (UTC): what iccwatch will show
    on a coming day is not known."""
    today = datetime.datetime.now(datetime.UTC).date()
    if day > today:
        raise InvalidFilter(
            {
                AS_OF: [
                    f"{day.isoformat()} is after today ({today.isoformat()}): a verdict can "
                    "be shown as iccwatch showed it, not as it will; give today or an earlier day."
                ]
            }
        )


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` ends (UTC): records made before it existed on that day."""
    if day == datetime.date.max:
        return datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC
    )


# --- Shared serializers ---------------------------------------------------------------


def _canonical_reverse(view_name, args=None, kwargs=None, request=None, format=None, **extra):
    """An absolute link without the caller's `?format=`: links name the resource, not a rendering."""
    path = reverse(view_name, args=args, kwargs=kwargs, **extra)
    return request.build_absolute_uri(path) if request is not None else path


class LinkField(serializers.HyperlinkedIdentityField):
    """The object's API URL (as DRF's, minus any `?format=` of the current request)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reverse = _canonical_reverse

    def get_url(self, obj, view_name, request, format):
        """The address from the request's precomputed one when the identifier is plain
        (the same string `reverse` gives), else DRF's."""
        if not (hasattr(obj, "pk") and obj.pk in (None, "")):
            url = plain_link(
                request, view_name, self.lookup_url_kwarg, getattr(obj, self.lookup_field)
            )
            if url is not None:
                return url
        return super().get_url(obj, view_name, request, format)


class PlainReadMixin:
    """A serializer's `to_representation` with less work per row: the same dict as DRF's,
    but the list of readable fields is walked once per serializer, not once per row,
    and a field with a one-step source (not a related field) reads it with a plain
    getattr (or item, from a dict); a callable, a missing attribute and every other
    field go DRF's way (`Field.get_attribute`)."""

    def _plan(self) -> list[tuple[str, str | None, object, bool]]:
        plan = self.__dict__.get("_plain_plan")
        if plan is None:
            plan = []
            for field in self._readable_fields:
                attrs = field.source_attrs
                direct = len(attrs) == 1 and not isinstance(
                    field, (serializers.RelatedField, serializers.ManyRelatedField)
                )
                plain_str = type(field) is serializers.CharField
                plan.append((field.field_name, attrs[0] if direct else None, field, plain_str))
            self.__dict__["_plain_plan"] = plan
        return plan

    def to_representation(self, instance):
        ret = {}
        mapping = isinstance(instance, Mapping)
        for name, attr, field, plain_str in self._plan():
            if attr is not None:
                try:
                    attribute = instance[attr] if mapping else getattr(instance, attr)
                except (KeyError, AttributeError):
                    attribute = _GENERIC
                if attribute is not _GENERIC and not callable(attribute):
                    if attribute is None:
                        ret[name] = None
                    elif plain_str:
                        ret[name] = str(attribute)
                    else:
                        ret[name] = field.to_representation(attribute)
                    continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret


# The value of a field PlainReadMixin leaves to DRF.
_GENERIC = object()


class OptionalChoiceField(serializers.ChoiceField):
    """A choice a record may lack: null in the answer where the database keeps '' (a
    generated client then reads None, not an empty string that is no member of the enum)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value in ("", None):
            return None
        return super().to_representation(value)


class OptionalTextMixin:
    """A text field a record may lack (a place, a note, a case number not recorded): null
    in the answer where the database keeps '', as data/DICTIONARY.md says of every
    unknown value ("Export format": an empty cell, `null` in JSON), and as the schema
    says (`nullable`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value in ("", None):
            return None
        return super().to_representation(value)


class OptionalCharField(OptionalTextMixin, serializers.CharField):
    """A CharField whose blank text answers null (`OptionalTextMixin`)."""


class OptionalURLField(OptionalTextMixin, serializers.URLField):
    """A URLField whose blank text answers null (`OptionalTextMixin`)."""


class BlankTextAsNull:
    """A read ModelSerializer whose model text fields that may be left blank
    (`blank=True`, no choices: a visit's place, a person's role, a note) answer null for
    '' (`OptionalCharField`, `OptionalURLField`), nullable in the schema: every unknown
    value of a record is null in the API's JSON (data/DICTIONARY.md), never "". The fields
    a serializer declares itself say so themselves."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        blank_text = (
            isinstance(model_field, models.CharField | models.TextField)
            and model_field.blank
            and not model_field.choices
        )
        if blank_text and issubclass(field_class, serializers.CharField):
            field_class = (
                OptionalURLField
                if issubclass(field_class, serializers.URLField)
                else OptionalCharField
            )
            kwargs["allow_null"] = True
            kwargs.pop("allow_blank", None)
        return field_class, kwargs


# --- Request bodies -------------------------------------------------------------------

# How many unknown fields of one object a refusal names (a body of 100,000 made-up keys
# gets an answer of a few lines, not the keys again with a sentence each).
UNKNOWN_FIELDS_NAMED = 20


class KnownFieldsOnly:
    """Input serializers: a body field the serializer does not know is a 400 naming it,
    never a value silently dropped (`soruces`, `end_dat`: the client would get a 201 and
    lose what it sent). Each unknown field of the object (at most UNKNOWN_FIELDS_NAMED,
    the first in sorted order; a non-field error then says how many there were) gets
    "This request has no such field", with the known field it most resembles (difflib)
    or the list of the fields it has, in the active language; `RETIRED_FIELDS` ({name:
    message}) says what replaced a field a former version read. The refusal comes with
    the other fields' own errors, in one 400 (DRF's ValidationError, as {field:
    [messages]}), before the view writes anything.

    A field the serializer declares read-only is known: sent back as it was read, it is
    accepted and ignored, as DRF ignores it. Used first among the bases (so that it sees
    the errors of the mixins after it), by every serializer of a body the API writes
    from, nested ones included (a nested object's unknown key is named by its path,
    `sources.1.exerpt`). The schema says so: its request component has
    `additionalProperties: false` (ApiAutoSchema)."""

    RETIRED_FIELDS: Mapping[str, str] = {}

    def to_internal_value(self, data):
        unknown = self.unknown_fields(data) if isinstance(data, Mapping) else {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as invalid:
            if unknown and isinstance(invalid.detail, Mapping):
                raise serializers.ValidationError({**invalid.detail, **unknown}) from None
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def meant_fields(self, data: Mapping) -> set[str]:
        """The fields the unknown keys of `data` resemble, as their refusals name them
        (`soruces`: {"sources"}): given, though misspelt, not missing."""
        writable = [name for name, field in self.fields.items() if not field.read_only]
        unknown = sorted(str(name) for name in data if name not in self.fields)
        return {
            like
            for name in unknown[:UNKNOWN_FIELDS_NAMED]
            if name not in self.RETIRED_FIELDS
            for like in difflib.get_close_matches(name, writable, n=1)
        }

    def unknown_fields(self, data: Mapping) -> dict[str, list[str]]:
        """{name: [message]} for each key of `data` this serializer has no field for ({}
        when there is none), at most UNKNOWN_FIELDS_NAMED of them, with a
        `non_field_errors` counting them all beyond that."""
        fields = self.fields
        unknown = sorted(str(name) for name in data if name not in fields)
        if not unknown:
            return {}
        writable = [name for name, field in fields.items() if not field.read_only]
        errors = {}
        for name in unknown[:UNKNOWN_FIELDS_NAMED]:
            if name in self.RETIRED_FIELDS:
                errors[name] = [str(self.RETIRED_FIELDS[name])]
                continue
            like = difflib.get_close_matches(name, writable, n=1)
            if like:
                message = _("This request has no such field: did you mean %(field)r?") % {
                    "field": like[0]
                }
            else:
                message = _("This request has no such field. Its fields are: %(names)s.") % {
                    "names": ", ".join(writable)
                }
            errors[name] = [message]
        if len(unknown) > UNKNOWN_FIELDS_NAMED:
            errors[api_settings.NON_FIELD_ERRORS_KEY] = [
                _(
                    "This request has %(count)d fields it does not know; the first "
                    "%(named)d are named."
                )
                % {"count": len(unknown), "named": UNKNOWN_FIELDS_NAMED}
            ]
        return errors


class PrecisionField(OptionalChoiceField):
    """How much of the date `date_field` is known (`day`, `month` or `year`), read from its
    `<date_field>_precision` column; null when the date itself is (an undated visit, a
    one-day visit's end, an unknown birth date), as the CSV leaves the cell empty
    (core.tabular.dated)."""

    def __init__(self, date_field: str, **kwargs):
        self.date_field = date_field
        kwargs.setdefault("choices", DatePrecision.choices)
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        kwargs.setdefault(
            "help_text",
            f"How much of `{date_field}` is known: `day`, `month` or `year`; null when "
            f"`{date_field}` is.",
        )
        super().__init__(**kwargs)

    def to_representation(self, instance):
        if getattr(instance, self.date_field) is None:
            return None
        return super().to_representation(getattr(instance, f"{self.date_field}_precision"))


class SourceSerializer(PlainReadMixin, BlankTextAsNull, serializers.ModelSerializer):
    """A public document that backs a fact: its publisher, date and excerpt null when the
    record gives none."""

    # As published: some addresses hold non-ASCII characters (IRIs), which "format: uri" refuses.
    url = serializers.CharField(read_only=True, help_text="The document's address, as published.")
    archived_url = OptionalCharField(read_only=True, help_text="An archived copy; null if none.")

    class Meta:
        model = Source
        fields = ["url", "publisher", "published", "excerpt", "archived_url"]


def list_url(context, view_name: str, **params) -> str:
    """An absolute link to a list endpoint with these filters."""
    path = f"{reverse(view_name)}?{urlencode(params)}"
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def page_url(context, obj) -> str:
    """The object's page on the public site."""
    request = context.get("request")
    path = obj.get_absolute_url()
    return request.build_absolute_uri(path) if request is not None else path


# --- The base viewset -----------------------------------------------------------------

# Rows read per query while a CSV streams (each chunk also reads its prefetches once).


class EnglishRefusalsMixin:
    """A view whose refusals (authentication, permission, throttling, negotiation, method,
    filters, paging) are built in English, whatever the reader's language: api.errors says
    so in Content-Language. A method the address does not have is refused first, a 405
    whatever else the request says (a `?format=`, a key, the limits: uncounted, as a 401,
    403 or 406), where DRF checks it after them (`POST /visits/<id>/?format=csv` was a 406,
    the same POST without the format a 405)."""

    refuses_in_english = True

    def initial(self, request, *args, **kwargs):
        if request.method not in self.allowed_methods:
            with translation.override("en"):
                raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def http_method_not_allowed(self, request, *args, **kwargs):
        with translation.override("en"):
            return super().http_method_not_allowed(request, *args, **kwargs)


class PublicReadMixin(EnglishRefusalsMixin):
    """Read-only, public, JSON or CSV; subclasses set queryset, serializer, filterset, lookup."""

    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends = [ApiFilterBackend]
    # What a valid identifier looks like (a dataset slug unless the viewset says otherwise):
    # anything else is a 404 without a query.
    lookup_value_pattern = identifiers.SLUG
    # "No person with slug 'x'."
    resource_name = "object"
    lookup_description = "identifier"
    # The query parameters one record's answer reads besides `format` and `lang` (e.g.
    # `as_of` where a record is told as of a day): any other is a 400, as on a list.
    detail_parameters: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        # Refusals are English (api.errors): authentication, permissions, throttling and
        # content negotiation too, whatever Accept-Language chose for the data.
        with translation.override("en"):
            super().initial(request, *args, **kwargs)
            self._check_parameters(request)
        # `?lang=` (validated here: a 400 before the data is read) wins over Accept-Language.
        activate_for(request)

    def _check_parameters(self, request) -> None:
        """Unknown, empty and repeated parameters, all reported in one 400
        (api.filters.check_parameters): on the reads, those `known_parameters` does not
        name; on any other request (the visits' POST, an alias of POST /reports/, and
        OPTIONS), any but `format` and `lang`, as on /reports/ (its body is read apart)."""
        reads = self.action in ("list", "retrieve")
        check_parameters(
            request,
            self.known_parameters() if reads else {api_settings.URL_FORMAT_OVERRIDE, LANG},
            filterset_class=getattr(self, "filterset_class", None),
            what={"retrieve": "record", "list": "list"}.get(self.action, "address"),
        )

    def known_parameters(self) -> set[str]:
        """The query parameters this action reads: a list its filters, paging, format, lang
        and facets (when it offers any); one record format, lang and its `detail_parameters`."""
        if self.action == "retrieve":
            return {*GENERAL_PARAMETERS, *self.detail_parameters} - {FACETS}
        filterset_class = getattr(self, "filterset_class", None)
        known = set(getattr(filterset_class, "base_filters", ())) | set(GENERAL_PARAMETERS)
        if not getattr(filterset_class, "FACETS", None):
            known.discard(FACETS)
        paginator = self.paginator
        for attribute in ("page_query_param", "page_size_query_param", "cursor_query_param"):
            if getattr(paginator, attribute, None):
                known.add(getattr(paginator, attribute))
        return known

    def __init_subclass__(cls, **kwargs):
        # The reads a viewset has (list, retrieve) answer from the page cache; a viewset
        # without one keeps without it (the router only routes what a viewset defines).
        super().__init_subclass__(**kwargs)
        for name in ("list", "retrieve"):
            action = getattr(cls, name, None)
            if action is not None and not getattr(action, "page_cached", False):
                setattr(cls, name, _page_cached(action))

    def cached(self, produce):
        """Answer from the page cache (core.pagecache) after the checks of `initial`
        (access, rate limits, parameters): per query, language and format, with an ETag
        from the data version, so that a revalidation is a 304 without a query."""
        request = self.request

        def rendered():
            response = produce()
            if isinstance(response, Response) and response.status_code == 200:
                response.accepted_renderer = request.accepted_renderer
                response.accepted_media_type = request.accepted_media_type
                response.renderer_context = self.get_renderer_context()
                self.finalize_response(request, response)
            return response

        # One representation, one key, so one ETag (an If-Match or If-None-Match naming
        # it matches however the request was phrased). `lang` is left to the language the
        # key holds (get_language(): `?lang=fr` and `Accept-Language: fr` alike), and
        # `format` to the negotiated media type, wherever the bytes do not repeat them: a
        # CSV never writes the query string (it is the same bytes whether `?format=csv` or
        # an Accept header chose it, as a streamed list's, csv_etag), nor does one JSON
        # record (`/states/MNG/`, `?lang=en` and `?format=json` are the same bytes). A JSON
        # list keeps both: its page links repeat the query as it came (`?format=json`).
        # `Accept: application/json; indent=4` indents it: another media type, another key.
        csv = getattr(request.accepted_renderer, "format", None) == CSVRenderer.format
        if csv or self.action == "retrieve":
            leave_out = (api_settings.URL_FORMAT_OVERRIDE, LANG)
        else:
            leave_out = ()
        media_type = CSVRenderer.media_type if csv else request.accepted_media_type or ""
        key = pagecache.request_key(
            request, media_type, anyone=True, any_order=True, leave_out=leave_out
        )
        # The rate limits this read passed: an early answer (pagecache.EarlyPageCacheMiddleware)
        # counts it against the same ones.
        request._request.pagecache_throttles = tuple(
            f"{throttle.__module__}.{throttle.__qualname__}" for throttle in self.throttle_classes
        )
        # A revalidated read for what changed repeats the `Changed-Until` of the answer it
        # revalidates (the moment to ask from next: read before that answer's rows).
        repeated = (
            (CHANGED_UNTIL,)
            if self.action == "list" and self.tells_changes and self.reads_changes(request)
            else ()
        )
        return pagecache.cached_response(request, key, rendered, repeated_on_304=repeated)

    def get_lookup_value(self) -> str:
        return self.kwargs[self.lookup_url_kwarg or self.lookup_field]

    def get_object(self):
        value = self.get_lookup_value()
        not_found = exceptions.NotFound(
            f"No {self.resource_name} with {self.lookup_description} {echoed(value)!r}."
        )
        if len(value) > identifiers.SLUG_MAX_LENGTH or not re.fullmatch(
            self.lookup_value_pattern, value
        ):
            raise not_found
        try:
            return super().get_object()
        except Http404:
            raise not_found from None

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context[AS_OF] = as_of_from(self.request) if self.request is not None else None
        return context

    # A list whose site download has the same rows sets a table and row function built on
    # the site's (e.g. api.visits.views.API_VISIT_TABLE, from visits.tables.VISIT_TABLE):
    # its CSV then has the site's columns, `url` and `page_url` as in the JSON.
    export_table: tabular.Table | None = None

    def export_row(self, obj, request, language: str) -> dict:
        raise NotImplementedError  # set with export_table

    def csv_filename(self, stem: str = "") -> str:
        """The CSV's file name, by the function that names the site's downloads
        (dataset.state.download_name), so that two CSVs of other rows never share a name:
        what it holds (`stem`: the list, "iccwatch-visits" by default; one record,
        "iccwatch-<resource>-<its id>" by default, `record_stem`), the dataset version
        (and the moment of later changes), the answer's language when not English, the
        digest of the list's filters and of the paging parameters that choose its rows
        (their canonical query string, as the site's list writes it: the same filters name
        the site's download of the same rows alike; `as_of` apart; the feed's `cursor`,
        from which its CSV streams, `row_parameters`) and the `as_of` day:
        'iccwatch-visits-2026.12.04-fr-06577de2.csv',
        'iccwatch-state-MNG-2026.12.04.csv',
        'iccwatch-states-2026.12.04-as-of-2020-01-01.csv'. One query (the data's state)."""
        request = self.request
        if not stem:
            stem = (
                self.record_stem()
                if self.action == "retrieve"
                else f"iccwatch-{self.basename.removeprefix('api-')}s"
            )
        filterset_class = getattr(self, "filterset_class", None)
        names = (set(getattr(filterset_class, "base_filters", ())) - {AS_OF}) | set(
            self.row_parameters()
        )
        return download_name(
            stem,
            "csv",
            data_state(),
            language=translation.get_language() or "",
            filters=canonical_filters(request.query_params, names) if self.action == "list" else "",
            as_of=as_of_from(request),
        )

    def record_stem(self) -> str:
        """The name of one record's CSV before its version: "iccwatch-", the resource
        (the router's basename, singular) and the record's id as its address gives it
        once read (`get_object`: a state's code upper-cased; it matches
        `lookup_value_pattern`, so a file name can hold it): 'iccwatch-state-MNG',
        'iccwatch-person-vladimir-putin', 'iccwatch-finding-4'."""
        resource = self.basename.removeprefix("api-")
        return f"iccwatch-{resource}-{self.get_lookup_value()}"

    def row_parameters(self) -> tuple[str, ...]:
        """The paging parameters of this list that change which rows its CSV holds, so
        that they name it as its filters do: those of `page`, `page_size` and `cursor` a
        CSV does not refuse (`json_only_parameters`): the incidents feed's `cursor`."""
        paginator = self.paginator
        given = (
            getattr(paginator, attribute, None)
            for attribute in ("page_query_param", "page_size_query_param", "cursor_query_param")
        )
        refused = set(self.json_only_parameters()) if paginator is not None else set()
        return tuple(name for name in given if name and name not in refused)

    # A list read for what changed (`?changed_since=`) that gives every change, withdrawals
    # included, answers with the `Changed-Until` header (the visits'; not the incidents
    # feed, which only adds, and is continued by its cursor).
    tells_changes = False

    def list(self, request, *args, **kwargs):
        """A page of JSON (with `facets` when asked for), or every row as streamed CSV; read
        for what changed (`?changed_since=`, `tells_changes`), with the `Changed-Until`
        header."""
        # Read before the rows, so that nothing committed after it is missing from them.
        horizon = changes_horizon() if self.tells_changes and self.reads_changes(request) else None
        if request.accepted_renderer.format == CSVRenderer.format:
            response = self.stream_csv(request)
        else:
            response = super().list(request, *args, **kwargs)
            facets = facets_of(self)
            if facets is not None and isinstance(response.data, dict):
                response.data[FACETS] = facets
        if horizon is not None and response.status_code == 200:
            response[CHANGED_UNTIL] = horizon.isoformat(timespec="microseconds").replace(
                "+00:00", "Z"
            )
        return response

    def reads_changes(self, request) -> bool:
        """Whether this read of a list that tells its changes answers with `Changed-Until`:
        read for what changed (`?changed_since=`), or copied whole by its cursor (`?cursor=`,
        api.paging.PageOrCursorPagination), which then goes on with `changed_since` from
        the first page's."""
        cursor = getattr(self.paginator, "cursor_query_param", None)
        return bool(request.query_params.get(CHANGED_SINCE)) or (
            cursor is not None and cursor in request.query_params
        )

    def stream_csv(self, request) -> StreamingHttpResponse:
        """Every row matching the filters as CSV, streamed: read `tabular.EXPORT_CHUNK` rows at a time
        and written as they come, so memory stays flat whatever the number of rows.

        A bad filter, or a parameter that applies to JSON only (`page`, `page_size`,
        `facets`: `json_only_parameters`), is a 400 before anything is sent. The ETag is a
        digest of the request and of the data version (`csv_etag`), so a conditional GET or
        HEAD answers 304 (or 412) without reading the rows or taking a download slot.
        """
        self.reject_json_only_parameters(request)
        queryset = self.filter_queryset(self.get_queryset())
        if self.paginator is not None:
            self.paginator.paginate_queryset(queryset, request, view=self)  # checks ?cursor=
            # A feed streams from its cursor on (api.paging.IncidentFeedPagination).
            if hasattr(self.paginator, "export_queryset"):
                queryset = self.paginator.export_queryset(queryset, request)
        # Connect now: an unreachable database is a 503 (core/unavailable.py), not a cut stream.
        connection.ensure_connection()
        language = translation.get_language()
        columns = (
            self.export_table.names if self.export_table else csv_columns(self.get_serializer())
        )
        chunks = tabular.in_pieces(
            tabular.csv_lines(self._csv_rows(request, queryset, columns, language), columns)
        )
        etag = self.csv_etag(request, language)
        response = StreamingHttpResponse(content_type="text/csv; charset=utf-8")
        if etag is not None:
            response["ETag"] = etag
        # A revalidation (304) or a precondition that fails (412: an If-Match naming
        # another ETag, or any ETag when the CSV has none) is answered here, before a row
        # is read or a slot taken (core.conditional; it answers with the response itself
        # when no condition applies).
        answered = conditional.conditional_response(request._request, response, etag=etag)
        if answered is not response:
            return answered
        # Named once no 304 or 412 answers instead: its name reads the data's state.
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename()}"'
        # At most so many downloads stream at once, per client and in all, as on the site
        # (core/exports.py).
        try:
            slot = exports.take_slot(request)
        except exports.TooManyDownloads as busy:
            # In English, as the rate limits' 429 (PublicReadMixin.initial) and every
            # refusal are (api.errors): DRF adds the wait in the active language, which is
            # by now the one asked for the data.
            with translation.override("en"):
                refused = exceptions.Throttled(
                    wait=busy.retry_after, detail=too_many_downloads(busy)
                )
            raise refused from None
        response.streaming_content = slot.stream(chunks)
        return response

    def json_only_parameters(self) -> tuple[str, ...]:
        """The parameters of this list that shape a JSON answer only: its paging (`page`,
        `page_size`, the visits' `cursor`; not the feed's `cursor`, from which its CSV
        streams) and `facets`."""
        attributes = ["page_query_param", "page_size_query_param"]
        if not hasattr(self.paginator, "export_queryset"):
            attributes.append("cursor_query_param")
        names = [getattr(self.paginator, attribute, None) for attribute in attributes]
        return tuple(name for name in (*names, FACETS) if name)

    def reject_json_only_parameters(self, request) -> None:
        """InvalidFilter (400) naming each JSON-only parameter a CSV request gives: the CSV
        holds every matching row, so `?page=99` would otherwise answer them all, silently."""
        given = [name for name in self.json_only_parameters() if name in request.query_params]
        if given:
            raise InvalidFilter(
                {
                    name: [
                        "This parameter applies to JSON only: the CSV gives every matching "
                        "row, unpaginated and without facets. Leave it out, or ask for JSON."
                    ]
                    for name in given
                }
            )

    def _csv_rows(self, request, queryset, columns, language):
        serializer = None if self.export_table else self.get_serializer()
        flat = flattener(columns)
        # Rows are written after the view returned: keep the answer's language for them.
        with translation.override(language):
            for obj in tabular.streamed(queryset):
                if serializer is None:
                    yield self.export_row(obj, request, language)
                else:
                    yield flat(serializer.to_representation(obj))

    def csv_etag(self, request, language: str) -> str | None:
        """A strong ETag for a streamed CSV: the URL (its parameters in any order of their
        names, `format` aside: the representation, not how it was asked for), the language
        it answers in (whether `?lang=` or the request's languages chose it), the day (a state's standing today changes with it) and the data version
        every write moves (core.pagecache.data_version), as the cached pages' ETags: a
        CSV's rows also show what other records hold (a visit's person, host, sources and findings), which no
        count or latest `updated_at` of its own rows would see change. None (no ETag, so
        never a 304) while the version cannot be read, or while a running transaction holds
        a feed's rows back (api.paging.IncidentFeedPagination.settled): it may roll back
        without moving the version."""
        if getattr(self.paginator, "held_back", False):
            return None
        version = pagecache.data_version()
        if version is None:
            return None
        today = datetime.datetime.now(datetime.UTC).date().isoformat()
        # The parameters in the order of their names (a CSV never writes the query string),
        # `lang` left to `language`, the language it answers in (`?host=MNG&lang=en` is
        # `?host=MNG` in English), and `format` left out: once CSV is chosen, the bytes are
        # the same whether `?format=csv` or `Accept: text/csv` asked for them, and so is
        # their ETag (core.pagecache.names_in_order).
        query = pagecache.names_in_order(
            request.META.get("QUERY_STRING", ""),
            leave_out=(LANG, api_settings.URL_FORMAT_OVERRIDE),
        )
        parts = [request.path, query, language, today, version]
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        return f'"csv-{digest}"'

    def finalize_response(self, request, response, *args, **kwargs):
        return negotiated(super().finalize_response(request, response, *args, **kwargs))


def too_many_downloads(busy: exports.TooManyDownloads) -> str:
    """The 429's message when no download slot is free (DRF adds the wait)."""
    if busy.everyone:
        return (
            f"The API is already streaming as many CSV downloads as it can at once "
            f"({busy.limit}); retry shortly, or take the whole dataset's files from /data/."
        )
    if busy.network:
        return (
            f"{busy.limit} CSV download{'s' if busy.limit != 1 else ''} from your network "
            f"(the addresses of one IPv6 /48) {'are' if busy.limit != 1 else 'is'} still "
            "streaming, the most one network may have at once: wait until one ends."
        )
    return (
        f"{busy.limit} CSV download{'s' if busy.limit != 1 else ''} from your address "
        f"{'are' if busy.limit != 1 else 'is'} still streaming, the most one client may have "
        "at once: wait until one ends."
    )


def _page_cached(action):
    """A read action answered through PublicReadMixin.cached."""

    @functools.wraps(action)
    def read(self, request, *args, **kwargs):
        return self.cached(lambda: action(self, request, *args, **kwargs))

    read.page_cached = True
    return read


def negotiated(response):
    """`Vary: Accept`, and errors in JSON whatever format was asked for (a CSV of an error helps nobody)."""
    patch_vary_headers(response, ["Accept"])
    if response.status_code >= 400 and hasattr(response, "accepted_renderer"):
        response.accepted_renderer = JSONRenderer()
        response.accepted_media_type = JSONRenderer.media_type
        response.content_type = None
        response.headers.pop("Content-Disposition", None)
    return response


logger = logging.getLogger(__name__)

CHANGED_SINCE = "changed_since"
CHANGED_UNTIL = "Changed-Until"
# How far the clocks of the servers that write (timezone.now() gives a row's updated_at
# and a verdict's computed_at) and of the database (a transaction's start) may disagree.
CLOCK_MARGIN = datetime.timedelta(seconds=5)


def changes_horizon() -> datetime.datetime:
    """The moment a client keeping a copy in step gives as `changed_since` next time: every
    change recorded before it is committed, so it is in the rows read after this call or
    in an earlier answer. A change is stamped (`updated_at`, `computed_at`) inside its
    transaction but seen only once that commits: a copy that asked next from the moment
    of its last read would miss a change stamped before it and committed after. So: the
    start of the oldest transaction still running on this database (or now), less
    `CLOCK_MARGIN` (aware datetime, UTC). One query.

    Reads pg_stat_activity, which shows a transaction's start to sessions of the same
    role (or of a role with pg_read_all_stats): the site, its workers and the importer
    connect as one role (README, "Production"); a session it cannot see is logged."""
    with connection.cursor() as cursor:
        # Inside a transaction, the statistics are read once and kept (a snapshot):
        # read them afresh, or a write begun since an earlier read would not be seen.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT least(statement_timestamp(), min(xact_start)), "
            "count(*) FILTER (WHERE state IS NULL) FROM pg_stat_activity "
            "WHERE datname = current_database() AND backend_type = 'client backend' "
            "AND pid <> pg_backend_pid()"
        )
        oldest, hidden = cursor.fetchone()
    if hidden:
        # Sessions of another role, whose transactions' start this one may not read.
        logger.warning(
            "Changed-Until cannot see %d session(s) of another role: connect the site, its "
            "workers and the importer as one role, or grant pg_read_all_stats.",
            hidden,
        )
    return (oldest - CLOCK_MARGIN).astimezone(datetime.UTC)


class PublicReadViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    """A list and a detail endpoint."""


def as_of_parameter(description: str) -> OpenApiParameter:
    """The documented `?as_of=` parameter."""
    return OpenApiParameter(
        AS_OF, OpenApiTypes.DATE, OpenApiParameter.QUERY, description=description
    )


def _many(name: str, item: dict, description: str) -> OpenApiParameter:
    """A query parameter holding one or more values, comma-separated (`?host=MNG,TJK`)."""
    return OpenApiParameter(
        name,
        {"type": "array", "items": item, "minItems": 1},
        OpenApiParameter.QUERY,
        style="form",
        explode=False,
        description=description + " Several values, separated by commas, match any of them.",
    )


def slug_parameter(
    name: str, description: str, *, path: bool = False, many: bool = False
) -> OpenApiParameter:
    """A documented slug (query parameter, or path segment with `path=True`; `many`: one or more)."""
    if many:
        item = {
            "type": "string",
            "maxLength": identifiers.SLUG_MAX_LENGTH,
            "pattern": identifiers.SLUG_ANCHORED,
        }
        return _many(name, item, description)
    location = OpenApiParameter.PATH if path else OpenApiParameter.QUERY
    return OpenApiParameter(
        name,
        {"type": "string", "maxLength": identifiers.SLUG_MAX_LENGTH},
        location,
        pattern=identifiers.SLUG_ANCHORED,
        description=description,
    )


def iso3_parameter(
    name: str, description: str, *, path: bool = False, many: bool = False
) -> OpenApiParameter:
    """A documented ISO 3166-1 alpha-3 code, any case (query parameter or path segment;
    `many`: one or more)."""
    if many:
        item = {"type": "string", "pattern": identifiers.ISO3_ANY_CASE_ANCHORED}
        return _many(name, item, description)
    location = OpenApiParameter.PATH if path else OpenApiParameter.QUERY
    return OpenApiParameter(
        name, str, location, pattern=identifiers.ISO3_ANY_CASE_ANCHORED, description=description
    )


def facets_parameter(facets) -> OpenApiParameter:
    """The documented `?facets=` parameter of a list that offers these facets."""
    return OpenApiParameter(
        FACETS,
        {"type": "array", "items": {"type": "string", "enum": list(facets)}, "minItems": 1},
        OpenApiParameter.QUERY,
        style="form",
        explode=False,
        description=(
            "Count the matching rows by these fields (comma-separated, e.g. "
            f"`{','.join(list(facets)[:3])}`): the answer then carries `facets`, "
            "`{facet: {value: rows}}`, most rows first. Each facet counts the rows that the "
            "other filters keep, so its counts say what choosing that value would give. Rows "
            "without a value for the facet (an undated visit for `year`, a verdict without a "
            "basis for `basis`, a visit not yet evaluated) are not counted. JSON only: " + JSON_ONLY
        ),
    )


def id_parameter(resource: str, dataset_example: str = "") -> OpenApiParameter:
    """The documented numeric `id` path segment of a resource looked up by its database id
    (NumericIdMixin); with `dataset_example` (an address by a dataset id, e.g.
    "/findings/jor-2017-12-11/"), it says that its dataset id redirects to it."""
    description = f"The {resource}'s id."
    if dataset_example:
        description += (
            f" Its identifier in the dataset (`dataset_id`, e.g. `{dataset_example}`) "
            "answers a 301 to the id's address."
        )
    return OpenApiParameter("id", int, OpenApiParameter.PATH, description=description)


class NumericIdMixin:
    """Looked up by the database id (findings, joint statements); the record's identifier
    in the dataset (its `slug`: findings.csv's or statements.csv's `id`, e.g.
    `jor-2017-12-11`) answers a permanent redirect (301) to the id's address, the query
    string kept, so that a dataset row leads to its record in the API."""

    lookup_value_pattern = identifiers.DATABASE_ID
    lookup_description = "id"

    def retrieve(self, request, *args, **kwargs):
        """The record by its id; by its dataset id, a 301 to the id's address (404 for an
        identifier no record has, as for an unknown id)."""
        value = self.get_lookup_value()
        if (
            not re.fullmatch(self.lookup_value_pattern, value)
            and any(f.name == "slug" for f in self.get_queryset().model._meta.get_fields())
            and len(value) <= identifiers.SLUG_MAX_LENGTH
            and re.fullmatch(identifiers.SLUG, value)
        ):
            pk = self.get_queryset().filter(slug=value).values_list("pk", flat=True).first()
            if pk is not None:
                kwarg = self.lookup_url_kwarg or self.lookup_field
                location = reverse(f"{self.basename}-detail", kwargs={kwarg: pk})
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)
        return super().retrieve(request, *args, **kwargs)


# --- The schema -----------------------------------------------------------------------

_ERRORS = {
    "400": "A query parameter or a field of the body is invalid (`invalid_filter`, `invalid`).",
    "401": "Authentication is required (`not_authenticated`), or the `Authorization` header "
    "cannot be read or its key is wrong (`authentication_failed`): on a read too, which needs "
    "no account but never reads a wrong key as none.",
    "403": "Authenticated, but not allowed to do this (`permission_denied`; `four_eyes`: the "
    "author of a report may not review it).",
    "404": "No such object (`not_found`), or a page beyond the last.",
    "409": "Conflicts with what is recorded (`conflict`): e.g. a report no longer awaiting review.",
    "406": "No format the Accept header asks for is available here (`not_acceptable`); an "
    "unknown `?format=` is a 400.",
    "413": "The body is larger than the API accepts (`too_large`).",
    "415": "The body is not JSON (`unsupported_media_type`).",
    "429": "Too many requests (`throttled`): wait the number of seconds in Retry-After.",
    "503": "The database cannot answer right now (`busy`): retry after the seconds in Retry-After.",
}
_RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before the next request.",
        "required": True,
    }
}

# Every 401 challenges with the schemes a key is accepted after (api.access).
_CHALLENGE = {
    "WWW-Authenticate": {
        "schema": {"type": "string", "example": ", ".join(TokenAuthentication.SCHEMES)},
        "description": "The schemes an API key is accepted after, the security scheme's "
        f"first: `{', '.join(TokenAuthentication.SCHEMES)}`.",
        "required": True,
    }
}


# What every answer the rate limits counted says (api.access.RateLimitHeadersMiddleware):
# a success, and every refusal made after the limits counted the request
# (COUNTED_REFUSALS, a 429; not a 401, 403, 405 or 406, answered before them, nor a 503,
# whose database the limits' count needs). api.schema gives them to a GET's 304 and 412.
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": {
        "schema": {"type": "integer"},
        "description": "Requests allowed per period by the limit that binds this client now.",
    },
    "RateLimit-Remaining": {
        "schema": {"type": "integer"},
        "description": "Requests still allowed now under that limit.",
    },
    "RateLimit-Reset": {
        "schema": {"type": "integer"},
        "description": "Seconds until the oldest request counted leaves the period (over "
        "the limit: until one more request is allowed).",
    },
}

# The refusals an operation answers once the rate limits counted the request, with
# their headers: a parameter (400), an identifier or page that names nothing (404), a
# conflict (409), a body too large (413) or not JSON (415).
COUNTED_REFUSALS = frozenset({"400", "404", "409", "413", "415"})

# What a list read for what changed says (api.base.changes_horizon).
_CHANGED_UNTIL_HEADER = {
    "Changed-Until": {
        "schema": {"type": "string", "format": "date-time"},
        "description": "With `changed_since` or `cursor` only: the moment to give as "
        "`changed_since` next time (UTC), so that no change is missed. Every change recorded "
        "before it is in this answer or an earlier one; it is earlier than now (the start of the oldest transaction "
        "still running on the database, less 5 seconds: a few seconds, longer while a long "
        "transaction runs), so a visit may come again next time. Reading several pages, keep "
        "the first page's: after a copy by `cursor`, it gives every visit that changed "
        "while the copy was read (added, withdrawn or redated: one the copy may have missed "
        "or given twice).",
    },
}


# What a CSV answer says of itself (PublicReadMixin.list and retrieve): a file to save,
# and its name.
_CSV_DISPOSITION = {
    "Content-Disposition": {
        "schema": {"type": "string"},
        "description": "With CSV only (`?format=csv` or `Accept: text/csv`): `attachment; "
        'filename="iccwatch-visits-2026.12.04-fr-06577de2.csv"`, a file to save, named by '
        "what its rows are, as the site's downloads are: "
        "`iccwatch-<list>-<version>[-changes-<moment>][-<lang>][-<filters>][-as-of-<day>].csv`: "
        "the list, the dataset version of the data, then `changes-` and the moment the data "
        "last changed (UTC, `20261205T234017Z`) when it changed after that version, the "
        "answer's language when it is not English, an 8-digit digest of the filters given "
        "(the same filters name the site's download of the same rows alike; the sort and "
        "the page none) and the `as_of` day.",
    }
}


# The mark ApiAutoSchema leaves on the operations of a view whose answers are never
# cached (`never_cached`: the reports'), for api.schema, which takes it off: such a GET
# sends no ETag, so it declares no 304.
NEVER_CACHED = "x-iccwatch-never-cached"
# The mark ApiAutoSchema leaves on the members of an `ordering` parameter that list the
# fewest first (a count key reversed, `-visits`: ApiOrderingFilter.fewest_first), for
# api.schema, which names them so for generated clients (not `..._DESC`) and takes it off.
FEWEST_FIRST = "x-iccwatch-fewest-first"


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, plus the API's error answers, optional auth on reads and CSV as text."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation and getattr(self.view, "never_cached", False):
            operation[NEVER_CACHED] = True
        return operation

    def get_auth(self):
        auths = super().get_auth()
        if getattr(self.view, "requires_account", False):
            return [a for a in auths if a]  # reports: an account is required, even to read
        if self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})  # reading needs no account: a token only raises the rate limit
        return auths

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._reads_the_apis():
            parameters = [*parameters, lang_parameter()]
            facets = self._offered_facets()
            if facets:
                parameters = [*parameters, facets_parameter(facets)]
        return parameters

    def _reads_the_apis(self) -> bool:
        """A GET of the public reads or of the reports: `lang`, and `facets` on a list."""
        return self.method == "GET" and (
            isinstance(self.view, PublicReadMixin) or getattr(self.view, "requires_account", False)
        )

    def _offered_facets(self) -> list[str]:
        """The facets this operation's `?facets=` takes: its FilterSet's FACETS on a list
        the API reads, none elsewhere (a record, a POST, a list without FACETS)."""
        if not self._reads_the_apis() or self._is_detail():
            return []
        return list(getattr(getattr(self.view, "filterset_class", None), "FACETS", None) or ())

    def _get_paginator(self):
        """The view's paginator, told what its pages' `facets` are in the schema: the list's
        own facets, with the view's `facets_example` (api.paging.facets_schema), or none
        where the list has no `facets` parameter. ImproperlyConfigured for a list that
        offers facets without an example of them."""
        paginator = super()._get_paginator()
        facets = self._offered_facets()
        if paginator is not None and facets:
            example = getattr(self.view, "facets_example", None)
            if example is None:
                raise ImproperlyConfigured(
                    f"{type(self.view).__name__} offers facets but has no facets_example."
                )
            paginator.facets_schema = facets_schema(self.path, facets, example)
        return paginator

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        filters = getattr(getattr(self.view, "filterset_class", None), "base_filters", {})
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "array":
                # `?verdict=` (no value) is a 400: a multi-valued filter holds one value or more.
                schema["minItems"] = 1
            ordering = filters.get(parameter["name"])
            if isinstance(ordering, ApiOrderingFilter) and "items" in schema:
                members = schema["items"].get("enum", ())
                fewest = [m for m in members if ordering.fewest_first(m)]
                if fewest:
                    schema["items"][FEWEST_FIRST] = fewest
        return parameters

    def _error_codes(self) -> list[str]:
        """The error statuses this operation may answer (tests/api/test_declared_statuses.py
        provokes each): on every one a parameter (400), a wrong key (401, even on a read
        that needs none), an Accept header nothing matches (406), the rate limits (429) and
        a database that cannot answer (503); on a POST the access (403), a body too large
        (413) or not JSON (415); on a read an identifier or a page that names nothing (404),
        unless the view has neither (`answers_not_found` False: the root, search, the
        incidents feed, read by its cursor). A GET's 412 is declared with its 304
        (api.schema)."""
        codes = ["400", "401", "406", "429", "503"]
        if self.method == "POST":
            codes += ["403", "413", "415"]
        elif getattr(self.view, "answers_not_found", True):
            codes += ["404"]
        if getattr(self.view, "requires_account", False):
            codes += ["403"]
            if self.method == "POST" and self._is_detail():
                codes.append("404")
        return sorted(set(codes))

    def _is_detail(self) -> bool:
        return "{" in self.path

    def _is_the_apis(self) -> bool:
        """Whether the view is one of the API's own (its viewsets, the root), whose answers
        carry the rate limits' headers and whose refusals are the API's errors."""
        return isinstance(self.view, (viewsets.GenericViewSet, EnglishRefusalsMixin))

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        kind = serializer if isinstance(serializer, type) else type(serializer)
        if direction == "request" and issubclass(kind, KnownFieldsOnly):
            # A field the body's serializer does not know is a 400 (KnownFieldsOnly).
            schema["additionalProperties"] = False
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if not self._is_the_apis():
            return responses
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(
                    ErrorSerializer, code, ["application/json"], direction
                )
                response["description"] = _ERRORS[code]
                if code == "429":
                    response["headers"] = {**_RETRY_AFTER, **RATE_LIMIT_HEADERS}
                elif code == "503":
                    response["headers"] = _RETRY_AFTER
                elif code == "401":
                    response["headers"] = _CHALLENGE
                responses[code] = response
        return responses

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        success = str(status_code).startswith("2")
        if (success or str(status_code) in COUNTED_REFUSALS) and self._is_the_apis():
            response["headers"] = {**response.get("headers", {}), **RATE_LIMIT_HEADERS}
            # Only a list read for what changed sends it (PublicReadMixin.list), not the
            # POST of the same address (the alias of POST /reports/).
            if (
                success
                and getattr(self.view, "tells_changes", False)
                and self.method == "GET"
                and not self._is_detail()
            ):
                response["headers"] = {**response["headers"], **_CHANGED_UNTIL_HEADER}
        csv = response.get("content", {}).get(CSVRenderer.media_type)
        if csv is not None:
            schema = build_basic_type(OpenApiTypes.STR)
            schema["description"] = (
                "CSV with a header row, streamed: every row matching the filters, unpaginated "
                "(`page`, `page_size` and `facets` are a 400 with it); UTF-8 "
                "with a byte order mark (so that Excel reads it), RFC 4180, CRLF line ends. Visits and "
                "incidents have the site's columns (/visits.csv), but `url` is the API address, as in "
                "the JSON, followed by `page_url`, the site's page; other lists flatten nested objects "
                "into dotted columns (`state.iso3`). Moments are UTC to the microsecond, as in the "
                "JSON. Dates are full ISO dates with their precision in "
                "`<name>_precision` (`day`, `month`, `year`); a list is one cell holding a JSON array; "
                "booleans are `true`/`false`; a text cell that a spreadsheet would run as a formula "
                "starts with an apostrophe. The columns, their types and meanings: the data dictionary at "
                "/data/dictionary/ (DICTIONARY.md in the downloads)."
            )
            response["content"][CSVRenderer.media_type] = {"schema": schema}
            response["headers"] = {**response.get("headers", {}), **_CSV_DISPOSITION}
        return response


API_DESCRIPTION = """
Where people wanted under ICC arrest warrants travel, and every visit where a state bound
to arrest them hosted them and did not. Each visit carries a verdict (`non_compliance`,
`no_obligation`, `deterred`, ...) with the basis of the obligation, a plain-language explanation,
the warrants that decided it and its sources.

**Reading** needs no account. Anonymous clients are limited per IP address (an IPv6
client per /64 network, and the anonymous clients of one /48 together, at a higher
limit); a token (ask the iccwatch team; send
`Authorization: Bearer <key>`, or `Token <key>`) raises the limit; a wrong key is a
`401`, never an anonymous read, and so is a header of another scheme (a key alone,
`ApiKey`; HTTP `Basic` credentials, a proxy's password, read as no key). A `401` names
both schemes, the security scheme's
first: `WWW-Authenticate: Bearer, Token`. Every answer the limits counted
(all but a 401, 403, 405 or 406) says where the client stands against the limit that binds it:
`RateLimit-Limit` (requests per period, a minute by default), `RateLimit-Remaining` and
`RateLimit-Reset` (seconds until the oldest request counted leaves the period; over the
limit, until one more is allowed). Over the
limit the answer is `429` with `Retry-After` (seconds).

**Formats**: JSON everywhere; every list also as CSV with the same filters
(`?format=csv` or `Accept: text/csv`; every matching row, unpaginated and streamed).
A few CSV downloads stream at once from one address (2 by default, the site's
/visits.csv and the like included), a few more from one IPv6 /48 together (4), and a
few more in all: one more is a `429
throttled` with `Retry-After`, before any row is read (a revalidation answered `304`
counts for none).
The CSV is the site's export format, written by the same writer: visits and incidents
have the columns of the site's /visits.csv (the incidents' `flag_id` and `flagged_at`
in front), whose `rule_version` reads `rule 2026.12.03` (/data/dictionary/, "Export
format"), but for `url`, which means what it means in the JSON (the visit's API
address), followed by `page_url` (its page on the site, the site's CSV's `url`). Moments
are ISO 8601 in UTC to the microsecond, as in the JSON (always six digits in CSV, where
the JSON leaves out `.000000`): a value copied from the CSV, such as a visit's
`updated_at` sent back as a report's `based_on`, is the JSON's. A CSV holds every
matching row: `page`, `page_size` and `facets` apply to JSON only and are a `400
invalid_filter` with CSV (the incidents feed's CSV streams from its `cursor`). Dates are
full ISO dates with a
`<name>_precision` column (`2009-03-01`, `month`); a list is one cell holding a JSON
array; UTF-8 with a byte order mark; a cell that would start a spreadsheet formula
begins with an apostrophe. Other lists flatten nested objects into dotted columns
(`state.iso3`). The whole dataset, as a zip of CSV files or one SQLite file, is at /data/.

**Pages**: `?page=` and `?page_size=` (up to 500). The incidents feed uses a cursor
instead: follow its `next` link, now or later, to get exactly the incidents flagged since.
To copy the whole list of visits, follow `next` from `/api/v1/visits/?cursor=0`: page
numbers can skip a row if data changes between requests (a visit of page 1 withdrawn
before page 2 is read moves the first of page 2 onto page 1, and no page gives it); a
cursor holds the place of the last visit given, so every visit still listed comes
exactly once. Then keep the copy in step with `?changed_since=` from its first page's
`Changed-Until`.

**As of a date**: `?as_of=YYYY-MM-DD` on states answers with each state's treaty status
and obligations on that day, computed from its timeline; on visits, with the verdict as
iccwatch showed it at the end of that day (UTC), from the verdict's recorded history.

**Languages**: `?lang=fr` (or `en`), else the `Accept-Language` header, chooses the
language of the texts meant for readers: each verdict's `label` and `explanation`, rendered
from its structured `reasons` (stored as the rule gave them, language-neutral), and each
`cause` and `explanation` of a visit's `history`; each state's and situation's
`translated_name`; each state's `treaty_status.explanation` and its obligations' `scope`;
the site's pages linked (`page_url`, and /search/'s `page`) and /search/'s `name`. Codes,
ISO dates and `name` (the dataset's English name) stay the same in every language. `Content-Language` says which language the answer is in.

**Parameters** are checked as this schema says: an empty value (`?situation=`), a
`page_size` outside 1–500, a number or date written other than in the digits 0-9
(`page`, `page_size`, `cursor`, `year` and `limit` take no `１`, `+1` or `1.0`), a date
other than YYYY-MM-DD (every date filter and `as_of` take no `2024-1-1`, `٢٠٢٤-01-01` or
`01/02/2024`), a
boolean other than `true`/`false` or an identifier that
cannot be one is a `400 invalid_filter` naming the parameter, and so is a parameter a
list does not have (`?hosts=MNG`): a list never answers unfiltered rows for a filter it
could not apply. A record, the list of endpoints (`/api/v1/`) and this schema (`format`, `lang`)
refuse theirs alike, and so do the reports' addresses and every POST.
Identifier and choice filters take several values, comma-separated
(`?host=MNG,TJK`) or repeated, and match any of them; `ordering` takes several keys
(`?ordering=person,-end`), each once and in one direction (`start,-start` is a 400),
takes every key the site's list of the same rows takes (each list's `ordering` names them),
and sorts as that list, row for row: one host's, person's or verdict's
visits by their `start`, an undated one last; names sort with accents and case folded, a
state's and a visit's `host` by the `translated_name` (Türkiye before Turkmenistan; under
`?lang=fr`, Afrique du Sud among the A, the states' own order too); `ordering=end` sorts by
a visit's last day (its `end`, or its `start` for a one-day visit, whose `end` is null).
A facet asked for twice (`facets=host,host`) is a 400. `?facets=host,verdict,year` adds `facets`,
`{facet: {value: rows}}`: each facet counts the rows the other filters keep, its own filter
set aside (`?host=MNG&facets=host` counts every host), so that each count says what
choosing that value would give. A `?format=` the endpoint does not answer in (`xml`, or
`csv` on search) is a `400 invalid_filter` naming the formats it has, counted by the
rate limits as any 400; an `Accept` header
is read with its quality values (`application/json;q=0.1, text/csv` gets CSV; a wildcard
matches only the formats no more specific range names, so `application/json;q=0, */*`
gets CSV, or a `406` where JSON is all there is), and one nothing matches is a `406`. A
POST answers in JSON only: `?format=csv` on a POST is a `406`, before anything is filed. A method an address does not have (a POST to a record)
is a `405` whatever else the request says.

**Search**: `/api/v1/search/?q=` finds persons (and their trips), states and visits the
way a reader means them, ranked, each with the reason it was found.

**Errors**: every 4xx (and 5xx: `503 busy`, the database out of reach; `500 server_error`) has the body
`{"error": {"code": "...", "message": "...", "fields": {"param": ["..."]}}}`, in English
whatever language was asked for (`Content-Language: en`), but for what the newsroom's rules
say of a report, in the language asked
(`Accept-Language: fr` gives French, `Content-Language: fr`): a filing's refused values (a
report's, a correction's, a withdrawal's: `400 invalid`, the sentence around them
included), and the `403 four_eyes` or `409 conflict` of a filing or a review (your own
report, one not awaiting review, a correction that changes nothing); a
`409 duplicate_report` is English. A filter that names nothing
(`?host=`, `?host=,`) and a parameter that takes one value given twice (`?page=1&page=2`)
are `400 invalid_filter`, never the whole list or a guess.

**Licence**: the data is the iccwatch dataset and the verdicts derived from it, free to
reuse under the Creative Commons Attribution 4.0 licence (CC BY 4.0): credit it as
"iccwatch dataset, version <the version>, by the iccwatch contributors, licensed under
CC BY 4.0" (the version the site serves is on /data/, and each release in
/data/changelog/) and say what you changed. The sources each record cites remain their
publishers' works.

**Caching**: every successful GET has an `ETag`, but for the reports' (`Cache-Control:
private, no-store`: never kept, never revalidated); send it back in `If-None-Match` to get
`304 Not Modified` when nothing changed (a CSV has the same one however it was asked for).
An error (a `400`, a `404`) has none: it is no answer to revalidate.
`If-Match` answers only if the current `ETag` is one of those given (`*`: any answer),
otherwise `412 precondition_failed`, before any `304`, for a CSV too;
`If-Unmodified-Since` is ignored (no answer has a `Last-Modified`). With
`Accept-Encoding: gzip` an answer comes gzipped, with a strong `ETag` of its own: the
identity one with `-gzip` inside its quotes (`"abc"`, `"abc-gzip"`). Both are current:
either passes `If-Match` and revalidates in `If-None-Match` (the `304` repeats the tag
sent), whichever encoding is asked for.

**Reports** (an account is required; roles are groups: `reporters`, `reviewers`,
`admins`): reporters `POST /api/v1/reports/` a new visit, or a correction of a published
one (`visit`). It goes through the newsroom's checks and waits for review: nothing of it is
public until a reviewer who is not its author verifies it. Send an `Idempotency-Key`
header (e.g. a UUID) so that a retry files nothing twice: a key already used, or a report
identical to one under review (anyone's) or to a draft of your own, answers `409
duplicate_report` with the existing report's URL (`existing`, and `Location`) when you may
read it: another person's report, not public until verified, is only said to be open,
without its number or address; a colleague's draft is theirs alone and blocks nothing. `GET /api/v1/reports/` lists your reports. Reviewers read
`GET /api/v1/reports/queue/` and `POST /api/v1/reports/{id}/verify/`, `/request-changes/`
(`{"comment": ...}`) or `/reject/` (`{"reason": ...}`); the report's author is refused
(`403 four_eyes`), whatever their roles. The author of a report sent back answers the
reviewer and submits it again with `POST /api/v1/reports/{id}/resubmit/` (`{"reply": ...}`
and the fields that change), with the newsroom's checks. A new visit's `outcome` is
required only for a trip that took place: for one `announced`, `cancelled` or `virtual`
it is `n/a` (left out, it is `n/a`). `POST /api/v1/visits/`, the older way to report a
visit, is an alias of `POST /api/v1/reports/` (same body, same answers; deprecated).
Each of these bodies takes only the fields its schema lists (`additionalProperties:
false`): any other, misspelt or made up, at the top or in a source, is a `400 invalid`
naming it, and nothing is filed or changed.

**Changes to this version** (what a client written before may notice; the schema's
`info.version` is the date of the latest entry below, `YYYY.MM.DD`, so a client can tell
from the version alone whether the contract moved since it was written):
- 4 December 2026: in the CSV of `/visits/` and `/incidents/`, `url` is the row's API
  address, as in the JSON (it was the site's page, now `page_url`); a CSV refuses
  `page`, `page_size` and `facets` (`400 invalid_filter`: it gives every matching row);
  an unknown `?format=` is `400 invalid_filter` (it was `406`); times in CSV have their
  microseconds, as in the JSON; `Accept` quality values are honoured; states take
  `party=true|false`; a report's `preview` is null once it is verified or rejected; a
  `401` says `WWW-Authenticate: Bearer, Token` (it said `Token`: both schemes were, and
  are, accepted); `/api/v1/schema/` refuses a parameter other than `format` and `lang`
  (`?version=` among them), an empty one or one given twice (`400 invalid_filter`), as
  the lists and records do.
- 5 December 2026: the bodies of `POST /reports/` (and `POST /visits/`), `/verify/`,
  `/request-changes/` and `/reject/` refuse a field they do not have (`400 invalid`
  naming it, e.g. `soruces`, `sources.1.exerpt`; nothing is filed or changed): it was
  ignored, and its value lost. A client that sent extra fields must leave them out. The
  schema of a filing's `409` no longer requires `existing`, which an answer about another
  person's report, or a `conflict`, never carried: its description says when it is given
  (a report you may read) and when not (another person's, not shown to you; a
  `conflict`), and the 409 has an example of each. A withdrawn visit's `explanation`
  gives the visit's own sources as "Sources cited for the visit: …" (and in French
  alike), not "Sources: …", which read as its withdrawal's: those are
  `withdrawal_sources`. The CSV of `/visits/` and
  `/incidents/` gains a column, `withdrawal_source_urls`, after `withdrawal_note`: the
  addresses a withdrawn visit's withdrawal cites, as the JSON's `withdrawal_sources`
  (empty for a visit not withdrawn); no other column changes, `updated_at` comes one
  column later.
- 5 December 2026, later: a correction's `reason`, when given, has at least 20 characters
  besides the spaces around it, as a withdrawal's `withdrawal_note` (the visit's page
  shows it to every reader): a shorter one is a `400 invalid` naming `reason`, nothing
  filed; an omitted or empty `reason` is still taken (the correction has none). A
  correction filed before with a shorter reason is not verified: `/verify/` answers a
  `400` naming `reason`, nothing published; send it back for its author to reword it.
  A filing's or a review's `403 four_eyes` and `409 conflict` (your own report, one not
  awaiting review, a correction that changes nothing), in French when French was asked
  for as they already were, are labelled `Content-Language: fr`, no longer `en`. A
  review's `seen` that was never the version of a report submitted once is still a
  `409 conflict`, which no longer says that its author took it back and submitted it
  again.
- 5 December 2026, findings: each finding says whether it `counts_as_finding`, the first
  Art. 87(7) finding about its failure to arrest (false for an appeal judgment upholding
  it, a later referral of it, and a decision of kind `other`), as the states' pages count
  findings; `?counts_as_finding=true` lists those alone. A finding's `has_visit` refuses
  a value other than `true` or `false` (`400 invalid_filter`): `?has_visit=yes` was no
  filter at all. The CSV of `/findings/` gains the column after `referral_stands`.
- 5 December 2026, later still: `POST /reports/{id}/resubmit/` lets the author of a report
  sent back for changes answer the reviewer (`reply`, required) and submit it again, the
  fields left out kept (a report was read-only here). A new visit's `outcome` may be left
  out for a trip `announced`, `cancelled` or `virtual` (it is `n/a`, as on the newsroom's
  form; it was a `400`); left out for a trip that took place, the `400` naming `outcome`
  now says so in the form's words, not "This field is required.".
- 5 December 2026, dates: every date filter (`start_after`, `start_before`,
  `issued_after`, `issued_before`, `decided_after`, `decided_before`, `date_after`,
  `date_before`) takes a date written YYYY-MM-DD in the digits 0-9 only, as `as_of`
  does: `2024-1-1`, `٢٠٢٤-01-01`, `２０２４-01-01` or `01/02/2024`, read as a date before,
  are a `400 invalid_filter` naming the parameter. The `429` of a CSV download asked for
  in French is English throughout, as it is labelled (`Content-Language: en`); its last
  sentence ("Expected available in 10 seconds.") was French. `Changed-Until` is readable
  by browser tools on other sites (CORS). The incidents feed's `changed_since` is
  described as a filter: the feed sends no `Changed-Until` (keep its cursor).
- 5 December 2026, host names: the CSV of `/visits/` and `/incidents/` gains a last
  column, `host_translated_name`, the host state's name in the answer's language (`host`
  stays the dataset's English name, as the JSON's `host.name` beside
  `host.translated_name`); no other column moves.
- 5 December 2026, duplicates: `POST /reports/` (and `POST /visits/`) files a new visit
  that may be one already recorded (same person and host, days that may overlap: the
  report's `possible_duplicates`), or whose trip a report already filed and awaiting
  review (or sent back for changes) or the caller's own draft describes, only with
  `"another_visit": true`, as the newsroom's form asks "This is another visit"; without
  it the answer is a `400 invalid` naming `another_visit`, those visits, how many such
  reports were filed and those the caller may read (id and address; a colleague's draft
  is never counted), with the body's other errors in the same answer, nothing filed (it
  was a `201`). The same report again stays a `409 duplicate_report`, and a retry with
  its `Idempotency-Key` is answered as the first request was. A report with no
  source is refused in the newsroom's words, "At least one source (a public URL) is
  required." (it was DRF's "Ensure this field has at least 1 elements.").
- 5 December 2026, bodies: a JSON body whose object gives a key twice, at any depth
  (`{"person": ..., "person": ...}`), is a `400 parse_error` naming the key, and nothing
  is filed or changed: the last one was taken silently. A source's `url` or
  `archived_url` (a visit's or a withdrawal's) holding a character no URL may hold (`"`,
  `<`, `>`, `\\`, `^`, a backtick, `{`, `|`, `}`, a control or bidirectional character)
  is a `400 invalid` naming the field and the character: it was published as typed.
  Send it percent-encoded (`%22`, `%3C`); letters outside ASCII (an article's Cyrillic
  or Arabic slug) are taken as before.
- 5 December 2026, the schema checked: `If-Unmodified-Since` is ignored (no answer has
  a `Last-Modified`; it made every GET a `412`); an `If-Match` naming no current `ETag`
  is a `412 precondition_failed` with the error body and `Vary: Accept` (it was an
  empty HTML answer, and a CSV without an ETag answered `200`), declared on every GET.
  Every operation declares, with the error body, the statuses any of them may answer:
  `401` (a wrong key, on a read too: it was declared on `/reports/` only), `400`, `429`
  and `503`; every POST its `413`. An unknown `?format=` (`400 invalid_filter`) is
  counted by the rate limits, with the `RateLimit-*` headers, as any `400` (it was
  answered before them, free however often). The format suffix addresses nothing
  documented (`/api/v1/visits.json`, `/api/v1/states/MNG.csv`, their suffix taken over
  `?format=` unchecked) are a `404`: ask with `?format=` or `Accept`. A refused `POST
  /reports/` (and `POST /visits/`) names every problem of its body in one `400` (a
  source's address, an unknown person or host, a date that is not one), where the
  person, host and dates came in a second round trip, once the rest passed. An
  `Authorization` header of a scheme the API does not read (a key alone, `ApiKey`) is a
  `401 authentication_failed` naming `Bearer` and `Token`: it was read as no header (an
  anonymous read, at the anonymous limit); HTTP `Basic` credentials (a proxy's
  password) still read as no key. A method an address does not
  have is a `405` before anything else is checked (`POST /visits/<id>/?format=csv` was a
  `406`), uncounted by the limits as a `406` is. The schema names its `servers` (the
  site it was read from) and documents `/api/v1/`, the list of endpoints, which now
  refuses a parameter other than `format` and `lang` (`400 invalid_filter`, as every
  address); `POST /visits/` no longer declares a `Changed-Until` header it never sent.
- 5 December 2026, refusals in one answer: `POST /reports/{id}/resubmit/` and `POST
  /reports/withdrawals/` name every problem of a refused body in one `400`, as a filing
  does: a field of the wrong type or one the body does not have was named alone, and the
  host, the dates, the reason, the visit or a source's address came once it was fixed (a
  resubmission the service refused went one step at a time too). A filing's `reason`
  refused is named with the body's other problems, and a trip not taken (`cancelled`,
  `virtual`, `announced`) filed without an `outcome` and refused for another field is no
  longer also refused its outcome. A withdrawal naming no published visit says so in the
  language asked for (it was English). `/search/` and `/incidents/` no longer declare a
  `404`, which neither answered: search has no identifier and no pages (a query that
  finds nothing is a `200` without results), the feed is read by its cursor (one beyond
  the newest change is a `400`).
- 5 December 2026, withdrawn trips: a new visit whose trip was withdrawn from the record
  (a withdrawn visit of the same person to the same host on days that may overlap) is
  filed only with `"another_visit": true`, as one that may be a visit recorded: without
  it the `400 invalid` naming `another_visit` says when that visit was withdrawn and
  why. Such a visit is among a new report's `possible_duplicates`, and `verify` publishes
  the report only when `different_from` names it too (`409 conflict` otherwise): a trip
  taken out of the record was published again with no one told.
- 5 December 2026, trips with no known day: a called-off trip whose date nobody gave
  may have been planned for any day, so an undated report may be any visit, or report,
  of the same person to the same host, and a dated one an undated visit or report of
  that trip: each is among its `possible_duplicates` and named by the `another_visit`
  refusal (only two undated ones were compared).
- 5 December 2026, source addresses: a source's `url` or `archived_url` (a report's, a
  resubmission's, a withdrawal's) holding a space, or naming a host without a dot
  (`http://intranet/x`), is a `400 invalid` in the newsroom's words: the space said with
  where it is and to send it as `%20`, the host as known only inside a network (it was
  DRF's "Enter a valid URL.", kept for an address that is no URL at all). The same `400`
  says every other problem of that source (a publication date in the future, an
  archived copy inside a network), which came only once the address was fixed. An
  address cited twice is refused at each later `sources.<n>.url`, naming the first by
  its place counted from 1 (`sources.0` is source 1).
- 5 December 2026, a cursor for the visits: `/api/v1/visits/?cursor=0`, then each
  answer's `next`, copies the whole list with every visit still listed exactly once,
  however visits are withdrawn or added between two requests (by page number, a visit
  withdrawn from page 1 moved the first of page 2 onto it, and no page gave it). Read by
  cursor, the answer has `previous` null, a `cursor` field (the place `next` holds) and
  the `Changed-Until` header; `cursor` with `page`, `ordering` or CSV is a `400
  invalid_filter`. Page numbers answer as before.
- 5 December 2026, informing decisions: a decision of kind `other`, which makes no Art.
  87(7) finding and only informed the Security Council or the Assembly, refers nothing:
  its `referred_to_asp`, `referred_to_unsc` and `referral_stands` are false (they said
  true for Kenya and Chad, 27 August 2010, and Djibouti, 12 May 2011). What it informed
  is in new fields, `informed_asp` and `informed_unsc` (false for every Art. 87(7)
  finding), on `/findings/`, a visit's `findings` and a state's `findings`.
  `?referred_to=` lists Art. 87(7) findings only; `?informed=` lists the decisions that
  informed. The CSV of `/findings/` gains `informed_asp` and `informed_unsc` after
  `referral_stands`: `counts_as_finding` and the columns after it come two columns later.
- 5 December 2026, sources of a state's records: each entry of a state's `timeline` and
  each of its `declarations` gains `sources` (the shape of the state's own: `url`,
  `publisher`, `published`, `excerpt`, `archived_url`), the records they rest on, which
  the API gave nowhere: a treaty date's are its state's `source_urls`, as the importer
  stores them, a declaration's its own. The CSV of `/states/` keeps its columns: the
  JSON arrays of its `timeline` and `declarations` cells carry them. A state's
  `council_referrals` and `statements` link their records (`url`), whose `sources` are
  given there, as before.
- 5 December 2026, the contract checked again: `/reports/`, `/reports/queue/`, a report
  and its actions refuse a query parameter they do not read (`400 invalid_filter` naming
  it), as every other address does: `?stat=verified`, `?facets=` or `?ordering=` listed
  every report. The lists read `page`, `page_size`, `format` and `lang`, your own list
  `state` too (the queue has none); a report, each POST (`POST /visits/` included) and
  OPTIONS read `format` and `lang` only. A report's id that cannot be one (`0`, `abc`,
  more than 18 digits) is the `404` of an id no report has ("No report with id …"): it
  was "There is no API endpoint at …". An `Accept` wildcard matches only the formats no
  more specific range of the header names (RFC 9110, 12.5.1): `application/json;q=0,
  */*` is answered in CSV where the address has it, and is a `406` where JSON is all
  it has (it was JSON, the type refused); `application/json;q=0.1, */*` is CSV. OPTIONS
  describes under `actions.POST` the body each POST reads, the fields of its schema's
  request body (`seen` and `different_from` for `/verify/`), to a caller who may make
  it now, on the report the address names as the POST would judge it: its author
  alone, on a report sent back, for `/resubmit/`; a reviewer who is not its author, on
  a report awaiting review, for `/verify/`, `/request-changes/` and `/reject/`. It
  listed the fields of the answer, read-only ones as writable and required, to anyone
  with the role, on any id: OPTIONS on the actions of an id that names no report the
  caller may read is the `404` GET gives it (it was a `200`). The
  schema declares the `Location` of a filing's `201` (`POST /reports/`, `/visits/`,
  `/reports/withdrawals/`) and of a `409 duplicate_report` that names the report, the
  `Link` (rel `successor-version`) of `POST /visits/`'s `201`, and the `RateLimit-*`
  headers on every answer the limits counted (a `400`, `404`, `409`, `413` or `415`, a
  GET's `304` and `412`), not only on a success and a `429`. The reports' reads (`GET
  /reports/`, `/reports/queue/`, `/reports/{id}/`), private and never cached, declare
  no `304`, `ETag` or `If-None-Match`: they never send an ETag (their `412` stays). A
  report's `end` is null for a visit of one day, as the visit's own is: a correction of
  a one-day visit whose record repeats its `start` as its end gave that day (the
  report's data keeps it as filed). A CSV has one `ETag` whether `?format=csv` or
  `Accept: text/csv` asked for it: it had one for each.
- 5 December 2026, the language of a visit's words: a visit gives `text_language` (`en`
  or `fr`), the language its `occasion` and `host_justification` are written in (and its
  notes, which no answer gives, as its report wrote them): `en` for every visit recorded
  before, and for every visit an import creates or whose `occasion` or
  `host_justification` it changes; an import that leaves both as recorded keeps the
  visit's, even when it changes the notes (/data/dictionary/); the CSV of
  `/visits/` and `/incidents/` gains it as its last column, after `host_translated_name`
  (no other column moves). A report takes it: left out, a new visit's is the request's
  language (`?lang=`, else `Accept-Language`; `en` for any other), a correction keeps its
  visit's, a resubmission its report's; another value is a `400 invalid` naming it. A
  report gives it back (`en` for one filed before).
- 5 December 2026, one-day visits corrected, and errors: a correction's `end` null where
  the visit's record repeats its `start` as its end (as `GET /visits/{id}/` and the
  report give it), or its `start` given as its `end` where the record has none, is the
  same end: a correction that changes nothing else is the `409 conflict` of a correction
  that changes nothing (it was filed, and verified, as a change of the end), and one that
  changes another field lists that field alone in its `changes`, the review and the
  visit's history; the verified visit keeps its end as stored (its verdict is not
  evaluated again for it). An `end` listed in `changes` is given as the visit gives it,
  null for a one-day visit. A `400` or `404` answer to a GET no longer has an `ETag` (it
  had one from its body, as if an error could be revalidated; the schema declared none):
  a `200` has its own, a `304` repeats it, a `412` gives the current one. The site's
  pages likewise.
- 5 December 2026, referrals that stand: a finding's `referral_stands` is false once the
  latest Art. 87(7) finding about the same visit came after it and referred nothing
  (Jordan's referral of 2017, reversed on appeal in 2019); a decision of kind `other`,
  which only informed a body, neither makes a referral nor lifts one. A referral followed
  only by such a decision stands (it said false when that decision informed no body), and
  one reversed on appeal stays reversed when such a decision follows (it said true when
  that decision informed a body). No decision of the dataset's changes. A visit's
  explanation reads them the same way (rule 2026.12.05.3).
- 5 December 2026, the site's keys: each list's `ordering` takes every sort key of the
  site's list of the same rows, as the site's lists now take the API's: `/states/` adds
  `entry_into_force`, `visits` (or `visits_hosted`) and `incidents`; `/persons/`
  `situation`, `status`, `visits` and `incidents`; `/warrants/` `person` and `ended`
  (each was a `400 invalid_filter`). A count sorts most first, ties by name, by the counts
  the site's list shows (a state's visits that took place, a person's recorded trips),
  which the records do not give.
- 5 December 2026, search's dates: a visit found by `/search/` gives its `start` and `end`
  as `/visits/` does, a date with `start_precision` and `end_precision` beside it
  (`"start": "2025-10-01", "start_precision": "month"`): it gave the partial date
  (`"2025-10"`) and no precision. A person's or a state's result has the four null.
- 5 December 2026, the documentation: the schema declares `Content-Language` on every
  answer (the language of its words, `en` or `fr`) and `Content-Disposition` on every
  `200` that may be CSV (the file's name), which every answer, and every CSV, sent
  undeclared. "Try it out" in `/api/v1/docs/` no longer fills in a parameter's box with
  its example, which Execute then sent unasked (`?cursor=0` on `/visits/`, refused with
  `ordering`; `?as_of=2026-06-01` on `/states/`): the cursor's schema and `as_of` carry no
  example, their descriptions say it. The example of a new visit of `POST /reports/` and
  `POST /visits/` is one the dataset does not record (it was Putin's visit to Tajikistan
  of October 2025, always refused as a possible duplicate); nothing the API answers
  changes.
- 5 December 2026, verdicts awaiting re-evaluation in CSV: the CSV of `/visits/`, a
  visit's and `/incidents/` gains a last column, `reevaluation_pending`, the JSON's
  `verdict.reevaluation_pending`: `true` while the verdict was decided before a change
  not evaluated yet (a correction verified while no worker ran: the row's corrected
  `start` beside an `explanation` that names the old day), `false` once evaluated and
  for a past verdict (`as_of`), empty for a visit without a verdict; no other column
  moves.
- 5 December 2026, a source's `archived_url` in the schema: one string schema
  (`default: ""`, `maxLength: 1000`) that is `anyOf` a `uri` or empty, where a `oneOf`
  put the `""` default on its `uri` branch (the document failed openapi-spec-validator
  with formats checked, and the new visit's example failed the `oneOf`); the server
  accepts what it accepted.
- 5 December 2026, the schema's version: `info.version` is the date of the latest entry
  of this list; it read `1.0.0` across every change above.
- 6 December 2026, the sort orders said: a count key (`visits`, `visits_hosted`,
  `incidents`) lists the most first and `-` before it the fewest, as before; the schema
  labelled `-visits` "(descending)". Each choice of `ordering` now says the order it
  gives ("Visits (most first)", "Visits (fewest first)", "Name (descending)"), and a
  generated client's name for `-visits` is `VISITS_FEWEST_FIRST` (it was `VISITS_DESC`;
  `-incidents` and `-visits_hosted` likewise).
- 6 December 2026, each list's facets in the schema: a page's `facets` showed the
  visits' (`verdict`, `host`) on every list. It shows the list's own, as the list
  answers the query its description names, and no `facets` at all where the list takes
  no `?facets=` (findings, statements, referrals, reports). Nothing the API answers
  changes.
- 6 December 2026, compression: an answer in JSON or CSV is gzipped for a client whose
  `Accept-Encoding` accepts gzip (`Content-Encoding: gzip`; a CSV still streamed), and
  says `Vary: Accept-Encoding`. A gzip answer has a strong `ETag` of its own, the identity
  answer's with `-gzip` inside its quotes (`"abc"`, `"abc-gzip"`), never a weak one
  (`W/"abc"`, which no `If-Match` matches). `If-Match` and `If-None-Match` take either as
  current, whatever the request's encoding: a `304` repeats the tag it was sent, a `412`
  gives the one a `200` to the same request carries. Without `Accept-Encoding: gzip`,
  the body and the tags are those of before.
- 6 December 2026, restorations: `POST /reports/restorations/` (reporters) proposes
  restoring a withdrawn visit to the record, when it was withdrawn by mistake (`{"visit":
  "<its id>", "restoration_note": "<why, 20 to 1,000 characters>"}`); reviewed as every
  report (`/verify/`, four eyes), it puts the same visit back under its own id
  (`review_state` `verified`, its `withdrawal_note` and `withdrawal_sources` emptied),
  where filing the trip again made another visit, under another id. Every report gains
  `restoration_note` (`""` but for a restoration), after `withdrawal_sources`; a
  restoration's `is_correction` is true, its `preview` null, its `possible_duplicates` the
  visits of its trip on the record, which `different_from` names when verifying. A
  visit restored has in its `changes` (and its report's) `{"field": "review_state",
  "old": "withdrawn", "new": "verified"}`.
- 6 December 2026, CSV file names: a CSV's `Content-Disposition` names the file by what
  its rows are, as the site's downloads are:
  `iccwatch-<list>-<version>[-changes-<moment>][-<lang>][-<filters>][-as-of-<day>].csv`.
  It named the list, the dataset version and the day it was made only
  (`iccwatch-visits-2026.12.04-2026-12-05.csv`), the same for every filter, language and
  `as_of`, and the version alone after a newsroom edit. Now `changes-` and the moment the
  data last changed (UTC, `20261205T234017Z`) follow the version once the data changed
  after it, then the answer's language when not English (`fr`), an 8-digit digest of the
  filters given (the one the site's download of the same filters has) and `as-of-` with
  the `as_of` day; the day it was made is gone. A client that parsed the old name must
  read the new one; the body does not change.
- 6 December 2026, unknown values: a text a record does not give is `null` in the JSON,
  as the data dictionary (/data/dictionary/) always said of an unknown value, no longer `""`: a visit's
  `place`, `occasion`, `host_justification`, `expected_verdict` and `withdrawal_note`
  (`null` for a visit not withdrawn); a source's `publisher`, `excerpt` and
  `archived_url`; a person's `role` and `notes`; a warrant's `charges`, `notes` and
  `case.number`; a state's `notes` and a timeline entry's `note`; a finding's `chamber`,
  `decision_reference` and `notes`; a statement's and a referral's text fields alike.
  A report gives its `place`, `occasion`, `host_justification`, `notes` and its
  sources' `publisher`, `excerpt` and `archived_url` so too, and a report's body (`POST
  /reports/`, `/resubmit/`) takes `null` for each of them as `""`: a correction that
  sends a visit back as GET gives it still changes nothing. The schema marks each
  `nullable`. A client that tested for `""` must test for `null` too; the CSV keeps an
  empty cell. The structured `reasons` keep their documented `""` for a date unknown or
  not applicable.
- 6 December 2026, informing decisions in a verdict's reasons (rule 2026.12.06): the
  `finding` reason of a decision of kind `other`, which only informed the Assembly or the
  Security Council and made no Art. 87(7) finding, gave those bodies as
  `referred_to_asp: true` and `referred_to_unsc: true` in a visit's `verdict.reasons` and
  `history[].reasons` (Kenya and Chad, 27 August 2010; Djibouti, 12 May 2011). Now its
  `referred_to_asp` and `referred_to_unsc` are false and the bodies it informed are in
  `informed_asp` and `informed_unsc`, as on `/findings/`; every `finding` reason carries
  the four (an Art. 87(7) finding's `informed_*` false). The reasons stored in each
  verdict's history under earlier rule versions were rewritten the same way, their
  `rule_version` unchanged, so `history[].reasons` and `as_of` say one vocabulary; the
  `explanation` of every one reads as before. The CSV's and the bulk files' `reasons`
  say the same.
- 6 December 2026, announced trips whose dates passed, places out of the host's control
  and decisions that found no failure (rule version 2026.12.06.2): every visit gains
  `dates_passed`, after `status`: true for an `announced` trip whose last possible day is
  before today (not confirmed as taken: its verdict stays `upcoming`, but it is no early
  warning), false otherwise, decided each day when answered. A trip not made to a place the
  host did not control has a `place_not_controlled` reason (`state`, `status`,
  `controlled_by`) after its `trip`. A finding's `kind` may be `no_failure` (a decision on
  the visit that found no failure to comply: Nigeria, 5 September 2013), also as a filter
  value of `/findings/?kind=`; the `no_court_finding` reason of a `non_compliance` verdict
  on such a visit has `no_failure`, the decision's date.
- 6 December 2026, how a state joined and declarations not given effect: a state gains
  `instrument` (after `deposited`): `ratification`, `accession` or `succession` (Montenegro,
  bound from its independence), as recorded or else read from the signature (Art. 125),
  null without a deposit. Each of a state's `declarations` gains `given_effect` (before
  `notes`): false for one the Court did not act on (Palestine's of 22 January 2009), which
  creates no obligation, so `treaty_status.obligations` no longer lists it. A verdict's
  `bound_state_party` reason may give `joined` `"succeeded"` (with `ratified` and
  `acceded`; rule 2026.12.06.3), rendered "State Party by succession, notified <date>".
- 6 December 2026, the review desk: `/reject/` refuses a `reason` shorter than 20
  characters (`400 invalid` naming `reason`), as a correction's reason: a rejection is
  final, and its reason is all the author is told. A date in the shape `YYYY-MM-DD` or
  `YYYY-MM` that no calendar has is refused saying so ("February 2026 has no 30th
  day.", "There is no month 13: months run from 01 to 12.") instead of "is not a date".
  A report's source cited twice however its address is written (http or https, the
  host's case, a fragment, tracking parameters such as `utm_source`, `fbclid`, `gclid`)
  is refused as `already cited`, and a source's `url` is stored without its fragment and
  its tracking parameters. Verifying a correction whose visit was withdrawn meanwhile,
  or sending it back, is refused (`409 conflict`) saying when the visit was withdrawn.
- 6 December 2026, an end not known read on its later days (rule 2026.12.06.6): a
  `pending` reason's `why` may be `end_unknown` (with `changed_on`, the first later day on
  which the facts that decide the verdict change) for a visit whose end is not known and
  that a stay of unknown length would decide otherwise; its verdict `code` is `pending`.
- 6 December 2026, dates passed in the CSV: the visits' and incidents' CSV
  (`?format=csv`) gain the column `dates_passed`, after `end_known` and before the last,
  `reevaluation_pending`: as the JSON's `dates_passed`, read on the day of the request.
  An announced trip whose end is not known never has `dates_passed` true (in JSON and
  CSV): it may still be going on.
- 6 December 2026, who controlled a place (rule 2026.12.06.5): in a verdict's `reasons`,
  the `controlled_by` of `place_not_controlled` and of `no_control` gives the state's
  `name`, as every other state object there does (it was `""`).
- 6 December 2026, an end not known (rule 2026.12.06.4): a visit gains `end_known`, after `end_precision`:
  false when the sources give the day the visit began but not the day it ended. Its `end`
  and `end_precision` are then null, as a visit of one day's are, which a null `end`
  alone meant until now (Benjamin Netanyahu in Washington from 2 February 2025 read as a
  visit of that day). The verdict rests on the `start`, as before; its `reasons` give
  such a visit `end_known` false wherever they name it, and a new reason, `end_unknown`
  (`state`, `start`), and its `explanation` says "from 2 February 2025 (end date not
  known)". A report's `end` (`POST /reports/`, `/resubmit/`, a correction) takes `?` for
  an end not known, and a report gives it back so. The CSV gains the column `end_known`
  before its last, `reevaluation_pending`. A client that read a null `end` as a visit of
  one day must read `end_known` too.
- 6 December 2026, citing: a finding and a joint statement carry `dataset_id`, their
  identifier in the dataset (findings.csv's and statements.csv's `id`, e.g.
  `jor-2017-12-11`, `2024-06-14`; null for one no import has named), in their own
  records, a state's `findings` and `statements`, a visit's `findings` (JSON and CSV)
  and the site's visits download; `/findings/{dataset_id}/` and
  `/statements/{dataset_id}/` answer `301` to the record's `url` (by its `id`, which is
  unchanged), the query string kept. A state gains `statements_not_known`: the joint
  statements whose list is incomplete (`complete` false, `listed_count` of
  `signatory_count`), made while it was a State Party, that do not list it, each with
  `signature` `not_known`, never "did not sign"; each of its `statements` says
  `signature` `signed`. `?signatory=` on `/statements/` is documented as matching the
  recorded signatories only (its answers do not change). In CSV, `/findings/` and
  `/statements/` gain a `dataset_id` column after `id`, and `/states/` a
  `statements_not_known` column after `statements`: a client that reads columns by
  position must read them by name.
- 6 December 2026, one record's CSV and the feed's from a cursor: `?format=csv` on a
  record was named as its whole list's CSV (`/states/MNG/` and `/states/HUN/` both
  `iccwatch-states-<version>.csv`; visits apart). A record's is now named by the record:
  `iccwatch-<resource>-<its id>-<version>…csv` (`iccwatch-state-MNG-…`,
  `iccwatch-person-vladimir-putin-…`, `iccwatch-finding-4-…`), as a visit's
  (`iccwatch-visit-<id>-…`) was. The incidents' CSV from a `cursor` (fewer rows) had
  the whole feed's name: the digest that names a list's filters now covers the
  `cursor` too, as any paging parameter that changes a CSV's rows. The body does not
  change.
- 6 December 2026, the visits' page example: the example of `GET /visits/?host=MNG`
  carried `"cursor": "2011-06-01.omar-al-bashir-mys-2011-06"`, another visit's place,
  where a page has `cursor` only when asked with `?cursor=`. A page's example now
  carries `cursor` only when the request it answers gave one. Nothing the API answers
  changes.
- 6 December 2026, resubmission and possible duplicates: `POST
  /reports/{id}/resubmit/` submitted a new visit's report that, as edited, may repeat a
  visit recorded (or withdrawn), or a report of that trip not yet closed, listing it
  only in `possible_duplicates`, and refused `another_visit` as no such field. It now
  asks as a filing does: a 400 naming `another_visit` (and those visits and reports),
  the report left sent back and unchanged, until the body says `"another_visit": true`,
  which the schema's `ResubmissionRequest` now lists.
- 6 December 2026, error codes: the schema's `ErrorDetail.code` is an enum of every
  code an error answer carries (`invalid`, `invalid_filter`, `parse_error`,
  `authentication_failed`, `not_authenticated`, `four_eyes`, `permission_denied`,
  `not_found`, `method_not_allowed`, `not_acceptable`, `conflict`, `duplicate_report`,
  `precondition_failed`, `too_large`, `unsupported_media_type`, `throttled`,
  `server_error`, `busy`), each described; an error with no code of its own is given
  its status's (a `403` `permission_denied`, where it could say `error`). A page beyond
  the last (`?page=99`) names `page` in `fields`, with its message, as a parameter's
  400 does; its `fields` was `{}`.
- 6 December 2026, keeping a copy in step: a person's, a warrant's and a visit's
  `updated_at` moves when one of its own fields is changed by a bulk write or directly
  in the database, as when it is saved (it did not: `?changed_since=` missed such a
  visit, and `?ordering=-updated` such a person or warrant); a write that changes
  nothing a record shows does not move it. A `304` to a read for what changed (`GET
  /visits/?changed_since=` or `?cursor=`, revalidated with `If-None-Match`) carries the
  `Changed-Until` of the answer it revalidates, which the schema declares; it carried
  none. One record (`GET /states/MNG/`, a person, a warrant, a visit) has one `ETag`
  however it was asked for: with or without `?format=json` or `?lang=` naming the
  language it answers in anyway (`?lang=en`, or `?lang=fr` and `Accept-Language: fr`);
  each had its own, so an `If-Match` with one was a `412` on another and an
  `If-None-Match` a `200`, not a `304`. A list page keeps one per query, its links
  repeating `format` and `lang` as asked. The bodies do not change.
- 6 December 2026, an end not known for a trip not taken: a report (`POST /reports/`, a
  correction, a resubmission) whose `status` is `cancelled` or `virtual` and whose `end`
  is `"?"` is a `400` naming `end`: a trip that did not take place has no end to be
  unknown (give its planned end, or none for one day). An `announced` trip may still
  have one.
- 6 December 2026, voluntary surrenders: a visit's `outcome` takes a new value,
  `self_surrendered`: the person gave themselves up (to the host's authorities, to a
  foreign embassy or to the Court) and was transferred to the Court, which is no arrest
  by the host (Bosco Ntaganda in Kigali, 2013, was `arrested`). Reports may send it for a
  trip that took place. Its verdict is `complied`, as an arrest's, whose label now reads
  "complied (taken into custody)" (it was "complied (arrested)"); its `explanation` says
  that the person surrendered voluntarily, never that the host arrested them. A client
  that lists the outcomes must accept the new one.
"""


def api_version(description: str = API_DESCRIPTION) -> str:
    """The API's version, the schema's `info.version`: the date of the latest entry of
    "Changes to this version" in `description`, as `YYYY.MM.DD` (e.g. "2026.12.05").

    The change log is the one source of truth: an entry logged moves the version. Raises
    ValueError if the description has no dated entry (`- 5 December 2026...`)."""
    log = description.split("**Changes to this version**", 1)[-1]
    dates = [
        datetime.datetime.strptime(found, "%d %B %Y").date()
        for found in re.findall(r"^- (\d{1,2} [A-Z][a-z]+ \d{4})\b", log, flags=re.MULTILINE)
    ]
    if not dates:
        raise ValueError("the API description's change log has no dated entry")
    return max(dates).strftime("%Y.%m.%d")
