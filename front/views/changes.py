"""The public Changes page (/changes/): every change to a public fact, newest first.

What changed (each field before and after, things named by their natural keys), when,
and why (the import of a dataset version, a verified correction or report, an edit);
never who: staff names stay in the newsroom's history. The same entries are the
Changes Atom feed (front.feeds.ChangesFeed). visits.history reads them.

Each change has a page of its own (/changes/visits.finding-22/: `change_detail`), which
newer changes never move; /changes/?state=HUN and /changes/?visit=<id> list the changes
about one state or one visit.
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.echo import echoed
from core.filters import unknown_parameters
from core.locale import ignored_on_pages
from core.names import country_name, with_article
from front import citations, paging, summaries
from front.pages import refuse_unknown_parameters, render_page
from states.models import State
from visits import history
from visits.models import Visit

PER_PAGE = 50
# The Changes page's parameters: a page, and the record whose changes to list.
PARAMETERS = ["page", "state", "visit"]


class ChangesPaginator(paging.BoundedPaginator):
    """The public changes by page: counted up to a limit, a page read from the newest
    events of each kind of record (history.public_changes), of one record's when `scope`
    is given (history.state_scope, history.visit_scope)."""

    def __init__(self, *args, scope: history.Scope = None, **kwargs):
        self.scope = scope
        super().__init__(*args, **kwargs)

    def counted_rows(self, limit: int) -> int:
        """The changes, counting no further than `limit` of each kind."""
        return history.count_public_changes(limit, self.scope)

    def rows(self, bottom: int, top: int):
        """The changes from `bottom` to `top`, newest first (none when there are none)."""
        return history.public_changes(top, self.scope)[bottom:top] if top > bottom else []


def _refused(request, fields: dict[str, list[str]]):
    """The 400 page of the Changes list naming each parameter it could not apply."""
    return render_page(
        request,
        "invalid_filter.html",
        {"listing": SimpleNamespace(title=_("Changes")), "fields": fields},
        status=400,
    )


def _record(request):
    """(scope, heading, query, about) of the record `?state=` or `?visit=` names: the scope
    of history.public_changes, the record's name for the page's title, its canonical query
    string ("state=HUN") and its name as a sentence puts it after "about" (a state with the
    article its language gives it: "the Philippines", "la Hongrie": core.names.with_article);
    (None, "", "", "") for every change. Raises ValueError with
    {parameter: [messages]} for a record no state or visit has, or for both given."""
    state, visit = request.GET.getlist("state"), request.GET.getlist("visit")
    if state and visit or len(state) > 1 or len(visit) > 1:
        message = _("Give one record: a state (state) or a visit (visit), once.")
        raise ValueError({name: [message] for name in ("state", "visit") if name in request.GET})
    if state:
        code = state[0].strip().upper()
        found = State.objects.filter(iso3=code).values_list("pk", "iso3", "name").first()
        if found is None:
            raise ValueError(
                {"state": [_("No state has the code %(code)s.") % {"code": echoed(state[0])}]}
            )
        pk, iso3, name = found
        name = country_name(iso3, name)
        return history.state_scope(pk), name, urlencode({"state": iso3}), with_article(name)
    if visit:
        found = (
            Visit.objects.readable()
            .select_related("person", "host", "controlled_by")
            .filter(slug=visit[0])
            .first()
        )
        if found is None:
            raise ValueError(
                {"visit": [_("No visit has the id %(id)s.") % {"id": echoed(visit[0])}]}
            )
        title = summaries.visit_title(found)
        return history.visit_scope(found.pk), title, urlencode({"visit": found.slug}), title
    return None, "", "", ""


def change_list(request):
    """/changes/: every change to a public fact, newest first, 50 a page; `?state=HUN` (an
    ISO3 code, any case) or `?visit=<id>` only the changes about that state or visit
    (history.state_scope, history.visit_scope), read from indexes however long the
    history. An unknown parameter, or a record no state or visit has, is a 400 naming the
    ones it has (a shared link's `utm_source`, `fbclid` or `lang` is ignored:
    core.locale.ignored_on_pages)."""
    # A shared link's tracking parameters (`utm_source`, `fbclid`) and `lang` are ignored.
    given = (name for name in request.GET if not ignored_on_pages(name))
    unknown = unknown_parameters(given, PARAMETERS)
    if unknown:
        message = _("This list has no such parameter. Its parameters are: %(names)s.") % {
            "names": ", ".join(PARAMETERS)
        }
        return _refused(request, {echoed(name): [message] for name in unknown})
    try:
        scope, record, query, about = _record(request)
    except ValueError as refusal:
        return _refused(request, refusal.args[0])
    paginator = ChangesPaginator(
        history.public_changes(scope=scope),
        PER_PAGE,
        requested=request.GET.get("page"),
        scope=scope,
    )
    page = paginator.get_page(paging.requested_number(request.GET.get("page")))
    moved = paging.page_redirect(request, page)
    if moved is not None:
        return moved
    entries = history.public_entries(list(page.object_list))
    heading = _("Changes")
    if record:
        heading = _("Changes: %(record)s") % {"record": record}
    # The page's number in its title, as the lists have it ("Visits, page 2"): a reader
    # with several pages open, or a screen reader's first words, tells them apart.
    title = heading
    if page.number > 1:
        title = _("%(title)s, page %(number)d") % {"title": heading, "number": page.number}
    return render_page(
        request,
        "history/change_list.html",
        {
            "title": heading,
            "page_title": title,
            "page_description": _(
                "Every change to a public fact behind the verdicts: what changed, when, and why."
            ),
            "page": page,
            "entries": entries,
            "record": record,
            "about": about,
            "base_query": query,
            "canonical_query": query,
        },
    )


def change_detail(request, label: str, pk: int):
    """/changes/<kind>-<id>/ (/changes/visits.finding-22/, an entry's `slug`): one public
    change on a page of its own, its permanent address to cite, whatever newer changes
    arrive, with "Cite this page" (`?cite=bibtex` or `?cite=ris` its file); 404 for a
    change that is not public or does not exist. It reads no other parameter (a 400 names
    any given, a shared link's tracking parameters and `lang` apart)."""
    entry = history.public_change(label, int(pk))
    if entry is None:
        raise Http404
    title = _("Change: %(kind)s %(name)s") % {
        "kind": capfirst(entry.kind),
        "name": entry.name,
    }
    refused = refuse_unknown_parameters(request, title)
    if refused is not None:
        return refused
    return render_page(
        request,
        "history/change_detail.html",
        {
            "title": title,
            "page_title": title,
            "page_description": _("Why: %(why)s.") % {"why": entry.why},
            "entry": entry,
            "changes_url": reverse("changes"),
            # Cited as the other public pages are ("Cite this page", ?cite=bibtex or ris):
            # it shows no verdict.
            "citation": citations.cite(request, title, verdicts_as_of=None),
        },
    )
