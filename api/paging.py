"""Pagination: page numbers for browsing, a cursor for the incidents feed, and page numbers
or a cursor for the visits (a full copy that data changing between requests cannot shift).

CSV is never paginated: a download holds every row that matches the filters.
"""

import dataclasses
import datetime
import functools
import re
from collections.abc import Sequence
from urllib.parse import urlencode

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models import Func, Value
from django.db.models.lookups import GreaterThan, Lookup
from django.utils import translation
from django.utils.encoding import force_str
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from api.errors import InvalidFilter, ParameterNotFound
from api.filters import FACETS
from core import pagecache
from core.echo import echoed
from core.identifiers import SLUG_MAX_LENGTH, iso_date, whole_number
from core.paging import KeysFirstPaginator

MAX_PAGE_SIZE = 500
# A PostgreSQL bigint: anything larger could never be a position.
MAX_CURSOR = 2**63 - 1
MAX_PAGE = 2**31 - 1
# What the paging parameters and `facets` say of a CSV request (api.base.PublicReadMixin.
# reject_json_only_parameters).
JSON_ONLY = (
    "with `format=csv` (or `Accept: text/csv`) it is a 400, the CSV giving every matching row."
)


@dataclasses.dataclass(frozen=True)
class FacetsExample:
    """The `facets` a list's schema shows: what the list answers to `filters` (`{"person":
    "vladimir-putin"}`) with every facet it offers asked for, read from the project's
    dataset (tests/api/test_facets_schema.py asks again and compares). `counts` is
    {facet: {value: rows}}, a facet's most rows first; `note`, what the example shows,
    in words (optional)."""

    filters: dict[str, str]
    counts: dict[str, dict[str, int]]
    note: str = ""


def facets_schema(path: str, facets: Sequence[str], example: FacetsExample) -> dict:
    """The `facets` property of the pages of the list at `path` (`/api/v1/persons/`), which
    offers `facets` (its FilterSet's FACETS, in their order): described, and its example
    the list's own facets, each as `example` counts it. Raises ImproperlyConfigured when
    the example leaves out one of them or counts another (a facet added to a FilterSet
    needs its example), as the schema is made."""
    facets = list(facets)
    if set(example.counts) != set(facets):
        raise ImproperlyConfigured(
            f"The facets example of {path} counts {sorted(example.counts)}, "
            f"but the list offers {sorted(facets)}."
        )
    query = urlencode({**example.filters, FACETS: ",".join(facets)}, safe=",")
    return {
        "type": "object",
        "description": "Only with `?facets=`: for each facet asked for, `{value: rows}`, most "
        "rows first. A facet counts the rows that the other filters keep, its own filter set "
        "aside, so that its counts say what choosing each value would give; a facet whose "
        "parameter is not given counts the rows listed. Rows without a value for a facet (an "
        "undated visit, for the visits' `year`) are not counted. This list's facets: "
        + ", ".join(f"`{name}`" for name in facets)
        + f". The example is the `facets` of `{path}?{query}`"
        + (f": {example.note}" if example.note else "."),
        "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}},
        "example": {name: example.counts[name] for name in facets},
    }


def _whole_number(request, param: str, default: int, maximum: int, what: str) -> int:
    """A query parameter that must be a whole number from 1 to `maximum` (absent: `default`)."""
    raw = request.query_params.get(param)
    if raw is None:
        return default
    number = whole_number(raw)
    if number is not None and 1 <= number <= maximum:
        return number
    raise InvalidFilter(
        {param: [f"{echoed(raw)!r} is not {what}: use a whole number from 1 to {maximum}."]}
    )


def page_size_from(request, param: str, default: int) -> int:
    """`?page_size=`: 1 to 500; anything else is a 400, as the schema says."""
    return _whole_number(request, param, default, MAX_PAGE_SIZE, "a page size")


