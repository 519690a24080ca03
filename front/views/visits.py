"""Visit and incident pages and lists. The public sees verified visits, and those withdrawn
from the record after they were published: on their own page, and in a list that asks for
them (`verdict=withdrawn`, `changed_since`: visits.filters.VisitFilterSet.holds_withdrawn,
the API's rule too)."""

from __future__ import annotations

import dataclasses
import datetime
from types import SimpleNamespace

from django import forms
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from compliance import RULE_VERSION
from core import causes, roles
from core.filters import select_widget
from core.links import link_builder
from core.locale import without_ignored
from core.names import elide, format_moment, in_sentence
from core.pagecache import cache_page_by_version
from front import citations, listing, summaries
from front.corrections import correction_lines
from front.listing import Column, Listing
from front.pages import lower_case_redirect, refuse_unknown_parameters, render_page
from front.search import resolve_person_names
from front.views.warrants import (
    person_search_help,
    person_search_widget,
    situation_choices,
    state_choices,
)
from states.models import Declaration, State, TreatyEvent
from states.status import label_events
from visits import history as visit_history
from visits import review, tables
from visits.filters import IncidentFilterSet, VisitFilterSet
from visits.models import (
    EvaluationRequest,
    Finding,
    FindingKind,
    ReviewState,
    Verdict,
    VerdictCode,
    Visit,
    verdict_label,
)
from visits.ordering import VISIT_SORTS, host_parts
from warrants.models import Warrant


def _visit_form(form: forms.Form) -> None:
    form.fields["person"].widget = person_search_widget()
    form.fields["person"].help_text = person_search_help()
    form.fields["host"].widget = select_widget(state_choices())
    form.fields["situation"].widget = select_widget(situation_choices())
    form.fields["year"].widget = select_widget(year_choices())
    form.fields["changed_since"].help_text = _("For example 2024-09-01T00:00:00Z")


# The years of the published visits, newest first: from the latest start, each next year is
# the latest start before the first day of the year found (one index probe per year, not a
# scan of every visit).
YEARS_SQL = """
WITH RECURSIVE years(start) AS (
    SELECT max(start) FROM visits_visit WHERE review_state = %(verified)s
  UNION ALL
    SELECT (
        SELECT max(v.start) FROM visits_visit v
        WHERE v.review_state = %(verified)s AND v.start < date_trunc('year', years.start)::date
    )
    FROM years WHERE years.start IS NOT NULL
)
SELECT extract(year FROM start)::int FROM years WHERE start IS NOT NULL
"""


def year_choices():
    """The years in which published visits started, newest first, for the year menu."""
    with connection.cursor() as cursor:
        cursor.execute(YEARS_SQL, {"verified": ReviewState.VERIFIED.value})
        years = [row[0] for row in cursor.fetchall()]
    return [("", _("any")), *((str(year), str(year)) for year in years)]


def _visit_row(visit, request) -> dict:
    return tables.visit_row(visit, link_builder(request, "visit", "slug"), get_language())


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
    "basis": gettext_lazy("Basis of the obligation"),
    "status": gettext_lazy("Status"),
    "year": gettext_lazy("Year"),
    "host_control": gettext_lazy("Host's control of the place"),
    "start_after": gettext_lazy("Starting on or after"),
    "start_before": gettext_lazy("Starting on or before"),
    "changed_since": gettext_lazy("Changed since"),
}


def _years(cleaned: dict) -> str:
    """ "2024" or "2023–2024" when the start filters span whole calendar years, else ""."""
    first, last = cleaned.get("start_after"), cleaned.get("start_before")
    if not first or not last or (first.month, first.day, last.month, last.day) != (1, 1, 12, 31):
        return ""
    if first.year == last.year:
        return str(first.year)
    return f"{first.year}–{last.year}" if first.year < last.year else ""


