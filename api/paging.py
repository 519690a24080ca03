"""Pagination: page numbers for browsing, and a cursor for the incidents feed.

CSV is never paginated: a download holds every row that matches the filters.
"""

import re

from django.utils.encoding import force_str
from rest_framework import pagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from api.errors import InvalidFilter

MAX_PAGE_SIZE = 500
# A PostgreSQL bigint: anything larger could never be a position.
MAX_CURSOR = 2**63 - 1
MAX_PAGE = 2**31 - 1


def _whole_number(request, param: str, default: int, maximum: int, what: str) -> int:
    """A query parameter that must be a whole number from 1 to `maximum` (absent: `default`)."""
    raw = request.query_params.get(param)
    if raw is None:
        return default
    if re.fullmatch(r"[0-9]{1,19}", raw) and 1 <= int(raw) <= maximum:
        return int(raw)
    raise InvalidFilter(
        {param: [f"{raw[:40]!r} is not {what}: use a whole number from 1 to {maximum}."]}
    )


def page_size_from(request, param: str, default: int) -> int:
    """`?page_size=`: 1 to 500; anything else is a 400, as the schema says."""
    return _whole_number(request, param, default, MAX_PAGE_SIZE, "a page size")


class PagePagination(pagination.PageNumberPagination):
    """`?page=2&page_size=100` (1 to 500 per page, 50 by default)."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = "There is no page {page_number} ({message}); pages are numbered from 1."

    def paginate_queryset(self, queryset, request, view=None):
        # Checked even for CSV, which ignores them: a bad value is a 400 either way.
        self.get_page_size(request)
        self.get_page_number(request, None)
        if _wants_everything(request):
            return None
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request) -> int:
        return page_size_from(request, self.page_size_query_param, self.page_size)

    def get_page_number(self, request, paginator) -> int:
        return _whole_number(request, self.page_query_param, 1, MAX_PAGE, "a page number")

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number, from 1 (404 beyond the last page).",
                "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, 1 to {MAX_PAGE_SIZE} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]


class IncidentFeedPagination(pagination.BasePagination):
    """A gap-free, duplicate-free feed ordered by `flag_id`, for clients that poll.

    `flag_id` is the id of the verdict change that made the visit an incident: ids come
    from one database sequence, and the incidents view reads only after every
    transaction that could still add a lower one has finished (see
    api.visits.views.IncidentViewSet), so each new incident appears after every cursor
    handed out before it. `?cursor=N` answers the incidents with flag_id > N, oldest
    first; `next` is always given, so a client keeps following it to get new incidents.
    """

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 50
    max_page_size = MAX_PAGE_SIZE
    ordering_field = "flag_id"

    def get_cursor(self, request) -> int:
        raw = request.query_params.get(self.cursor_query_param)
        if raw in (None, ""):
            return 0
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if not 0 <= value <= MAX_CURSOR:
            raise InvalidFilter(
                {
                    self.cursor_query_param: [
                        f"{raw!r} is not a cursor: use the `next` link, or a flag_id (0 or more)."
                    ]
                }
            )
        return value

    def get_page_size(self, request) -> int:
        return page_size_from(request, self.page_size_query_param, self.page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.cursor = self.get_cursor(request)
        size = self.get_page_size(request)  # a bad page_size is a 400, even for CSV
        if _wants_everything(request):
            return None
        queryset = queryset.filter(**{f"{self.ordering_field}__gt": self.cursor}).order_by(
            self.ordering_field
        )
        rows = list(queryset[: size + 1])
        self.has_more = len(rows) > size
        self.page = rows[:size]
        self.position = getattr(self.page[-1], self.ordering_field) if self.page else self.cursor
        return self.page

    def get_next_link(self) -> str:
        url = self.request.build_absolute_uri()
        url = remove_query_param(url, "page")
        return replace_query_param(url, self.cursor_query_param, self.position)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "has_more": self.has_more, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "has_more", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "description": "Always present: the incidents after this page. Poll it later for new ones.",
                    "example": "https://iccwatch.example.org/api/v1/incidents/?cursor=1234",
                },
                "has_more": {
                    "type": "boolean",
                    "description": "Whether more incidents were already waiting after this page.",
                    "example": False,
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": force_str(
                    "Position in the feed: the `flag_id` of the last incident you have (0 or absent: from the "
                    "first). The answer holds the incidents flagged after it, oldest first."
                ),
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_CURSOR},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Incidents per page, 1 to {MAX_PAGE_SIZE} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]


def _wants_everything(request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return getattr(renderer, "format", None) == "csv"