def _in_language(partitions: dict | None) -> dict | None:
    """`partitions` whose callables (parts computed per request, such as the hosts in the
    order of their names: visits.ordering.host_parts) run in the answer's language, as the
    sort key they split did, although the paginator itself runs in English."""
    if not partitions:
        return partitions
    language = translation.get_language()

    def bound(parts):
        def in_language():
            with translation.override(language):
                return parts()

        return in_language

    return {key: bound(parts) if callable(parts) else parts for key, parts in partitions.items()}


class PagePagination(pagination.PageNumberPagination):
    """`?page=2&page_size=100` (1 to 500 per page, 50 by default).

    A view whose rows are plain model rows (no aggregate, no DISTINCT) may set
    `keys_first_paging = True` to read deep pages through KeysFirstPaginator; its
    `page_rows(queryset, keys)`, if it has one, reads a page's rows, and its
    `sort_partitions`, if any, are the sort keys read value by value (core.paging).
    """

    # The `facets` property of this list's pages in the schema (facets_schema), set by
    # api.base.ApiAutoSchema for a list that offers facets; None: the pages have none.
    facets_schema: dict | None = None
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = "There is no page {page_number} ({message}); pages are numbered from 1."

    def paginate_queryset(self, queryset, request, view=None):
        # A CSV request giving either is refused before (PublicReadMixin.reject_json_only_parameters).
        self.get_page_size(request)
        self.get_page_number(request, None)
        if _wants_everything(request):
            return None
        if getattr(view, "keys_first_paging", False):
            read = getattr(view, "page_rows", None)
            self.django_paginator_class = functools.partial(
                KeysFirstPaginator,
                read=read,
                partitions=_in_language(getattr(view, "sort_partitions", None)),
            )
        # The API's error messages are English (its documentation's language), whatever the
        # answer's: Django's "That page contains no results" would come in French under
        # `?lang=fr`, inside an English sentence.
        with translation.override("en"):
            try:
                return super().paginate_queryset(queryset, request, view)
            except NotFound:
                raise ParameterNotFound(
                    self.page_query_param, self._beyond_the_last(queryset, request)
                ) from None

    def _beyond_the_last(self, queryset, request) -> str:
        """'There is no page 999: the list has 2 pages of 50 (97 results) ...': what a
        client paging past the end needs, the last page's number (one count, on this error
        only)."""
        size = self.get_page_size(request)
        count = queryset.count()
        pages = max(1, -(-count // size))
        return (
            f"There is no page {self.get_page_number(request, None)}: the list has "
            f"{pages} page{'s' if pages != 1 else ''} of {size} ({count} result"
            f"{'s' if count != 1 else ''}); pages are numbered from 1."
        )

    def get_page_size(self, request) -> int:
        return page_size_from(request, self.page_size_query_param, self.page_size)

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        if self.facets_schema is not None:
            answer["properties"]["facets"] = self.facets_schema
        return answer

    def get_page_number(self, request, paginator) -> int:
        return _whole_number(request, self.page_query_param, 1, MAX_PAGE, "a page number")

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number, from 1 (404 beyond the last page). JSON only: "
                + JSON_ONLY,
                "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, 1 to {MAX_PAGE_SIZE} (default {self.page_size}). "
                "JSON only: " + JSON_ONLY,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]


class NotEqual(Lookup):
    """`a <> b`, as a condition: unlike `~Q(a=b)` on a nullable join, it adds no `IS NULL`
    test, so it matches a partial index whose condition says `a <> b`."""

    lookup_name = "ne"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} <> {rhs}", (*lhs_params, *rhs_params)


class Row(Func):
    """A row value, `ROW(a, b)`: compared to another, it orders as a composite key."""

    function = "ROW"
    output_field = models.BigIntegerField()


