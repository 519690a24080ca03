"""The newsroom's pages: dashboard, report form (new, edit, correction), preview, duplicates,
review and its actions. Every write goes through visits.review; every permission check
through core.roles (visits.review checks again, whoever calls it)."""

from __future__ import annotations

import datetime
import functools
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.defaults import page_not_found

from compliance import Period
from core import reasons, roles, tabular
from core.addresses import address_key
from core.names import country_name, format_date, in_sentence
from front.corrections import FIELD_NAMES, field_name, value_words
from front.summaries import report_names
from front.views.warrants import PERSON_SUGGESTIONS
from newsroom import places
from newsroom.forms import (
    WITHDRAWAL_SOURCES,
    BaseSourceFormSet,
    CommentForm,
    ReportForm,
    ThrottledPasswordResetForm,
    add_blank_source,
    mark_added_source,
    source_formset,
)
from newsroom.templatetags.newsroom_tags import SAVED_FORM, field_errors, source_errors
from states.models import State
from visits import review
from visits.history import field_name as citation_field_name
from visits.models import (
    TEXT_FIELDS,
    Basis,
    Report,
    ReportState,
    ReviewState,
    Verdict,
    VerdictCode,
    Visit,
    reevaluation_pending,
    verdict_label,
)
from warrants.models import Person

