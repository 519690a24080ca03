"""The sorts of a list, defined once for the site's list, its downloads and the API's `ordering`.

A list offers sort keys by name (`?ordering=host`, `?ordering=person,-end`). Each key is a
tuple of ORDER BY names: the key's own column first, then the columns that break its ties
(`"host": ("host_sort", "start")`: one host's visits oldest first); a name with a `-`
sorts the other way round from the key (`"visits": ("-visits_count", "sort_name")`: most
visits first). A key's tie-breakers apply only after the last key chosen (`person,-end`
sorts by the person's name, then the last day, not by the person's own tie-breaker in
between), and the primary key ends every order, so pages never overlap. A missing value
(an undated visit's `start`, a visit not yet evaluated for `verdict`) comes last in
either direction.

Names that are no column (the host's name in the reader's language, a state's visits
counted) come with a factory of the expression annotated under that name, only on the
requests that sort by it and whose queryset does not already hold it (the site's list of
states shows its counts, and annotates them for every page).

The site's lists (front.listing.Listing.sorts), their downloads and the API's `ordering`
(api.filters.ApiOrderingFilter) read the same `Sorts` of each resource, every key of it
on both sides, so that `/visits.csv?ordering=host` and
`/api/v1/visits/?ordering=host&format=csv` list the same rows in the same order, and a key
one of them takes the other takes too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy

from core.paging import may_be_null


class Sorts(Mapping):
    """{sort key: its ORDER BY names} (see the module), with `annotations`, the factories of
    the names that are no column: `{"host_sort": host_sort}`, each a callable returning
    the expression, called in the language of the answer being made."""

    def __init__(
        self,
        keys: Mapping[str, tuple[str, ...]],
        annotations: Mapping[str, Callable[[], Any]] | None = None,
    ):
        self.keys = dict(keys)
        self.annotations = dict(annotations or {})

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return self.keys[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def __repr__(self) -> str:
        return f"Sorts({self.keys!r})"

    def annotating(self, **factories: Callable[[], Any]) -> Sorts:
        """The same keys, with more names that are no column annotated by these factories
        (`visits_count=...`): for names whose expression a lower layer cannot build (the
        lists' counts of visits, front.summaries.list_counts)."""
        return Sorts(self.keys, {**self.annotations, **factories})

    def most_first(self, key: str) -> bool:
        """Whether `key` (without a `-`) lists the largest values first on its own: a count,
        whose first ORDER BY name has a `-` (`"visits": ("-visits_count", ...)`), so that
        `-key` lists the fewest first. KeyError for a key the list does not offer."""
        return self.keys[key][0].startswith("-")

    def names(self, chosen: Sequence[str]) -> list[str]:
        """The ORDER BY names, without direction, that the chosen keys (`-host` or `host`)
        sort by."""
        return [name.lstrip("-") for key in chosen for name in self.keys[key.lstrip("-")]]

    def annotated(self, queryset: QuerySet, chosen: Sequence[str]) -> QuerySet:
        """`queryset` with the annotations the chosen keys sort by (and no other), but those
        it already holds (a list that shows a state's counts annotates them itself)."""
        held = queryset.query.annotations
        wanted = dict.fromkeys(
            n for n in self.names(chosen) if n in self.annotations and n not in held
        )
        if not wanted:
            return queryset
        return queryset.annotate(**{name: self.annotations[name]() for name in wanted})

    def order_by(self, chosen: Sequence[str], model) -> list:
        """The ORDER BY terms of the chosen keys (`["person", "-end"]`), for a queryset of
        `model`: each key's column, the tie-breakers of the last key only, then the primary
        key; a missing value last in either direction. A column that is never empty is
        sorted backwards as plainly as its index reads (NULLS LAST would need a sort of
        every row): the same rows in the same order."""
        terms = []
        for position, key in enumerate(chosen):
            descending = key.startswith("-")
            names = self.keys[key.lstrip("-")]
            if position < len(chosen) - 1:
                names = names[:1]
            for name in names:
                column = name.lstrip("-")
                expression = F(column)
                if name.startswith("-") != descending:
                    if may_be_null(model, column):
                        terms.append(expression.desc(nulls_last=True))
                    else:
                        terms.append(expression.desc())
                else:
                    terms.append(expression.asc(nulls_last=True))
        return [*terms, "pk"]


def check_keys(chosen: Sequence[str]) -> None:
    """Raises ValidationError (code `repeated_sort_key`, its message in the active language
    when read) when a key is given twice (`start,start`) or both ways (`start,-start`):
    the second would sort nothing, and a list never drops part of what it was asked
    silently. For keys already known to be offered: the message quotes them as given."""
    seen: dict[str, str] = {}
    for key in chosen:
        name = key.lstrip("-")
        if name not in seen:
            seen[name] = key
            continue
        if seen[name] == key:
            raise ValidationError(
                gettext_lazy("“%(key)s” is given twice: give each sort key once."),
                code="repeated_sort_key",
                params={"key": key},
            )
        raise ValidationError(
            gettext_lazy(
                "“%(first)s” and “%(second)s” sort by the same key in opposite directions: "
                "give it once, with “-” before it for descending."
            ),
            code="repeated_sort_key",
            params={"first": seen[name], "second": key},
        )