class IncidentFeedPagination(pagination.BasePagination):
    """A gap-free, duplicate-free feed of incidents, for clients that poll; it takes no lock.

    Each incident is positioned by the verdict change that made it one: `flag_xact`, the
    id of the transaction that recorded the change, then `flag_id`, the change's id.
    A page hands out only changes of transactions older than every transaction still
    running (the horizon, `pg_snapshot_xmin(pg_current_snapshot())` but for the
    reader's own): those have all committed or rolled back, and no transaction can ever
    again record a change below that horizon.
    So once a position is handed out, every incident that appears later comes after it.

    Why not `flag_id` alone: ids come from a sequence when rows are inserted, not when
    transactions commit. A transaction holding id 10 may commit after one holding id 11,
    and a reader between the two commits would move past 11 and never see 10. Nor is
    "ids whose transaction is older than the horizon" enough while ordered by id: a
    transaction that began earlier (a lower xact_id) may insert its change later (a
    higher id). Ordering by (xact_id, id) and cutting at the horizon is exact.

    The cursor stays a `flag_id` (the last incident the client has): the server reads
    that change's xact_id to resume after it. A new incident shows up once the oldest
    transaction running when it committed has ended (a verdict chunk: milliseconds).
    """

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 50
    max_page_size = MAX_PAGE_SIZE
    ordering = ("flag_xact", "flag_id")
    # The `facets` property of this list's pages in the schema (facets_schema), set by
    # api.base.ApiAutoSchema for a list that offers facets; None: the pages have none.
    facets_schema: dict | None = None

    # The oldest transaction still running, other than the reader's own (PostgreSQL counts
    # its own in pg_snapshot_xmin, but its rows are visible to it) and other than those
    # shown to run in another database of the cluster, which cannot write this table
    # (a transaction id belongs to one backend, connected to one database for its life:
    # so even a stale pg_stat_activity, or a lock of its backend there, is proof): the
    # lowest id of the snapshot's in-progress list, NULL when none is left. Then the
    # snapshot's xmax: every transaction below it has ended, and any still running or
    # begun later has an id at or above it; or, for a reader that
    # has written in its own transaction (the tests that read inside one: a GET writes
    # nothing), the id after its own, so that it sees its own changes. Only transactions
    # that have written anything have an id, so readers (pg_dump included) never hold
    # the horizon back.
    HORIZON_SQL = """
        SELECT (WITH here AS (SELECT oid FROM pg_database WHERE datname = current_database()),
                     locks AS MATERIALIZED (SELECT pid, locktype, mode, granted, transactionid, database
                                            FROM pg_locks),
                     elsewhere AS MATERIALIZED (
                         SELECT t.transactionid::text AS xid FROM locks t JOIN locks r ON r.pid = t.pid
                         WHERE t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock' AND t.granted
                           AND r.database <> 0 AND r.database <> (SELECT oid FROM here)
                         UNION
                         SELECT backend_xid::text FROM pg_stat_activity
                         WHERE backend_xid IS NOT NULL AND datid <> (SELECT oid FROM here))
                SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
                WHERE (x::text::bigint % 4294967296)::text NOT IN (SELECT xid FROM elsewhere)),
               greatest(pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
                        pg_current_xact_id_if_assigned()::text::bigint + 1)
    """

    def get_cursor(self, request) -> int:
        raw = request.query_params.get(self.cursor_query_param)
        if raw in (None, ""):
            return 0
        value = whole_number(raw)
        if value is None or value > MAX_CURSOR:
            raise InvalidFilter(
                {
                    self.cursor_query_param: [
                        f"{echoed(raw)!r} is not a cursor: use the `next` link, or a flag_id (0 or more)."
                    ]
                }
            )
        return value

    def get_page_size(self, request) -> int:
        return page_size_from(request, self.page_size_query_param, self.page_size)

    def position_of(self, flag_id: int) -> tuple[int, int]:
        """The feed position (xact_id, id) of the change `flag_id`, which the client was given.

        Raises InvalidFilter (a 400 naming `cursor`) for a cursor beyond every change ever
        recorded: no page ever handed it out (a cursor kept from another database, or from
        before this one was loaded again), and read as a position it would skip every
        incident to come without a word."""
        if flag_id == 0:
            return (0, 0)
        with connection.cursor() as cur:
            # The change itself; if it is gone (its visit was deleted), the transaction of
            # the nearest change recorded before it: the best estimate left. And the newest
            # change's id, from the primary key's index.
            cur.execute(
                "SELECT (SELECT xact_id FROM visits_verdictchange WHERE id <= %s "
                "ORDER BY id DESC LIMIT 1), (SELECT max(id) FROM visits_verdictchange)",
                [flag_id],
            )
            xact_id, newest = cur.fetchone()
        if newest is None or flag_id > newest:
            raise InvalidFilter(
                {
                    self.cursor_query_param: [
                        f"No change has position {flag_id}: the newest is {newest or 0}. A "
                        "cursor kept from another copy of the data skips what comes next; "
                        "start again from cursor=0 (or from the flag_id of the last incident "
                        "you hold, if it is still listed)."
                    ]
                }
            )
        return (xact_id or 0, flag_id)

    def horizon(self) -> tuple[int, bool]:
        """(the feed's horizon, whether a running transaction holds it back), one query.

        The horizon is the oldest transaction id of this database still running, other
        than the reader's own; when none is, the snapshot's xmax (HORIZON_SQL).
        Every change of a transaction below it is final and visible to any later
        statement; no transaction can record one below it any more."""
        with connection.cursor() as cur:
            cur.execute(self.HORIZON_SQL)
            running, next_id = cur.fetchone()
        return (next_id, False) if running is None else (running, True)

    def settled(self, queryset):
        """Only the incidents whose change no running or future transaction can precede.

        When a running transaction holds the answer back (`held_back`), the answer is not
        final: that transaction may roll back, which moves no data version, so the answer
        is kept out of the page cache and has no data-version ETag
        (core.pagecache.not_final); a CSV's ETag reads `held_back` (api.base.csv_etag)."""
        horizon, self.held_back = self.horizon()
        if self.held_back:
            pagecache.not_final()
        return queryset.filter(flag_xact__lt=horizon)

    def rows(self, queryset, keys, view):
        """The page's rows, from the subquery `keys` of their ids, in feed order.

        The view may read them its own way (`feed_rows(keys)`, one statement with `keys`):
        rows joined to everything they show are cheaper to plan apart from the search of
        their positions."""
        if hasattr(view, "feed_rows"):
            return view.feed_rows(keys)
        return queryset.filter(pk__in=keys).order_by(*self.ordering)

    def after_cursor(self, queryset, position: tuple[int, int]):
        """The settled incidents after `position` (xact_id, id), in feed order.

        (flag_xact, flag_id) > position is a row comparison, which PostgreSQL reads as a
        range of the index of flagging changes (visits_change_flag_position) starting right
        after the cursor, so a page costs its own rows whatever its depth."""
        return (
            self.settled(queryset)
            .filter(GreaterThan(Row("flag_xact", "flag_id"), Row(*(Value(v) for v in position))))
            .order_by(*self.ordering)
        )

    def export_queryset(self, queryset, request):
        """What the CSV streams: every settled incident after `?cursor=`, in feed order (the
        rows the JSON pages would give one after the other, unpaginated)."""
        return self.after_cursor(queryset, self.position_of(self.get_cursor(request)))

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.cursor = self.get_cursor(request)
        size = self.get_page_size(request)  # a bad page_size is a 400, even for CSV
        if _wants_everything(request):
            return None
        keys = self.after_cursor(queryset, self.position_of(self.cursor)).values("pk")[: size + 1]
        rows = list(self.rows(queryset, keys, view))
        self.has_more = len(rows) > size
        self.page = rows[:size]
        self.position = self.page[-1].flag_id if self.page else self.cursor
        return self.page

    def get_next_link(self) -> str:
        return link_after(self.request, self.cursor_query_param, self.position)

    def get_paginated_response(self, data):
        # `cursor` is `next`'s position on its own, for generated clients: pass it back as
        # the `cursor` parameter without parsing a URL.
        return Response(
            {
                "next": self.get_next_link(),
                "cursor": self.position,
                "has_more": self.has_more,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "cursor", "has_more", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "description": "Always present: the incidents after this page. Poll it later for new ones.",
                    "example": "https://iccwatch.example.org/api/v1/incidents/?cursor=1234",
                },
                "cursor": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "The position `next` holds: pass it as the `cursor` parameter to "
                    "get the incidents after this page.",
                    "example": 1234,
                },
                "has_more": {
                    "type": "boolean",
                    "description": "Whether more incidents were already waiting after this page.",
                    "example": False,
                },
                "results": schema,
                **({"facets": self.facets_schema} if self.facets_schema is not None else {}),
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": force_str(
                    "Position in the feed: the `flag_id` of the last incident you have, i.e. the last "
                    "page's `cursor` (0 or absent: from the first). The answer holds the incidents flagged after it, in the order they were "
                    "recorded (by transaction, then flag_id); as CSV, every one of them, unpaginated. "
                    "A position beyond every change recorded (kept from another copy of the data) "
                    "is a 400 naming the newest."
                ),
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_CURSOR},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Incidents per page, 1 to {MAX_PAGE_SIZE} (default {self.page_size}). "
                "JSON only: " + JSON_ONLY,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]