# The report form's buttons (its `action`), besides "add_to:<visit id>" (a duplicate's
# "Add the sources to this visit instead", which asks to confirm) and "file_sources:<visit
# id>" (its confirmation's "File the sources"): any other value is refused (unknown_action).
ACTIONS = ("preview", "draft", "submit", "add_source")
ADD_TO, FILE_SOURCES = "add_to:", "file_sources:"
# A correction or withdrawal still open to review or to its author's changes.
OPEN_STATES = (ReportState.SUBMITTED, ReportState.CHANGES_REQUESTED)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset page, with newsroom.forms.ThrottledPasswordResetForm: a
    request its client's IPv6 /48 may no longer make (the form's `refusal`) is given back
    with that reason and a 429, instead of the page that says a mail is on its way; every
    other request is answered as Django does."""

    form_class = ThrottledPasswordResetForm

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.refusal is None:
            return response
        form.add_error(None, form.refusal)
        return self.render_to_response(self.get_context_data(form=form), status=429)


# The sign-in page's query parameter saying that it answers a form sent after its session
# ended (staff_page): nothing of it was saved. TYPED when it was a report form's, whose
# typed work its script keeps in the browser (restored on the form after signing in);
# PRESSED when it was a button's or a form whose fields nothing keeps (a withdrawal's).
UNSAVED = "unsaved"
TYPED = "1"
PRESSED = "pressed"
# The report forms, whose typed work the form's script keeps in the browser until a save.
REPORT_FORMS = ("new", "edit", "correct")


def sent_from_a_kept_form(request) -> bool:
    """Whether POST `request` came from a report form whose fields its script keeps
    (report_form.html's #report-form, posting to its own address): not a button's address
    (BUTTON_PAGES), nor a withdrawal's or a restoration's reason reworded on its report's
    page, which posts to the edit address but is not that form (its `withdrawal_note`,
    `restoration_note`)."""
    try:
        match = resolve(request.path)
    except Http404:
        return False
    return (
        match.namespace == "newsroom"
        and match.url_name in REPORT_FORMS
        and "withdrawal_note" not in request.POST
        and "restoration_note" not in request.POST
    )


class SignInView(auth_views.LoginView):
    """Django's sign-in page, which says when it answers a form sent after the session
    ended (`?unsaved=…`, staff_page) or leads back to a report form (`next`): what was sent
    was not saved, and, only when it was that report form's (TYPED), that what was typed
    in this browser is restored on the form (newsroom-form.js); a button's or a
    withdrawal's (PRESSED) was not done, to be asked again."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self.get_redirect_url()
        try:
            match = resolve(urlsplit(target).path) if target else None
        except Http404:
            match = None
        ended = self.request.GET.get(UNSAVED)
        context["session_ended"] = ended in (TYPED, PRESSED)
        context["to_a_form"] = (
            match is not None and match.namespace == "newsroom" and match.url_name in REPORT_FORMS
        )
        # What was typed is restored only on the report form it was typed in.
        context["typed_kept"] = context["to_a_form"] and ended != PRESSED
        return context


# The newsroom's addresses that answer only a POST (a button's), each with the page its
# button is on: a report's actions are on the report's page, a withdrawal's form on the
# visit's correction page.
BUTTON_PAGES = {
    "submit": "report",
    "take-back": "report",
    "delete": "report",
    "verify": "report",
    "request-changes": "report",
    "reject": "report",
    "withdraw": "correct",
}


def page_of_button(path: str) -> str | None:
    """The page whose button posts to newsroom address `path` when that address answers
    only a POST (BUTTON_PAGES), None for any other address."""
    try:
        match = resolve(path)
    except Http404:
        return None
    if match.namespace != "newsroom" or match.url_name not in BUTTON_PAGES:
        return None
    return reverse(f"newsroom:{BUTTON_PAGES[match.url_name]}", kwargs=match.kwargs)


def submitted_message() -> str:
    """What an author is told once a report (or a withdrawal) is submitted for review."""
    return _("Submitted for review. Nothing of it is public until another person verifies it.")


def forbidden(request, message: str):
    """A 403 page in the site's look, saying why."""
    return render(request, "newsroom/forbidden.html", {"message": message}, status=403)


def staff_page(check=None):
    """Signed-in staff only: anonymous readers go to the sign-in page; a signed-in account
    without a newsroom role (or failing `check`) gets a 403, a record it may not read or
    that does not exist a 404 (Http404); the page is never cached."""

    def decorate(view):
        @never_cache
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                sign_in = reverse("newsroom:sign-in")
                back = request.get_full_path()
                if request.method == "POST":
                    # Sent after the session ended: nothing of it was saved, and the sign-in
                    # page says so (SignInView). An address that answers only a POST (a
                    # button's) leads back to the page the button was on, not to a 405.
                    kept = sent_from_a_kept_form(request)
                    sign_in += f"?{UNSAVED}={TYPED if kept else PRESSED}"
                    back = page_of_button(request.path) or back
                return redirect_to_login(back, sign_in)
            if not (roles.may_report(user) or roles.may_review(user)):
                return forbidden(request, _("This account has no role in the newsroom."))
            if check is not None and not check(user):
                return forbidden(request, _("Your role does not allow this."))
            try:
                return view(request, *args, **kwargs)
            except review.FourEyesError:
                return forbidden(
                    request,
                    _("Nobody may review their own report: another reviewer must do it."),
                )
            except PermissionDenied:
                return forbidden(request, _("Your role does not allow this."))
            except ReportNotFound:
                # No such report, or one this user may not read (visible_report): the
                # same answer, in the newsroom's words, never cached either.
                return report_not_found(request)
            except Http404 as missing:
                # No such record (a visit's address): the site's page, never cached either.
                return page_not_found(request, missing)

        return wrapped

    return decorate


def alerts_url() -> str:
    """The alerts' subscriptions page (the alerts app)."""
    return reverse("alerts:subscriptions")


# --- Dashboard -------------------------------------------------------------------------


# How many reviewed reports and queued ones the dashboard lists; the review queue's own
# page lists QUEUE_PAGE_SIZE at a time.
DASHBOARD_LIMIT = 20
QUEUE_PAGE_SIZE = 50


@staff_page()
def dashboard(request):
    """The staffer's reports in progress, the latest DASHBOARD_LIMIT reviewed ones (a
    verified one whose visit was since withdrawn says so, with a link to the visit's page,
    which gives the withdrawal's reason) and the head of the review queue
    (DASHBOARD_LIMIT, with its full count and a link to it)."""
    user = request.user
    mine = Report.objects.filter(author=user).select_related("visit").order_by("-updated_at")
    queue = review.review_queue(user)
    sent_back, answered = review.sent_back_by(user)
    context = {
        "roles": roles.roles_of(user),
        "may_report": roles.may_report(user),
        "may_review": roles.may_review(user),
        # Work in progress is listed whole: nothing of one's own is out of reach.
        "drafts": list(mine.filter(state=ReportState.DRAFT)),
        "changes_requested": list(mine.filter(state=ReportState.CHANGES_REQUESTED)),
        "submitted": list(mine.filter(state=ReportState.SUBMITTED)),
        "closed": list(
            mine.filter(state__in=(ReportState.VERIFIED, ReportState.REJECTED))[:DASHBOARD_LIMIT]
        ),
        "queue": list(queue[:DASHBOARD_LIMIT]),
        "queue_count": queue.count() if roles.may_review(user) else 0,
        # What this reviewer sent back: still with its author, or answered and queued again.
        **bounded("sent_back", sent_back.order_by("-reviewed_at", "-pk")),
        **bounded("answered", answered.order_by("-submitted_at", "-pk")),
        "alerts_url": alerts_url(),
    }
    for r in context["queue"] + context["answered"] + context["sent_back"]:
        r.stale = review.is_stale(r)  # their visits are read with them: no query
    for key in ("drafts", "changes_requested", "submitted", "queue", "answered", "sent_back"):
        for r in context[key]:
            # A correction whose visit was withdrawn since: no edit brings it up to date
            # (`stale` would say so); the day it was withdrawn, or None.
            r.withdrawn_under = withdrawn_under_on(r)
    for r in context["closed"]:
        # Verified, then its visit withdrawn by a later withdrawal (verified: the visit's
        # review state): "verified" alone would say the report still stands on the record.
        # Its visit is read with it: no query.
        r.visit_withdrawn = (
            r.state == ReportState.VERIFIED
            and not r.is_withdrawal
            and r.visit is not None
            and r.visit.review_state == ReviewState.WITHDRAWN
        )
    describe(
        [
            r
            for key in (
                "drafts",
                "changes_requested",
                "submitted",
                "closed",
                "queue",
                "sent_back",
                "answered",
            )
            for r in context[key]
        ]
    )
    return render(request, "newsroom/dashboard.html", context)


def withdrawn_under_on(report: Report) -> datetime.date | None:
    """The day the visit of open correction `report` was withdrawn from the record, when
    it was since the correction was begun (visits.review.withdrawn_under: it can no
    longer be verified, nor brought up to date); else None. Its visit is read with it."""
    return review.withdrawn_on(report.visit) if review.withdrawn_under(report) else None


def bounded(key: str, reports) -> dict:
    """{key: the first DASHBOARD_LIMIT of `reports`, key + "_count": how many there are}:
    counted only when the list is full (one query less on most dashboards)."""
    head = list(reports[:DASHBOARD_LIMIT])
    count = reports.count() if len(head) == DASHBOARD_LIMIT else len(head)
    return {key: head, f"{key}_count": count}


def describe(reports) -> None:
    """Give each report a title for lists, its dates as the visit's public page writes
    them: 'Vladimir Putin in Tajikistan, 15–16 October 2024'."""
    words = report_names(reports)  # two queries for the whole list
    for r in reports:
        said = words[r.pk]
        r.title = _("%(person)s in %(host)s, %(dates)s") % {
            "person": said["person"] or "?",
            "host": said["host"] or value_words("host", None),
            "dates": said["dates"],
        }


# --- The report form -----------------------------------------------------------------


# A source published this long before the visit began more likely reports another trip.
SOURCE_DOUBT_DAYS = 365


def source_doubts(data: dict, citations) -> list[str]:
    """Sentences for the preview on the sources published more than SOURCE_DOUBT_DAYS
    before the visit's first possible day (`citations`: the report's, their `published`
    ISO dates): such a source more likely reports another trip (an entry once cited
    articles about other countries' visits). A hint for the reporter and the reviewer,
    not a refusal; [] without a start date."""
    try:
        start = Period.parse(data.get("start") or "")
    except ValueError:
        return []
    doubts = []
    for number, citation in enumerate(citations or (), start=1):
        try:
            published = datetime.date.fromisoformat(citation.get("published") or "")
        except ValueError:
            continue
        if (start.first - published).days > SOURCE_DOUBT_DAYS:
            doubts.append(
                _(
                    "Source %(number)d was published on %(published)s, more than a year before "
                    "the visit (%(start)s): check that it reports this trip."
                )
                % {
                    "number": number,
                    "published": format_date(published),
                    "start": format_date(start.first, start.precision),
                }
            )
    return doubts


def preview_of(data: dict, citations=(), completed_urls=(), visit=None) -> dict:
    """The rule's verdict on the report's data, with its explanation in the reader's language,
    and, when the host is a territory of a State, that State's name (`territory_of`): the
    rule reads such a host by its own timeline, as a state that is not a party.
    `completed_urls`: (source number, field, address) of the addresses typed without a
    scheme (BaseSourceFormSet.completed_urls), said in the preview so the reporter checks
    them. `visit`: the published visit a correction changes, whose ICC findings the
    verdict reads as the published verdict does. Data the rule cannot evaluate yet gives
    {"code": "", "unready": a sentence naming the fields it lacks or refuses}."""
    try:
        verdict = review.preview(data, visit=visit)
    except ValidationError as error:
        return {"code": "", "unready": unready(error)}
    owner = (
        State.objects.filter(iso3=data.get("host") or "", territory_of__isnull=False)
        .values_list("territory_of__iso3", "territory_of__name")
        .first()
    )
    return {
        "code": verdict.code,
        "label": (
            verdict_label(verdict.code, verdict.would_have_been_bound)
            if verdict.code in VerdictCode.values
            else ""
        ),
        "basis": Basis(verdict.basis).label if verdict.basis in Basis.values else "",
        # The host's justification it quotes marked with the language the report says it
        # is in, where the page is in another (core.reasons.render_html).
        "explanation": reasons.render_html(
            verdict.reasons, review.normalise(data)["text_language"]
        ),
        # A host that is a territory of a State (states.territories), as the importer warns.
        "territory_of": in_sentence(country_name(*owner)) if owner else "",
        "source_doubts": [*completed_notes(completed_urls), *source_doubts(data, citations)],
    }


def in_a_list(items: list[str]) -> str:
    """Words joined as a sentence lists them: "a", "a and b", "a, b and c"."""
    if len(items) < 2:
        return "".join(items)
    return pgettext("list", "%(items)s and %(last)s") % {
        "items": ", ".join(items[:-1]),
        "last": items[-1],
    }


def unready(error: ValidationError) -> str:
    """Why the rule cannot evaluate a report yet, from visits.review.preview's refusal
    (`error`, {field: messages}): the report's fields it lacks or refuses, named as a
    correction names them ("complete or correct the outcome"), in the form's order; the
    fields the rule needs when it names none of them."""
    refused = getattr(error, "error_dict", {}).keys()
    named = [field_name(field) for field in FIELD_NAMES if field in refused]
    if not named:
        return _("The rule cannot evaluate this report yet: complete the person, host and dates.")
    return _("The rule cannot evaluate this report yet: complete or correct %(fields)s.") % {
        "fields": in_a_list(named)
    }


def completed_notes(completed_urls) -> list[str]:
    """One sentence per address typed without a scheme and completed with https://, from
    (source number, field, address) triples (BaseSourceFormSet.completed_urls), naming the
    source's address or its archived copy's: said in the preview, and after a report is
    saved without one, so that the reporter checks that it opens."""
    notes = []
    for number, field, url in completed_urls:
        if field == "archived_url":
            note = _(
                "Source %(number)d's archived copy was typed without https:// and is read "
                "as %(url)s: check that it opens."
            )
        else:
            note = _(
                "Source %(number)d's address was typed without https:// and is read as "
                "%(url)s: check that it opens."
            )
        notes.append(note % {"number": number, "url": url})
    return notes


def apply_service_errors(
    error: ValidationError, form, sources, cited: str = "citations", *, partly: bool = False
) -> list[str]:
    """Put visits.review's {field: message} errors next to their fields (`form`'s, None
    for a page without one, and the sources formset's, whose errors the service names
    `<cited>.<index>.<field>`: a report's `citations`, a withdrawal's
    `withdrawal_citations`); return the rest. The service numbers the citations it was
    given (`sources.citations()`, blank forms left out; with `partly`, the sources the form
    refused too, each refused field blank: BaseSourceFormSet.numbered_citations): each
    refusal goes to the form that citation came from, not to a blank one before it; one
    of a field that form refused already is left out (the form said it: a URL refused
    for its space is given as "", which filing refuses too)."""
    rest = []
    numbered = (
        [index for index, _ in sources.numbered_citations(partly=partly)]
        if sources is not None
        else []
    )
    for field, messages_ in getattr(error, "message_dict", {"__all__": error.messages}).items():
        if field.startswith(cited + "."):
            _, index, name = (field.split(".") + ["", ""])[:3]
            try:
                source = sources.forms[numbered[int(index)]]
            except (IndexError, ValueError):
                pass
            else:
                if not name or name not in source.errors:
                    source.add_error(name or None, messages_)
                continue
        elif form is not None and field in form.fields:
            form.add_error(field, messages_)
            continue
        rest.extend(messages_)
    return rest


# A refusal of filing is said with the form's own errors only when its field and all it
# reads (visits.review.FILING_READS) were accepted by the form.
FILING_READS = review.FILING_READS


def filing_refusals(
    form: ReportForm, sources, *, new: bool, visit: Visit | None = None
) -> list[str]:
    """Check a report the form or its sources refused as filing would check it
    (visits.review.resolve, `new` for a report that is not a correction, `visit` the visit
    a correction corrects), on what they
    accepted, and put each refusal beside its field (`apply_service_errors`), so that one
    answer says every error: the form's own and the filing's (a date before 1900, a source
    that is not public or published in the future), not the filing's only once the form's
    are fixed. A refusal is left out when its field, or one it reads (FILING_READS), already
    has an error, and so is "no source" (the sources formset says it); returns the
    refusals that name no field of the page."""
    # A source the form refused is cited with what it accepted, each refused field blank
    # (its URL ""): its URL cited twice, or its archived copy inside a network, is said with
    # its date that is not one, and its date in the future with its URL holding a space.
    cited = [c for _, c in sources.numbered_citations(partly=True)]
    try:
        review.resolve(form.report_data(), cited, new=new, visit=visit)
    except ValidationError as error:
        kept = {
            field: messages_
            for field, messages_ in error.message_dict.items()
            if field != "citations"
            and field not in form.errors
            and not any(read in form.errors for read in FILING_READS.get(field, ()))
        }
        return (
            apply_service_errors(ValidationError(kept), form, sources, partly=True) if kept else []
        )
    return []


def withdrawal_source_refusals(sources) -> None:
    """Check a withdrawal's sources that the form refused (`sources`, its formset) as
    filing would check them (visits.review.resolve_citations), on what the form accepted
    of each, and put each refusal beside its field (`apply_service_errors`): a source's
    publication date in the future is said with its address holding a space, not once
    that is fixed, as a report's are (`filing_refusals`)."""
    cited = [c for _, c in sources.numbered_citations(partly=True)]
    refused = review.resolve_citations(cited, review.WITHDRAWAL_CITATIONS)[1]
    # Their number (too many) is the formset's own refusal, said already.
    kept = {field: said for field, said in refused.items() if "." in field}
    if kept:
        apply_service_errors(
            ValidationError(kept), None, sources, review.WITHDRAWAL_CITATIONS, partly=True
        )


def withdrawn_among(duplicates) -> bool:
    """Whether a visit withdrawn from the record is among `duplicates` (the visits
    visits.review.possible_duplicates lists, each with its `withdrawn_on`): the
    confirmation asked of the reporter ("another visit") and of the reviewer ("a
    different visit") then also says the withdrawn trip belongs on the record all the
    same, as the refusal asks (duplicate_question, visits.review.verify)."""
    return any(getattr(d, "withdrawn_on", None) is not None for d in duplicates)


def render_form(request, *, form, sources, report=None, visit=None, status=200, **extra):
    # The host as the form cleans it, never the value sent (newsroom.forms.chosen_host).
    data_host = form.chosen_host() if form else None
    person_choices = places.person_choices()
    if person_choices is None and form is not None:
        # Too many persons to list: the box asks the persons search as the reporter types.
        form.fields["person"].widget.attrs.update(
            {"data-suggest": PERSON_SUGGESTIONS, "data-suggest-value": "name"}
        )
    context = {
        "form": form,
        "sources": sources,
        "report": report,
        "visit": visit,
        "place_suggestions": places.place_suggestions(data_host),
        "person_choices": person_choices or [],
        "persons_suggested": person_choices is None,
        # Colleagues' corrections or withdrawals of this visit awaiting review.
        "open_proposals": proposals_in_words(request, review.open_proposals(visit, exclude=report))
        if visit is not None
        else [],
        # A correction's form carries the visit's version it was first filled from, signed;
        # shown again, it keeps the one it came with.
        "based_on": (
            request.POST.get("based_on", "") if request.method == "POST" else signed_version(visit)
        )
        if visit is not None and (report is None or request.method == "POST")
        else "",
        # An edit's form carries the version of the report it was filled from; shown
        # again, it keeps the one it came with, so that a save never overwrites unseen a
        # save made meanwhile (another window).
        "seen": request.POST.get("seen", "")
        if request.method == "POST"
        else (review.version_of(report) if report is not None else ""),
        **extra,
    }
    # A withdrawn visit of the trip among those listed: the "another visit" tick covers
    # putting the trip back on the record too (duplicate_question asks either).
    context["withdrawn_among"] = withdrawn_among(context.get("duplicates") or ())
    if visit is not None and report is None and "withdrawal_sources" not in context:
        # The page's other form, to withdraw the visit: its sources, none required.
        context["withdrawal_sources"] = withdrawal_sources_form()
    return render(request, "newsroom/report_form.html", context, status=status)


def withdrawal_sources_form(post=None, initial=None):
    """A withdrawal's sources formset (prefix WITHDRAWAL_SOURCES, none required): bound to
    `post`, or with `initial` (citations) and one blank source after them. A POST from a
    form without it (opened before withdrawals cited sources) gives None: the sources are
    left as they are."""
    if post is None:
        return source_formset(initial=initial, extra_blank=1, prefix=WITHDRAWAL_SOURCES)
    if f"{WITHDRAWAL_SOURCES}-TOTAL_FORMS" not in post:
        return None
    return source_formset(post, prefix=WITHDRAWAL_SOURCES)


def unchecked_sources(formset):
    """`formset` (bound) shown as filled without its errors: nothing was checked yet."""
    formset.is_valid()
    for each in formset.forms:
        each._errors = ErrorDict()
    formset._non_form_errors = formset.error_class()
    return formset


def changed_since_begun(
    request, kept: list[dict], visit: Visit, report: Report | None = None, *, reason="", reply=""
):
    """The correction form again after the visit changed under it (visits.review.is_stale):
    nothing filed or submitted; the fields and the sources show the visit as it now stands
    (a source added to it meanwhile stays cited), with the sources the reporter had that
    it does not cite added back (`kept`: citations), their reason and answer to the
    reviewer kept. The form carries the visit's new version, signed (for an edit, bound to
    the report: `rebuilt_version`). Submitting the old form would file a correction that
    no reviewer could verify, or, rebuilt from its own sources, one that would drop a
    source added meanwhile. `report`: the correction being edited, if any."""
    initial = ReportForm.initial_from(review.report_data_of(visit))
    initial["reason"], initial["reply"] = reason, reply
    current = review.citations_of(visit)
    cited = {address_key(c.get("url")) for c in current}
    citations = [
        *current,
        *(c for c in kept if c.get("url") and address_key(c.get("url")) not in cited),
    ]
    when = timezone.localtime(visit.updated_at)
    return render_form(
        request,
        form=ReportForm(initial=initial),
        sources=source_formset(initial=citations, extra_blank=1, visit=visit),
        report=report,
        visit=visit,
        based_on=signed_version(visit) if report is None else rebuilt_version(visit, report),
        service_errors=[
            (
                _(
                    "The visit changed on %(date)s at %(time)s UTC, after you opened this form: "
                    "nothing was filed. The form now shows the visit as it stands, its sources "
                    "with yours, and your reason: make your change again, then submit."
                )
                if report is None
                else _(
                    "The visit changed on %(date)s at %(time)s UTC, after this correction was "
                    "begun: as it was, no reviewer could verify it. The form now shows the "
                    "visit as it stands, its sources with yours, and your reason: make your "
                    "change again, then submit."
                )
            )
            % {"date": format_date(when.date()), "time": when.strftime("%H:%M")}
        ],
    )


def may_open(user, report: Report) -> bool:
    """Whether `user` may open `report`'s page (`visible_report`): their own, or any but a
    colleague's draft for a reviewer, any for an admin (visits.review.may_read)."""
    return review.may_read(user, report)


def proposals_in_words(request, reports: list[Report]) -> list[dict]:
    """Open proposals on a visit as the page lists them: {"label", "url"}, the url only
    for one this user may open (`may_open`)."""
    listed = []
    for r in reports:
        if r.is_withdrawal:
            kind = _("a withdrawal")
        elif r.is_restoration:
            kind = _("a restoration")
        else:
            kind = _("a correction")
        label = _("report %(pk)s, %(kind)s by %(author)s, %(state)s") % {
            "pk": r.pk,
            "kind": kind,
            "author": r.author.get_username(),
            "state": r.get_state_display(),
        }
        url = reverse("newsroom:report", args=[r.pk]) if may_open(request.user, r) else ""
        listed.append({"label": label, "url": url})
    return listed


def pending_in_words(user, reports: list[Report]) -> dict:
    """The form's note on reports of the same trip (visits.review.pending_duplicates):
    {"pending_count": all of them, "pending_filed": those filed (not drafts),
    "pending_reports": [{"pk", "url", "mine", "state", "state_label", "author"}] for those
    `user` may open (`may_open`: their own, or any filed one for a reviewer), each with a
    link to its page, where its author takes it back from review and adds to it}."""
    return {
        "pending_count": len(reports),
        "pending_filed": sum(r.state != ReportState.DRAFT for r in reports),
        "pending_reports": [
            {
                "pk": r.pk,
                "url": reverse("newsroom:report", args=[r.pk]),
                "mine": r.author_id == user.pk,
                "state": r.state,
                "state_label": r.get_state_display(),
                "author": r.author.get_username(),
            }
            for r in reports
            if may_open(user, r)
        ],
    }


def duplicate_question(duplicates: list, pending: list[Report]) -> str:
    """What a Submit held back by the same trip asks, by what matched it: a visit already
    recorded (`duplicates` not withdrawn), a visit of the trip withdrawn from the record
    (visits.review.possible_duplicates' `withdrawn_on`), a report already filed by anyone
    (`pending` not drafts), or only the author's own drafts of it (pending_duplicates with
    `author`)."""
    if any(d.withdrawn_on is None for d in duplicates):
        return _(
            "Add the source to the visit already recorded, or confirm that this is another visit."
        )
    if duplicates:
        return _(
            "A visit of this trip was withdrawn from the record: read why, then confirm that "
            "this is another visit, or that the trip belongs on the record all the same."
        )
    if any(r.state != ReportState.DRAFT for r in pending):
        return _(
            "Confirm that this is another visit, or keep it as a draft until the report "
            "already filed is reviewed."
        )
    return _(
        "You have a draft of this trip: add to it instead, or confirm that this is another visit."
    )


def already_filed(request, existing: Report, mine: str):
    """Where a report identical to an open one (visits.review.DuplicateReport) leads: the
    open report's page when this user may read it, saying `mine` when it is their own, or
    who filed it; otherwise the dashboard, saying who filed it and where it stands, rather
    than a page this user may not open. Nothing was filed twice either way."""
    state = existing.get_state_display()
    if existing.author_id == request.user.pk:
        messages.warning(request, mine)
        return redirect("newsroom:report", existing.pk)
    words = {"author": existing.author.get_username(), "pk": existing.pk, "state": state}
    if roles.may_review(request.user):
        messages.warning(
            request,
            _(
                "%(author)s already filed the same report (%(state)s): here it is; yours was not filed twice."
            )
            % words,
        )
        return redirect("newsroom:report", existing.pk)
    messages.warning(
        request,
        _(
            "%(author)s already filed the same report (report %(pk)s, %(state)s); yours was "
            "not filed twice. A reviewer reads theirs."
        )
        % words,
    )
    return redirect("newsroom:dashboard")


def report_form(request, *, report: Report | None = None, visit: Visit | None = None):
    """New report, an author's edit of a draft, or a correction of a published visit."""
    corrected = visit or (report.visit if report is not None and report.is_correction else None)
    if request.method != "POST":
        if report is not None and corrected is not None and _changed_since(report):
            return changed_since_begun(
                request,
                report.citations,
                corrected,
                report,
                reason=report.reason,
                reply=report.reply,
            )
        if report is not None and request.session.pop(CHECKED_ON_EDIT, None) == report.pk:
            # Sent here by Submit for review on the report's page (report_submit): the
            # draft as saved, with every error Submit on this form would give.
            form, sources, rest = submit_check(
                posted_from(report, corrected), report=report, corrected=corrected
            )
            return render_form(
                request,
                form=form,
                sources=sources,
                report=report,
                visit=corrected,
                service_errors=rest,
            )
        if report is not None:
            initial, citations = ReportForm.initial_from(report.data), report.citations
            initial["reply"], initial["reason"] = report.reply, report.reason
        elif visit is not None:
            initial = ReportForm.initial_from(review.report_data_of(visit))
            citations = review.citations_of(visit)
        else:
            initial = {k: v for k, v in request.GET.items() if k in ReportForm.base_fields}
            citations = []
        return render_form(
            request,
            form=ReportForm(initial=initial),
            sources=source_formset(
                initial=citations, extra_blank=1 if citations else 2, visit=corrected
            ),
            report=report,
            visit=corrected,
        )

    action = request.POST.get("action", "preview")
    if action not in ACTIONS and not action.startswith((ADD_TO, FILE_SOURCES)):
        return unknown_action(request, action, report=report, visit=corrected)
    if action == "add_source":
        post = add_blank_source(request.POST)
        # One more source form, which takes the focus; not a check yet: no errors are shown.
        form, sources = unchecked(post, corrected)
        mark_added_source(sources, request.POST)
        return render_form(request, form=form, sources=sources, report=report, visit=corrected)
    draft = action == "draft"
    form = ReportForm(request.POST, draft=draft)
    sources = source_formset(request.POST, visit=corrected, draft=draft)
    form_ok, sources_ok = form.is_valid(), sources.is_valid()
    if (
        corrected is not None
        and action == "submit"
        and "reason" not in form.errors
        and not form.cleaned_data.get("reason")
    ):
        # A change to a fact behind a verdict says why, to its reviewer and its readers;
        # said with the form's other errors, not once they are fixed.
        form.add_error(
            "reason",
            _("Say why the visit should change: the reviewer reads it, and readers see it."),
        )
        form_ok = False
    if (
        action == "submit"
        and report is not None
        and report.state == ReportState.CHANGES_REQUESTED
        and "reply" not in form.errors
        and not form.cleaned_data.get("reply")
    ):
        # Sent back for changes: submitted again only with the author's answer, checked
        # before the edit is saved, so that a refusal changes nothing
        # (visits.review.submit refuses it as well, whoever asks); said with the form's
        # other errors, so that the author is not refused twice.
        form.add_error("reply", review.ANSWER_FIRST)
        form_ok = False
    if not form_ok or not (
        sources_ok or (draft and not any(sources.errors) and not sources.too_many())
    ):
        # A draft is saved as typed: only what cannot be kept as typed (a person not found,
        # a date that is not one, more sources than a report may cite) holds it back, and
        # only that is listed, never what it lacks to be submitted (a source). A preview or
        # a submission is told at once what filing would refuse as well.
        if draft:
            sources.keep_draft_errors()
        rest = (
            [] if draft else filing_refusals(form, sources, new=corrected is None, visit=corrected)
        )
        return render_form(
            request,
            form=form,
            sources=sources,
            report=report,
            visit=corrected,
            service_errors=rest,
        )
    data, citations = form.report_data(), sources.citations()
    # A new visit's: withdrawn visits of the trip too, told as such (not published again
    # unseen); a correction's: the others not withdrawn.
    duplicates = review.possible_duplicates(data, exclude=corrected, withdrawn=corrected is None)
    if report is not None and report.visit_id and not report.is_correction:
        duplicates = [d for d in duplicates if d.pk != report.visit_id]
    # Reports of the same trip already filed, and the author's own drafts of it: linked
    # when the author may open them (pending_in_words), counted otherwise.
    pending = (
        []
        if corrected is not None
        else review.pending_duplicates(data, exclude=report, author=request.user)
    )

    def again(**extra):
        """The form again, as filled, with `extra` (a preview, errors) and the duplicates."""
        return render_form(
            request,
            form=form,
            sources=sources,
            report=report,
            visit=corrected,
            duplicates=duplicates,
            **pending_in_words(request.user, pending),
            **extra,
        )

    if action.startswith((ADD_TO, FILE_SOURCES)):
        return add_to_existing(
            request,
            action.partition(":")[2],
            duplicates,
            data,
            sources,
            again,
            confirmed=action.startswith(FILE_SOURCES),
            origin=report,
        )
    if action == "preview":
        try:
            # What filing would refuse (a date out of range, a visit that took place in the
            # future, a source's address or date) is said next to its field now, not only on
            # Submit; a form without a source yet is previewed all the same.
            review.resolve(
                data,
                citations or [{"url": "https://preview.invalid/"}],
                new=corrected is None,
                visit=corrected,
            )
        except ValidationError as error:
            return again(service_errors=apply_service_errors(error, form, sources))
        return again(
            preview=preview_of(data, citations, sources.completed_urls(), corrected), previewed=True
        )
    if action == "submit" and (duplicates or pending) and not request.POST.get("not_duplicate"):
        return again(
            preview=preview_of(data, citations, sources.completed_urls(), corrected),
            previewed=True,
            duplicate_error=duplicate_question(duplicates, pending),
        )
    based_on = _based_on(request, corrected) if report is None and corrected is not None else None
    if report is None and corrected is not None and based_on is None:
        return again(
            service_errors=[
                _(
                    "This form does not say from which version of the visit it was filled "
                    "(it was altered). Nothing was filed: open the visit's correction form "
                    "again, which shows the visit as it stands."
                )
            ]
        )
    said = {"reason": form.cleaned_data["reason"], "reply": form.cleaned_data["reply"]}
    if based_on is not None and not draft and corrected.updated_at > based_on:
        return changed_since_begun(request, citations, corrected, **said)
    # An edit of a correction: from the version it was begun from, or the version its
    # form was rebuilt from after the visit changed (`based_on`, signed for this report).
    rebased = None
    if report is not None and corrected is not None and request.POST.get("based_on"):
        rebased = _rebuilt_from(request, corrected, report)
    if (
        report is not None
        and corrected is not None
        and not draft
        and _changed_since(report, rebased)
    ):
        return changed_since_begun(request, citations, corrected, report, **said)
    saved = None  # the version of the report this request saved, if it did
    try:
        if report is None:
            report = review.file_report(
                author=request.user,
                data=data,
                citations=citations,
                visit=corrected,
                submit=not draft,
                based_on=based_on,
                reason=form.cleaned_data["reason"] if corrected is not None else "",
                # The person the form's person box read (front.search.report_person):
                # resolve does not read it again.
                person=form.person_obj,
            )
        else:
            report = review.update_report(
                report,
                request.user,
                data=data,
                citations=citations,
                reply=form.cleaned_data["reply"]
                if report.state == ReportState.CHANGES_REQUESTED
                else None,
                reason=form.cleaned_data["reason"] if report.is_correction else None,
                based_on=rebased,
                # The version of the report the form was filled from; a form without it
                # is refused (""), never saved unchecked (None).
                seen=request.POST.get("seen", ""),
            )
            saved = review.version_of(report)
            if not draft:
                report = review.submit(report, request.user)
    except review.DuplicateReport as duplicate:
        return already_filed(
            request, duplicate.existing, _("You already filed this report: here it is.")
        )
    except ValidationError as error:
        if review.is_stale_refusal(error):
            # Saved meanwhile, or a form that did not say from which version: the form as
            # typed, now carrying the report's version, so that saving it again replaces
            # the report knowingly. The summary gives that reason only: a draft is never
            # told what it lacks to be submitted (a source), which did not hold it back.
            current = review.version_of(Report.objects.get(pk=report.pk))
            if draft:
                sources._non_form_errors = sources.error_class()
            return again(service_errors=error.message_dict["seen"], seen=current)
        # The edit saved, its submission refused: the form now answers this save, not the
        # version it was opened at (which would read as another window's save).
        kept = {"seen": saved} if saved is not None else {}
        return again(service_errors=apply_service_errors(error, form, sources), **kept)
    if draft:
        if report.state == ReportState.CHANGES_REQUESTED:
            # Saved, it is still the reviewer's request to answer: it stays sent back (in
            # the author's "Changes requested of me", the reviewer's "Sent back by you"),
            # not a draft, until it is submitted again or deleted.
            messages.success(
                request,
                _(
                    "Saved. It stays sent back to you: the reviewer reads it again once "
                    "you submit it."
                ),
            )
        else:
            messages.success(request, _("Draft saved. It is not sent for review yet."))
        missing = still_missing(request.POST, report=report, corrected=corrected)
        if missing:
            messages.warning(request, _("Before it can be submitted for review:"))
            for item in missing:
                messages.warning(request, item)
    else:
        messages.success(request, submitted_message())
    forget_typed_form(request)
    # Saved without a preview: the addresses completed with https:// are said here instead.
    for note in completed_notes(sources.completed_urls()):
        messages.warning(request, note)
    return redirect("newsroom:report", report.pk)


def submit_check(
    post, *, report: Report | None, corrected: Visit | None
) -> tuple[ReportForm, BaseSourceFormSet, list[str]]:
    """The report form and its sources bound to `post` (the report form's POST) and checked
    as Submit for review checks them: each error beside its field (the form's, the
    sources', those filing would add: `filing_refusals`, a correction's missing reason, a
    report sent back's missing answer), with the refusals that name no field of the page."""
    form, sources = ReportForm(post), source_formset(post, visit=corrected)
    form.is_valid()
    sources.is_valid()
    rest = filing_refusals(form, sources, new=corrected is None, visit=corrected)
    if (
        corrected is not None
        and not form.cleaned_data.get("reason")
        and "reason" not in form.errors
    ):
        form.add_error(
            "reason",
            _("Say why the visit should change: the reviewer reads it, and readers see it."),
        )
    if (
        report is not None
        and report.state == ReportState.CHANGES_REQUESTED
        and not form.cleaned_data.get("reply")
        and "reply" not in form.errors
    ):
        form.add_error("reply", review.ANSWER_FIRST)
    return form, sources, rest


def still_missing(post, *, report: Report | None, corrected: Visit | None) -> list[str]:
    """What Submit for review would refuse in the draft just saved from `post` (the report
    form's POST: `submit_check`), each as "Field: message" ("Source 2 — URL: …"), in the
    page's order: the form's errors, the sources', then the rest. [] for a draft ready to
    submit. Said once the draft is saved, as a notice: none of it kept the draft from being
    saved."""
    form, sources, rest = submit_check(post, report=report, corrected=corrected)
    colon = pgettext("between a label and what follows", ":")
    items = [f"{label}{colon} {message}" for _id, label, message in field_errors(form)]
    for _id, number, label, message in source_errors(sources):
        where = (
            _("Source %(n)s — %(label)s") % {"n": number, "label": label}
            if label
            else _("Source %(n)s") % {"n": number}
        )
        items.append(f"{where}{colon} {message}")
    return [*items, *sources.non_form_errors(), *rest]


def posted_from(report: Report, corrected: Visit | None = None) -> dict:
    """The POST the edit form of `report` (a report's, not a withdrawal's) sends when
    nothing in it is changed: its fields as the form shows them, and its sources with the
    blank ones the form adds after them (`corrected`: the visit a correction corrects)."""
    initial = ReportForm.initial_from(report.data)
    initial["reply"], initial["reason"] = report.reply, report.reason
    form = ReportForm(initial=initial)
    sources = source_formset(
        initial=report.citations, extra_blank=1 if report.citations else 2, visit=corrected
    )
    post = {}
    for shown in (form, sources.management_form, *sources.forms):
        for field in shown:
            value = field.value()
            if isinstance(field.field, forms.BooleanField):
                if value:
                    post[field.html_name] = "on"
            else:
                post[field.html_name] = "" if value is None else str(value)
    return post


def refused_on_submit(form: ReportForm, sources: BaseSourceFormSet, rest: list[str]) -> bool:
    """Whether `submit_check`'s answer holds an error, beside a field or not."""
    return bool(form.errors or sources.total_error_count() or rest)


def forget_typed_form(request) -> None:
    """Note that the report form at this request's path was saved: the next newsroom page
    (newsroom/base.html, the `saved_form` tag) tells the form's script to forget what it
    kept of it in the browser for a session that ends before a save."""
    request.session[SAVED_FORM] = request.path


def unchecked(post, corrected: Visit | None = None) -> tuple[ReportForm, BaseSourceFormSet]:
    """The report form and its sources bound to `post`, shown as filled without their
    errors: nothing was checked for the reporter yet (`corrected`: the visit a correction
    corrects, whose sources it may keep however many)."""
    form = ReportForm(post)
    form.is_valid()
    form._errors = ErrorDict()
    return form, unchecked_sources(source_formset(post, visit=corrected))


# How much of an unknown action the refusal quotes.
ACTION_SHOWN = 40


def unknown_action(request, action: str, *, report: Report | None, visit: Visit | None):
    """The report form again, as filled, with status 400, for an `action` that is none of
    its buttons (ACTIONS, "add_to:<id>"): nothing is previewed, saved or submitted. It was
    once read as Submit, without the duplicates check that Submit asks for."""
    form, sources = unchecked(request.POST, visit)
    shown = action if len(action) <= ACTION_SHOWN else action[: ACTION_SHOWN - 1] + "…"
    return render_form(
        request,
        form=form,
        sources=sources,
        report=report,
        visit=visit,
        status=400,
        service_errors=[
            (
                # Its buttons by their labels (a report sent back is saved, never a draft).
                _(
                    "The form was sent with an action it does not know (“%(action)s”): "
                    "nothing was saved or submitted. Press one of its buttons: Preview, Save "
                    "without submitting or Submit for review."
                )
                if report is not None and report.state == ReportState.CHANGES_REQUESTED
                else _(
                    "The form was sent with an action it does not know (“%(action)s”): "
                    "nothing was saved or submitted. Press one of its buttons: Preview, Save "
                    "as draft or Submit for review."
                )
            )
            % {"action": shown}
        ],
    )


def _changed_since(report: Report, rebased: datetime.datetime | None = None) -> bool:
    """Whether the visit a correction `report` changes has changed since the version the
    correction was begun from (or `rebased`, the version its form was rebuilt from)."""
    return report.visit.updated_at > (rebased or report.based_on or report.created_at)


def signed_version(visit: Visit) -> str:
    """What the correction form carries in its hidden `based_on` field
    (visits.review.signed_version)."""
    return review.signed_version(visit)


# The salt of the version a correction's edit form carries once rebuilt from its visit as
# it stands (changed_since_begun): bound to the report as well as to the visit, so that a
# token from the visit's own correction page cannot move an older correction forward.
_REBUILT_SALT = "newsroom.correction.rebuilt"


def rebuilt_version(visit: Visit, report: Report) -> str:
    """The visit's version an edit form of correction `report` was rebuilt from, signed."""
    return signing.dumps(
        {"visit": visit.pk, "report": report.pk, "version": visit.updated_at.isoformat()},
        salt=_REBUILT_SALT,
    )


def _rebuilt_from(request, visit: Visit, report: Report) -> datetime.datetime | None:
    """The version `rebuilt_version` signed in the POSTed `based_on`, or None when it is
    absent, altered, or signed for another visit or report."""
    try:
        token = signing.loads(request.POST.get("based_on", ""), salt=_REBUILT_SALT)
        value = datetime.datetime.fromisoformat(token["version"])
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return None
    if token.get("visit") != visit.pk or token.get("report") != report.pk or value.tzinfo is None:
        return None
    return value


def _based_on(request, visit: Visit) -> datetime.datetime | None:
    """The version of `visit` the correction page was filled from (its hidden, signed
    `based_on` field), None when absent, altered, not signed by the site or signed for
    another visit (visits.review.signed_version_of)."""
    return review.signed_version_of(request.POST.get("based_on", ""), visit)


# How much of a source's address the reason written for "Add the sources to this visit
# instead" quotes: a longer one is cut, ending with "…" (the report's sources keep it whole).
SOURCE_URL_SHOWN = 100


def added_sources_reason(added: list[dict]) -> str:
    """The reason written for the reporter when the sources `added` (citations, each with
    its "url") are added to a recorded visit: which sources the correction brings, in
    English (shown in the reader's language by core.reasons.correction_reason), at most
    visits.review.REASON_MAX_LENGTH characters whatever they are (the form takes
    visits.reports.SOURCES_MAX sources, each address up to 1,000 characters), so that its
    author can keep it as it stands when the correction is sent back. An address longer than
    SOURCE_URL_SHOWN is cut, ending with "…"; those that do not fit are counted ("and 3
    more"). The report's sources keep every address whole, and the reviewer reads them."""
    shown = [
        url if len(url) <= SOURCE_URL_SHOWN else url[: SOURCE_URL_SHOWN - 1] + "…"
        for url in (c["url"] for c in added)
    ]
    for count in range(len(shown), 0, -1):
        urls, rest = ", ".join(shown[:count]), len(shown) - count
        # Kept in English, whatever its filer's language: a reader reads it in theirs
        # (core.reasons.correction_reason).
        with translation.override("en"):
            reason = reasons.added_sources_words(urls, rest)
        # One address (SOURCE_URL_SHOWN at most) and the sentence always fit.
        if len(reason) <= review.REASON_MAX_LENGTH or count == 1:
            return reason
    return ""


def adding_refused(
    error: ValidationError, visit_sources: int, added_at: list[int], sources
) -> list[str]:
    """Where the refusal `error` of sources added to a recorded visit goes (the citations
    filed: the visit's `visit_sources` first, then those added): a refusal of an added
    source beside its own field, in the form's `sources` (`added_at`: the index of each
    added source's form); the rest (the recorded visit cannot be filed as it stands: a
    source of its own dated in the future, say) returned as one sentence, to show above
    the form ([] when nothing is left)."""
    rest = []
    for field, messages_ in getattr(error, "message_dict", {"__all__": error.messages}).items():
        kind, _dot, place = field.partition(".")
        index, _dot, name = place.partition(".")
        if kind == "citations" and index.isdigit() and int(index) >= visit_sources:
            form = sources.forms[added_at[int(index) - visit_sources]]
            form.add_error(name if name in form.fields else None, messages_)
        else:
            rest.extend(messages_)
    if not rest:
        return []
    return [
        _("The sources could not be added to the recorded visit: %(why)s")
        % {"why": " ".join(dict.fromkeys(rest))}
    ]


def add_to_existing(
    request,
    pk: str,
    duplicates: list[Visit],
    data: dict,
    sources: BaseSourceFormSet,
    again,
    *,
    confirmed: bool,
    origin: Report | None = None,
):
    """ "Add the sources to this visit instead": a correction of the recorded visit that
    adds the report's sources (the valid formset `sources`) to the visit's own, reviewed
    like any other report. Not `confirmed` yet: a page listing the sources it files and the
    fields typed (`data`) that it does not keep, to file them or go back to the report as
    typed. `again(**extra)` shows the form again, with what prevented it: a source that
    cannot be filed is refused beside its own field (adding_refused), before the page asks
    to confirm. Its reason is written for the reporter (added_sources_reason). Filed from a
    report of the author's own (`origin`: a draft, or one sent back), it says that report
    stays open until they delete it."""
    visit = next((v for v in duplicates if str(v.pk) == pk), None)
    if visit is None or visit.review_state != ReviewState.VERIFIED:
        messages.error(request, _("That visit cannot receive the source (it is not published)."))
        return redirect("newsroom:new")
    current = review.citations_of(visit)
    # One document however its address is written (core.addresses.address_key): a source
    # the visit cites already, with a newsletter's tracking parameters, is not added again.
    known = {address_key(c["url"]) for c in current}
    numbered = [
        (i, c) for i, c in sources.numbered_citations() if address_key(c["url"]) not in known
    ]
    added_at, added = [i for i, _c in numbered], [c for _i, c in numbered]
    if not added:
        messages.info(request, _("The recorded visit already cites these sources."))
        return redirect(visit.get_absolute_url())
    filed = [*current, *added]
    try:
        if not confirmed:
            # What filing would refuse is said now, rather than after confirming.
            review.resolve(review.report_data_of(visit), filed, new=False, visit=visit)
            return confirm_adding(request, visit, data, added)
        report = review.file_report(
            author=request.user,
            data=review.report_data_of(visit),
            citations=filed,
            visit=visit,
            # Its reason is what it does: the reviewer and the readers see which sources.
            reason=added_sources_reason(added),
        )
    except review.DuplicateReport as duplicate:
        return already_filed(
            request,
            duplicate.existing,
            _("You already proposed adding these sources to the recorded visit: here it is."),
        )
    except ValidationError as error:
        # The form again, saying why, instead of failing.
        return again(service_errors=adding_refused(error, len(current), added_at, sources))
    messages.success(
        request,
        _("The sources were added to the recorded visit as a correction, sent for review."),
    )
    forget_typed_form(request)
    if origin is not None:
        messages.info(
            request,
            format_html(
                _(
                    'Your report <a href="{}">{}</a> stays open: delete it from its page if '
                    "these sources were all it brought."
                ),
                reverse("newsroom:report", args=[origin.pk]),
                _("no. %(number)s") % {"number": origin.pk},
            ),
        )
    return redirect("newsroom:report", report.pk)


def confirm_adding(request, visit: Visit, data: dict, added: list[dict]):
    """The step before filing a report's sources on the recorded `visit`: the sources it
    files (`added`), and what the reporter typed (`data`) that differs from the visit and is
    not kept (its fields stay as published). The form's fields go along unseen, so that
    "Back to my report" shows the report as typed and "File the sources" files them."""
    typed = review.normalise(data)
    not_kept = [
        {
            "field": field_name(c["field"]),
            "typed": value_words(c["field"], c["new"]),
            "published": value_words(c["field"], c["old"]),
            # Each in its own language: the reporter's and the visit's (`text_lang`).
            "typed_lang": text_lang(c["field"], c["new"], typed["text_language"]),
            "published_lang": text_lang(c["field"], c["old"], visit.text_language),
        }
        for c in review.field_differences(review.report_data_of(visit), typed)
    ]
    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "action")
        for value in values
    ]
    return render(
        request,
        "newsroom/add_sources.html",
        {"visit": visit, "added": added, "not_kept": not_kept, "carried": carried},
    )


