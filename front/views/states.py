"""Country pages and the list of states."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from compliance import PRESENT_STATUSES, state_facts
from core.links import absolute_link
from core.names import country_name, elide
from core.pagecache import cache_page_by_version
from core.reasons import chamber_name, situation_words
from front import cards, charts, citations, listing, maps, summaries
from front.listing import Column, Listing
from front.pages import refuse_unknown_parameters, render_page
from front.templatetags.iccwatch_tags import data_lang
from states import status as treaty_status
from states.filters import StateFilterSet, entry_into_force
from states.models import DeclarationEffect, JointStatement, State
from visits.models import Finding, FindingKind, VerdictCode, Visit, readable_visit


def _states_queryset():
    return State.objects.select_related("territory_of").annotate(
        entry_into_force=entry_into_force(),
        **summaries.list_counts("host"),
    )


def _state_row(state, request) -> dict:
    """One state's row of /states.csv and /states.json: `name` as in the dataset (English),
    `translated_name` in the reader's language (the order of /fr/states.csv); `territory_of`
    the ISO3 of the State whose territory it is (states.territories), else empty; the visits
    it hosted are those that took place (occurred or in transit: a trip called off was
    not hosted), as the page's "Visits hosted" column counts them."""
    return {
        "iso3": state.iso3,
        "name": state.name,
        "translated_name": country_name(state.iso3, state.name),
        "url": absolute_link(request, "state", "iso3", state.iso3),
        "status_today": request.state_statuses.get(state.iso3, treaty_status.NON_PARTY),
        "territory_of": state.territory_of.iso3 if state.territory_of else None,
        "entry_into_force": state.entry_into_force,
        "visits_hosted": state.visits_count,
        "incidents": state.incidents_count,
    }


def _state_form(form) -> None:
    """The `party` menu says what "yes" takes in, as `status` reads it apart."""
    form.fields["party"].help_text = _(
        "Yes: a State Party, or one withdrawing, still a full party until its withdrawal "
        "takes effect (Art. 127(1))."
    )


STATES = Listing(
    name="states",
    title=gettext_lazy("States"),
    intro=gettext_lazy(
        "Every state, with its standing under the Rome Statute today and the visits it hosted: "
        "those that took place, not trips called off, attended by video or only announced. "
        "Entry into force follows Art. 126; a withdrawal takes effect one year after notification (Art. 127)."
    ),
    filterset_class=StateFilterSet,
    queryset=_states_queryset,
    sorts=summaries.STATE_LIST_SORTS,
    default_sort="name",
    columns=[
        Column(gettext_lazy("State"), "name"),
        Column(gettext_lazy("Code"), "iso3"),
        Column(gettext_lazy("Standing today")),
        Column(gettext_lazy("In force since"), "entry_into_force"),
        Column(gettext_lazy("Visits hosted"), "visits"),
        Column(gettext_lazy("Incidents"), "incidents"),
    ],
    export_fields=(
        "iso3",
        "name",
        "translated_name",
        "url",
        "status_today",
        "territory_of",
        "entry_into_force",
        "visits_hosted",
        "incidents",
    ),
    export_row=_state_row,
    template="states/state_list.html",
    labels={
        "name": gettext_lazy("Name contains"),
        "status": gettext_lazy("Standing today"),
        "party": gettext_lazy("State Party today"),
    },
    prepare_form=_state_form,
)


def _with_statuses(request):
    # One query for every state's standing today, used by the rows on screen and downloaded.
    request.state_statuses = treaty_status.statuses_on(timezone.localdate())


def state_list(request):
    """/states/: the states with their standing and counts, filtered and sorted as the
    API's list (a 400 for a filter it cannot apply)."""
    _with_statuses(request)
    # Each count links to the visits it counts: those that took place, as `_state_row` says.
    extra = {"statuses": request.state_statuses, "hosted_statuses": ",".join(PRESENT_STATUSES)}
    return listing.render_list(request, STATES, extra)


def state_export(request, fmt):
    """/states.csv and /states.json: every row of the filtered list, in its order."""
    _with_statuses(request)
    return listing.export(request, STATES, fmt)