def _dates_in_words(words: dict[str, str], cleaned: dict) -> tuple[str, set[str]]:
    years = _years(cleaned)
    if years:
        return years, {"start_after", "start_before"}
    if "start_after" in words and "start_before" in words:
        text = _("%(start)s to %(end)s") % {
            "start": words["start_after"],
            "end": words["start_before"],
        }
        return text, {"start_after", "start_before"}
    if "start_after" in words:
        return _("from %(date)s") % {"date": words["start_after"]}, {"start_after"}
    if "start_before" in words:
        return _("until %(date)s") % {"date": words["start_before"]}, {"start_before"}
    return "", set()


def _visit_title_words(words: dict[str, str], cleaned: dict) -> tuple[str, set[str]]:
    """ "Visits to Mongolia by Vladimir Putin, 2024": host, person and dates in one phrase."""
    names = {"host": in_sentence(words.get("host") or ""), "person": words.get("person")}
    if names["host"] and names["person"]:
        head = elide(_("Visits to %(host)s by %(person)s") % names)
    elif names["host"]:
        head = _("Visits to %(host)s") % names
    elif names["person"]:
        head = elide(_("Visits by %(person)s") % names)
    else:
        head = _("Visits")
    return _with_dates(head, words, cleaned)


def _incident_title_words(words: dict[str, str], cleaned: dict) -> tuple[str, set[str]]:
    """ "Incidents in Mongolia involving Vladimir Putin, 2024"."""
    names = {"host": in_sentence(words.get("host") or ""), "person": words.get("person")}
    if names["host"] and names["person"]:
        head = _("Incidents in %(host)s involving %(person)s") % names
    elif names["host"]:
        head = _("Incidents in %(host)s") % names
    elif names["person"]:
        head = _("Incidents involving %(person)s") % names
    else:
        head = _("Incidents")
    return _with_dates(head, words, cleaned)


def _with_dates(head: str, words: dict[str, str], cleaned: dict) -> tuple[str, set[str]]:
    said = {name for name in ("host", "person") if name in words}
    dates, dates_said = _dates_in_words(words, cleaned)
    if dates:
        head = _("%(what)s, %(when)s") % {"what": head, "when": dates}
    return head, said | dates_said


def with_court_findings(visits):
    """`visits` annotated with the Court's own finding on each, if any: `icc_finding` and
    `icc_finding_precision`, the day of the earliest Art. 87(7) finding of non-compliance
    recorded for the visit (None for none), so that a list tells iccwatch's verdict from
    the Court's finding; `icc_decisions`, how many ICC decisions on cooperation are
    recorded for it in all (an appeal judgment, a later referral: Jordan 2017 has two);
    `icc_other_decision` and its precision, the day of the earliest decision that made no
    Art. 87(7) finding (one informing the Security Council: Chad and Kenya, 27 August
    2010), for a row with no finding; `icc_no_failure` and its precision, the day of the
    earliest decision that found no failure to comply (kind `no_failure`: Nigeria,
    5 September 2013), which the row says iccwatch's verdict stands against, and
    `icc_no_failure_reported_by`, that decision's `reported_by` ("state": known only from
    the state's own report, attributed to it as core.reasons does; "": the Court's own);
    and `reevaluation_pending`, whether its verdict
    awaits re-evaluation after a change (VisitQuerySet.with_pending_reevaluation).
    Correlated subqueries, one of each per row: the lists apply it to the rows of the page
    shown (Listing.page_rows: at most a page's size), never to a download, which reads
    `reevaluation_pending` alone with its rows (visits.tables.with_table_rows). The
    person's and state's pages read `reevaluation_pending` alone, for at most
    summaries.LATEST_TRIPS or LATEST_VISITS rows."""
    decisions = Finding.objects.filter(visit=OuterRef("pk"))
    findings = decisions.filter(kind=FindingKind.ART_87_7).order_by("decided", "pk")
    others = decisions.exclude(kind=FindingKind.ART_87_7).order_by("decided", "pk")
    cleared = decisions.filter(kind=FindingKind.NO_FAILURE).order_by("decided", "pk")
    counted = decisions.order_by().values("visit").annotate(n=Count("pk")).values("n")
    return visits.with_pending_reevaluation().annotate(
        icc_finding=Subquery(findings.values("decided")[:1]),
        icc_finding_precision=Subquery(findings.values("decided_precision")[:1]),
        icc_decisions=Coalesce(Subquery(counted), 0),
        icc_other_decision=Subquery(others.values("decided")[:1]),
        icc_other_decision_precision=Subquery(others.values("decided_precision")[:1]),
        icc_no_failure=Subquery(cleared.values("decided")[:1]),
        icc_no_failure_precision=Subquery(cleared.values("decided_precision")[:1]),
        icc_no_failure_reported_by=Subquery(cleared.values("reported_by")[:1]),
        # Rows read without it say nothing of findings, rather than "none recorded".
        icc_findings_read=Value(True),
    )


