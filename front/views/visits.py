"""Visit and incident pages and lists. The public sees verified visits only."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import roles, tabular
from front import listing, summaries
from front.corrections import correction_lines
from front.listing import Column, Listing
from front.pages import render_page
from front.views.warrants import situation_choices, state_choices
from states.models import Declaration, TreatyEvent
from visits import review
from visits.filters import VisitFilterSet
from visits.models import Finding, ReviewState, VerdictCode, Visit
from warrants.models import Person, Warrant


def _visit_form(form: forms.Form) -> None:
    form.fields["person"].widget = forms.Select(
        choices=[("", _("any")), *Person.objects.order_by("name").values_list("slug", "name")]
    )
    form.fields["host"].widget = forms.Select(choices=state_choices())
    form.fields["situation"].widget = forms.Select(choices=situation_choices())
    form.fields["changed_since"].help_text = _("For example 2024-09-01T00:00:00Z")


def _visit_row(visit, request) -> dict:
    verdict = summaries.verdict_of(visit)
    return {
        "id": visit.slug,
        "url": request.build_absolute_uri(visit.get_absolute_url()),
        "person": visit.person.name,
        "person_slug": visit.person.slug,
        "host": visit.host.name,
        "host_iso3": visit.host.iso3,
        "place": visit.place,
        "start": tabular.partial_date(visit.start, visit.start_precision),
        "end": tabular.partial_date(visit.end, visit.end_precision),
        "occasion": visit.occasion,
        "status": visit.status,
        "outcome": visit.outcome,
        "host_notified": visit.host_notified,
        "verdict": verdict.code if verdict else "",
        "basis": verdict.basis if verdict else "",
        "explanation": verdict.explanation_text("en") if verdict else "",
        "host_justification": visit.host_justification,
        "source_urls": [s.url for s in visit.sources.all()],
    }


VISIT_FIELDS = (
    "id",
    "url",
    "person",
    "person_slug",
    "host",
    "host_iso3",
    "place",
    "start",
    "end",
    "occasion",
    "status",
    "outcome",
    "host_notified",
    "verdict",
    "basis",
    "explanation",
    "host_justification",
    "source_urls",
)

VISIT_SORTS = {
    "start": ("start",),
    "person": ("person__name", "start"),
    "host": ("host__name", "start"),
    "verdict": ("verdict__code", "start"),
}
VISIT_COLUMNS = [
    Column(gettext_lazy("Dates"), "start"),
    Column(gettext_lazy("Person"), "person"),
    Column(gettext_lazy("Host"), "host"),
    Column(gettext_lazy("Place")),
    Column(gettext_lazy("Status")),
    Column(gettext_lazy("Verdict"), "verdict"),
]
VISIT_LABELS = {
    "person": gettext_lazy("Person"),
    "host": gettext_lazy("Host state"),
    "situation": gettext_lazy("Situation"),
    "verdict": gettext_lazy("Verdict"),
    "basis": gettext_lazy("Treaty basis"),
    "status": gettext_lazy("Status"),
    "start_after": gettext_lazy("Starting on or after"),
    "start_before": gettext_lazy("Starting on or before"),
    "changed_since": gettext_lazy("Changed since"),
}

VISITS = Listing(
    name="visits",
    title=gettext_lazy("Visits"),
    intro=gettext_lazy(
        "Every verified trip of a person wanted by the ICC, including trips called off, with the verdict on the host."
    ),
    filterset_class=VisitFilterSet,
    queryset=lambda: Visit.objects.published().with_verdicts(),
    sorts=VISIT_SORTS,
    default_sort="-start",
    columns=VISIT_COLUMNS,
    export_fields=VISIT_FIELDS,
    export_row=_visit_row,
    export_queryset=lambda qs: qs.prefetch_related("sources"),
    template="visits/visit_list.html",
    labels=VISIT_LABELS,
    prepare_form=_visit_form,
)

# The visits list narrowed to incidents: the same columns, filters, sorts and downloads.
INCIDENTS = dataclasses.replace(
    VISITS,
    name="incidents",
    title=gettext_lazy("Incidents"),
    intro=gettext_lazy(
        "Visits where a state bound to arrest a wanted person hosted that person and did not arrest and "
        "surrender them (non-compliance)."
    ),
    queryset=lambda: Visit.objects.published().flagged().with_verdicts(),
)


def visit_list(request):
    return listing.render_list(request, VISITS, {"feed_url": None})


def visit_export(request, fmt):
    return listing.export(request, VISITS, fmt)


def incident_list(request):
    return listing.render_list(request, INCIDENTS, {"feed_url": "/incidents/feed/"})


def incident_export(request, fmt):
    return listing.export(request, INCIDENTS, fmt)


def visible_visits():
    """Visits a reader may open: the published ones, and those withdrawn from the record
    (removed from a newer dataset version, or rejected on review after an incident was
    published), so that a link in a feed or an article still says what became of them."""
    return Visit.objects.filter(
        Q(review_state=ReviewState.VERIFIED)
        | Q(review_state=ReviewState.WITHDRAWN)
        | Q(
            review_state=ReviewState.REJECTED,
            verdict_changes__old_code=VerdictCode.NON_COMPLIANCE,
        )
    ).distinct()


def cited_sources(visit) -> list[SimpleNamespace]:
    """The visit's sources as its record cites them (its Citations), the Source's own
    details filling what a citation leaves empty; oldest publication first."""
    shown = [
        SimpleNamespace(
            url=c.source.url,
            publisher=c.shown_publisher,
            published=c.shown_published,
            excerpt=c.shown_excerpt,
            archived_url=c.shown_archived_url,
        )
        for c in visit.citations.select_related("source")
    ]
    return sorted(shown, key=lambda s: (s.published is None, s.published or 0, s.url))


def visit_detail(request, slug: str):
    visit = get_object_or_404(
        visible_visits()
        .with_verdicts()
        .select_related("host", "controlled_by")
        # Whether a verified correction exists, in the same query: most visits have none.
        .annotate(corrected=Exists(review.corrections_of(OuterRef("pk")))),
        slug=slug,
    )
    verdict = summaries.verdict_of(visit)
    sources = cited_sources(visit)
    findings = list(Finding.objects.filter(visit=visit).order_by("decided", "pk"))
    history = list(visit.verdict_changes.order_by("changed_at", "id"))
    for change in history:
        change.visit = visit  # the cause of a withdrawal quotes the visit's note
    warrants = list(
        Warrant.objects.filter(verdicts=visit.pk).select_related("case").order_by("issued")
    )
    events = list(TreatyEvent.objects.filter(state=visit.host_id).order_by("date"))
    declarations = list(Declaration.objects.filter(state=visit.host_id).select_related("situation"))
    today = timezone.localdate()
    title = _("%(person)s in %(host)s, %(dates)s") % {
        "person": visit.person.name,
        "host": summaries.state_name(visit.host),
        "dates": summaries.visit_span_words(visit),
    }
    permalink = request.build_absolute_uri(visit.get_absolute_url())
    citation = _("iccwatch, “%(title)s”. Verdict: %(verdict)s. %(url)s (accessed %(date)s).") % {
        "title": title,
        "verdict": verdict.get_code_display() if verdict else _("not yet evaluated"),
        "url": permalink,
        "date": today.isoformat(),
    }
    withdrawn = visit.review_state in (ReviewState.WITHDRAWN, ReviewState.REJECTED)
    context = {
        "withdrawn": withdrawn,
        "visit": visit,
        "verdict": verdict,
        "title": title,
        "sources": sources,
        "findings": findings,
        "history": history,
        "warrants": warrants,
        "events": events,
        "declarations": declarations,
        "permalink": permalink,
        "citation": citation,
        "today": today,
        # Verified corrections ("corrected on …: the end date changed from … to …"), and
        # for signed-in reporters a link to suggest one (the newsroom's correction form).
        "corrections": correction_lines(review.corrections_of(visit)) if visit.corrected else [],
        "may_correct": visit.review_state == ReviewState.VERIFIED
        and roles.may_report(request.user),
        # Staff (any role) may open the visit's full history: who changed what, and when.
        "may_see_history": bool(roles.roles_of(request.user)),
    }
    return render_page(request, "visits/visit_detail.html", context)