@cache_page_by_version
def state_detail(request, iso3: str):
    """/states/<ISO3>/: a state's treaty timeline, visits hosted, incidents, findings
    and counts; a lower-case code redirects to the upper-case address, an unknown one is
    a 404."""
    if iso3 != iso3.upper():
        # The query stays: "/states/mng/?cite=bibtex" is still asking for the BibTeX.
        address = reverse("state", kwargs={"iso3": iso3.upper()})
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{address}?{query}" if query else address, permanent=True)
    state = get_object_or_404(
        State.objects.select_related("territory_of").prefetch_related("sources"), iso3=iso3
    )
    name = country_name(state.iso3, state.name)
    # `?as_of=` is the API's (/api/v1/states/HUN/?as_of=2025-01-01): the page shows today's
    # standing only, and says so rather than answer as if it had read the day.
    as_of_hint = _(
        "This page shows the state's standing today; the API gives it on another day: %(url)s"
    ) % {
        "url": f"{reverse('api-state-detail', kwargs={'iso3': state.iso3})}?"
        + urlencode({"as_of": request.GET.get("as_of", "")})
    }
    refused = refuse_unknown_parameters(request, name, hints={"as_of": as_of_hint})
    if refused is not None:
        return refused
    today = timezone.localdate()
    # Each record's sources come with it, one query per kind whatever their number (none
    # for a kind the state has no record of): the page cites the state's own (its row of
    # states.csv, which the importer gives each treaty date too) once above its timeline,
    # and each declaration's, referral's and statement's by it.
    events = treaty_status.label_events(
        list(state.treaty_events.prefetch_related("sources")), state.instrument
    )
    declarations = list(state.declarations.select_related("situation").prefetch_related("sources"))
    referrals = list(
        state.council_referrals.select_related("situation")
        .prefetch_related("sources")
        .order_by("adopted")
    )
    facts = state_facts(
        state.iso3,
        state.name,
        {e.kind: e.date for e in events},
        [(d.lodged, d.situation.name, d.covers_from, d.covers_to, d.effect) for d in declarations],
        referrals=[(r.situation.name, r.resolution, r.adopted) for r in referrals],
        instrument=state.instrument,
    )
    sovereign = _sovereign(state)
    hosted_visits = Visit.objects.published().filter(host=state)
    tally, years = summaries.state_counts(state)
    visits, incidents = _hosted_visits(hosted_visits, tally)
    findings = list(
        Finding.objects.filter(state=state)
        .annotate(visit_readable=readable_visit())
        .select_related("visit", "visit__person")
        .prefetch_related("persons", "sources")
        .order_by("decided", "pk")
    )
    failures_found = summaries.describe_findings(findings)
    # A finding links its visit when a reader may open it (visits.models.readable_visit).
    for f in findings:
        f.published_visit = f.visit if f.visit is not None and f.visit_readable else None
    through = JointStatement.signatories.through.objects
    statements = list(
        JointStatement.objects.annotate(
            signed=Exists(through.filter(jointstatement=OuterRef("pk"), state=state)),
            listed=Count("signatories"),
        )
        .prefetch_related("sources")
        .order_by("date")
    )
    standing = treaty_status.status_on(facts, today, territory=sovereign is not None)
    signed = [s for s in statements if s.signed]
    # A statement "of States Parties" whose signatory list is missing or incomplete (fewer
    # states listed than the recorded count): on the timeline of a state that was a party
    # that day and is not listed, whether it signed is *not known* — never "did not sign".
    unknown = [
        s
        for s in statements
        if not s.signed
        and (not s.listed or (s.signatory_count or 0) > s.listed)
        and facts is not None
        and facts.party_on(s.date)
    ]
    for s in statements:
        s.incomplete = bool(s.listed and (s.signatory_count or 0) > s.listed)
    timeline = _timeline(
        name,
        events,
        declarations,
        referrals,
        visits if years is None else [],
        findings,
        signed,
        unknown,
        state.sources.all(),
    )
    if years is not None:
        timeline = _with_years(timeline, state, years)
    counts = {
        "hosted": tally.hosted,
        "incidents": tally.incidents,
        "called_off": tally.called_off,
        "findings": len(failures_found),
        "statements": len(signed),
    }
    summary = summaries.state_summary(
        name,
        facts,
        today,
        visits=tally.hosted,
        incidents=tally.incidents,
        called_off=tally.called_off,
        findings=[(f.decided, f.decided_precision) for f in failures_found],
        declarations=[(d.lodged, d.situation.name, d.effect) for d in declarations],
        referrals=[(r.situation.name, r.resolution, r.adopted) for r in referrals],
        sovereign=sovereign,
        no_failure=[
            (f.decided, f.decided_precision, f.reported_by)
            for f in findings
            if f.kind == FindingKind.NO_FAILURE
        ],
    )
    standing_label = summaries.standing_label(standing, sovereign[0] if sovereign else "")
    context = {
        "page_title": name,
        "page_description": summary,
        "state": state,
        "name": name,
        "today": today,
        "standing": standing,
        "standing_label": standing_label,
        # A territory of a State (Réunion) or an entry that is not a State (Antarctica,
        # Western Sahara) is not "this state" in the page's sentences.
        "is_state": standing not in (treaty_status.TERRITORY, treaty_status.NOT_A_STATE),
        "summary": summary,
        "timeline": timeline,
        "visits": visits,
        "incidents": incidents,
        "findings": findings,
        "declarations": declarations,
        "referrals": referrals,
        "signed": signed,
        "unknown_statements": unknown,
        "counts": counts,
        "record_chart": charts.country_record(state, name, events),
        "citation": citations.cite(request, name, verdicts_as_of=citations.latest_verdict(visits)),
        **cards.sharing(request, "state", state.iso3, title=name, description=summary),
        "tally": tally,
        "shown": summaries.LATEST_VISITS if tally.total > summaries.LATEST_VISITS else None,
        "map_svg": maps.hosted_map(state, _union(visits, incidents)) if visits else None,
    }
    return render_page(request, "states/state_detail.html", context)


