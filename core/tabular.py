"""The one writer of tables: the site's downloads, the API's CSV and `manage.py export_verdicts`.

Every row iccwatch hands out as CSV or as downloaded JSON goes through here, so a
value reads the same wherever it is downloaded from:

- **dates** are ISO 8601 (`2024-09-02`); **partial dates** (a `compliance.Period`, or
  `partial_date(day, precision)`) are as much of the date as is known: `2009-03-04`,
  `2009-03` or `2009`; **moments** are ISO 8601 in UTC (`2024-09-02T10:00:00Z`);
- **lists** are joined with `"; "` (`LIST_SEPARATOR`) in CSV, and stay lists in JSON;
- **booleans** are `true`/`false`; **nothing** (None) is an empty cell in CSV, `null`
  in JSON; numbers are written as they are;
- **formula guard**: a CSV text cell that starts with `=`, `+`, `-`, `@`, a tab or a
  carriage return gets a leading apostrophe (`'=HYPERLINK(...)`), so that a
  spreadsheet shows it instead of running it (CSV injection). JSON is not guarded;
- **CSV** is RFC 4180 (comma, double quotes, CRLF line ends), UTF-8 and starts with a
  byte order mark (`BOM`), so that spreadsheet programs read accented names right
  (csv readers skip it with the `utf-8-sig` encoding);
- **errors**: a table that cannot be written (an invalid filter) is answered in JSON
  with `error_body`: `{"error": {"code", "message", "fields"}}`, as the API does.

`csv_lines` and `json_document` are generators, one line (or row) at a time: they
feed a `StreamingHttpResponse`, a file or a management command's output alike.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence

from compliance import Period

LIST_SEPARATOR = "; "
BOM = "\ufeff"
LINE_END = "\r\n"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def partial_date(day: datetime.date | None, precision: str = "day") -> Period | None:
    """A stored (first day, precision) pair as a cell value; None when the date is unknown."""
    return Period.from_stored(day, precision) if day is not None else None


def text(value) -> str:
    """A single value as text, the same in every table (no list joining, no guard)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Period):
        return value.isoformat()
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def guard(cell: str) -> str:
    """The formula guard: an apostrophe before a cell a spreadsheet would run."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def csv_cell(value) -> str:
    """One CSV cell: lists joined with `LIST_SEPARATOR`, text guarded, numbers as they are."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list | tuple):
        return guard(LIST_SEPARATOR.join(text(item) for item in value if item is not None))
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


def csv_text(rows: Iterable[Mapping], columns: Sequence[str]) -> str:
    """The whole CSV as one string (for small tables; stream `csv_lines` otherwise)."""
    return "".join(csv_lines(rows, columns))


def json_row(row: Mapping) -> dict:
    """A row for a JSON download, with the cell encoding of `json_value`."""
    return {str(key): json_value(value) for key, value in row.items()}


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
    """
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def invalid_values_message(fields: dict[str, list[str]]) -> str:
    """'Some values are invalid: verdict: ...; start_after: ...'."""
    return "Some values are invalid: " + "; ".join(
        f"{name}: {' '.join(messages)}" for name, messages in fields.items()
    )


def invalid_filter_body(fields: dict[str, list[str]]) -> dict:
    """The error body for query parameters that cannot be applied, naming each one."""
    return error_body("invalid_filter", invalid_values_message(fields), fields)