VISITS = Listing(
    name="visits",
    title=gettext_lazy("Visits"),
    intro=gettext_lazy(
        "Every verified trip of a person wanted by the ICC, including trips called off, with the verdict on the host."
    ),
    filterset_class=VisitFilterSet,
    # The published visits; the filters add the withdrawn ones where the list holds them
    # (VisitFilterSet.listed), as the API's list does.
    queryset=lambda: Visit.objects.published().with_verdicts(),
    page_rows=with_court_findings,
    sorts=VISIT_SORTS,
    default_sort="-start",
    columns=VISIT_COLUMNS,
    export_fields=tuple(tables.VISIT_TABLE.names),
    export_row=_visit_row,
    export_queryset=tables.with_table_rows,
    template="visits/visit_list.html",
    labels=VISIT_LABELS,
    prepare_form=_visit_form,
    title_words=_visit_title_words,
    resolve_query=resolve_person_names,
    bounded=True,
    partitions={"verdict__code": tuple(VerdictCode.values), "host_sort": host_parts},
    shows_verdicts=True,
)

# The visits list narrowed to incidents: the same columns, filters, sorts and downloads.
INCIDENTS = dataclasses.replace(
    VISITS,
    name="incidents",
    title=gettext_lazy("Incidents"),
    filterset_class=IncidentFilterSet,
    intro=gettext_lazy(
        "Visits where a state bound to arrest and surrender a wanted person hosted that person and did "
        "not surrender them to the Court (non-compliance). The verdict is iccwatch's reading of the record; each row "
        "says whether the ICC itself found non-compliance (Art. 87(7))."
    ),
    queryset=lambda: Visit.objects.published().flagged().with_verdicts(),
    title_words=_incident_title_words,
    unfiltered_keys=lambda key: incident_keys() if key == "-start" else None,
)


def incident_keys():
    """The ids of the published incidents, newest first, as the unfiltered incidents list
    orders them (start DESC NULLS LAST, then id), read from the verdicts alone.

    Each verdict carries copies of its visit's start and published state, kept equal to
    the visit's by triggers (Verdict.visit_start, .visit_published; migration 0021), and
    the partial index visits_verdict_incident_start (0022) holds the published incidents
    in this order: a deep page (`?page=2000`, 100,000 keys in at 1M visits) skips its offset
    in that index instead of looking every incident's visit up. Returns a queryset of ids.
    """
    return (
        Verdict.objects.filter(code=VerdictCode.NON_COMPLIANCE, visit_published=True)
        .order_by(F("visit_start").desc(nulls_last=True), "visit_id")
        .values_list("visit_id", flat=True)
    )


def visit_list(request):
    """/visits/: the published visits (and the withdrawn ones, where its filters ask for
    them), filtered and sorted (a 400 for a filter it cannot apply)."""
    return listing.render_list(request, VISITS, {"feed_url": None})


def visit_export(request, fmt):
    """/visits.csv and /visits.json: every row of the filtered list (visits.tables), in
    its order."""
    return listing.export(request, VISITS, fmt)