# `?cursor=0`: a cursor's first page, before the first row (as the incidents feed's).
FROM_THE_FIRST = "0"
# A position's date part for a row whose date is missing (an undated visit).
UNDATED = "undated"
# A slug as a SlugField may hold it (Django's slug_re), at most as long as a visit's.
_SLUG_CHARACTERS = rf"[-a-zA-Z0-9_]{{1,{SLUG_MAX_LENGTH}}}"
_POSITION_SLUG = re.compile(_SLUG_CHARACTERS)
POSITION_PATTERN = (
    rf"^(?:{FROM_THE_FIRST}|(?:[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|{UNDATED})\.{_SLUG_CHARACTERS})$"
)
POSITION_MAX_LENGTH = len("2011-06-01.") + SLUG_MAX_LENGTH
POSITION_EXAMPLE = "2011-06-01.omar-al-bashir-mys-2011-06"


@dataclasses.dataclass(frozen=True)
class ListPosition:
    """A place in a list sorted by a date whose missing values come last, then by a unique
    slug: the visits' default order, `start` then `slug` (api.visits.views.VisitViewSet).

    Written in a cursor as `<YYYY-MM-DD>.<slug>` (`2011-06-01.omar-al-bashir-mys-2011-06`),
    or `undated.<slug>` for a row without a date (`str(position)`); `0` is the place before
    the first row (`parse` gives None)."""

    day: datetime.date | None
    slug: str

    def __str__(self) -> str:
        return f"{self.day.isoformat() if self.day else UNDATED}.{self.slug}"

    @classmethod
    def parse(cls, raw: str) -> "ListPosition | None":
        """The position `raw` writes; None for `0`. Raises ValueError for anything else (a
        date that is no day of the calendar, a slug with characters no slug has)."""
        if raw == FROM_THE_FIRST:
            return None
        day_part, dot, slug = raw.partition(".")
        if not dot or not _POSITION_SLUG.fullmatch(slug):
            raise ValueError(raw)
        if day_part == UNDATED:
            return cls(None, slug)
        day = iso_date(day_part)
        if day is None:
            raise ValueError(raw)
        return cls(day, slug)