@staff_page(roles.may_report)
def report_new(request):
    return report_form(request)


@staff_page(roles.may_report)
def report_edit(request, pk: int):
    report = visible_report(request, pk)
    if report.author_id != request.user.pk:
        return forbidden(request, _("Only the author may edit a report."))
    if report.state not in (ReportState.DRAFT, ReportState.CHANGES_REQUESTED):
        messages.error(request, _("Only a draft or a report sent back for changes can be edited."))
        return redirect("newsroom:report", report.pk)
    if review.withdrawn_under(report):
        # A correction of a visit withdrawn since: nothing saved (an edit would start from
        # the withdrawn visit, and replace what its author proposed with it), and no
        # submission could be verified. Its page says what may be done.
        messages.error(request, review.withdrawn_under_refusal(report.visit))
        return redirect("newsroom:report", report.pk)
    if report.is_restoration:
        return reword_restoration(request, report)
    if report.is_withdrawal:
        # A withdrawal has only its reason to reword, on its own page, saved alone or
        # saved and submitted ("then=submit": one form, so the reason submitted is the
        # one in the box). A reason refused comes back in the box with its error.
        if request.method == "POST":
            note = request.POST.get("withdrawal_note", "")
            # Sent back for changes: the author's answer to the reviewer, in its own box,
            # required to submit (visits.review.needs_an_answer).
            answering = report.state == ReportState.CHANGES_REQUESTED
            reply = request.POST.get("reply", "") if answering else None
            seen = request.POST.get("seen", "")
            # Its sources, as the form now lists them (None: a form without them, which
            # leaves them as they are).
            sources = withdrawal_sources_form(request.POST)
            # A refusal's page keeps the version this form was opened at, so that a save
            # from it still cannot overwrite another window's unseen (the `seen` refusal
            # alone gives the version as it now is).
            kept = {"note": note, "reply": reply or "", "seen": seen, "sources": sources}
            if request.POST.get("action") == "add_source" and sources is not None:
                # One more source's form, nothing checked nor saved.
                more = withdrawal_sources_form(add_blank_source(request.POST, WITHDRAWAL_SOURCES))
                kept["sources"] = mark_added_source(unchecked_sources(more), request.POST)
                return _report_page(request, report.pk, refused=kept)
            # A form that does not say its version is refused for that first (by
            # visits.review.update_withdrawal, below): a refusal's page without one would
            # carry the version as it now is, and let the next save through unchecked.
            if request.POST.get("then") == "submit" and answering and not reply.strip() and seen:
                # Said with what is wrong with the reason, if anything: refused once.
                refused = {
                    "action": "reply",
                    "comment": reply,
                    "errors": [review.ANSWER_FIRST],
                    "note_errors": review.withdrawal_note_errors(note),
                }
                return _report_page(request, report.pk, refused=refused | kept, status=400)
            if sources is not None and not sources.is_valid() and seen:
                # A source the form itself refuses (not a URL, not a date): nothing is saved;
                # said with what filing refuses of the sources, and what is wrong with the
                # reason, if anything.
                withdrawal_source_refusals(sources)
                errors = review.withdrawal_note_errors(note)
                refused = {"action": "reword" if errors else "", "comment": note, "errors": errors}
                return _report_page(request, report.pk, refused=refused | kept, status=400)
            try:
                # One transaction: a submission refused leaves the reason as it was.
                with transaction.atomic():
                    # A form without its version is refused (""), never saved unchecked.
                    review.update_withdrawal(
                        report,
                        request.user,
                        note,
                        reply=reply,
                        seen=seen,
                        citations=sources.citations()
                        if sources is not None and sources.is_valid()
                        else None,
                    )
                    if request.POST.get("then") == "submit":
                        review.submit(report, request.user)
            except ValidationError as error:
                on_reply = "reply" in getattr(error, "error_dict", {})
                # A source refused is said beside it; the rest beside the reason (or the
                # answer to the reviewer).
                rest = (
                    apply_service_errors(error, None, sources, review.WITHDRAWAL_CITATIONS)
                    if sources is not None
                    else error.messages
                )
                refused = {
                    "action": "reply" if on_reply else "reword" if rest else "",
                    "comment": reply if on_reply else note,
                    "errors": rest,
                }
                if review.is_stale_refusal(error):
                    kept = {**kept, "seen": ""}  # the page's version, as it now is
                return _report_page(request, report.pk, refused=refused | kept, status=400)
            if request.POST.get("then") == "submit":
                messages.success(request, submitted_message())
            elif answering and reply.strip():
                messages.success(
                    request,
                    _("Reason and answer saved: submit the withdrawal for review again."),
                )
            elif answering:
                messages.success(
                    request,
                    _(
                        "Reason saved: answer the reviewer, then submit the withdrawal for "
                        "review again."
                    ),
                )
            else:
                messages.success(
                    request, _("Reason saved: submit the withdrawal for review again.")
                )
        return redirect("newsroom:report", report.pk)
    return report_form(request, report=report)