def _sovereign(state) -> tuple[str, object] | None:
    """For a territory of a State (states.territories): that State's name in the reader's
    language and its timeline (compliance.StateFacts), for the page's standing; else None.
    One query, for a territory only."""
    owner = state.territory_of
    if owner is None:
        return None
    events = {e.kind: e.date for e in owner.treaty_events.all()}
    return country_name(owner.iso3, owner.name), state_facts(owner.iso3, owner.name, events)


def _hosted_visits(hosted_visits, tally):
    """(visits shown, incidents shown): all of them, or the latest past summaries.LATEST_VISITS."""
    if tally.total <= summaries.LATEST_VISITS:
        visits = list(
            hosted_visits.with_verdicts().with_pending_reevaluation().order_by("start", "pk")
        )
        incidents = [v for v in visits if summaries.verdict_code(v) == VerdictCode.NON_COMPLIANCE]
        return visits, incidents
    visits = summaries.latest(
        hosted_visits.with_verdicts().with_pending_reevaluation(), summaries.LATEST_VISITS
    )
    incidents = summaries.latest(hosted_visits.with_verdicts().flagged(), summaries.LATEST_VISITS)
    return visits, incidents


def _union(*lists):
    seen, out = set(), []
    for visit in (v for visits in lists for v in visits):
        if visit.pk not in seen:
            seen.add(visit.pk)
            out.append(visit)
    return out


def _in_words(sentence: str, **data: str) -> str:
    """`sentence` (the site's words, in the reader's language) with the dataset's own words
    put in, each marked as the data's language when the page is in another (`data_lang`:
    a screen reader reads a statement's English title with an English voice), as safe HTML."""
    lang = data_lang()
    marked = {
        name: format_html("<span{}>{}</span>", lang, value) if lang else conditional_escape(value)
        for name, value in data.items()
    }
    return mark_safe(conditional_escape(sentence) % marked)


def _timeline_visit_text(visit) -> str:
    """'Hosted Vladimir Putin (Ulaanbaatar)', or for a trip that did not take place what
    became of it: 'Trip by … called off', '… took part by video', '… announced'."""
    params = {"person": visit.person.name}
    if visit.status == "cancelled":
        # The entry's date is the one the trip was planned for, not the day it was called off.
        text = elide(_("Trip by %(person)s planned for this date, called off") % params)
    elif visit.status == "virtual":
        text = _("%(person)s took part by video instead of travelling") % params
    elif visit.status == "announced":
        text = elide(_("Trip by %(person)s announced") % params)
    else:
        text = _("Hosted %(person)s") % params
    return text + (f" ({summaries.place_words(visit.place)})" if visit.place else "")


