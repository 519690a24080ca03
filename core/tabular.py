"""The one writer of tables: the site's downloads, the API's lists, the bulk files and `export_verdicts`.

Every row iccwatch hands out as CSV or as downloaded JSON goes through here, so a
value reads the same wherever it is downloaded from (data/DICTIONARY.md, "Export
format", is the reader's side of this):

- **dates** are full ISO 8601 dates (`2024-09-02`); a date known only to the month or
  the year is written as its first day (`2009-03-01`, `2012-01-01`) with the precision
  in a companion column `<name>_precision` (`day`, `month`, `year`): `dated()` gives both
  cells; a visit that ends on its start day has no `end` (`dated_span()`: one form,
  whichever way it was stored). **Moments** are ISO 8601 in UTC, to the microsecond as in the API's JSON
  (`2024-09-02T10:00:00.123456Z`; always six digits, `.000000` included, which the JSON
  leaves out);
- **lists** are JSON arrays: in JSON as they are, in CSV as one cell holding the JSON
  text (`["https://a.example/1","https://b.example/2"]`), which no separator inside an
  item can make ambiguous; the bulk downloads also give one row per item in a
  companion table (`visit_sources`, `verdict_warrants`);
- **booleans** are `true`/`false`; **nothing** (None) is an empty cell in CSV, `null`
  in JSON, and so is a cell of blank text (a place, a note, a case number not recorded:
  the store keeps "" for it), which CSV cannot tell from nothing (`json_cell_value`:
  the JSON of a row says what its CSV says, an empty cell being unknown); numbers are
  written as they are;
- **formula guard**: a CSV text cell that starts with `=`, `+`, `-`, `@`, a tab or a
  carriage return gets a leading apostrophe (`'=HYPERLINK(...)`), so that a
  spreadsheet shows it instead of running it (CSV injection). JSON is not guarded;
- **CSV** is RFC 4180 (comma, double quotes, CRLF line ends), UTF-8 and starts with a
  byte order mark (`BOM`): Excel needs it to read UTF-8 (without it, accented names
  come out garbled), and pandas, csvkit and Python's `utf-8-sig` skip it;
- **errors**: a table that cannot be written (an invalid filter) is answered in JSON
  with `error_body`: `{"error": {"code", "message", "fields"}}`, as the API does.

A `Table` names its columns with their types (`Column`), which the codebook publishes
and pandas reads back (`DTYPES`). `csv_lines` and `json_document` are generators, one
line (or row) at a time: they feed a `StreamingHttpResponse`, a file or a management
command's output alike, in flat memory.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from compliance import Period
from core.error_codes import ERROR_CODES

BOM = "\ufeff"
LINE_END = "\r\n"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Rows a streamed download (the site's and the API's) reads from the database at a time,
# each chunk's related rows in a fixed number of queries. 500 rather than 1,000: the same
# speed (1.2 MB/s of CSV at 1M visits, in process) and about 12 MiB less at the peak of a
# worker streaming the busiest country (bench/RESULTS.md).
EXPORT_CHUNK = 500


def streamed(queryset, chunk_size: int = EXPORT_CHUNK) -> Iterator:
    """The queryset's model instances (or its rows as values: `QuerySet.values`), read
    `chunk_size` at a time (QuerySet.iterator, with its prefetches per chunk), each chunk
    let go of once the caller is done with it.

    Django links a row and what it read with it both ways: a prefetched relation's
    queryset keeps its instance (`_hints`), and a reverse one-to-one's row (a visit's
    verdict) names the visit back. So every chunk's rows are reference cycles, which only
    Python's cyclic collector frees, and seldom, since by then they have reached its
    oldest generation: at the busiest country's export, some 40 MiB more at a worker's
    peak. When the caller asks for the first row after a chunk, the caches of that
    chunk's rows and of what they hold are cleared, so the chunk is freed at once.
    Instances are never shared between chunks (each chunk's prefetches read anew)."""
    chunk = []
    for obj in queryset.iterator(chunk_size=chunk_size):
        chunk.append(obj)
        yield obj
        if len(chunk) == chunk_size:
            _let_go(chunk)
            chunk = []
    _let_go(chunk)


def _let_go(instances: list) -> None:
    """Clear the related-object caches of `instances` and of every instance they reach."""
    todo, seen = list(instances), set()
    while todo:
        obj = todo.pop()
        if obj is None or id(obj) in seen:
            continue
        seen.add(id(obj))
        state = getattr(obj, "_state", None)
        if state is not None and state.fields_cache:
            todo.extend(state.fields_cache.values())
            state.fields_cache.clear()
        prefetched = getattr(obj, "_prefetched_objects_cache", None)
        if prefetched:
            for related in prefetched.values():
                todo.extend(getattr(related, "_result_cache", None) or ())
            prefetched.clear()


# The column types of the export format, with the pandas dtype each is read with:
# `dtype=` for the others, `parse_dates=` for `date` (a naive datetime64) and `datetime`
# (a datetime64 in UTC). Documented in data/DICTIONARY.md, "Export format".
DTYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64",
    "datetime": "datetime64[UTC]",
    "json": "string",
}