def reword_restoration(request, report: Report):
    """A restoration's reason reworded by its author on its page (POST to its edit
    address), saved alone or saved and submitted (`then` submit), with their answer to
    the reviewer when it was sent back (`reply`, required to submit); a refusal comes back
    on its page, in its box (400), nothing saved. Any other method: its page."""
    if request.method != "POST":
        return redirect("newsroom:report", report.pk)
    note = request.POST.get("restoration_note", "")
    answering = report.state == ReportState.CHANGES_REQUESTED
    reply = request.POST.get("reply", "") if answering else None
    seen = request.POST.get("seen", "")
    kept = {"note": note, "reply": reply or "", "seen": seen}
    if request.POST.get("then") == "submit" and answering and not reply.strip() and seen:
        refused = {
            "action": "reply",
            "comment": reply,
            "errors": [review.ANSWER_FIRST],
            "note_errors": review.restoration_note_errors(note),
        }
        return _report_page(request, report.pk, refused=refused | kept, status=400)
    try:
        # One transaction: a submission refused leaves the reason as it was.
        with transaction.atomic():
            review.update_restoration(report, request.user, note, reply=reply, seen=seen)
            if request.POST.get("then") == "submit":
                review.submit(report, request.user)
    except ValidationError as error:
        on_reply = "reply" in getattr(error, "error_dict", {})
        refused = {
            "action": "reply" if on_reply else "reword",
            "comment": reply if on_reply else note,
            "errors": error.messages,
        }
        if review.is_stale_refusal(error):
            kept = {**kept, "seen": ""}  # the page's version, as it now is
        return _report_page(request, report.pk, refused=refused | kept, status=400)
    if request.POST.get("then") == "submit":
        messages.success(request, submitted_message())
    elif answering and not reply.strip():
        messages.success(
            request,
            _("Reason saved: answer the reviewer, then submit the restoration for review again."),
        )
    else:
        messages.success(request, _("Reason saved: submit the restoration for review again."))
    return redirect("newsroom:report", report.pk)


