"""The public Changes page (/changes/): every change to a public fact, newest first.

What changed (each field before and after, things named by their natural keys), when,
and why (the import of a dataset version, a verified correction or report, an edit);
never who: staff names stay in the newsroom's history. The same entries are the
Changes Atom feed (front.feeds.ChangesFeed). visits.history reads them.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.utils.translation import gettext as _

from core.filters import unknown_parameters
from core.locale import ignored_on_pages
from front import paging
from front.pages import render_page
from visits import history

PER_PAGE = 50


class ChangesPaginator(paging.BoundedPaginator):
    """The public changes by page: counted up to a limit, a page read from the newest
    events of each kind of record (history.public_changes)."""

    def counted_rows(self, limit: int) -> int:
        """The changes, counting no further than `limit` of each kind."""
        return history.count_public_changes(limit)

    def rows(self, bottom: int, top: int):
        """The changes from `bottom` to `top`, newest first (none when there are none)."""
        return history.public_changes(top)[bottom:top] if top > bottom else []


def change_list(request):
    """/changes/: every change to a public fact, newest first, 50 a page; an unknown
    parameter is a 400 naming the ones it has (a shared link's `utm_source`, `fbclid` or
    `lang` is ignored: core.locale.ignored_on_pages)."""
    # A shared link's tracking parameters (`utm_source`, `fbclid`) and `lang` are ignored.
    given = (name for name in request.GET if not ignored_on_pages(name))
    unknown = unknown_parameters(given, ["page"])
    if unknown:
        message = _("This list has no such parameter. Its parameters are: %(names)s.") % {
            "names": "page"
        }
        return render_page(
            request,
            "invalid_filter.html",
            {
                "listing": SimpleNamespace(title=_("Changes")),
                "fields": {name: [message] for name in unknown},
            },
            status=400,
        )
    paginator = ChangesPaginator(
        history.public_changes(), PER_PAGE, requested=request.GET.get("page")
    )
    page = paginator.get_page(paging.requested_number(request.GET.get("page")))
    moved = paging.page_redirect(request, page)
    if moved is not None:
        return moved
    entries = history.public_entries(list(page.object_list))
    # The page's number in its title, as the lists have it ("Visits, page 2"): a reader
    # with several pages open, or a screen reader's first words, tells them apart.
    title = _("Changes")
    if page.number > 1:
        title = _("%(title)s, page %(number)d") % {"title": title, "number": page.number}
    return render_page(
        request,
        "history/change_list.html",
        {
            "title": _("Changes"),
            "page_title": title,
            "page_description": _(
                "Every change to a public fact behind the verdicts: what changed, when, and why."
            ),
            "page": page,
            "entries": entries,
        },
    )
