"""Filtered, sorted, paginated lists and their CSV and JSON downloads, from one description.

Each list page (states, persons, warrants, visits, incidents) is a `Listing`: the
app's FilterSet (the same one the API uses), a base queryset with its joins, the
sort orders a reader may pick, and the fields of a downloaded row. The HTML page and
the downloads read the same query string through the same FilterSet and sort, so a
download carries exactly the rows of the filtered view, in the same order (all of
them, not only the page on screen). Every filtered view is a plain GET URL: paste
it and the other reader sees the same list.

A list reads its filters, `page` and `ordering` (one or more sort keys, `person,-end`),
the same names as the API's, and nothing else: an unknown parameter or sort is a 400
page naming it (`InvalidListQuery`), but for the tracking parameters a shared link
carries (`utm_source`, `fbclid`…) and `lang` (the address names the page's language),
which it ignores and leaves out of every address it writes (core.locale.ignored_on_pages);
and a filter it cannot apply is a 400 with the
form showing why, never the whole list unfiltered. Each menu of the filter form shows
how many rows each choice would give (`core.filters.facet_counts`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from core import exports, sorting, tabular
from core.echo import echoed
from core.filters import facet_counts, unknown_parameters
from core.locale import (
    QUERY_SAFE,
    canonical_filters,
    ignored_on_pages,
    without_ignored,
    without_ignored_path,
)
from core.names import country_name, format_date, situation_name
from core.sorting import Sorts
from dataset.state import data_state, download_name
from front import citations, paging, summaries
from front.pages import render_page
from warrants.models import Person

PER_PAGE = 50
FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Column:
    """A column of the on-screen table; `sort` names the sort key it toggles, if any."""

    heading: str
    sort: str = ""


@dataclass
class Listing:
    """One list of the site (/states/, /persons/, /warrants/, /visits/, /incidents/) and
    its downloads: its FilterSet (the API's), queryset, sort keys, columns, export columns
    and rows, template, and how its filtered title reads."""

    name: str  # the URL name prefix: "visits" -> visits, visits-export
    title: str
    filterset_class: type
    queryset: Callable[[], QuerySet]
    # The sort keys a reader may pick, and what each sorts by (core.sorting): the same
    # definitions as the API's `ordering` of the same rows.
    sorts: Sorts
    default_sort: str
    columns: list[Column]
    export_fields: tuple[str, ...]
    template: str
    # A downloaded row, one of the two: `export_row(obj, request)`, called for each object
    # the download's queryset yields; or `export_rows(request)`, called once per download
    # (in its language), which gives the function of one object: for rows that share what
    # a row at a time would work out again (today's date, a name translated, an address).
    export_row: Callable[[object, HttpRequest], dict] | None = None
    export_rows: Callable[[HttpRequest], Callable[[object], dict]] | None = None
    labels: dict[str, str] = field(default_factory=dict)  # translated filter labels
    prepare_form: Callable[[forms.Form], None] | None = None
    # The download's queryset, filtered and sorted, as its rows read it: with their joins
    # and prefetches, or as values (`QuerySet.values`) where no model instance is needed.
    export_queryset: Callable[[QuerySet], QuerySet] | None = None
    intro: str = ""
    # The head of a filtered view's title in words ("Visits to Mongolia by Vladimir
    # Putin, 2024"): given the filters in words and their cleaned values, returns the
    # head and the names of the filters it said; the others follow as "label: value".
    title_words: Callable[[dict[str, str], dict], tuple[str, set[str]]] | None = None
    # Rewrites the filters' data before they are read (a person's name to their slug);
    # returns {parameter: [messages]} for what it could not resolve.
    resolve_query: Callable[[QueryDict], dict[str, list[str]]] | None = None
    # A list that may hold a million rows counts them only up to a limit, serves page
    # numbers only so deep, and counts its menus' choices only on a narrowed view
    # (front.paging): every page of it stays quick.
    bounded: bool = False
    # Sort keys on a joined column with few values (the verdict's code), with those
    # values: a page sorted on one is read value by value (core.paging.KeysFirstPaginator).
    partitions: dict[str, tuple[str, ...] | Callable[[], list[dict]]] = field(default_factory=dict)
    # The keys of the unfiltered list sorted by a sort key (`-start`) from a narrower
    # queryset, or None to read them from the list's own (core.paging.KeysFirstPaginator).
    unfiltered_keys: Callable[[str], QuerySet | None] | None = None
    # What only the rows on screen show (a bounded list's page): applied to the page's
    # rows, never to the counts, the facets or a download of every row.
    page_rows: Callable[[QuerySet], QuerySet] | None = None
    # Whether its rows show their verdicts (visits, incidents; a list of states or persons
    # counts them, and names none): its citation's "Verdicts as of" is then the newest of
    # the page's rows (front.citations.latest_verdict), read with them.
    shows_verdicts: bool = False

    def __post_init__(self):
        if (self.export_row is None) == (self.export_rows is None):
            raise ValueError(f"{self.name}: give export_row or export_rows, one of the two")


# The parameters a list reads besides its FilterSet's: the same names as the API's.
ORDERING = "ordering"
PAGE = "page"
# `cite` asks for the page's citation as a file (front/citations.py).
CITE = "cite"
LIST_PARAMETERS = (PAGE, ORDERING, CITE)
LEGACY_SORT = "sort"  # the older name of `ordering`: its links are redirected


class Choices(str):
    """A message refusing a filter's value that may mean several things ("Gaddafi":
    Muammar or Saif al-Islam), plain text wherever a message goes (a download's error,
    `str`), which a list page's filter form writes under the box refused with each choice a
    link to the same list with that choice in place of the value (`html`).

    `template` is the message in the reader's language with `%(text)s` (the value, said as
    core.echo.echoed repeats it) and `%(names)s` (the choices, "label (value)" joined by
    the language's list separator); `value` is what the reader gave, as typed;
    `choices` [(label, value)]: [("Saif Al-Islam Gaddafi", "saif-al-islam-gaddafi"), …]."""

    def __new__(cls, template: str, value: str, choices: list[tuple[str, str]]):
        words = [f"{label} ({choice})" for label, choice in choices]
        text = template % {"text": echoed(value), "names": _separator().join(words)}
        message = super().__new__(cls, text)
        message.template, message.value, message.choices = template, value, list(choices)
        return message

    def html(self, link: Callable[[str], str]) -> SafeString:
        """The message as HTML, each choice's label a link to `link(choice)`, an address."""
        names = format_html_join(
            _separator(),
            '<a href="{}">{}</a> ({})',
            ((link(c), label, c) for label, c in self.choices),
        )
        return mark_safe(
            escape(self.template) % {"text": escape(echoed(self.value)), "names": names}
        )


def _separator() -> str:
    """Between the items of a list, in the reader's language ("; ", " ; ")."""
    return pgettext("between items of a list", "; ")


class InvalidListQuery(Exception):
    """The query string names a parameter the list does not know, or an unknown sort.

    `fields` maps each offending parameter to its messages, as the API's `invalid_filter`."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(fields)
        self.fields = fields


def known_parameters(listing: Listing) -> list[str]:
    """Every query parameter this list reads: its filters, `page` and `ordering`."""
    return [*listing.filterset_class.base_filters, *LIST_PARAMETERS]


def sort_keys(listing: Listing, requested: list[str]) -> list[str]:
    """The requested sort keys (`?ordering=person,-start`, or repeated), else the default.

    Raises InvalidListQuery naming `ordering` for a key the list does not offer, or one
    given twice or both ways (`start,-start`: core.sorting.check_keys)."""
    keys = [k.strip() for value in requested for k in value.split(",") if k.strip()]
    unknown = [k for k in keys if k.lstrip("-") not in listing.sorts]
    if unknown:
        raise InvalidListQuery(
            {
                ORDERING: [
                    _("“%(key)s” is not a sort of this list; it can sort by: %(keys)s.")
                    % {"key": echoed(unknown[0]), "keys": ", ".join(listing.sorts)}
                ]
            }
        )
    try:
        sorting.check_keys(keys)
    except ValidationError as error:
        raise InvalidListQuery({ORDERING: [str(m) for m in error.messages]}) from None
    return keys or [listing.default_sort]


def sort_key(listing: Listing, requested: str | None) -> str:
    """The requested sort (comma-joined keys) if the listing offers it, else its default."""
    try:
        return ",".join(sort_keys(listing, [requested or ""]))
    except InvalidListQuery:
        return listing.default_sort


def order_by(listing: Listing, key: str) -> list:
    """The ORDER BY for sort keys (`person,-end`), as the API's `ordering` sorts
    (core.sorting.Sorts.order_by): missing values (an unknown date) always come last."""
    return listing.sorts.order_by(key.split(","), listing.queryset().model)


def _invalid_download(fields: dict) -> dict:
    """A download's error body, all in the reader's language (its messages are already)."""
    return tabular.invalid_filter_body(
        fields,
        _("Some values are invalid"),
        summaries.colon(),
        summaries.list_separator(),
    )


def check_parameters(listing: Listing, request: HttpRequest) -> str:
    """The sort keys of this request, comma-joined; raises InvalidListQuery for a parameter
    the list does not know (`?hosts=MNG`) or an unknown sort, never the whole list unfiltered.
    A tracking parameter of a shared link, or `lang`, is no unknown parameter: it is
    ignored (core.locale.ignored_on_pages)."""
    known = known_parameters(listing)
    given = (name for name in request.GET if not ignored_on_pages(name))
    unknown = unknown_parameters(given, known)
    if unknown:
        message = _("This list has no such parameter. Its parameters are: %(names)s.") % {
            "names": ", ".join(known)
        }
        raise InvalidListQuery({echoed(name): [message] for name in unknown})
    return ",".join(sort_keys(listing, request.GET.getlist(ORDERING)))


def filtered(listing: Listing, request: HttpRequest):
    """The bound FilterSet and the sort keys for this request's query string.

    Raises InvalidListQuery for an unknown parameter or sort, or for a value the list's
    `resolve_query` could not resolve (a person's name that nobody, or several persons,
    bear): a download refuses it in its error body. The parameters a page ignores
    (`utm_source`, `fbclid`, `lang`: core.locale.ignored_on_pages) are left out of the
    FilterSet's data: `?utm_source=x` alone is the unfiltered list."""
    filterset, key, unresolved = _bound(listing, request)
    if unresolved:
        raise InvalidListQuery(unresolved)
    return filterset, key


def _bound(listing: Listing, request: HttpRequest):
    """The bound FilterSet, the sort keys and the values left unresolved, for this request's
    query string: the last is {parameter: [messages]} for each value `listing.resolve_query`
    could not resolve, which the FilterSet is given as the reader typed it ({} when every
    value was resolved). Tracking parameters (core.locale.ignored_on_pages) are left out.

    Raises InvalidListQuery for an unknown parameter or sort."""
    key = check_parameters(listing, request)
    data = without_ignored(request.GET)
    for name in LIST_PARAMETERS:
        data.pop(name, None)
    unresolved = listing.resolve_query(data) if listing.resolve_query else {}
    queryset = listing.sorts.annotated(listing.queryset(), key.split(","))
    filterset = listing.filterset_class(data=data or None, queryset=queryset, request=request)
    return filterset, key, unresolved or {}


def _refuse_unresolved(
    request: HttpRequest, form: forms.Form, unresolved: dict[str, list[str]]
) -> None:
    """Puts on the validated filter form the values its list could not resolve
    (`Listing.resolve_query`: {parameter: [messages]}), each on its box in place of what
    the box's own check said of the value as typed: the list page then shows them as any
    refused filter (WCAG 3.3.1), its form keeping every value, the box marked invalid and
    described by its error, the error summary linking to it. A value that may mean several
    things (`Choices`) is said under its box with each choice a link to the same list with
    that choice in its place (`_with_choice`); the bound field's `linked_errors`, which the
    form's template writes there (the summary says it in words, itself a link to the box)."""
    for name, messages in unresolved.items():
        if name not in form.fields:
            form.add_error(None, [str(m) for m in messages])
            continue
        form.errors.pop(name, None)
        form.add_error(name, [str(m) for m in messages])
        form[name].linked_errors = [
            m.html(lambda choice, m=m, name=name: _with_choice(request, name, m.value, choice))
            if isinstance(m, Choices)
            else m
            for m in messages
        ]


def _legacy_sort_redirect(request: HttpRequest) -> HttpResponse | None:
    """`?sort=host` (older links) -> `?ordering=host`, permanently."""
    if LEGACY_SORT not in request.GET:
        return None
    query = request.GET.copy()
    values = query.pop(LEGACY_SORT)
    if ORDERING not in query:
        query.setlist(ORDERING, values)
    return HttpResponsePermanentRedirect(f"{request.path}?{query.urlencode()}")


def _resolved_redirect(request: HttpRequest, listing: Listing) -> HttpResponse | None:
    """`?person=Putin` (typed in the form) -> `?person=vladimir-putin`: the address to share."""
    if not listing.resolve_query:
        return None
    query = request.GET.copy()
    if listing.resolve_query(query) or dict(query.lists()) == dict(request.GET.lists()):
        return None
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")


def _invalid_query_page(request: HttpRequest, listing: Listing, error: InvalidListQuery):
    """The 400 page naming each parameter the list does not know (or its unknown sort), and
    why; a value it knows but could not apply is said on the list page, in its form."""
    labels = listing.labels or {}
    named = [(labels.get(name, ""), name, messages) for name, messages in error.fields.items()]
    return render_page(
        request,
        "invalid_filter.html",
        {
            "listing": listing,
            "fields": error.fields,
            "named_fields": named,
            "known": known_parameters(listing),
        },
        status=400,
    )


def _with_choice(request: HttpRequest, name: str, value: str, choice: str) -> str:
    """The address of the same list with `choice` in place of `value` among the values of
    the parameter `name` (one or several, comma-separated: "vladimir-putin,Gaddafi" ->
    "vladimir-putin,muammar-gaddafi"), every other parameter kept but the page (a new
    list starts on its first) and `cite`, and those a page ignores (a shared link's
    `utm_source`); its commas kept (core.locale.QUERY_SAFE)."""
    query = without_ignored(request.GET)
    for dropped in (PAGE, CITE):
        query.pop(dropped, None)
    query.setlist(
        name,
        [
            ",".join(choice if part.strip() == value else part.strip() for part in given.split(","))
            for given in query.getlist(name)
        ],
    )
    return f"{request.path}?{query.urlencode(safe=QUERY_SAFE)}"


# A menu longer than this (host states, nationalities) lists only the values that would give
# rows, besides the one chosen: 250 countries with "(0)" beside most help nobody.
SHORT_MENU = 20


def facet_choices(listing: Listing, filterset, form: forms.Form, paginator=None) -> None:
    """Counts beside each choice of the form's menus: how many rows choosing it would give
    (with the other filters as they are).

    On a bounded list, a menu whose choices would count more than `paging.ROW_LIMIT`
    rows in all shows its choices without counts; none is counted while the list itself
    holds more (`paginator.more`)."""
    facets = getattr(listing.filterset_class, "FACETS", {})
    names = [
        n
        for n in facets
        if n in form.fields and getattr(form.fields[n].widget, "choices", None) is not None
    ]
    if not names or getattr(paginator, "more", False):
        return
    counts = facet_counts(filterset, names, limit=paging.ROW_LIMIT if listing.bounded else None)
    for name in names:
        widget = form.fields[name].widget
        found = counts[name]
        if found is None:
            continue
        chosen = {str(v) for v in (getattr(filterset.form, "cleaned_data", {}).get(name) or [])}
        short = len(widget.choices) <= SHORT_MENU
        widget.choices = [
            (value, label if value in ("", None) else f"{label} ({found.get(str(value), 0)})")
            for value, label in widget.choices
            if short or value in ("", None) or str(value) in found or str(value) in chosen
        ]


# The first choice of a filter's menu, "any", in words that agree with the filter's name
# where a language gives nouns a gender (French: "Situation : toutes", "Statut : tous"):
# one context per filter whose label differs from the rest, keyed by (list, filter) or
# ("", filter) for every list.
_ANY = {
    ("", "situation"): pgettext_lazy("any situation, in a filter menu", "any"),
    ("", "year"): pgettext_lazy("any year, in a filter menu", "any"),
    ("", "nationality"): pgettext_lazy("any nationality, in a filter menu", "any"),
    ("states", "status"): pgettext_lazy("any standing of a state today, in a filter menu", "any"),
}
# The same for every yes-or-no filter ("Encore en vigueur : indifférent").
_EITHER = pgettext_lazy("any answer to a yes-or-no filter, in a filter menu", "any")


def any_choice(listing_name: str, name: str) -> str:
    """The words of a filter menu's first choice ("any") for filter `name` of the list
    `listing_name`, agreeing with the filter's label in the reader's language (`_ANY`)."""
    label = _ANY.get((listing_name, name)) or _ANY.get(("", name))
    return str(label) if label is not None else _("any")


def _prepare_form(listing: Listing, filterset) -> forms.Form:
    form = filterset.form
    for name, text in listing.labels.items():
        if name in form.fields:
            form.fields[name].label = text
    for form_field in form.fields.values():
        if isinstance(form_field, forms.DateField):
            form_field.widget.input_type = "date"
    if listing.prepare_form:
        listing.prepare_form(form)
    for name, form_field in form.fields.items():
        anything = any_choice(listing.name, name)
        if hasattr(form_field, "empty_label"):
            form_field.empty_label = anything  # django-filter's choice fields add it themselves
        choices = getattr(form_field.widget, "choices", None)
        if choices and choices[0][0] in ("", None):
            form_field.widget.choices = [("", anything), *list(choices)[1:]]
        if isinstance(form_field.widget, forms.NullBooleanSelect):
            form_field.widget.choices = [("", str(_EITHER)), ("true", _("yes")), ("false", _("no"))]
    return form


def _query_without(request: HttpRequest, *names: str) -> str:
    """The request's query string without `names`, empty fields and the parameters a page
    ignores (a shared link's `utm_source`, `fbclid`, `lang`): what the pagination and the
    download links add to their addresses."""
    query = without_ignored(request.GET)
    for name in names:
        query.pop(name, None)
    # Empty fields add nothing to a shared link.
    for key in [k for k, values in query.lists() if not any(values)]:
        query.pop(key)
    return query.urlencode()


def filters_in_words(form: forms.Form) -> dict[str, str]:
    """The filters a valid bound form applies, each in words in the reader's language, in
    the form's order: {"host": "Mongolie", "start_after": "1er janvier 2024"}; a filter's
    several values as the alternatives they are: {"host": "Tchad ou Ouganda"}.

    States are named by `core.names.country_name`, situations by `situation_name`,
    choices by their translated label, dates in words.
    """
    words = {}
    persons = _person_names(form)
    for name, form_field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        choices = {str(k): v for k, v in getattr(form_field.widget, "choices", None) or ()}
        values = value if isinstance(value, (list, tuple)) else [value]
        # A filter's values are alternatives (core.filters.AnyOfFilter: rows matching any of
        # them): "Vladimir Putin or Omar Al Bashir", "Chad, Uganda or Kenya", never a bare
        # comma, which a title also writes before its years.
        words[name] = str(
            get_text_list([_value_in_words(name, one, choices, persons) for one in values], _("or"))
        )
    return words


def _value_in_words(name: str, value, choices: dict, persons: dict[str, str]) -> str:
    """One filter value in words (see filters_in_words)."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return format_date(value.date())
    if isinstance(value, datetime.date):
        return format_date(value)
    if name in COUNTRY_FILTERS:
        return country_name(str(value).upper(), str(choices.get(str(value).upper(), value)))
    if name in SITUATION_FILTERS:
        return situation_name(str(choices.get(str(value), value)))
    if name in PERSON_FILTERS:
        return persons.get(str(value), str(value))
    return str(choices.get(str(value), value))


def _person_names(form: forms.Form) -> dict[str, str]:
    """{slug: name} of the persons a person filter names (the form's person box holds
    slugs, not a menu of every person): one query, only when such a filter is set."""
    slugs = [
        str(slug)
        for name in PERSON_FILTERS
        for slug in _as_list(form.cleaned_data.get(name))
        if slug
    ]
    if not slugs:
        return {}
    return dict(Person.objects.filter(slug__in=slugs).values_list("slug", "name"))


def _as_list(value) -> list:
    if value in (None, "", [], ()):
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


COUNTRY_FILTERS = ("host", "nationality")
PERSON_FILTERS = ("person",)
SITUATION_FILTERS = ("situation",)


def describe(listing: Listing, form: forms.Form) -> str:
    """A filtered view's title in words: "Visits to Mongolia by Vladimir Putin, 2024",
    "Persons — Status: at large"; the listing's title when nothing is filtered."""
    words = filters_in_words(form)
    head, said = str(listing.title), set()
    if listing.title_words and words:
        head, said = listing.title_words(words, form.cleaned_data)
    rest = [
        _("%(label)s: %(value)s") % {"label": form.fields[name].label, "value": value}
        for name, value in words.items()
        if name not in said
    ]
    if not rest:
        return head
    filters = summaries.list_separator().join(rest)
    return _("%(head)s — %(filters)s") % {"head": head, "filters": filters}


def canonical_query(request: HttpRequest, names) -> str:
    """The query string of a view's canonical address: only the parameters in `names`
    (its filters; not the sort or the page), empty values dropped, sorted, written by
    core.locale.canonical_filters (a comma kept: "host=TCD,DJI")."""
    return canonical_filters(request.GET, names)


def _narrowed(filterset) -> bool:
    """Whether a valid FilterSet filters on anything (some value given)."""
    return filterset.is_bound and any(
        v not in ("", None, []) for v in filterset.form.cleaned_data.values()
    )


def render_list(request: HttpRequest, listing: Listing, extra: dict | None = None) -> HttpResponse:
    """The list page. A parameter or sort it does not know is a 400 page naming it; a value
    it cannot apply (a bad date, a person's name nobody or several persons bear) is the list
    page's 400, its form saying why on the box at fault."""
    redirect = _legacy_sort_redirect(request) or _resolved_redirect(request, listing)
    if redirect:
        return redirect
    try:
        filterset, key, unresolved = _bound(listing, request)
    except InvalidListQuery as error:
        return _invalid_query_page(request, listing, error)
    form = _prepare_form(listing, filterset)
    valid = filterset.is_valid() if filterset.is_bound else True
    if unresolved:
        # A name the person box could not resolve is refused as a bad date is: in the form.
        _refuse_unresolved(request, form, unresolved)
        valid = False
    page = described = None
    if valid:
        rows = filterset.qs.order_by(*order_by(listing, key))
        if listing.bounded:
            keys = None
            if listing.unfiltered_keys is not None and not _narrowed(filterset):
                keys = listing.unfiltered_keys(key)
            paginator = paging.BoundedPaginator(
                rows,
                PER_PAGE,
                requested=request.GET.get(PAGE),
                partitions=listing.partitions,
                keys=keys,
            )
        else:
            paginator = Paginator(rows, PER_PAGE)
        page = paginator.get_page(paging.requested_number(request.GET.get(PAGE)))
        if listing.page_rows is not None and isinstance(page.object_list, QuerySet):
            page.object_list = listing.page_rows(page.object_list)
        moved = paging.page_redirect(request, page, PAGE)
        if moved is not None:
            return moved
        if filterset.is_bound:
            # In words before the menus' choices gain their counts ("Mongolia (1)").
            described = describe(listing, form)
        facet_choices(listing, filterset, form, paginator)
    base_query = _query_without(request, PAGE)
    export_query = _query_without(request, PAGE)
    headers = []
    for column in listing.columns:
        header = {"heading": column.heading, "sort": column.sort, "aria_sort": ""}
        if column.sort:
            current = key.split(",")[0].lstrip("-") == column.sort
            reversed_key = current and key.startswith("-")
            # The arrow shows the rows' order, not the key's: a count column's key sorts the
            # largest first (`incidents` is -incidents_count), so it points down.
            most_first = listing.sorts.most_first(column.sort)  # a count column
            descending = current and (reversed_key != most_first)
            query = without_ignored(request.GET)
            query.pop(PAGE, None)
            query[ORDERING] = f"-{column.sort}" if current and not reversed_key else column.sort
            # What following the link does, said by the link (its description), not by the
            # column's header, which names the column in every cell a screen reader reads.
            next_descending = query[ORDERING].startswith("-") != most_first
            action = (
                _("Sort by %(column)s, descending")
                if next_descending
                else _("Sort by %(column)s, ascending")
            ) % {"column": column.heading}
            for k in [k for k, values in query.lists() if not any(values)]:
                query.pop(k)
            header.update(
                url="?" + query.urlencode(),
                current=current,
                aria_sort=("descending" if descending else "ascending") if current else "",
                action=action,
            )
        headers.append(header)
    title, description = str(listing.title), str(listing.intro)
    if described is not None:
        title = described
        if (
            page is not None
            and title != str(listing.title)
            and getattr(page.paginator, "more", False)
        ):
            description = _("%(title)s: more than %(count)d results. %(intro)s") % {
                "title": title,
                "count": page.paginator.count,
                "intro": listing.intro,
            }
        elif page is not None and title != str(listing.title):
            description = ngettext(
                "%(title)s: %(count)d result. %(intro)s",
                "%(title)s: %(count)d results. %(intro)s",
                page.paginator.count,
            ) % {"title": title, "count": page.paginator.count, "intro": listing.intro}
    canonical = canonical_query(request, filterset.filters)
    if page is not None and page.number > 1:
        title = _("%(title)s, page %(number)d") % {"title": title, "number": page.number}
    if not valid:
        # The title is the first thing a screen reader says of the page: that a value was
        # refused, as the page of an unknown parameter says it (invalid_filter.html).
        title = _("%(title)s: a filter could not be applied") % {"title": title}
    context = {
        "page_title": title,
        # The page's heading says what is filtered, as its title does ("Visits to Hungary"):
        # on a phone the filters start closed, and "Visits" hid that the list was narrowed.
        "heading": described if described is not None else str(listing.title),
        "page_description": description,
        # The canonical address keeps the filters (what the view shows), not the sort or page.
        "canonical_query": canonical if valid else "",
        "listing": listing,
        "form": form,
        "filterset": filterset,
        "valid": valid,
        "page": page,
        "sort": key,
        "headers": headers,
        # The sort bar a phone shows (list_base.html): only for columns that sort.
        "sortable": any(h["sort"] for h in headers),
        "base_query": base_query,
        "csv_url": reverse(f"{listing.name}-export", kwargs={"fmt": "csv"})
        + (f"?{export_query}" if export_query else ""),
        "json_url": reverse(f"{listing.name}-export", kwargs={"fmt": "json"})
        + (f"?{export_query}" if export_query else ""),
        "filtered": valid and _narrowed(filterset),
        # "Link to this view": the address the reader came with, without what a page
        # ignores (a shared link's `utm_source`, `fbclid`, `lang`).
        "share_path": without_ignored_path(request.get_full_path()),
        **(extra or {}),
    }
    if valid:
        # A filtered list is cited by what it shows ("Visits to Mongolia by …"), as its
        # title reads, not by the whole list's name; a query it cannot apply has nothing to
        # cite, as a page or as a file (`?cite=bibtex` is then the same 400).
        # "Verdicts as of": the newest verdict among the rows on screen, read with them (no
        # query), never the site's newest; an empty page, or a list whose rows show no
        # verdict, names none. Over every row the filters keep it would be no bounded
        # query: at a million visits a filter on old visits read the whole verdicts'
        # index backwards (20 s and more), and a maximum over a broad filter joins every
        # row (1.4 s unfiltered). The download links keep the sort and the page, so that
        # the file cites the same rows; the cited address is the list's (its filters).
        newest = citations.latest_verdict(page.object_list) if listing.shows_verdicts else None
        context["citation"] = citations.cite(
            request,
            described or listing.title,
            verdicts_as_of=newest,
            canonical_query=canonical,
            rows_query=_rows_query(request, page, key, listing),
        )
    return render_page(request, listing.template, context, status=200 if valid else 400)


def _rows_query(request: HttpRequest, page, key: str, listing: Listing) -> str:
    """The sort and page of the rows on screen as a query string ("ordering=person&page=3"),
    each only when the reader chose it (a sort other than the default, a page after the
    first): what a citation's download links add to the list's address, so that the file
    names the newest verdict of the same rows as the page (front.citations.Citation)."""
    pairs = []
    if ORDERING in request.GET and key != listing.default_sort:
        pairs.append((ORDERING, key))
    if page.number > 1:
        pairs.append((PAGE, str(page.number)))
    return urlencode(pairs)


def _rows(listing: Listing, request: HttpRequest, queryset: QuerySet, language: str):
    # Rows are written after the view returned, as the answer streams: in its language.
    with translation.override(language):
        if listing.export_rows is not None:
            row = listing.export_rows(request)
            for obj in tabular.streamed(queryset):
                yield row(obj)
        else:
            for obj in tabular.streamed(queryset):
                yield listing.export_row(obj, request)


def export(request: HttpRequest, listing: Listing, fmt: str) -> HttpResponse:
    """The filtered list as CSV or JSON: every matching row, in the on-screen order (so
    `?page=` is a 400, as on the API's CSV, and so is `?cite=`, the list page's).

    Written by `core.tabular`, the API's and the exports' writer: same columns (the
    visits table is `visits.tables`, the API's too), cells, dates with their precision,
    lists as JSON arrays, formula guard, BOM and error body. Streamed, `tabular.EXPORT_CHUNK`
    rows at a time: memory stays flat whatever the number of rows.

    The file is named by what its rows are (dataset.state.download_name, as the API's
    CSV): the list, the dataset version (and the moment of later changes), the language
    when not English and the digest of the filters its list's BibTeX key carries
    (`iccwatch-visits-2026.12.04-fr-06577de2.csv`); the JSON's head, besides the list, its
    filters, sort and address, says which data it holds as a citation does
    (`dataset_version`, `data_as_of`, `changed_since_import`: dataset.state) and when it
    was made (`generated_at`, UTC).
    """
    redirect = _legacy_sort_redirect(request)
    if redirect:
        return redirect
    try:
        filterset, key = filtered(listing, request)
    except InvalidListQuery as error:
        return JsonResponse(_invalid_download(error.fields), status=400)
    # A download holds every matching row: `?page=3` would otherwise give them all, silently;
    # and it is no page to cite: `?cite=ris` would otherwise give the rows, not the citation.
    page_only = {
        PAGE: _(
            "This parameter applies to the list page only: a download gives every matching "
            "row. Leave it out."
        ),
        CITE: _(
            "This parameter applies to the list page only, whose citation it downloads: a "
            "download gives the rows. Leave it out, or ask the list page for its citation."
        ),
    }
    given = {name: [message] for name, message in page_only.items() if name in request.GET}
    if given:
        return JsonResponse(_invalid_download(given), status=400)
    if filterset.is_bound and not filterset.is_valid():
        # Never hand out unfiltered rows for a filter that could not be applied.
        fields = {name: list(messages) for name, messages in filterset.errors.items()}
        return JsonResponse(_invalid_download(fields), status=400)
    # The rows are read while the answer streams, after its 200 is sent: connect now, so
    # that an unreachable database is a 503 with Retry-After (core/unavailable.py).
    connection.ensure_connection()
    queryset = filterset.qs.order_by(*order_by(listing, key))
    if listing.export_queryset:
        queryset = listing.export_queryset(queryset)
    rows = _rows(listing, request, queryset, translation.get_language())
    # Which data the rows are, and when they were taken: in the file's name, and in the
    # JSON's head (dataset.state, as a citation names them).
    state, generated = data_state(), timezone.now()
    if fmt == "csv":
        pieces = tabular.in_pieces(tabular.csv_lines(rows, listing.export_fields))
        content_type = "text/csv; charset=utf-8"
    else:
        applied = {
            k: v
            for k, v in (filterset.form.cleaned_data.items() if filterset.is_bound else [])
            if v not in ("", None, [])
        }
        head = {
            "list": listing.name,
            "filters": {
                k: ",".join(map(str, v)) if isinstance(v, list) else tabular.text(v)
                for k, v in applied.items()
            },
            "sort": key,
            # The view's address, without what a page ignores (`utm_source`, `lang`).
            "url": request.build_absolute_uri(without_ignored_path(request.get_full_path())),
            "dataset_version": state.version or None,
            "data_as_of": tabular.text(state.changed_at) or None,
            "changed_since_import": state.changed_since_import,
            "generated_at": tabular.text(generated),
        }
        pieces = tabular.in_pieces(tabular.json_document(head, rows))
        content_type = "application/json"
    # At most so many downloads stream at once, per client and in all (core/exports.py);
    # the slot goes back when the answer is closed: sent to its end, or cut. Taken last,
    # once nothing before the answer can fail and leave it held until its lease ends.
    try:
        slot = exports.take_slot(request)
    except exports.TooManyDownloads as busy:
        return too_many_downloads(request, listing, busy)
    response = StreamingHttpResponse(slot.stream(pieces), content_type=content_type)
    # Named by what the rows are: the list, the data, the language, the filters.
    name = download_name(
        f"iccwatch-{listing.name}",
        fmt,
        state,
        language=translation.get_language() or "",
        filters=canonical_query(request, filterset.filters),
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def too_many_downloads(
    request: HttpRequest, listing: Listing, busy: exports.TooManyDownloads
) -> HttpResponse:
    """429 with Retry-After: a page in the reader's language that says whose downloads
    are too many (the reader's own, or everyone's) and what to do, never kept by a cache."""
    response = render(
        request,
        "too_many_downloads.html",
        {
            "listing": listing,
            "busy": busy,
            "list_url": reverse(listing.name),
            "data_url": reverse("data"),
        },
        status=429,
    )
    response["Retry-After"] = str(busy.retry_after)
    add_never_cache_headers(response)
    return response