@staff_page(roles.may_report)
def correct(request, slug: str):
    """The correction page of a published visit (`report_form`); a withdrawn visit's leads
    to its restoration page (`restore`), the one way its own record comes back."""
    visit = get_object_or_404(
        Visit.objects.select_related("person", "host", "controlled_by"),
        slug=slug,
        review_state__in=(ReviewState.VERIFIED, ReviewState.WITHDRAWN),
    )
    if visit.review_state == ReviewState.WITHDRAWN:
        return redirect("newsroom:restore", visit.slug)
    return report_form(request, visit=visit)


def open_report_link(user, report: Report):
    """The words naming an open `report` in a "already open" message: a link to it where
    `user` may open it (newsroom.views.may_open), else its number and author as text (a
    colleague's report, which only its author and the reviewers may open). Safe HTML."""
    if may_open(user, report):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("newsroom:report", args=[report.pk]),
            _("report %(pk)s") % {"pk": report.pk},
        )
    return _("report %(pk)s, by %(author)s") % {
        "pk": report.pk,
        "author": report.author.get_username(),
    }


@staff_page(roles.may_report)
def restore(request, slug: str):
    """/newsroom/visits/<id>/restore/: propose putting a withdrawn visit back on the record
    (visits.review.propose_restoration), for one withdrawn by mistake: the page says when
    and why it was withdrawn and asks why it returns (shown on its page once verified).
    Filed for review (another person verifies it); verified, the same visit returns
    under its own address. A reason refused comes back in its box (400), nothing filed;
    one already open is named. 404 for a visit that is not withdrawn (a published one is
    corrected or withdrawn on its correction page)."""
    visit = get_object_or_404(
        Visit.objects.select_related("person", "host"),
        slug=slug,
        review_state=ReviewState.WITHDRAWN,
    )
    note, errors = "", []
    if request.method == "POST":
        note = request.POST.get("restoration_note", "")
        try:
            report = review.propose_restoration(author=request.user, visit=visit, note=note)
        except review.DuplicateReport as duplicate:
            existing = duplicate.existing
            messages.error(
                request,
                format_html(
                    _("A restoration of this visit is already open ({state}): {link}."),
                    state=existing.get_state_display(),
                    link=open_report_link(request.user, existing),
                ),
            )
            return redirect("newsroom:restore", visit.slug)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _("Restoration filed: the visit stays withdrawn until another person verifies it."),
            )
            return redirect("newsroom:report", report.pk)
    context = {
        "visit": visit,
        "withdrawn_on": review.withdrawn_on(visit),
        "note": note,
        "refused": {"action": "restore", "comment": note, "errors": errors} if errors else {},
        "open_proposals": proposals_in_words(request, review.open_proposals(visit)),
    }
    return render(request, "newsroom/restore.html", context, status=400 if errors else 200)