class PageOrCursorPagination(PagePagination):
    """`?page=` as PagePagination, or `?cursor=`: a cursor over the list's default order,
    with which a client copies a whole list while its data changes.

    A page number counts rows: when a row of page 1 leaves the list (a visit withdrawn)
    between two requests, every later row moves back by one, the first row of page 2 onto
    page 1, already read, and no page gives it (a row arriving gives one twice); every
    count still agrees. A cursor is the place of the last row given, the values of its
    sort keys (ListPosition), not a count: the next page holds the rows after that place,
    whatever left or arrived before it. So a row that keeps its place gives itself exactly
    once over the whole copy; one that arrives, leaves or moves meanwhile (its `start`
    corrected) has changed, and `?changed_since=` from the first page's `Changed-Until`
    (api.base.PublicReadMixin.list) gives it.

    For the list's default order only, `position_fields`: a date whose missing values sort
    last (`start`), then a unique slug, the order of an index (the published visits':
    visits_visit_published_order; one host's: visits_visit_published_host_order) that
    reads a page as a range from the cursor on, whatever its depth. `?ordering=` or
    `?page=` with a cursor is a 400 naming it. `?cursor=0` begins; each answer's `next`
    carries the place of its last row as `cursor` (the same position on its own, as a
    `cursor` field), both null on the last page; `previous` is always null (a cursor goes
    forward). The answer keeps the page-number shape: `count` counts the rows matching now.

    Not DRF's CursorPagination: it positions by the first sort key alone (`start`, which
    many visits share) and an offset among the rows sharing it, which a row leaving
    shifts as it shifts page numbers; and it never reaches a row whose key is missing (an
    undated visit). The incidents feed's (IncidentFeedPagination) positions rows by the
    transaction that flagged them, which a visit's place in this order does not depend on.
    """

    cursor_query_param = "cursor"
    position_fields = ("start", "slug")

    def paginate_queryset(self, queryset, request, view=None):
        self.by_cursor = False
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        position = self.get_position(raw)
        size = self.get_page_size(request)
        self._refuse_with_a_cursor(queryset, request)
        if _wants_everything(request):
            return None  # a CSV giving a cursor is refused before (api.base.json_only_parameters)
        self.by_cursor = True
        keys = self.keys_after(queryset, position, size + 1)
        more = len(keys) > size
        keys = keys[:size]
        self.position = ListPosition(*keys[-1][1:]) if more else None
        self.count = queryset.count()
        page_keys = queryset.filter(pk__in=[key[0] for key in keys]).values("pk")
        read = getattr(view, "page_rows", None)
        rows = read(queryset, page_keys) if read else queryset.filter(pk__in=page_keys)
        return list(rows)

    def get_position(self, raw: str) -> ListPosition | None:
        """`?cursor=` read (None for `0`); InvalidFilter (a 400 naming `cursor`) for a value
        no answer gave."""
        try:
            return ListPosition.parse(raw)
        except ValueError:
            raise InvalidFilter(
                {
                    self.cursor_query_param: [
                        f"{echoed(raw)!r} is not a cursor: use `0` for the first page, then "
                        "the `next` link (or the `cursor`) of each answer."
                    ]
                }
            ) from None

    def _refuse_with_a_cursor(self, queryset, request) -> None:
        """InvalidFilter naming `page` or `ordering` when given with a cursor: a page number
        is another way to page, and the cursor follows the default order alone."""
        refused = {}
        if self.page_query_param in request.query_params:
            refused[self.page_query_param] = [
                "Give `page` or `cursor`, not both: a cursor pages by itself (follow `next`)."
            ]
        if "ordering" in request.query_params:
            refused["ordering"] = [
                "A cursor follows the default order (by start, then id; undated last) "
                "only: leave `ordering` out to page with `cursor`, or page with `page`."
            ]
        if refused:
            raise InvalidFilter(refused)
        if tuple(queryset.query.order_by) != self.position_fields:
            raise ValueError(
                f"a cursor needs the list ordered by {self.position_fields}, "
                f"not {queryset.query.order_by}"
            )

    def keys_after(self, queryset, position: ListPosition | None, limit: int) -> list[tuple]:
        """(pk, date, slug) of the first `limit` rows of `queryset` after `position` (from
        the first for None), in the list's order: one read of the index in the order's
        order from the cursor on (`ROW(start, slug) > ROW(...)`, a range of the index), and
        a second, of the undated rows, only when the dated ones end within the page."""
        day, slug = self.position_fields
        fields = ("pk", day, slug)
        keys = []
        if position is None or position.day is not None:
            dated = queryset.filter(**{f"{day}__isnull": False})
            if position is not None:
                dated = dated.filter(
                    GreaterThan(Row(day, slug), Row(Value(position.day), Value(position.slug)))
                )
            keys = list(dated.order_by(day, slug).values_list(*fields)[:limit])
        if len(keys) < limit:
            undated = queryset.filter(**{f"{day}__isnull": True})
            if position is not None and position.day is None:
                undated = undated.filter(**{f"{slug}__gt": position.slug})
            # By the date too, all missing: the index's order, so no sort.
            keys += undated.order_by(day, slug).values_list(*fields)[: limit - len(keys)]
        return keys

    def get_paginated_response(self, data):
        if not self.by_cursor:
            return super().get_paginated_response(data)
        cursor = None if self.position is None else str(self.position)
        return Response(
            {
                "count": self.count,
                "next": None
                if cursor is None
                else link_after(self.request, self.cursor_query_param, cursor),
                "previous": None,
                "cursor": cursor,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        properties = answer["properties"]
        properties["next"]["description"] = (
            "The next page, null on the last. With `cursor`, the rows after this page's "
            "last, `cursor` set to its place (`page` never appears): follow it to copy the "
            "whole list."
        )
        properties["previous"]["description"] = (
            "The previous page, null on the first; always null with `cursor`."
        )
        # After `previous`, as the answer gives it.
        answer["properties"] = {
            **{k: v for k, v in properties.items() if k not in ("results", "facets")},
            "cursor": {
                "type": "string",
                "nullable": True,
                "description": "With `cursor` only: the place `next` holds (this page's last "
                "row), to give as `cursor` for the next page; null on the last page.",
                "example": POSITION_EXAMPLE,
            },
            **{k: v for k, v in properties.items() if k in ("results", "facets")},
        }
        return answer

    def get_schema_operation_parameters(self, view):
        page, page_size = super().get_schema_operation_parameters(view)
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": "Page with a cursor instead of page numbers, to copy the whole list: "
            "`0` for the first page, then follow each answer's `next` (or give its "
            "`cursor`) until it is null. Each page holds the rows after the last one given, "
            "in the default order (by start, then id; undated last), so a row that stays "
            "listed comes exactly once however rows are withdrawn or added meanwhile "
            "(page numbers shift: a row withdrawn from page 1 moves the first of page 2 "
            "onto it, and no page gives it). A row added, withdrawn or redated during the "
            "copy has changed: read `changed_since` from the first page's `Changed-Until` "
            "to get it. Not with `page` nor `ordering` (a 400 naming it); a value no answer "
            "gave is a 400. JSON only: " + JSON_ONLY,
            "schema": {
                "type": "string",
                "pattern": POSITION_PATTERN,
                "maxLength": POSITION_MAX_LENGTH,
                # No `example`: Swagger UI would fill the box with it, and "Try it out"
                # send `?cursor=0` unasked (the description says where to start).
            },
        }
        return [page, page_size, cursor]


def link_after(request, param: str, position) -> str:
    """The address of this request with `param` set to `position` and without `page`: the
    `next` link of a cursor (the incidents feed's, the visits')."""
    url = remove_query_param(request.build_absolute_uri(), "page")
    return replace_query_param(url, param, position)


def _wants_everything(request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return getattr(renderer, "format", None) == "csv"
