"""A Paginator that reads a deep page cheaply, shared by the site's lists and the API."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, OrderBy

# Rows up to which a list sorted on a partitioned key is sorted in one query (see below).
SORT_AT_ONCE = 2000


class KeysFirstPaginator(Paginator):
    """A Paginator that reads a page in two steps, in one query (two with `keys`): the
    primary keys of the page's rows (the filters and the order, nothing else: an index
    can answer it), then those rows with everything they show.

    A deep page (`?page=2000`) skips its OFFSET over keys rather than over rows joined to
    their person, host and verdict; for the visits in their default order the keys come
    from one index alone (visits_visit_published_order, visits_visit_published_start).
    Only for querysets without GROUP BY, DISTINCT or set operations, whose rows are their
    primary keys; a subclass reads other rows by overriding `rows`.

    `read(queryset, keys)`, if given, reads a page's rows its own way, e.g. as tuples of
    the columns the page shows: `keys` is the list's queryset of the page's primary keys
    (`queryset.values("pk")[bottom:top]`); the count and the keys come from the list's
    own queryset (or from `keys`, below), so they carry none of the joins the rows need.

    `partitions` maps a sort key on a joined column with few values (`verdict__code`) to
    those values. A list sorted first on such a key is read one value at a time
    (`partitioned_keys`): each part is one indexed, ordered read stopped at the page,
    instead of a join of every row to its key and a sort of them all (no index spans two
    tables). A key may instead map to a callable giving the parts themselves, in the
    key's ascending order, as filters (`[{"host_id": 12}, {"host_id": 3}, ...]` for the
    host's name in the reader's language: front.views.visits.host_parts): every row must
    fall in exactly one of them.

    A list of at most `sort_at_once` rows (by default SORT_AT_ONCE: a narrow filter) is sorted in one
    query instead: one sort of a few thousand rows costs less than a count per part (some
    250 of them for the hosts).

    `keys`, if given, is another queryset of the list's primary keys, in the list's order,
    that reads fewer tables (the published incidents newest first, from the verdicts'
    own index: front.views.visits.incident_keys): the page's keys are sliced from it in a
    query of their own (as a subquery of the rows' read, PostgreSQL planned a scan of
    every incident), and the rows still read from the list's queryset. The keys, the
    rows and the count are then three statements: a write committed between them can
    shift a row by one page, as between two page loads.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *args,
        read=None,
        partitions=None,
        keys=None,
        sort_at_once: int | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.read = read
        self.partitions: Mapping[str, Sequence[str]] = partitions or {}
        self.keys = keys
        self.sort_at_once = SORT_AT_ONCE if sort_at_once is None else sort_at_once

    def rows(self, bottom: int, top: int):
        """The rows from `bottom` to `top` (0-based, `top` excluded) in the list's order:
        their keys first, then the rows."""
        if top <= bottom:
            return []  # an empty list's only page: nothing to read
        queryset = self.object_list
        split = leading_partition(queryset, self.partitions)
        if split is not None and self.count <= self.sort_at_once:
            split = None
        if self.keys is not None:
            keys = queryset.filter(pk__in=list(self.keys[bottom:top])).values("pk")
        elif split is None:
            keys = queryset.values("pk")[bottom:top]
        else:
            # The page's keys, found part by part; the rows are then read in the list's
            # own order (a sort of the page's rows only).
            ids = partitioned_keys(queryset, *split, bottom, top)
            keys = queryset.filter(pk__in=ids).values("pk")
        if self.read is not None:
            return self.read(queryset, keys)
        return queryset.filter(pk__in=keys)

    def page(self, number):
        """The page `number` (1-based, validated as Paginator.page does), its rows in the
        queryset's order."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.rows(bottom, top), number, self)


def leading_partition(queryset, partitions: Mapping[str, Sequence[str]]):
    """(key, values, descending, nulls_first) when `queryset` is ordered first on a key of
    `partitions` (as a name, `-name`, or an F() ordering with explicit NULLS placement),
    else None. Without NULLS placement, PostgreSQL's: nulls last ascending, first descending.
    """
    if not partitions or not queryset.query.order_by:
        return None
    first = queryset.query.order_by[0]
    if isinstance(first, str):
        name = first.lstrip("-")
        descending = first.startswith("-")
        nulls_first = descending
    elif isinstance(first, OrderBy) and isinstance(first.expression, F):
        name = first.expression.name
        descending = first.descending
        nulls_first = first.nulls_first if first.nulls_first or first.nulls_last else descending
    else:
        return None
    if name not in partitions:
        return None
    values = partitions[name]
    return name, values if callable(values) else tuple(values), descending, bool(nulls_first)


@functools.cache
def _collated(alias: str, values: tuple[str, ...]) -> tuple[str, ...]:
    """`values` in database `alias`'s own text order (its collation decides where `_` sorts)."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT v FROM unnest(%s::text[]) AS v ORDER BY v", [list(values)])
        return tuple(row[0] for row in cursor.fetchall())


def partitioned_keys(queryset, key, values, descending, nulls_first, bottom, top) -> list:
    """The primary keys of rows `bottom` to `top` (0-based, `top` excluded) of `queryset`,
    which is ordered first on `key`, whose values are among `values` or NULL: every value
    the column can hold, or rows with another would never be read (the verdict's code is
    held to its choices by the constraint `verdict_code_known`).

    `values` may also be a callable giving the parts as filters, in ascending order, which
    together hold every row (see KeysFirstPaginator).

    The parts (one per value, and the rows whose key is NULL) are taken in the order's
    order; of each, the rows are counted only as far as the page reaches, and only the
    part(s) the page falls in are read, with the rest of the order (`start`, `pk`). For a
    first page that is a few bounded counts and one ordered read of 50 keys.
    """
    if callable(values):
        # The parts themselves, in the key's order (they cover every row: no NULL part).
        parts = list(values())
        if descending:
            parts = parts[::-1]
    else:
        order = _collated(queryset.db, values)
        if descending:
            order = order[::-1]
        parts = [{key: value} for value in order]
        empty = {f"{key}__isnull": True}
        parts = [empty, *parts] if nulls_first else [*parts, empty]
    after = list(queryset.query.order_by[1:])
    if "pk" not in after:
        after.append("pk")  # a total order within each part
    rest = queryset.order_by(*after)
    ids: list = []
    passed = 0  # rows of the parts before this one
    for condition in parts:
        if passed >= top:
            break
        part = rest.filter(**condition)
        size = part.order_by().values("pk")[: top - passed].count()
        if passed + size > bottom:
            low, high = max(bottom - passed, 0), min(top - passed, size)
            ids.extend(part.values_list("pk", flat=True)[low:high])
        passed += size
    return ids


def may_be_null(model, path: str) -> bool:
    """Whether the sort key `path` (`person__name`) of `model` may be NULL, following its
    relations; a name that is no field (an annotation such as a list's `sort_name`) or a
    relation at the end of the path is taken as possibly NULL. The lists (site and API)
    put such keys' missing values last in both directions."""
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return True
        if field.null:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return True
