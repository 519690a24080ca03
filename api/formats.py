"""The API's formats: JSON everywhere, CSV on every list (`?format=csv` or `Accept: text/csv`).

CSV flattens each object into one row: a nested object's fields become dotted columns
(`host.iso3`), a list of scalars is joined with "; ", and a list of objects gives one
column per field with the items' values joined with "; " (`sources.url`). The
columns come from the serializer, so an empty result still has its header row.
"""

import csv
import io

from rest_framework import exceptions, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

LIST_SEPARATOR = "; "
# A cell a spreadsheet would read as a formula is prefixed with an apostrophe (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ApiContentNegotiation(DefaultContentNegotiation):
    """An explicit `?format=` wins over the Accept header; an unknown one is a 406, not a 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        format = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if format:
            renderer = self.filter_renderers(renderers, format)[0]
            return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        matching = [r for r in renderers if r.format == format]
        if not matching:
            available = ", ".join(sorted({r.format for r in renderers}))
            raise exceptions.NotAcceptable(
                f"Unknown format {format!r}: this endpoint answers in {available}."
            )
        return matching


def csv_columns(serializer) -> list[str]:
    """The dotted column names for a serializer's fields, in their declared order."""
    columns = []
    for name, field in serializer.fields.items():
        if getattr(field, "write_only", False):
            continue
        child = field.child if isinstance(field, serializers.ListSerializer) else field
        nested = getattr(field, "_csv_child", None) or (
            child if isinstance(child, serializers.Serializer) else None
        )
        if nested is not None:
            columns += [f"{name}.{sub}" for sub in csv_columns(nested)]
        else:
            columns.append(name)
    return columns


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_cell(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _pluck(value, path: list[str]):
    """Follow a dotted path through dicts, mapping over lists."""
    for i, key in enumerate(path):
        if isinstance(value, list):
            return [v for item in value if (v := _pluck(item, path[i:])) not in (None, "", [])]
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def csv_text(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(_pluck(row, column.split("."))) for column in columns])
    return out.getvalue()


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
