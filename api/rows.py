"""A list's answers built from plain column reads, byte for byte as its serializer gives them.

Serializing a row through DRF builds model instances (a warrant with its person, their
situation, its case and its sources) and walks a nested serializer field by field: the
CSV of 7,466 warrants took 2.4 s so, 0.6 s from values (bench/RESULTS.md). A list that
sets a `Rows` class
(`PlainRowsMixin.rows_class`) reads its rows as values instead, as the site's downloads
of the same lists do (front.views.warrants), works out once per answer what every row
shares (the links' addresses, the names translated, today's date), and reads what a row
holds a list of (its sources, a person's warrants) in one query per page, or per chunk of
a streamed CSV (`tabular.EXPORT_CHUNK` rows).

The serializer stays the description of a row (the OpenAPI schema, the CSV's columns,
one record's answer); a `Rows` class gives the dicts it would give, field by field, in
the same order, with the same values, which the tests of each list compare byte for byte
(`tests/api/test_warrant_rows.py`; the visits' own, `api.visits.rows`, by
`tests/api/test_visit_rows.py`). A field added to the serializer must be added to its
`Rows` too, which those tests catch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from django.db.models import QuerySet
from django.utils import timezone, translation
from rest_framework import serializers

from api.formats import flattener
from core import tabular

# DRF's own representation of a date and of a datetime, as the serializers' fields give them.
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def date_text(value):
    """A date as DRF's DateField gives it (ISO 8601), None for None."""
    return None if value is None else _DATE.to_representation(value)


def optional_text(value: str | None) -> str | None:
    """A text column as the serializers give it (api.base.OptionalCharField): null for
    blank text, a value the record does not give (data/DICTIONARY.md: unknown is null)."""
    return value or None


def precision_text(day, precision: str | None) -> str | None:
    """A date's precision as api.base.PrecisionField gives it: null when the date is, or
    when no precision is stored."""
    return None if day is None else precision or None


def datetime_writer():
    """A function writing a datetime as DRF's DateTimeField does (ISO 8601 in the active
    time zone, UTC as `Z`), with the zone looked up once rather than per value."""
    zone = timezone.get_current_timezone()

    def write(value):
        if not value:
            return None
        if not timezone.is_aware(value):
            return _DATETIME.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write


def sources_of(through, key: str, ids: Sequence[int]) -> dict[int, list[dict]]:
    """{id: [source, ...]} for the rows `ids` of a model whose `sources` many-to-many
    table is `through` (its column `key` names the row): each source as
    api.base.SourceSerializer gives it, in its order (Source's, by address). One query."""
    sources = defaultdict(list)
    if not ids:
        return sources
    cited = (
        through.objects.filter(**{f"{key}__in": ids})
        .order_by("source__url")
        .values_list(
            key,
            "source__url",
            "source__publisher",
            "source__published",
            "source__excerpt",
            "source__archived_url",
        )
    )
    for row_id, url, publisher, published, excerpt, archived_url in cited:
        sources[row_id].append(
            {
                "url": url,
                "publisher": optional_text(publisher),
                "published": date_text(published),
                "excerpt": optional_text(excerpt),
                "archived_url": optional_text(archived_url),
            }
        )
    return sources


class Rows:
    """The rows of one answer of a list, as its serializer (many=True) would give them.

    Made once per answer, in its language, with its request (the links' scheme and host);
    `build(values)` turns a page (or a chunk) of rows read by `read` into the serializer's
    dicts, reading what they hold a list of in a fixed number of queries."""

    # What `read` reads of each row (QuerySet.values).
    VALUES: tuple[str, ...] = ()

    def __init__(self, request):
        self.request = request

    @classmethod
    def read(cls, queryset: QuerySet) -> QuerySet:
        """The list's queryset (filtered and ordered) as the values its rows are built
        from; what the serializer prefetched is read by `build`."""
        return queryset.prefetch_related(None).values(*cls.VALUES)

    def build(self, values: Sequence[dict]) -> list[dict]:
        raise NotImplementedError


class BuiltRows:
    """What a JSON page's `get_serializer(page, many=True)` gives: its `data`, the rows
    `rows` built from the page's values."""

    def __init__(self, rows: Rows, values: Sequence[dict]):
        self.rows = rows
        self.values = values

    @property
    def data(self) -> list[dict]:
        return self.rows.build(list(self.values))


def in_chunks(values: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """`values` in lists of `size` (the last shorter), read as they come."""
    chunk = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class PlainRowsMixin:
    """A list viewset (api.base.PublicReadMixin) whose JSON pages and streamed CSV are
    built by `rows_class` from plain column reads, where its serializer built them from
    model instances: the same bytes. One record, the schema and the CSV's columns stay
    the serializer's."""

    rows_class: type[Rows]

    def plain_rows(self) -> bool:
        """Whether this answer's rows are built by `rows_class`: a list's."""
        return self.action == "list"

    def plain_json(self) -> bool:
        """Whether the answer is a page `rows_class` built (only strings, integers,
        booleans, nulls, lists and dicts): api.formats.JSONRenderer then writes it with
        orjson. An error answered instead (a 400, say) is not."""
        return getattr(self, "_rows_built", False)

    def paginate_queryset(self, queryset):
        if self.plain_rows():
            queryset = self.rows_class.read(queryset)
        return super().paginate_queryset(queryset)

    def get_serializer(self, *args, **kwargs):
        if kwargs.get("many") and self.plain_rows():
            self._rows_built = True
            return BuiltRows(self.rows_class(self.request), args[0])
        return super().get_serializer(*args, **kwargs)

    def _csv_rows(self, request, queryset, columns, language):
        """The CSV's rows: values read `tabular.EXPORT_CHUNK` at a time, each chunk built
        by `rows_class` and flattened into the serializer's columns (api.formats.flattener),
        in the answer's language (they are written after the view returned)."""
        if not self.plain_rows():
            yield from super()._csv_rows(request, queryset, columns, language)
            return
        with translation.override(language):
            rows = self.rows_class(request)
            flat = flattener(columns)
            values = self.rows_class.read(queryset).iterator(chunk_size=tabular.EXPORT_CHUNK)
            for chunk in in_chunks(values, tabular.EXPORT_CHUNK):
                for row in rows.build(chunk):
                    yield flat(row)
