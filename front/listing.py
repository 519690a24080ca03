"""Filtered, sorted, paginated lists and their CSV and JSON downloads, from one description.

Each list page (states, persons, warrants, visits, incidents) is a `Listing`: the
app's FilterSet (the same one the API uses), a base queryset with its joins, the
sort orders a reader may pick, and the fields of a downloaded row. The HTML page and
the downloads read the same query string through the same FilterSet and sort, so a
download carries exactly the rows of the filtered view, in the same order (all of
them, not only the page on screen). Every filtered view is a plain GET URL: paste
it and the other reader sees the same list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import tabular
from front.pages import render_page

PER_PAGE = 50
EXPORT_CHUNK = 1000
FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Column:
    """A column of the on-screen table; `sort` names the sort key it toggles, if any."""

    heading: str
    sort: str = ""


@dataclass
class Listing:
    name: str  # the URL name prefix: "visits" -> visits, visits-export
    title: str
    filterset_class: type
    queryset: Callable[[], QuerySet]
    sorts: dict[str, tuple[str, ...]]
    default_sort: str
    columns: list[Column]
    export_fields: tuple[str, ...]
    export_row: Callable[[object, HttpRequest], dict]
    template: str
    labels: dict[str, str] = field(default_factory=dict)  # translated filter labels
    prepare_form: Callable[[forms.Form], None] | None = None
    export_queryset: Callable[[QuerySet], QuerySet] | None = None
    intro: str = ""


def sort_key(listing: Listing, requested: str | None) -> str:
    """The requested sort if the listing offers it, else its default."""
    if requested and requested.lstrip("-") in listing.sorts:
        return requested
    return listing.default_sort


def order_by(listing: Listing, key: str) -> list:
    """The ORDER BY for a sort key; missing values (an unknown date) always come last."""
    descending = key.startswith("-")
    terms = []
    for name in listing.sorts[key.lstrip("-")]:
        reverse = name.startswith("-") != descending
        expression = F(name.lstrip("-"))
        terms.append(
            expression.desc(nulls_last=True) if reverse else expression.asc(nulls_last=True)
        )
    return [*terms, "pk"]


def filtered(listing: Listing, request: HttpRequest):
    """The bound FilterSet and the sorted queryset for this request's query string."""
    filterset = listing.filterset_class(
        data=request.GET or None, queryset=listing.queryset(), request=request
    )
    key = sort_key(listing, request.GET.get("sort"))
    return filterset, key


def _prepare_form(listing: Listing, filterset) -> forms.Form:
    form = filterset.form
    for name, text in listing.labels.items():
        if name in form.fields:
            form.fields[name].label = text
    for form_field in form.fields.values():
        if isinstance(form_field, forms.DateField):
            form_field.widget.input_type = "date"
        if hasattr(form_field, "empty_label"):
            form_field.empty_label = _("any")  # django-filter's choice fields add it themselves
        if isinstance(form_field.widget, forms.NullBooleanSelect):
            form_field.widget.choices = [("", _("any")), ("true", _("yes")), ("false", _("no"))]
    if listing.prepare_form:
        listing.prepare_form(form)
    return form


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    # Empty fields add nothing to a shared link.
    for key in [k for k, values in query.lists() if not any(values)]:
        query.pop(key)
    return query.urlencode()


def render_list(request: HttpRequest, listing: Listing, extra: dict | None = None) -> HttpResponse:
    filterset, key = filtered(listing, request)
    form = _prepare_form(listing, filterset)
    valid = filterset.is_valid() if filterset.is_bound else True
    page = None
    if valid:
        paginator = Paginator(filterset.qs.order_by(*order_by(listing, key)), PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
    base_query = _query_without(request, "page")
    export_query = _query_without(request, "page")
    headers = []
    for column in listing.columns:
        header = {"heading": column.heading, "sort": column.sort, "aria_sort": ""}
        if column.sort:
            current = key.lstrip("-") == column.sort
            descending = current and key.startswith("-")
            query = request.GET.copy()
            query.pop("page", None)
            query["sort"] = f"-{column.sort}" if current and not descending else column.sort
            for k in [k for k, values in query.lists() if not any(values)]:
                query.pop(k)
            header.update(
                url="?" + query.urlencode(),
                current=current,
                aria_sort=("descending" if descending else "ascending") if current else "",
            )
        headers.append(header)
    context = {
        "listing": listing,
        "form": form,
        "filterset": filterset,
        "valid": valid,
        "page": page,
        "sort": key,
        "headers": headers,
        "base_query": base_query,
        "csv_url": reverse(f"{listing.name}-export", kwargs={"fmt": "csv"})
        + (f"?{export_query}" if export_query else ""),
        "json_url": reverse(f"{listing.name}-export", kwargs={"fmt": "json"})
        + (f"?{export_query}" if export_query else ""),
        "filtered": bool(
            filterset.is_bound
            and any(v not in ("", None) for v in filterset.form.cleaned_data.values())
        )
        if valid and filterset.is_bound
        else False,
        **(extra or {}),
    }
    return render_page(request, listing.template, context)


def _rows(listing: Listing, request: HttpRequest, queryset: QuerySet, language: str):
    # Rows are written after the view returned, as the answer streams: in its language.
    with translation.override(language):
        for obj in queryset.iterator(chunk_size=EXPORT_CHUNK):
            yield listing.export_row(obj, request)


def export(request: HttpRequest, listing: Listing, fmt: str) -> HttpResponse:
    """The filtered list as CSV or JSON: every matching row, in the on-screen order.

    Written by `core.tabular`, the API's and the exports' writer: same columns (the
    visits table is `visits.tables`, the API's too), cells, dates with their precision,
    lists as JSON arrays, formula guard, BOM and error body. Streamed, `EXPORT_CHUNK`
    rows at a time: memory stays flat whatever the number of rows.
    """
    filterset, key = filtered(listing, request)
    if filterset.is_bound and not filterset.is_valid():
        # Never hand out unfiltered rows for a filter that could not be applied.
        fields = {name: list(messages) for name, messages in filterset.errors.items()}
        return JsonResponse(tabular.invalid_filter_body(fields), status=400)
    # The rows are read while the answer streams, after its 200 is sent: connect now, so
    # that an unreachable database is a 503 with Retry-After (core/unavailable.py).
    connection.ensure_connection()
    queryset = filterset.qs.order_by(*order_by(listing, key))
    if listing.export_queryset:
        queryset = listing.export_queryset(queryset)
    rows = _rows(listing, request, queryset, translation.get_language())
    if fmt == "csv":
        response = StreamingHttpResponse(
            tabular.csv_lines(rows, listing.export_fields), content_type="text/csv; charset=utf-8"
        )
    else:
        applied = {
            k: v
            for k, v in (filterset.form.cleaned_data.items() if filterset.is_bound else [])
            if v not in ("", None)
        }
        head = {
            "list": listing.name,
            "filters": {k: tabular.text(v) for k, v in applied.items()},
            "sort": key,
            "url": request.build_absolute_uri(),
        }
        response = StreamingHttpResponse(
            tabular.json_document(head, rows), content_type="application/json"
        )
    response["Content-Disposition"] = f'attachment; filename="iccwatch-{listing.name}.{fmt}"'
    return response