@dataclass(frozen=True)
class Column:
    """A column of an exported table: its name, its type (a key of `DTYPES`) and what it holds."""

    name: str
    type: str = "string"
    description: str = ""

    def __post_init__(self):
        if self.type not in DTYPES:
            raise ValueError(f"{self.name}: unknown column type {self.type!r}")


@dataclass(frozen=True)
class Table:
    """An exported table: its name (the file or SQLite table), its columns, and its key columns."""

    name: str
    columns: tuple[Column, ...]
    description: str = ""
    primary_key: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]


def dated(name: str, day: datetime.date | None, precision: str = "day") -> dict:
    """A stored (first day, precision) pair as its two cells: `{name: day, name_precision: ...}`.

    Both are None when the date is unknown.
    """
    return {name: day, f"{name}_precision": (precision or "day") if day is not None else None}


def ends_on_start(
    start: datetime.date | None, start_precision: str, end: datetime.date | None, end_precision: str
) -> bool:
    """Whether a stored span (`start`..`end`, each a first day and its precision) ends on
    its start: no end (the data dictionary's `end`, "empty: the start day"), or an end that
    repeats the start, the same date to the same precision (a visit of one day stored
    with `end` = `start`; "March 2009" to "March 2009"). An end inside the start's month
    but more precise than it (`2009-03` to `2009-03-05`) does not."""
    if end is None:
        return True
    return (end, end_precision or "day") == (start, start_precision or "day")


def dated_span(
    start: datetime.date | None,
    start_precision: str,
    end: datetime.date | None,
    end_precision: str,
) -> dict:
    """A visit's stored dates as their four cells, `start`, `start_precision`, `end` and
    `end_precision` (each pair as `dated` gives it), in the one form every output gives
    them (the API's JSON and CSV, the site's downloads, the bulk files,
    `export_verdicts`): `end` and `end_precision` are None for a visit that ends on its
    start (`ends_on_start`), which the store may hold either way (the importer keeps an
    `end` as given), as the schema's `end` says ("Null for a visit of one day"). Read at
    output only: a stored row keeps its value (rewriting it would record a correction
    the record never made), and `?ordering=end` sorts both forms alike (its last day:
    the end, else the start)."""
    if ends_on_start(start, start_precision, end, end_precision):
        end = None
    return {**dated("start", start, start_precision), **dated("end", end, end_precision)}


def shown_end(start: str | None, end: str | None) -> str | None:
    """A report's `end` as every output gives a visit's (`dated_span`): None when the span
    ends on its start (`ends_on_start`), else `end` as it is. Both are the partial ISO
    dates a report keeps (`2010-08-27`, `2009-03`, `2009`; visits.review), so a
    correction of a one-day visit stored with its `end` repeating its `start` shows no
    end, as the visit itself does ("Null for a visit of one day"). Text that is no date
    (a draft's) is given as it is. Read at output only: the report's data keeps it."""
    if end in (None, ""):
        return end
    try:
        first, last = Period.parse(start) if start else None, Period.parse(end)
    except (ValueError, AttributeError):  # no date, or no text
        return end
    if first is None:
        return end
    if ends_on_start(first.first, first.precision, last.first, last.precision):
        return None
    return end


def partial_date(day: datetime.date | None, precision: str = "day") -> Period | None:
    """A stored (first day, precision) pair as a Period (for prose); None when the date is unknown."""
    return Period.from_stored(day, precision) if day is not None else None


def text(value) -> str:
    """A single value as text, the same in every table (no list joining, no guard)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Period):
        return value.first.isoformat()
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        # To the microsecond, as the API's JSON gives a moment (a value copied from a CSV,
        # such as a report's `based_on`, is then the JSON's), and always with its six digits,
        # even .000000 (which the JSON leaves out): one format in every cell, which readers
        # (pandas) infer as one type.
        return value.isoformat(timespec="microseconds").replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def guard(cell: str) -> str:
    """The formula guard: an apostrophe before a cell a spreadsheet would run."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def json_cell(value) -> str:
    """A list (or an object) as the compact JSON text of one CSV cell."""
    return json.dumps(json_value(value), ensure_ascii=False, separators=(",", ":"))