@require_POST
@staff_page(roles.may_report)
def withdraw(request, slug: str):
    """Propose withdrawing a published visit (visits.review.propose_withdrawal): filed for
    review, with its reason and the sources that show it, if any; the correction page
    offers it. A reason or a source refused comes back on that page (400), in its box,
    with the error beside it, and nothing is filed; "Add another source" (`action`
    add_source) shows the page again with one more source's form, nothing checked."""
    visit = get_object_or_404(Visit, slug=slug, review_state=ReviewState.VERIFIED)
    note = request.POST.get("withdrawal_note", "")
    if request.POST.get("action") == "add_source":
        more = withdrawal_sources_form(add_blank_source(request.POST, WITHDRAWAL_SOURCES))
        mark_added_source(more, request.POST)
        return withdrawal_again(request, visit, note, more, unchecked=True)
    sources = withdrawal_sources_form(request.POST)
    if sources is not None and not sources.is_valid():
        # Said with what filing refuses of the sources, and what is wrong with the reason,
        # if anything: refused once.
        withdrawal_source_refusals(sources)
        return withdrawal_again(request, visit, note, sources, review.withdrawal_note_errors(note))
    try:
        report = review.propose_withdrawal(
            author=request.user,
            visit=visit,
            note=note,
            citations=sources.citations() if sources is not None else (),
        )
    except review.DuplicateReport as duplicate:
        existing = duplicate.existing
        messages.error(
            request,
            format_html(
                _("A withdrawal of this visit is already open ({state}): {link}."),
                state=existing.get_state_display(),
                link=open_report_link(request.user, existing),
            ),
        )
        return redirect("newsroom:correct", visit.slug)
    except ValidationError as error:
        # The correction page again, the reason kept in its box and each source in its
        # own, each with its error beside it.
        sources = sources or withdrawal_sources_form()
        rest = apply_service_errors(error, None, sources, review.WITHDRAWAL_CITATIONS)
        return withdrawal_again(request, visit, note, sources, rest)
    messages.success(
        request,
        _("Withdrawal filed: the visit stays published until another person verifies it."),
    )
    return redirect("newsroom:report", report.pk)


def withdrawal_again(request, visit: Visit, note: str, sources, errors=(), unchecked=False):
    """The correction page again after its withdrawal form was sent: the reason as typed
    in its box (with `errors`, the reason's refusals, beside it) and the sources in
    theirs; 400 when anything was refused, 200 for one more source's form (`unchecked`:
    nothing was checked, no error is shown). Its language switch leads to the correction
    page (`language_next`, base.html), where the form's script gives back what the
    withdrawal's form holds (newsroom-form.js), not to the withdrawal's address, which
    answers only a POST."""
    if unchecked:
        sources = unchecked_sources(sources)
    refused = (
        {"action": "withdraw", "comment": note, "errors": list(errors)}
        if errors
        else {"action": "", "comment": ""}
    )
    refused_sources = not unchecked and (sources.total_error_count() or sources.non_form_errors())
    return render_form(
        request,
        form=ReportForm(initial=ReportForm.initial_from(review.report_data_of(visit))),
        sources=source_formset(initial=review.citations_of(visit), extra_blank=1, visit=visit),
        visit=visit,
        based_on=signed_version(visit),
        refused=refused,
        withdrawal_note=note,
        withdrawal_sources=sources,
        withdrawal_refused=bool(errors or refused_sources),
        # The withdrawal's form was sent, not the correction's: what the server gives back
        # in it is unsaved, the correction's form as the visit has it.
        withdrawal_sent=True,
        # This answers a POST to an address that answers nothing else: the language
        # switch leads to the correction page, in the other language.
        language_next=reverse("newsroom:correct", args=[visit.slug]),
        status=200 if unchecked else 400,
    )


# --- A report and its review ---------------------------------------------------------


def visible_report(request, pk: int) -> Report:
    """Report `pk` with its visit, author and reviewer, for a user who may open it
    (`may_open`). Http404 when there is none, and when there is one the user may not
    read (another reporter's, a colleague's draft): a 403 would tell which report numbers
    exist, a 404 tells nothing (README: the author is told how many, not whose)."""
    report = (
        Report.objects.select_related("visit__person", "visit__host", "author", "reviewer")
        .filter(pk=pk)
        .first()
    )
    if report is None or not may_open(request.user, report):
        raise ReportNotFound("no such report")
    return report


class ReportNotFound(Http404):
    """A report there is none of, or one the user may not open (`visible_report`): a 404
    in the newsroom's words (`report_not_found`), the same for both, which tells nothing
    of whether it exists."""


def report_not_found(request):
    """The 404 of a report a signed-in staffer may not open (ReportNotFound), in the
    newsroom's layout: a reviewer's mailed link to a report its author took back (a
    draft again, its author's own until submitted again) met the public "the link may be
    mistyped". Said the same of a report that does not exist, so that nothing tells
    which numbers do."""
    return render(request, "newsroom/report_not_found.html", status=404)


