"""Person pages (warrants, travel timeline and map) and the lists of persons and warrants."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django import forms
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import tabular
from core.filters import RepeatableCSVWidget, select_widget
from core.links import link_builder
from core.names import collation_key, country_name, situation_name
from core.pagecache import cache_page_by_version
from core.reasons import case_name
from front import cards, charts, citations, listing, maps, summaries
from front.listing import Column, Listing
from front.pages import lower_case_redirect, refuse_unknown_parameters, render_page
from front.search import resolve_person_names
from states.models import State
from visits.models import Visit
from warrants.filters import WARRANT_SORTS, PersonFilterSet, WarrantFilterSet
from warrants.models import Person, Situation, Warrant, in_force_on

# --- Persons ------------------------------------------------------------------


def _persons_queryset():
    warrants = (
        Warrant.objects.filter(person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Person.objects.select_related("situation", "nationality").annotate(
        warrants_count=Coalesce(Subquery(warrants), 0),
        **summaries.list_counts("person"),
    )


def situation_choices():
    """The situations menu: (slug, name in the reader's language), in that language's order."""
    named = [
        (slug, situation_name(name)) for slug, name in Situation.objects.values_list("slug", "name")
    ]
    return [("", _("any")), *sorted(named, key=lambda c: collation_key(c[1]))]


def state_choices():
    """The states menu: (ISO3, name in the reader's language), in that language's order
    ("Afrique du Sud" under A on a French page)."""
    named = [
        (iso3, country_name(iso3, name)) for iso3, name in State.objects.values_list("iso3", "name")
    ]
    return [("", _("any")), *sorted(named, key=lambda c: collation_key(c[1]))]


# Where a person box asks for names as the reader types (static/js/suggest.js): the
# persons search of the API, the typed text appended.
PERSON_SUGGESTIONS = "/api/v1/search/?kind=person&q="


def person_search_widget() -> forms.Widget:
    """A text box for a person, not a menu of every person: free text (a name, part of a
    name, a slug) is resolved on the server (front.search.resolve_person_names); with
    JavaScript, the box suggests names from /api/v1/search/."""
    widget = type("CSVPersonInput", (RepeatableCSVWidget, forms.TextInput), {})()
    widget.attrs.update(
        {
            "list": "person-options",
            "autocomplete": "off",
            "data-suggest": PERSON_SUGGESTIONS,
        }
    )
    return widget


def person_search_help() -> str:
    """The person box's hint, in the reader's language."""
    return _("A name or part of one, e.g. Putin.")


def _person_form(form: forms.Form) -> None:
    form.fields["situation"].widget = select_widget(situation_choices())
    form.fields["nationality"].widget = select_widget(state_choices())


# What a download of the persons reads of each (`_person_rows`): values, where a person,
# its situation and its nationality read as three model instances a row took most of it.
# The person's own columns and those of the rows joined to it, which the API's rows of
# the persons read too (api.warrants.rows), then the list's counts.
PERSON_FIELDS = (
    "slug",
    "name",
    "other_names",
    "nationality__iso3",
    "nationality__name",
    "situation__name",
    "situation__slug",
    "status",
    "status_date",
    "role",
)
PERSON_VALUES = (*PERSON_FIELDS, "warrants_count", "visits_count", "incidents_count")


def _person_rows(request) -> Callable[[dict], dict]:
    """The row function of one download of /persons.csv or /persons.json, made in its
    language: a person read as `PERSON_VALUES` gives its row, `situation` and `nationality`
    as in the dataset (the situation's English name, the state's ISO3), and, last, each in
    the download's language as the list shows it (`situation_translated_name`: "Darfour
    (Soudan)"; `nationality_translated_name`: "Soudan"), the English names in English.

    What every row would work out alike is worked out once per download: each distinct name
    translated once, the persons' address reversed once (core.links.link_builder)."""
    person_link = link_builder(request, "person", "slug")
    situation_words = cache(situation_name)
    country_words = cache(country_name)

    def row(person: dict) -> dict:
        iso3, situation = person["nationality__iso3"], person["situation__name"]
        return {
            "slug": person["slug"],
            "name": person["name"],
            "other_names": list(person["other_names"]),
            "url": person_link(person["slug"]),
            # None: no nationality (a state's ISO3 is never null).
            "nationality": iso3 if iso3 is not None else "",
            "situation": situation,
            # The situation's id, as the visits' `situation` column gives it (a join key).
            "situation_slug": person["situation__slug"],
            "status": person["status"],
            "status_date": person["status_date"],
            "role": person["role"],
            "warrants": person["warrants_count"],
            "visits": person["visits_count"],
            "incidents": person["incidents_count"],
            "nationality_translated_name": (
                country_words(iso3, person["nationality__name"]) if iso3 is not None else ""
            ),
            "situation_translated_name": situation_words(situation),
        }

    return row


PERSONS = Listing(
    name="persons",
    title=gettext_lazy("Persons"),
    intro=gettext_lazy(
        "Everyone named in a public ICC arrest warrant, with their recorded trips: those "
        "called off, attended by video or only announced included, where a state's list "
        "counts only the visits that took place."
    ),
    filterset_class=PersonFilterSet,
    queryset=_persons_queryset,
    sorts=summaries.PERSON_LIST_SORTS,
    default_sort="name",
    columns=[
        Column(gettext_lazy("Name"), "name"),
        Column(gettext_lazy("Situation"), "situation"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Warrants")),
        Column(gettext_lazy("Recorded trips"), "visits"),
        Column(gettext_lazy("Incidents"), "incidents"),
    ],
    export_fields=(
        "slug",
        "name",
        "other_names",
        "url",
        "nationality",
        "situation",
        "status",
        "status_date",
        "role",
        "warrants",
        "visits",
        "incidents",
        # Last, as added last: a reader by position keeps the columns it had.
        "situation_slug",
        # In the download's language, as the list shows them (the English in English).
        "nationality_translated_name",
        "situation_translated_name",
    ),
    export_queryset=lambda persons: persons.values(*PERSON_VALUES),
    export_rows=_person_rows,
    template="warrants/person_list.html",
    labels={
        "situation": gettext_lazy("Situation"),
        "status": gettext_lazy("Status"),
        "nationality": gettext_lazy("Nationality"),
    },
    prepare_form=_person_form,
)


def person_list(request):
    """/persons/: the persons wanted, filtered and sorted (the person box takes a name)."""
    return listing.render_list(request, PERSONS)


def person_export(request, fmt):
    """/persons.csv and /persons.json: every row of the filtered list."""
    return listing.export(request, PERSONS, fmt)


def person_any_case(request, slug: str):
    """/persons/Vladimir-Putin/: a person's address written in other letters than its slug's
    lower case redirects (301) to it, the query kept; 404 for a slug no person has."""
    return lower_case_redirect(request, "person", Person.objects.all(), slug)


@cache_page_by_version
def person_detail(request, slug: str):
    """/persons/<slug>/: a person's warrants, trips and trips called off, each with its
    verdict; 404 for an unknown slug."""
    person = get_object_or_404(Person.objects.select_related("situation", "nationality"), slug=slug)
    refused = refuse_unknown_parameters(request, person.name)
    if refused is not None:
        return refused
    warrants = list(
        person.warrants.select_related("case")
        .prefetch_related("sources")
        .order_by("issued", "made_public", "pk")
    )
    trips = Visit.objects.published().filter(person=person)
    tally, warning_ids = summaries.person_counts(person)
    hosts = None  # every trip is drawn on the map, and shades it
    if tally.total <= summaries.LATEST_TRIPS:
        visits = list(trips.with_verdicts().with_pending_reevaluation().order_by("start", "pk"))
        warnings = [v for v in visits if summaries.is_early_warning(v, timezone.localdate())]
    else:
        visits = summaries.latest(
            trips.with_verdicts().with_pending_reevaluation(), summaries.LATEST_TRIPS
        )
        found = {v.pk: v for v in trips.with_verdicts().filter(pk__in=warning_ids)}
        warnings = [
            found[pk]
            for pk in warning_ids
            if pk in found and summaries.is_early_warning(found[pk], timezone.localdate())
        ]
        # The map draws the latest trips, and shades every host state by all the trips there.
        hosts = maps.person_host_shades(person)
    sources = list(person.sources.all())
    today = timezone.localdate()
    description = _(
        "%(name)s, named in an ICC arrest warrant (%(situation)s). Status: %(status)s. "
        "Recorded trips: %(trips)d; incidents: %(incidents)d."
    ) % {
        "name": person.name,
        "situation": situation_name(person.situation.name),
        "status": person.get_status_display(),
        "trips": tally.total,
        "incidents": tally.incidents,
    }
    context = {
        "page_title": person.name,
        "page_description": description,
        "person": person,
        "warrants": [(w, _warrant_state(w, today)) for w in warrants],
        "visits": visits,
        "tally": tally,
        "record": summaries.person_record_words(tally),
        "shown": summaries.LATEST_TRIPS if tally.total > summaries.LATEST_TRIPS else None,
        "warnings": [(v, summaries.warning_line(v)) for v in warnings],
        "map_svg": maps.travel_map(person, visits, hosts),
        "sources": sources,
        "citation": citations.cite(
            request, person.name, verdicts_as_of=citations.latest_verdict(visits)
        ),
        **cards.sharing(
            request,
            "person",
            person.slug,
            title=person.name,
            description=_person_description(person, tally),
        ),
        "trips_chart": charts.trips_per_year(person),
    }
    return render_page(request, "warrants/person_detail.html", context)


def _person_description(person, tally: summaries.VisitTally) -> str:
    """One sentence for a link preview: 'At large. 25 recorded trips, 4 incidents.'"""
    trips = ngettext("%(n)s recorded trip", "%(n)s recorded trips", tally.total) % {
        "n": tally.total
    }
    flagged = ngettext("%(n)s incident", "%(n)s incidents", tally.incidents) % {
        "n": tally.incidents
    }
    return f"{capfirst(person.get_status_display())}. {trips}, {flagged}."


def _warrant_state(warrant: Warrant, today) -> str:
    if warrant.ended and not warrant.in_force_on(today):
        return summaries.warrant_end_words(warrant)
    if warrant.made_public is None:
        return _("in force; date made public not recorded")
    return _("in force")


# --- Warrants -----------------------------------------------------------------


def _warrant_form(form: forms.Form) -> None:
    form.fields["situation"].widget = select_widget(situation_choices())
    form.fields["person"].widget = person_search_widget()
    form.fields["person"].help_text = person_search_help()


# What a download of the warrants reads of each (`_warrant_rows`): values, where a
# warrant, its person, their situation and its case read as four model instances a row
# took most of it. The API's rows of the warrants read them too (api.warrants.rows).
WARRANT_VALUES = (
    "ref",
    "person__name",
    "person__slug",
    "person__situation__name",
    "person__situation__slug",
    "case__name",
    "case__number",
    "issued",
    "issued_precision",
    "made_public",
    "made_public_precision",
    "ended",
    "end_reason",
    "charges",
)


def _warrant_rows(request) -> Callable[[dict], dict]:
    """The row function of one download of /warrants.csv or /warrants.json, made in its
    language: a warrant read as `WARRANT_VALUES` gives its row, `situation` and `case` as
    the dataset records them (the Court's English names), and, last, each in the
    download's language as the list shows it (`situation_translated_name`: "Darfour
    (Soudan)"; `case_translated_name`: a case named after its situation names it so,
    « Situation « Ukraine » », core.reasons.case_name), the English names in English.

    What every row would work out alike is worked out once per download: today's date
    (every row's `in_force` says it of the same day, even in a file streamed across
    midnight), each distinct name translated once, the persons' address reversed once
    (core.links.link_builder)."""
    today = timezone.localdate()
    person_link = link_builder(request, "person", "slug")
    situation_words = cache(situation_name)
    case_words = cache(case_name)

    def row(warrant: dict) -> dict:
        situation = warrant["person__situation__name"]
        # None: no case (a case's name and number are never null).
        case = warrant["case__name"] if warrant["case__name"] is not None else ""
        issued, made_public, ended = warrant["issued"], warrant["made_public"], warrant["ended"]
        return {
            "ref": warrant["ref"],
            "person": warrant["person__name"],
            "person_slug": warrant["person__slug"],
            "person_url": person_link(warrant["person__slug"]),
            "situation": situation,
            "situation_slug": warrant["person__situation__slug"],
            "case": case,
            "case_number": warrant["case__number"] if warrant["case__number"] is not None else "",
            **tabular.dated("issued", issued, warrant["issued_precision"]),
            **tabular.dated("made_public", made_public, warrant["made_public_precision"]),
            "ended": ended,
            "end_reason": warrant["end_reason"],
            "in_force": in_force_on(issued, made_public, ended, today),
            "charges": warrant["charges"],
            "situation_translated_name": situation_words(situation),
            "case_translated_name": case_words(case),
        }

    return row


WARRANTS = Listing(
    name="warrants",
    title=gettext_lazy("Warrants"),
    intro=gettext_lazy(
        "Every public ICC arrest warrant: when it was issued and made public, and whether it is still in force."
    ),
    filterset_class=WarrantFilterSet,
    queryset=lambda: Warrant.objects.select_related("person", "person__situation", "case"),
    sorts=WARRANT_SORTS,
    default_sort="-issued",
    columns=[
        Column(gettext_lazy("Person"), "person"),
        Column(gettext_lazy("Case")),
        Column(gettext_lazy("Issued"), "issued"),
        Column(gettext_lazy("Made public"), "made_public"),
        Column(gettext_lazy("Status"), "ended"),
    ],
    export_fields=(
        "ref",
        "person",
        "person_slug",
        "person_url",
        "situation",
        "case",
        "case_number",
        "issued",
        "issued_precision",
        "made_public",
        "made_public_precision",
        "ended",
        "end_reason",
        "in_force",
        "charges",
        # Last, as added last: a reader by position keeps the columns it had.
        "situation_slug",
        # In the download's language, as the list shows them (the English in English).
        "situation_translated_name",
        "case_translated_name",
    ),
    export_queryset=lambda warrants: warrants.values(*WARRANT_VALUES),
    export_rows=_warrant_rows,
    template="warrants/warrant_list.html",
    labels={
        "person": gettext_lazy("Person"),
        "situation": gettext_lazy("Situation"),
        "issued_after": gettext_lazy("Issued on or after"),
        "issued_before": gettext_lazy("Issued on or before"),
        "in_force": gettext_lazy("Still in force"),
    },
    prepare_form=_warrant_form,
    resolve_query=resolve_person_names,
)


def warrant_list(request):
    """/warrants/: the ICC arrest warrants, filtered and sorted."""
    return listing.render_list(request, WARRANTS, {"today": timezone.localdate()})


def warrant_export(request, fmt):
    """/warrants.csv and /warrants.json: every row of the filtered list."""
    return listing.export(request, WARRANTS, fmt)
