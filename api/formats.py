"""The API's formats: JSON everywhere, CSV on every list (`?format=csv` or `Accept: text/csv`).

A list whose site list has the same rows (visits, incidents) is written in the site's
table (`export_table`: `api.visits.views.API_VISIT_TABLE`, from
`visits.tables.VISIT_TABLE`): the same columns in both, but for `url`, which is the API
address as in the JSON, followed by `page_url`, the site's page. Any
other list flattens each serialized object into one row: a nested object's fields
become dotted columns (`host.iso3`), a list (of scalars or objects) is one cell holding
a JSON array. The columns come from the table or the serializer, so an empty result
still has its header row. Every CSV list streams (`api.base.PublicReadMixin`), in flat
memory; the cells, dates, the formula guard and the BOM are `core.tabular`'s.
"""

from collections.abc import Callable

import orjson
from drf_spectacular.drainage import get_override
from rest_framework import renderers, serializers
from rest_framework.renderers import BaseRenderer

from core import tabular

_LINE_SEPARATORS = (("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer, writing the answers of a view that declares them plain with
    orjson (written in Rust), byte for byte as DRF's renderer writes them.

    A 50-row page of visits is some 170 KB of JSON: the standard library's encoder takes
    about 1 ms for it, orjson a tenth of that. A view's answer is *plain* when its view
    says so (`plain_json()` true: the visit list's rows built by api.visits.rows): only
    strings, integers, booleans, nulls, lists and dicts with string keys, which both
    write the same way in the API's settings (compact, UTF-8: COMPACT_JSON,
    UNICODE_JSON), U+2028 and U+2029 escaped afterwards as DRF does. Floats are not
    (orjson writes 1e-05 as 0.00001, and NaN as null where DRF's strict JSON refuses
    it), nor some datetimes (an offset with seconds), so every other answer, an indent
    asked for in the Accept header, or a value orjson refuses, goes to DRF's renderer.
    `tests/api/test_json_renderer.py` compares the two.
    """

    _OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        plain = getattr(context.get("view"), "plain_json", None)
        if (
            data is None
            or plain is None
            or not plain()
            or not self.compact
            or self.ensure_ascii
            or not self.strict
            or self.get_indent(accepted_media_type, context) is not None
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, option=self._OPTIONS)
        except (orjson.JSONEncodeError, TypeError):
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in _LINE_SEPARATORS:
            body = body.replace(raw, escaped)
        return body


def csv_columns(serializer) -> list[str]:
    """The column names for a serializer's fields, in their declared order.

    A nested object's fields become dotted columns (`host.iso3`), also an object a method
    gives whose schema is a serializer (`@extend_schema_field(VisitRefSerializer(...))`:
    a finding's `visit.id`); a list (of scalars or of objects) stays one column, written
    as a JSON array.
    """
    columns = []
    for name, field in serializer.fields.items():
        if getattr(field, "write_only", False):
            continue
        nested = field if isinstance(field, serializers.Serializer) else _method_object(field)
        if nested is not None:
            columns += [f"{name}.{sub}" for sub in csv_columns(nested)]
        else:
            columns.append(name)
    return columns


def _method_object(field) -> serializers.Serializer | None:
    """The serializer a SerializerMethodField's method documents it as giving (one object,
    not a list), or None."""
    if not isinstance(field, serializers.SerializerMethodField) or field.parent is None:
        return None
    method = getattr(field.parent, field.method_name, None)
    declared = get_override(method, "field") if method is not None else None
    if isinstance(declared, serializers.Serializer) and not getattr(declared, "many", False):
        return declared
    return None


def flattener(columns: list[str]) -> Callable[[dict], dict]:
    """A function giving a serialized object as one row of these dotted columns (`flat_row`),
    each column's path split once, not once per row: a streamed CSV flattens thousands of
    rows in the same columns. A path is followed through nested objects (None past a
    missing or null one, and every cell of what is no object); a list is the cell's value
    as it is."""
    paths = []
    for column in columns:
        first, _dot, rest = column.partition(".")
        paths.append((column, first, tuple(rest.split(".")) if rest else ()))

    def flat(row: dict) -> dict:
        if not isinstance(row, dict):
            return dict.fromkeys(columns)
        cells = {}
        for column, first, rest in paths:
            value = row.get(first)
            for key in rest:
                value = value.get(key) if isinstance(value, dict) else None
            cells[column] = value
        return cells

    return flat


def flat_row(row: dict, columns: list[str]) -> dict:
    """A serialized object as one row of these dotted columns (`flattener`)."""
    return flattener(columns)(row)


def csv_text(rows: list[dict], columns: list[str]) -> str:
    """Serialized objects as CSV, one row each, in these dotted columns."""
    flat = flattener(columns)
    return tabular.csv_text((flat(row) for row in rows), columns)


class CSVRenderer(BaseRenderer):
    """Renders a list (or one object) as CSV with a header row, UTF-8."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        response = renderer_context.get("response")
        rows = data if isinstance(data, list) else [data]
        if (
            view is not None
            and hasattr(view, "get_serializer")
            and (response is None or response.status_code < 400)
        ):
            columns = csv_columns(view.get_serializer())
            if response is not None:
                response["Content-Disposition"] = f'attachment; filename="{view.csv_filename()}"'
        else:
            columns = list(
                dict.fromkeys(key for row in rows if isinstance(row, dict) for key in row)
            )
        return csv_text(rows, columns).encode(self.charset)