def text_lang(field: str, value, language: str) -> str | None:
    """The language a report's `field` holding `value` is written in, for the page to mark
    it (`data_lang`): `language` for a visit's free text (visits.models.TEXT_FIELDS) that
    holds words; None for any other field, and for an empty one (said "none", in the
    page's words)."""
    return language if field in TEXT_FIELDS and value not in (None, "") else None


def differences(report: Report) -> list[dict]:
    """A correction field by field: [{field, old, new, old_lang, new_lang}] in words (what
    verify would change); `old_lang` and `new_lang` the language the visit's free text was
    written in before (the visit's, or for a verified correction the one it changed) and
    the report's, for a free text's old and new words (`text_lang`; None otherwise)."""
    if not report.is_correction or report.visit is None:
        return []
    new_language = review.normalise(report.data)["text_language"]
    if report.state == ReportState.VERIFIED:
        changes = report.changes
        old_language = next(
            (c["old"] for c in changes if c.get("field") == "text_language"), new_language
        )
    else:
        changes = review.field_differences(
            review.report_data_of(report.visit), review.normalise(report.data)
        )
        old_language = report.visit.text_language
    words = changed_words(changes, review.normalise(report.data)["start"])
    return [
        {
            "field": field_name(c["field"]),
            "old": old if c["field"] != "sources" else c["old"],
            "new": new if c["field"] != "sources" else c["new"],
            "old_lang": text_lang(c["field"], c["old"], old_language),
            "new_lang": text_lang(c["field"], c["new"], new_language),
        }
        for c, (old, new) in zip(changes, words, strict=True)
    ]


def source_differences(report: Report) -> dict:
    if not report.is_correction or report.visit is None or report.state == ReportState.VERIFIED:
        return {}
    added, removed, changed = review.citation_differences(
        review.citations_of(report.visit), report.citations
    )
    return {"added": added, "removed": removed, "changed": [c["url"] for c in changed]}


def citation_words(field: str, value) -> str:
    """A citation's detail in words: its date as a date, an empty one as 'none'."""
    return value_words("start" if field == "published" else field, value)


def since_sent_back(report: Report, since: review.SinceSentBack | None) -> dict | None:
    """visits.review.since_sent_back (`since`) in words: {"at", "changed", "fields":
    [{field, old, new, old_lang, new_lang}], "added", "removed", "changed_sources": [{url,
    changes: [{field, old, new}]}]}, or None; a free text's old words in the language the
    report said then, its new words in the one it says now (`text_lang`). One query to
    name each person and state it shows."""
    if since is None:
        return None

    def person(value):
        return Person.objects.filter(slug=value).values_list("name", flat=True).first() or value

    words = changed_words(since.fields, review.normalise(report.data)["start"])
    return {
        "at": since.sent_back_at,
        "taken_back": since.taken_back,
        "changed": since.changed,
        "fields": [
            {
                "field": field_name(c["field"]),
                "old": person(c["old"]) if c["field"] == "person" and c["old"] else old,
                "new": person(c["new"]) if c["field"] == "person" and c["new"] else new,
                "old_lang": text_lang(c["field"], c["old"], since.text_languages[0]),
                "new_lang": text_lang(c["field"], c["new"], since.text_languages[1]),
            }
            for c, (old, new) in zip(since.fields, words, strict=True)
        ],
        "added": since.sources_added,
        "removed": since.sources_removed,
        "changed_sources": [
            {
                "url": c["url"],
                "changes": [
                    {
                        "field": citation_field_name(d["field"]),
                        "old": citation_words(d["field"], d["old"]),
                        "new": citation_words(d["field"], d["new"]),
                    }
                    for d in c["changes"]
                ],
            }
            for c in since.sources_changed
        ],
    }


def end_words(start, end) -> str:
    """A report's end date in words, beside its `start`: "same day" (« le même jour ») for a
    visit of one day, whether the report left its end out (as the form says, an empty end
    date means a visit of one day) or repeats its start (a correction copies its visit's:
    core.tabular.shown_end), never "none", which would read as a visit with no end; "not
    known" for an end the sources do not give (UNKNOWN_END); "none" only for a trip with no
    date at all (a cancelled one may have none)."""
    if start not in (None, "") and tabular.shown_end(start, end) in (None, ""):
        return pgettext("a one-day visit's end date", "same day")
    return value_words("end", end)


def changed_words(changes, start) -> list[tuple[str, str]]:
    """Each change's (old, new) value in words (`value_words`), an `end` beside the start
    it had then (`end_words`): the change's own old or new start where the start changed
    too, else `start`, the report's."""
    old_start = next((c["old"] for c in changes if c["field"] == "start"), start)
    new_start = next((c["new"] for c in changes if c["field"] == "start"), start)
    return [
        (end_words(old_start, c["old"]), end_words(new_start, c["new"]))
        if c["field"] == "end"
        else (value_words(c["field"], c["old"]), value_words(c["field"], c["new"]))
        for c in changes
    ]


def facts_of(data: dict) -> list[tuple[str, str, str | None]]:
    """What a report says, as its page lists it: (label, value in words, the language the
    value is written in for the page to mark it: the report's `text_language` for its free
    text, `text_lang`; None for the rest, in the page's words). A one-day visit's end is
    "same day" (`end_words`), whether the report left it out or repeats its start (a
    correction copies its visit's), as the API and the downloads give none for it
    (core.tabular.shown_end)."""
    language = review.normalise(data)["text_language"]
    person = Person.objects.filter(slug=data.get("person") or "").first()
    rows = [(_("Person"), person.name if person else data.get("person") or "—", None)]
    for field, label in (
        ("host", _("Host state")),
        ("place", _("Place")),
        ("start", _("Start date")),
        ("end", _("End date")),
        ("status", _("Status")),
        ("outcome", _("Outcome")),
        ("host_control", _("The host's control of the place")),
        ("controlled_by", _("Occupier (who controlled the place)")),
        ("host_notified", _("The host was notified of a sealed warrant")),
        ("host_justification", _("The host's stated justification")),
        ("occasion", _("Occasion")),
        ("notes", _("Notes")),
        ("text_language", _("Language of the text")),
    ):
        value = language if field == "text_language" else data.get(field)
        words = end_words(data.get("start"), value) if field == "end" else value_words(field, value)
        rows.append((label, words, text_lang(field, value, language)))
    return rows


# A report reviewed for good: published (verified) or closed (rejected); nothing to preview.
CLOSED_STATES = (ReportState.VERIFIED, ReportState.REJECTED)


def published_verdict(report: Report) -> dict | None:
    """For a verified report that published or corrected a visit (not a withdrawal): its
    visit and that visit's verdict as the public page shows it ({"visit", "verdict"}; the
    verdict None while it is being computed, and with `reevaluation_pending` true while it
    was decided before a change not evaluated yet, such as this correction:
    visits.models.reevaluation_pending); None for any other report."""
    if report.state != ReportState.VERIFIED or report.is_withdrawal or report.visit is None:
        return None
    verdict = (
        Verdict.objects.filter(visit=report.visit)
        .annotate(reevaluation_pending=reevaluation_pending("visit"))
        .first()
    )
    return {"visit": report.visit, "verdict": verdict}


@staff_page()
def report_detail(request, pk: int):
    return _report_page(request, pk)


def _report_page(request, pk: int, refused: dict | None = None, status: int = 200):
    """A report's page. `refused`: a text the page gives back in its box with its errors
    ({"action": "request-changes", "reject" (a reviewer's comment), "reword" (a
    withdrawal's reason) or "reply" (its author's answer to the reviewer), "comment",
    "errors"}, and for a withdrawal's, "note" and "reply": both its boxes as typed), with
    `status` 400."""
    report = visible_report(request, pk)
    user = request.user
    is_author = report.author_id == user.pk
    # The rule the service applies to sending back and rejecting (verifying adds only what
    # a verification reads): one place, review.check_closing.
    may_act = review.allows(review.check_closing, report, user)
    duplicates, pending = [], []
    # A restoration is compared with the visits of its trip on the record (its verify
    # asks the reviewer to confirm them), a withdrawal with none.
    if not report.is_withdrawal and report.state in (
        ReportState.DRAFT,
        ReportState.SUBMITTED,
        ReportState.CHANGES_REQUESTED,
    ):
        duplicates = review.possible_duplicates(
            report.data, exclude=report.visit, withdrawn=not report.is_correction
        )
        if roles.may_review(user):  # colleagues' reports are the reviewers' to compare
            pending = review.pending_duplicates(report.data, exclude=report)
    describe([report])
    since = review.since_sent_back(report)
    filed_at = review.first_submitted_at(report, since)
    context = {
        "report": report,
        # Its filing, and its last submission when it was submitted again since.
        "filed_at": filed_at,
        "resubmitted_at": report.submitted_at if report.submitted_at != filed_at else None,
        "facts": facts_of(report.data),
        "citations": report.citations,
        # A withdrawal changes no fact: what the rule says of the visit does not move. A
        # verified report shows its published visit's verdict instead, a rejected one none.
        "preview": preview_of(
            report.data,
            report.citations,
            visit=report.visit if report.is_correction else None,
        )
        if not report.keeps_facts and report.state not in CLOSED_STATES
        else None,
        "published": published_verdict(report),
        "duplicates": duplicates,
        "withdrawn_among": withdrawn_among(duplicates),
        "pending_duplicates": pending,
        "differences": differences(report),
        "source_differences": source_differences(report),
        "since_sent_back": since_sent_back(report, since),
        "stale": review.is_stale(report),
        # Its visit withdrawn since (the day): rejected or deleted, never brought up to date.
        "withdrawn_under": withdrawn_under_on(report),
        "open_proposals": proposals_in_words(request, review.open_proposals(report.visit, report))
        if report.is_correction and report.visit is not None and report.state in OPEN_STATES
        else [],
        "is_author": is_author,
        "may_edit": is_author
        and not report.keeps_facts
        and report.state in (ReportState.DRAFT, ReportState.CHANGES_REQUESTED)
        and not review.withdrawn_under(report),
        # Sent back and not yet answered: Submit would be refused; the answer box comes first.
        "needs_an_answer": review.needs_an_answer(report),
        # A withdrawal or a restoration taken back or sent back: its reason reworded,
        # submitted, or dropped.
        "may_reword": is_author
        and report.keeps_facts
        and report.state in (ReportState.DRAFT, ReportState.CHANGES_REQUESTED),
        "may_take_back": is_author and report.state == ReportState.SUBMITTED,
        # A draft, or a report of any kind sent back: its author may abandon it
        # (visits.review.delete_report).
        "may_delete": is_author
        and report.state in (ReportState.DRAFT, ReportState.CHANGES_REQUESTED),
        "may_act": may_act,
        "version": review.version_of(report),
        "refused": refused or {},
        # Answering a POST (a refused review, reason or answer, one more source's form) on
        # the address it was sent to, which answers only a POST or leads to this page: the
        # language switch leads to this page, in the other language (base.html), where
        # the forms' script gives back what their boxes hold (newsroom-form.js).
        "language_next": reverse("newsroom:report", args=[report.pk])
        if request.method == "POST"
        else None,
    }
    # A form of the page refused what was sent: its title says so first, as a refused
    # form's does.
    context["page_refused"] = status == 400
    if context["may_reword"] and report.is_restoration:
        said = context["refused"]
        context["reword_refused"] = bool(
            (said.get("action") in ("reword", "reply") and said.get("errors"))
            or said.get("note_errors")
        )
    elif context["may_reword"]:
        # Its sources in the reword form: as sent back refused, or as the report cites them.
        sources = (refused or {}).get("sources") or withdrawal_sources_form(
            initial=report.withdrawal_citations
        )
        context["withdrawal_sources"] = sources
        # The summary of what the reword form was refused for, whatever it was: the
        # answer to the reviewer, the reason, a source.
        said = context["refused"]
        context["reword_refused"] = bool(
            (said.get("action") in ("reword", "reply") and said.get("errors"))
            or said.get("note_errors")
            or sources.total_error_count()
            or sources.non_form_errors()
        )
    return render(request, "newsroom/report_detail.html", context, status=status)


