"""Page numbers that stay cheap on a list of a million rows.

A list counts its rows only up to a limit (`ROW_LIMIT`, or as far as the page asked for
reaches): past it the page says "more than 10,000 results" and offers the next page
rather than a last one. Page numbers go as deep as `MAX_PAGES`; a reader who needs rows
beyond narrows the filters or reverses the sort. A page's rows are found by their ids
first (one subquery reading only what the order and the filters need; for the
unfiltered incidents, a query of their own on the verdicts' index), then read with
their joins: the skipped rows of a deep page are never joined.

Every address stays a plain `?page=N` link: the same page for every reader.
"""

from __future__ import annotations

import math

from django.http import HttpResponseRedirect
from django.utils.functional import cached_property

from core.paging import KeysFirstPaginator

ROW_LIMIT = 10_000
MAX_PAGES = 2_000


def requested_number(value) -> int:
    """The page number asked for (`?page=3`), 1 when it is missing or not a number."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def page_redirect(request, page, parameter: str = "page"):
    """A redirect (302) to the address of the page actually shown when `?page=` asked for
    another: past the last page (an old link to a list that has since shrunk), not a whole
    number, or given twice. The address bar, the "Cite this page" box and a shared link
    then name the rows on screen. None when the address already names the page shown
    (the first page with `?page=1` or without it)."""
    asked = request.GET.getlist(parameter)
    own = [] if page.number == 1 else [str(page.number)]
    if asked == [str(page.number)] or asked == own:
        return None
    query = request.GET.copy()
    query.setlist(parameter, own)
    encoded = query.urlencode()
    return HttpResponseRedirect(f"{request.path}?{encoded}" if encoded else request.path)


class BoundedPaginator(KeysFirstPaginator):
    """A Paginator of a sorted queryset that counts at most as far as it must.

    `count` is exact up to `limit` (the larger of `rows` and the end of the page asked
    for, which is at most `max_pages`); `more` says there are rows beyond it, and then
    `count` is the limit ("more than …"). `num_pages` is never more than `max_pages`.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        requested=None,
        rows=None,
        max_pages=None,
        partitions=None,
        keys=None,
    ):
        super().__init__(object_list, per_page, partitions=partitions, keys=keys)
        rows = ROW_LIMIT if rows is None else rows
        self.max_pages = max_pages = MAX_PAGES if max_pages is None else max_pages
        number = min(requested_number(requested), max_pages)
        self.limit = max(rows, number * per_page)
        self.more = False

    def counted_rows(self, limit: int) -> int:
        """The number of rows, counting no further than `limit` (one query; on `keys` when
        the list has that narrower queryset of its keys)."""
        if self.keys is not None:
            return self.keys.order_by()[:limit].count()
        return self.object_list.order_by().values("pk")[:limit].count()

    @cached_property
    def count(self) -> int:
        """The rows, exactly up to `limit`; `more` is then set if there are others."""
        counted = self.counted_rows(self.limit + 1)
        self.more = counted > self.limit
        return min(counted, self.limit)

    @cached_property
    def num_pages(self) -> int:
        """The pages a reader may open: those counted, one more if rows remain, at most `max_pages`."""
        rows = self.count + (1 if self.more else 0)
        if rows == 0:
            return 1 if self.allow_empty_first_page else 0
        return min(math.ceil(rows / self.per_page), self.max_pages)