def incident_feed_of(query) -> tuple[str, str]:
    """(the feed's address, its link's words) for the incidents list filtered by `query`:
    one host's own feed when the list is filtered by that host alone; otherwise the feed
    of every incident, said so when filters narrow the list (no feed takes filters)."""
    filters = {k: v for k, v in query.lists() if k not in ("ordering", "page") and any(v)}
    hosts = ",".join(filters.get("host", [])).split(",")
    if list(filters) == ["host"] and len(hosts) == 1:
        state = State.objects.filter(iso3=hosts[0].strip().upper()).first()
        if state is not None:
            return reverse("state-feed", args=[state.iso3]), _(
                "Atom feed of this state's incidents"
            )
    if filters:
        return reverse("incidents-feed"), _("Atom feed of all incidents")
    return reverse("incidents-feed"), _("Atom feed")


def visits_matching(request):
    """A callable counting the published visits, of any verdict, that the incidents list's
    filters match (its query read as the visits list reads it; 0 for a query that list
    would refuse). The template calls it only when no incident matches, to tell an empty
    year or host from one whose visits were not incidents, and link to them."""

    def count() -> int:
        try:
            filterset, _key = listing.filtered(VISITS, request)
        except listing.InvalidListQuery:
            return 0
        return filterset.qs.count() if filterset.is_valid() else 0

    return count


def incident_list(request):
    """/incidents/: the published visits whose verdict is non_compliance, with the feed
    of the host they are filtered by, if one."""
    # A shared link's `utm_source` or `lang` is no filter (core.locale.ignored_on_pages).
    feed_url, feed_label = incident_feed_of(without_ignored(request.GET))
    return listing.render_list(
        request,
        INCIDENTS,
        {
            "feed_url": feed_url,
            "feed_label": feed_label,
            "visits_matching": visits_matching(request),
        },
    )


def incident_export(request, fmt):
    """/incidents.csv and /incidents.json: every row of the filtered incidents list."""
    return listing.export(request, INCIDENTS, fmt)


def cited_sources(visit) -> list[SimpleNamespace]:
    """The visit's sources as its record cites them (its Citations), the Source's own
    details filling what a citation leaves empty; oldest publication first."""
    return shown_citations(visit.citations.select_related("source"))


def shown_citations(cited) -> list[SimpleNamespace]:
    """Citations of sources (a visit's, or its withdrawal's: visits.models.CitedDetails)
    as a page lists them, each with `url`, `publisher`, `published` (a date or None),
    `excerpt` and `archived_url`, the Source's own details filling what a citation
    leaves empty; oldest publication first (includes/cited_sources.html)."""
    shown = [
        SimpleNamespace(
            url=c.source.url,
            publisher=c.shown_publisher,
            published=c.shown_published,
            excerpt=c.shown_excerpt,
            archived_url=c.shown_archived_url,
        )
        for c in cited
    ]
    return sorted(shown, key=lambda s: (s.published is None, s.published or 0, s.url))


# A history row whose evaluation came this long after the change that caused it also says
# when the verdict was updated.
EVALUATED_LATER = datetime.timedelta(minutes=1)


def pending_reevaluation(visit) -> SimpleNamespace | None:
    """What the page says of a verdict decided before a change to its visit's facts that no
    worker has evaluated yet (visits.models.reevaluation_pending), read from the visit's
    `reevaluation_change_recorded_at` and `reevaluation_reason` (its EvaluationRequest's,
    None for none): None when there is no such change, else `since` (when the change was
    recorded, in words: the latest that may change the verdict, when several wait; a bare
    edit never moves it) and `what` (the changes, in the
    reader's language, as the verdict's history will tell them: core.causes). A request
    whose causes cannot change the verdict (a bare edit: EvaluationRequest
    .may_change_verdict) is none."""
    pending = causes.loads(getattr(visit, "reevaluation_reason", None))
    if not pending or not EvaluationRequest.may_change_verdict(pending):
        return None
    told = [c for c in pending if EvaluationRequest.may_change_verdict([c])]
    names = summaries.cause_names([SimpleNamespace(cause_facts=told)], [visit])
    return SimpleNamespace(
        since=format_moment(visit.reevaluation_change_recorded_at),
        # (The sentence ends after it: a withdrawal's note may end with its own stop.)
        what=causes.render(told, names=names).rstrip("."),
    )