# The session's note that the next opening of a report's edit form (its id) shows the
# report checked as Submit for review checks it (report_submit).
CHECKED_ON_EDIT = "newsroom:checked_on_edit"


@require_POST
@staff_page(roles.may_report)
def report_submit(request, pk: int):
    """Submit a report for review from its page. A report (not a withdrawal) that Submit
    on its edit form would refuse (`submit_check`: an unfinished draft, a correction
    without its reason, a report sent back without its answer) is not submitted: its
    author is sent to its edit form, which shows every error beside its field and in its
    summary, as the form's own Submit does."""
    report = visible_report(request, pk)
    if report.author_id == request.user.pk and review.withdrawn_under(report):
        # No edit would make it one a reviewer could verify: said on its page.
        messages.error(request, review.withdrawn_under_refusal(report.visit))
        return redirect("newsroom:report", pk)
    if (
        not report.keeps_facts
        and report.author_id == request.user.pk
        and report.state in (ReportState.DRAFT, ReportState.CHANGES_REQUESTED)
        and refused_on_submit(
            *submit_check(
                posted_from(report, report.visit if report.is_correction else None),
                report=report,
                corrected=report.visit if report.is_correction else None,
            )
        )
    ):
        messages.error(
            request,
            _("Not submitted for review: complete what the form lists, then submit it."),
        )
        request.session[CHECKED_ON_EDIT] = report.pk
        return redirect("newsroom:edit", pk)
    if report.is_correction and not report.keeps_facts and not report.reason.strip():
        # Saved as a draft without one: the newsroom still asks why before review.
        messages.error(
            request,
            _("Say why the visit should change: the reviewer reads it, and readers see it."),
        )
        return redirect("newsroom:edit", pk)
    if review.needs_an_answer(report):
        # Sent back for changes: the edit form has the box for the answer to the reviewer
        # (a withdrawal's, its page).
        messages.error(request, review.ANSWER_FIRST)
        return redirect("newsroom:report" if report.keeps_facts else "newsroom:edit", pk)
    try:
        review.submit(report, request.user)
    except ValidationError as error:
        said = getattr(error, "error_dict", {})
        if "withdrawal_note" in said or review.RESTORATION_NOTE in said:
            # A withdrawal's or a restoration's reason refused (filed before its bounds,
            # say): said beside the box that rewords it, as a reason refused when typed is.
            refused = {
                "action": "reword",
                "comment": report.withdrawal_note or report.restoration_note,
                "errors": error.messages,
            }
            return _report_page(request, pk, refused=refused, status=400)
        if "reason" in getattr(error, "error_dict", {}):
            # A correction's reason refused (saved before its minimum, say): on the edit
            # form, whose box rewords it, as one saved without a reason.
            messages.error(request, " ".join(error.messages))
            return redirect("newsroom:edit", pk)
        messages.error(request, " ".join(error.messages))
        return redirect("newsroom:report", pk)
    messages.success(
        request,
        submitted_message(),
    )
    return redirect("newsroom:report", pk)


def _author_step(request, pk: int, step, done, then: str = "newsroom:report"):
    """Run an author's `step` (visits.review.take_back, delete_report) on report `pk`: its
    refusal as an error message on the report's page, else `done` (a message, or a
    function of the report as it stood before the step that gives it) and the page
    `then`."""
    report = visible_report(request, pk)
    try:
        step(report, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("newsroom:report", pk)
    messages.success(request, done(report) if callable(done) else done)
    return redirect(then, pk) if then == "newsroom:report" else redirect(then)


@require_POST
@staff_page(roles.may_report)
def report_take_back(request, pk: int):
    return _author_step(
        request,
        pk,
        review.take_back,
        _("Taken back: the report is a draft again, out of the queue."),
    )


@require_POST
@staff_page(roles.may_report)
def report_delete(request, pk: int):
    """Delete report `pk`, its author's draft or a report sent back to them
    (visits.review.delete_report), from the confirmation on its page; then the dashboard,
    saying which was deleted."""
    return _author_step(
        request,
        pk,
        review.delete_report,
        lambda report: (
            _("Report deleted: it no longer waits for your changes. Its history keeps it.")
            if report.state == ReportState.CHANGES_REQUESTED
            else _("Draft deleted.")
        ),
        then="newsroom:dashboard",
    )


@require_POST
@staff_page()
def report_verify(request, pk: int):
    # Only a report this user may read: a colleague's draft is refused like its page,
    # not answered with what state it is in.
    report = visible_report(request, pk)
    try:
        visit = review.verify(
            report,
            request.user,
            # The page's form always says which version the reviewer read; a form without
            # it is refused (""), never verified unchecked (None).
            seen=request.POST.get("seen", ""),
            # The visits the page listed, confirmed as other visits by the reviewer's tick.
            different_from=request.POST.getlist("different_from")
            if request.POST.get("different_visit") == "yes"
            else (),
        )
    except ValidationError as error:
        if any(e.code == "possible_duplicate" for e in getattr(error, "error_list", ())):
            # Said next to the tick it asks for, not only at the top of the page.
            refused = {"action": "verify", "comment": "", "errors": error.messages}
            return _report_page(request, pk, refused=refused, status=400)
        refused = getattr(error, "error_dict", {})
        # A withdrawal's or a correction's reason the visit's page may not show (filed
        # before its minimum): said to its author when typed; the reviewer is told what to
        # do with it.
        if "withdrawal_note" in refused:
            unverifiable = _(
                "This withdrawal cannot be verified: its reason is not one the visit's "
                "page may show (its author is told: “%(problem)s”). Send it back for "
                "them to reword it."
            )
        elif review.RESTORATION_NOTE in refused:
            unverifiable = _(
                "This restoration cannot be verified: its reason is not one the visit's "
                "page may show (its author is told: “%(problem)s”). Send it back for "
                "them to reword it."
            )
        elif "reason" in refused:
            unverifiable = _(
                "This correction cannot be verified: its reason is not one the visit's "
                "page may show (its author is told: “%(problem)s”). Send it back for "
                "them to reword it."
            )
        else:
            unverifiable = None
        if unverifiable is not None:
            messages.error(request, unverifiable % {"problem": " ".join(error.messages)})
            return redirect("newsroom:report", pk)
        messages.error(request, " ".join(error.messages))
        return redirect("newsroom:report", pk)
    url = visit.get_absolute_url()
    if report.is_withdrawal:
        done = _("Verified: the visit left the record; its page stays, marked withdrawn: {link}")
    elif report.is_restoration:
        done = _("Verified: the visit is back on the record, under its own address: {link}")
    else:
        done = _("Verified and published: {link}")
    messages.success(
        request,
        format_html(
            done, link=format_html('<a href="{}">{}</a>', url, request.build_absolute_uri(url))
        ),
    )
    return redirect("newsroom:report", pk)


def _close(request, pk: int, act, done: str, action: str):
    """Send report `pk` back or reject it (`act`) with the reviewer's comment. A comment
    missing or too long comes back on the report's page, with its error, as written; so
    does one from a form that does not say which version of the report the reviewer read
    (visits.review.UNVERSIONED_REVIEW), or that read an older one, the page then showing
    the report as it now stands. Only a report this user may read (`visible_report`)."""
    report = visible_report(request, pk)
    seen = request.POST.get("seen", "")
    form = CommentForm(request.POST)
    # A form without its version is refused for that first (by `act`, below): a refusal's
    # page without one would carry the version as it now is, and let the next comment
    # through unread.
    if seen and not form.is_valid():
        if report.state != ReportState.SUBMITTED:
            # No review form on the page any more (reviewed meanwhile): say it there.
            messages.error(
                request, _("Only a report awaiting review can be sent back or rejected.")
            )
            return redirect("newsroom:report", pk)
        refused = {
            "action": action,
            "comment": request.POST.get("comment", ""),
            "errors": form.errors["comment"],
            # The version the reviewer read, kept: not the report as it may be now.
            "seen": seen,
        }
        return _report_page(request, pk, refused=refused, status=400)
    # Without a version, the comment is not read: the refusal comes before it.
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        # The version of the report the page showed (its forms always say it): a report
        # its author changed since is not closed unread, nor one from a form without it
        # ("", refused; None would check nothing).
        act(report, request.user, comment, seen=seen)
    except ValidationError as error:
        # A rejection's reason too short (visits.review.reject) is said beside its box, as
        # the form's own refusals are, with the version the reviewer read.
        on_comment = "comment" in getattr(error, "error_dict", {})
        if review.is_stale_refusal(error) or on_comment:
            # The page again, as it now reads, the comment kept in its box.
            refused = {
                "action": action,
                "comment": request.POST.get("comment", ""),
                "errors": error.messages,
                **({"seen": seen} if on_comment else {}),
            }
            return _report_page(request, pk, refused=refused, status=400)
        messages.error(request, " ".join(error.messages))
        return redirect("newsroom:report", pk)
    messages.success(request, done)
    return redirect("newsroom:dashboard")


@require_POST
@staff_page()
def report_request_changes(request, pk: int):
    return _close(
        request,
        pk,
        review.request_changes,
        _("Sent back to its author for changes."),
        "request-changes",
    )


@require_POST
@staff_page()
def report_reject(request, pk: int):
    return _close(
        request, pk, review.reject, _("Rejected. The report is kept, never public."), "reject"
    )


@staff_page(roles.may_review)
def queue(request):
    """The review queue, oldest first, QUEUE_PAGE_SIZE reports a page (`?page=`; a page
    past the last shows the last)."""
    page = Paginator(review.review_queue(request.user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    reports = list(page.object_list)
    for r in reports:
        # verify would refuse it (the visit changed since it was begun): said in its row.
        r.stale = review.is_stale(r)  # its visit is read with it: no query
        r.withdrawn_under = withdrawn_under_on(r)  # or withdrawn since: reject it
    describe(reports)
    return render(request, "newsroom/queue.html", {"queue": reports, "page": page})