def csv_cell(value) -> str:
    """One CSV cell: lists and objects as JSON text, text guarded, numbers as they are."""
    kind = type(value)
    # The commonest cells first, by exact type (a str subclass, such as a lazy translation
    # or a safe string, takes the general path below).
    if kind is str:
        return "'" + value if value.startswith(FORMULA_START) else value
    if value is None:
        return ""
    if kind is int or kind is float:
        return str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list | tuple | Mapping):
        return json_cell(value)
    return guard(text(value))


def json_value(value):
    """One JSON value: dates and partial dates as in CSV, lists and objects kept, unguarded."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    return text(value)


def json_cell_value(value):
    """One cell of a row as JSON (`json_value`), blank text as null: a text column left
    empty holds nothing known (data/DICTIONARY.md, "Export format": unknown is an empty
    cell, `null` in JSON), as its CSV cell, empty either way, says. Only the cell itself:
    a list's or an object's items are kept as they are."""
    if value == "":
        return None
    return json_value(value)


class _Line:
    """A file-like target for csv.writer that hands each written line back."""

    def write(self, line: str) -> str:
        return line


def csv_lines(rows: Iterable[Mapping], columns: Sequence[str]) -> Iterator[str]:
    """The CSV text, one line at a time: the BOM and the header, then a line per row.

    A row is a mapping from column name to value; a missing column is an empty cell.
    """
    writer = csv.writer(_Line(), lineterminator=LINE_END)
    yield BOM + writer.writerow(columns)
    for row in rows:
        yield writer.writerow([csv_cell(row.get(name)) for name in columns])


# The text a streamed answer hands the server at a time (characters): a row per write
# would cost the server a call per row (7,500 rows of the warrants' list, 112,000 of the
# busiest host's visits), a whole file the memory streaming saves.
STREAM_PIECE = 64 * 1024


def in_pieces(texts: Iterable[str], size: int | None = None) -> Iterator[str]:
    """`texts` joined into pieces of at least `size` characters (STREAM_PIECE by default;
    the last may be shorter), in order: what a StreamingHttpResponse sends, so that memory
    stays flat and the server writes once per piece, not once per row."""
    size = size or STREAM_PIECE
    pending: list[str] = []
    length = 0
    for text in texts:
        pending.append(text)
        length += len(text)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    if pending:
        yield "".join(pending)


def csv_text(rows: Iterable[Mapping], columns: Sequence[str]) -> str:
    """The whole CSV as one string (for small tables; stream `csv_lines` otherwise)."""
    return "".join(csv_lines(rows, columns))


def json_row(row: Mapping) -> dict:
    """A row for a JSON download, each cell as `json_cell_value` writes it: `null` for
    nothing and for blank text, where the row's CSV has an empty cell."""
    return {str(key): json_cell_value(value) for key, value in row.items()}


def json_document(head: Mapping, rows: Iterable[Mapping]) -> Iterator[str]:
    """A JSON object streamed in pieces: `head`'s keys, then `"results": [...]` and `"count"`."""
    opening = json.dumps(json_row(head), ensure_ascii=False)
    yield (opening[:-1] + ", " if len(opening) > 2 else "{") + '"results": ['
    count = 0
    for row in rows:
        yield ("," if count else "") + json.dumps(json_row(row), ensure_ascii=False)
        count += 1
    yield f'], "count": {count}}}'


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The body of every error answer: `{"error": {"code", "message", "fields"}}`.

    `code` is a stable word (`invalid_filter`, `not_found`), `message` a sentence for
    a human, `fields` each offending parameter with its messages (empty when none).
    ValueError for a code core.error_codes.ERROR_CODES does not list: no answer carries
    one the schema does not enumerate.
    """
    if code not in ERROR_CODES:
        raise ValueError(f"{code!r} is not in core.error_codes.ERROR_CODES")
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def invalid_values_message(
    fields: dict[str, list[str]],
    lead: str = "Some values are invalid",
    colon: str = ":",
    separator: str = "; ",
) -> str:
    """'Some values are invalid: verdict: ...; start_after: ...' (`lead`, `colon` and
    `separator` as the answer's language writes them, ' :' and ' ; ' with no-break spaces
    in French; the API's are English)."""
    # A parameter's messages end in a full stop; between parameters the semicolon stands
    # for it ("…: year.; host: …" would read as a slip).
    parts = [f"{name}{colon} {' '.join(messages)}" for name, messages in fields.items()]
    return f"{lead}{colon} " + separator.join(
        part.removesuffix(".") if n < len(parts) - 1 else part for n, part in enumerate(parts)
    )


def invalid_filter_body(
    fields: dict[str, list[str]],
    lead: str = "Some values are invalid",
    colon: str = ":",
    separator: str = "; ",
) -> dict:
    """The error body for query parameters that cannot be applied, naming each one."""
    message = invalid_values_message(fields, lead, colon, separator)
    return error_body("invalid_filter", message, fields)