def visit_any_case(request, slug: str):
    """/visits/Vladimir-Putin-MNG-2024-09-02/: a visit's address written in other letters
    than its id's lower case redirects (301) to it, the query kept; 404 for an id no
    readable visit has."""
    return lower_case_redirect(request, "visit", Visit.objects.readable(), slug)


@cache_page_by_version
def visit_detail(request, slug: str):
    """/visits/<id>/: a readable visit (published, or withdrawn after it was), its
    verdict and explanation, sources, findings and the verdict's history; 404 otherwise."""
    visit = get_object_or_404(
        Visit.objects.readable()
        .with_verdicts()
        .select_related("host", "controlled_by")
        # Whether a verified correction exists, or an import changed what readers could
        # already read, in the same query: most visits have neither.
        .annotate(
            corrected=Exists(review.corrections_of(OuterRef("pk"))),
            import_corrected=Exists(visit_history.import_updates(OuterRef("pk"))),
            # Its outstanding evaluation request, if any (most visits have none): a change
            # recorded since its verdict was decided, which no worker has evaluated yet.
            **{
                f"reevaluation_{column}": Subquery(
                    EvaluationRequest.objects.filter(visit=OuterRef("pk")).values(column)[:1]
                )
                for column in ("change_recorded_at", "reason")
            },
        ),
        slug=slug,
    )
    refused = refuse_unknown_parameters(request, summaries.visit_title(visit))
    if refused is not None:
        return refused
    verdict = summaries.verdict_of(visit)
    reevaluation = pending_reevaluation(visit) if verdict is not None else None
    sources = cited_sources(visit)
    findings = list(
        Finding.objects.filter(visit=visit)
        .select_related("state")
        .prefetch_related("sources")
        .order_by("decided", "pk")
    )
    summaries.describe_findings(findings)
    history = list(visit.verdict_changes.order_by("changed_at", "id"))
    previous = None
    for change in history:
        change.visit = visit  # the cause of a withdrawal quotes the visit's note
    # Each row names the visit as it was when the row was recorded, not as it is now.
    # The decisions its causes name are the visit's own: their kinds are at hand.
    summaries.name_causes(history, [visit], findings)
    for change in history:
        change.label = change.new_label()
        # A row whose verdict and basis stay as they were records new reasons (a source,
        # a finding): "non-compliance → non-compliance" read as a change that was none.
        if not change.old_code:
            change.kind = "first"
        elif (change.old_code, change.old_basis) == (change.new_code, change.new_basis):
            change.kind = "same"
        else:
            change.kind = "changed"
        # Dated by the change that caused it (a verified withdrawal or correction), and by
        # the evaluation as well when that waited for a worker (an outage) a minute or more.
        change.when = change.happened_at
        change.evaluated_later = change.changed_at - change.when >= EVALUATED_LATER
        # The verdict it replaced, labelled as its own row labelled it (a called-off trip's
        # host bound or not), or by its code when no earlier row is kept.
        if previous is not None and previous.new_code == change.old_code:
            change.old_label = previous.label
        else:
            change.old_label = verdict_label(change.old_code)
        previous = change
    warrants = list(
        Warrant.objects.filter(verdicts=visit.pk).select_related("case").order_by("issued")
    )
    # The host's treaty dates and declarations with their sources, and the host's own (one
    # query each, whatever their number), cited as the state's page cites them: the host's
    # once, a date's when it has others (front.summaries.sources_beyond), a declaration's by it.
    host_sources = list(visit.host.sources.all())
    events = label_events(
        list(
            TreatyEvent.objects.filter(state=visit.host_id)
            .prefetch_related("sources")
            .order_by("date")
        ),
        visit.host.instrument,
    )
    for event in events:
        event.own_sources = summaries.sources_beyond(event.sources.all(), host_sources)
    declarations = list(
        Declaration.objects.filter(state=visit.host_id)
        .select_related("situation")
        .prefetch_related("sources")
    )
    today = timezone.localdate()
    title = summaries.visit_title(visit)
    # The breadcrumb's last step, after the person's: where and when, not the address's id.
    crumb = f"{summaries.state_name(visit.host)}, {summaries.visit_span_words(visit)}"
    permalink = request.build_absolute_uri(visit.get_absolute_url())
    citation = citations.cite(
        request,
        title,
        verdicts_as_of=verdict.computed_at if verdict else None,
        rule_version=verdict.rule_version if verdict else RULE_VERSION,
        verdict=summaries.visit_verdict_words(visit) or _("not yet evaluated"),
    )
    withdrawn = visit.review_state in (ReviewState.WITHDRAWN, ReviewState.REJECTED)
    # Staff: any role. Their pages are never stored in the page cache (core.pagecache
    # .request_key caches anonymous reads only), so what only staff see is never replayed
    # to the public.
    staff = bool(roles.roles_of(request.user))
    # The day it left the record: its verdict's last withdrawal in the history, dated by
    # the withdrawal itself (its verification), not by the evaluation that followed it.
    withdrawn_on = next(
        (
            timezone.localtime(c.happened_at).date()
            for c in reversed(history)
            if c.new_code == VerdictCode.WITHDRAWN and c.old_code != VerdictCode.WITHDRAWN
        ),
        None,
    )
    if withdrawn:
        # A title quoted alone (a tab, a search result, a link preview) says so too.
        title = _("Withdrawn: %(title)s") % {"title": title}
    description = (
        _("Verdict: %(verdict)s. %(explanation)s")
        % {
            "verdict": summaries.visit_verdict_words(visit),
            "explanation": summaries.explanation(verdict),
        }
        if verdict
        else _("This visit has not been evaluated yet.")
    )
    context = {
        "page_title": title,
        "page_description": Truncator(description).chars(300),
        "withdrawn": withdrawn,
        "withdrawn_on": withdrawn_on if withdrawn else None,
        # The sources its withdrawal cites, shown with its reason (none for a visit an
        # import withdrew, or a withdrawal that gave none).
        "withdrawal_sources": shown_citations(visit.withdrawal_citations.select_related("source"))
        if visit.review_state == ReviewState.WITHDRAWN
        else [],
        "visit": visit,
        "verdict": verdict,
        "reevaluation": reevaluation,
        "title": title,
        "crumb": crumb,
        "sources": sources,
        "findings": findings,
        "history": history,
        "warrants": warrants,
        # The host's treaty steps and Art. 12(3) declarations in one list, in date order
        # (Ukraine's declarations of 2014 and 2015 before its ratification of 2024).
        "treaty_dates": sorted(
            [("event", e.date, e) for e in events]
            + [("declaration", d.lodged, d) for d in declarations],
            key=lambda item: item[1],
        ),
        "host_sources": host_sources,
        "permalink": permalink,
        "citation": citation,
        "today": today,
        # Verified corrections ("corrected on …: the end date changed from … to …") and the
        # imports' changes ("corrected on … by dataset version …"), and for signed-in
        # reporters a link to suggest one (the newsroom's correction form).
        "corrections": correction_lines(
            review.corrections_of(visit) if visit.corrected else (),
            visit_history.import_corrections(visit) if visit.import_corrected else (),
        ),
        "may_correct": visit.review_state == ReviewState.VERIFIED
        and roles.may_report(request.user),
        # A withdrawn visit is restored to the record by a reviewed restoration (the
        # newsroom's restoration page), under its own address.
        "may_restore": visit.review_state == ReviewState.WITHDRAWN
        and roles.may_report(request.user),
        # Staff (any role) may open the visit's full history: who changed what, and when.
        "may_see_history": staff,
        # The self-check, a disagreement of the verdict with an ICC finding or a researcher's
        # note, is for staff only (docs/DOMAIN.md, "Self-check": import warnings and the
        # staff view), in the reader's words.
        "data_check": summaries.data_check_words(verdict.self_check)
        if staff and verdict is not None and verdict.self_check
        else None,
    }
    return render_page(request, "visits/visit_detail.html", context)
