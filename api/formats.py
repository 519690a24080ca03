"""The API's formats: JSON everywhere, CSV on every list (`?format=csv` or `Accept: text/csv`).

CSV flattens each object into one row: a nested object's fields become dotted columns
(`host.iso3`), a list of scalars is one cell, and a list of objects gives one column
per field with the items' values in one cell (`sources.url`). A date that comes with
its precision (`start` and `start_precision`) is written as much of it as is known
(`2009-03`). The columns come from the serializer, so an empty result still has its
header row. The cells, the list separator, the formula guard and the BOM are the
site's and the exports' (`core.tabular`).
"""

import datetime

from rest_framework import exceptions, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

from core import tabular


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


def _pluck(value, path: list[str]):
    """Follow a dotted path through dicts, mapping over lists; a dated field with its
    `<name>_precision` sibling comes back as a partial date."""
    for i, key in enumerate(path):
        if isinstance(value, list):
            return [v for item in value if (v := _pluck(item, path[i:])) not in (None, "", [])]
        if not isinstance(value, dict):
            return None
        value, precision = value.get(key), value.get(f"{key}_precision")
    if isinstance(value, str) and isinstance(precision, str):
        try:
            return tabular.partial_date(datetime.date.fromisoformat(value), precision)
        except ValueError:
            return value
    return value


def csv_text(rows: list[dict], columns: list[str]) -> str:
    """Serialized objects as CSV, one row each, in these dotted columns."""
    return tabular.csv_text(
        ({column: _pluck(row, column.split(".")) for column in columns} for row in rows), columns
    )


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
