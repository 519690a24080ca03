"""A Paginator that reads a deep page cheaply, shared by the site's lists and the API."""

from __future__ import annotations

from django.core.paginator import Paginator


class KeysFirstPaginator(Paginator):
    """A Paginator that reads a page in two steps, in one query: the primary keys of the
    page's rows (the filters and the order, nothing else: an index can answer it), then
    those rows with everything they show.

    A deep page (`?page=2000`) skips its OFFSET over keys rather than over rows joined to
    their person, host and verdict; for the visits in their default order the keys come
    from one index alone (visits_visit_published_order, visits_visit_published_start).
    Only for querysets without GROUP BY, DISTINCT or set operations, whose rows are their
    primary keys; a subclass reads other rows by overriding `rows`.

    `read(queryset, keys)`, if given, reads a page's rows its own way, e.g. as tuples of
    the columns the page shows: `keys` is the list's queryset of the page's primary keys
    (`queryset.values("pk")[bottom:top]`); the count and the keys come from the list's
    own queryset, so they carry none of the joins the rows need.
    """

    def __init__(self, object_list, per_page, *args, read=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.read = read

    def rows(self, bottom: int, top: int):
        """The rows from `bottom` to `top` (0-based, `top` excluded) in the list's order:
        their keys first, then the rows."""
        if top <= bottom:
            return []  # an empty list's only page: nothing to read
        queryset = self.object_list
        keys = queryset.values("pk")[bottom:top]
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