def _with_years(timeline: list[dict], state, years) -> list[dict]:
    """The timeline with one entry per year of visits (linked to that year's list)."""
    for year, count, incidents in years:
        text = ngettext("Hosted %(count)d visit", "Hosted %(count)d visits", count) % {
            "count": count
        }
        if incidents:
            text += ngettext(" (%(count)d incident)", " (%(count)d incidents)", incidents) % {
                "count": incidents
            }
        query = urlencode(
            {"host": state.iso3, "start_after": f"{year}-01-01", "start_before": f"{year}-12-31"}
        )
        timeline.append(
            {
                "date": datetime.date(year, 1, 1),
                "precision": "year",
                "kind": "visits",
                "text": text,
                "url": f"{reverse('visits')}?{query}",
            }
        )
    order = {"treaty": 0, "declaration": 1, "referral": 1, "statement": 2, "finding": 4}
    timeline.sort(key=lambda e: (e["date"], order.get(e["kind"], 3)))
    return timeline


def _timeline(
    name, events, declarations, referrals, visits, findings, signed, unknown, state_sources=()
) -> list[dict]:
    """Everything dated about a state on one line of time, oldest first (`events` labelled
    by states.status.label_events, with their sources prefetched; a treaty date's
    `sources` are those not among `state_sources`, the state's own: front.summaries
    .sources_beyond)."""
    entries = []
    for event in events:
        entries.append(
            {
                "date": event.date,
                "precision": event.precision,
                "kind": "treaty",
                "text": event.label,
                "note": event.note,
                # The state's sources, cited once above the timeline, are not repeated here.
                "sources": summaries.sources_beyond(event.sources.all(), state_sources),
            }
        )
    for d in declarations:
        entries.append(
            {
                "date": d.lodged,
                "kind": "declaration",
                # One the Prosecutor did not act on is lodged, and binds to nothing.
                "text": (
                    _(
                        "Art. 12(3) declaration accepting jurisdiction over the %(situation)s, "
                        "lodged but not acted on by the Prosecutor"
                    )
                    if d.effect == DeclarationEffect.NOT_GIVEN_EFFECT
                    else _("Art. 12(3) declaration accepting jurisdiction over the %(situation)s")
                )
                % {"situation": situation_words(d.situation.name)},
            }
        )
    for r in referrals:
        entries.append(
            {
                "date": r.adopted,
                "kind": "referral",
                "text": _(
                    "Security Council resolution %(resolution)s: bound to cooperate fully for the "
                    "%(situation)s"
                )
                % {"resolution": r.resolution, "situation": situation_words(r.situation.name)},
            }
        )
    for s in signed:
        entries.append(
            {
                "date": s.date,
                "kind": "statement",
                "text": _in_words(_("Signed: %(title)s"), title=s.title),
            }
        )
    for s in unknown:
        entries.append(
            {
                "date": s.date,
                "kind": "statement-unknown",
                "text": _in_words(
                    _(
                        "%(title)s — the signatory list is incomplete; whether this state signed is not known"
                    )
                    if s.listed
                    else _(
                        "%(title)s — the signatory list is not recorded; whether this state signed is not known"
                    ),
                    title=s.title,
                ),
            }
        )
    for v in visits:
        if v.start is None:
            continue
        entries.append(
            {
                "date": v.start,
                "precision": v.start_precision,
                "kind": "visit",
                "visit": v,
                "text": _timeline_visit_text(v),
            }
        )
    for f in findings:
        # The entry's date is the decision's: what it was and which Chamber made it, once
        # (its sentence, which names the date again, is the list of decisions').
        text = capfirst(f.heading)
        if f.chamber:
            text = f"{text} — {chamber_name(f.chamber)}"
        entries.append(
            {
                "date": f.decided,
                "precision": f.decided_precision,
                "kind": "finding",
                "text": text,
                "finding": f,
            }
        )
    for entry in entries:
        entry.setdefault("precision", "day")
    order = {
        "treaty": 0,
        "declaration": 1,
        "referral": 1,
        "statement": 2,
        "statement-unknown": 2,
        "visit": 3,
        "finding": 4,
    }
    entries.sort(key=lambda e: (e["date"], order[e["kind"]]))
    return entries
