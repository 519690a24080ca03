"""How every public page is answered: rendered with its addresses, validated, and marked
as varying by what it varies by."""

from types import SimpleNamespace

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from core.echo import echoed
from core.filters import unknown_parameters
from core.locale import (
    alternate_paths,
    canonical_url,
    ignored_on_pages,
    translate_path,
    without_ignored_path,
)
from front import citations

# Browsers and proxies may keep a page but must revalidate it (ETag, added by
# ConditionalGetMiddleware from the content) before showing it again: a verdict can
# change at any time, and a 304 costs the reader almost nothing.
CACHE_CONTROL = {"public": True, "max_age": 0, "must_revalidate": True}
# A page rendered for a signed-in account may hold what only staff see (a visit's
# history and correction links): the browser may keep it, a shared cache never.
STAFF_CACHE_CONTROL = {"private": True, "max_age": 0, "must_revalidate": True}


def render_page(request, template: str, context: dict, status: int = 200):
    """Render a public page with its addresses (`page_links`). The language is named by
    the address (core/locale.py); the page varies by the session cookie (staff see more),
    and one rendered for a signed-in account is `private`.
    A page whose context holds a `citation` answers `?cite=bibtex` and `?cite=ris` with
    that citation's file, and `cite` given more than once with a 400 page naming it."""
    if len(request.GET.getlist("cite")) > 1 and "citation" in context:
        # `?cite=bibtex&cite=ris` asks for two files: refused, never one of them silently.
        return render_page(
            request,
            "invalid_filter.html",
            {
                "listing": SimpleNamespace(title=context.get("title") or context.get("page_title")),
                "record_page": True,
                "fields": {
                    "cite": [
                        _("Give one citation format, once: %(formats)s.")
                        % {"formats": ", ".join(citations.FORMATS)}
                    ]
                },
            },
            status=400,
        )
    if "cite" in request.GET and "citation" in context:
        return finish(citations.download(context["citation"], request.GET["cite"]))
    context = {**page_links(request, context.get("canonical_query", "")), **context}
    response = render(request, template, context, status=status)
    user = getattr(request, "user", None)
    finish(response, signed_in=bool(user is not None and user.is_authenticated))
    return response


# The query parameters a record's page (a state, a person, a visit) reads: its citation
# file (`render_page`). A shared link's tracking parameters and `lang` are ignored.
RECORD_PAGE_PARAMETERS = ("cite",)


def refuse_unknown_parameters(
    request, title: str, known=RECORD_PAGE_PARAMETERS, hints: dict | None = None
):
    """None when a record's page (`title`, its heading) knows every query parameter of
    `request`; otherwise a 400 page naming each unknown one and the parameters it has
    ("Its parameters are: cite."), as the lists refuse theirs (front.listing), never the
    page as it stands today as if it had answered (`?as_of=2025-01-01` on a state's page,
    which only the API reads). `hints` adds a sentence for a parameter by its name. The
    parameters a page ignores (a shared link's `utm_source`, `fbclid`; `lang`:
    core.locale.ignored_on_pages) are no unknown ones."""
    given = (name for name in request.GET if not ignored_on_pages(name))
    unknown = unknown_parameters(given, known)
    if not unknown:
        return None
    message = (
        _("This page has no such parameter. Its parameters are: %(names)s.")
        % {"names": ", ".join(known)}
        if known
        else _("This page takes no parameter.")
    )
    hints = hints or {}
    return render_page(
        request,
        "invalid_filter.html",
        {
            "listing": SimpleNamespace(title=title),
            "record_page": True,
            "fields": {
                echoed(name): [message, *([hints[name]] if name in hints else [])]
                for name in unknown
            },
        },
        status=400,
    )


def lower_case_redirect(request, route: str, records, slug: str):
    """A permanent redirect (301) from a record's address written in capitals
    (/persons/Vladimir-Putin/) to its own (/persons/vladimir-putin/), the query kept, as a
    state's lower-case code goes to its capitals; 404 when no record of `records` (a
    queryset with a `slug`) has that slug in lower case."""
    canonical = slug.lower()
    if not records.filter(slug=canonical).exists():
        raise Http404
    address = reverse(route, kwargs={"slug": canonical})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{address}?{query}" if query else address)


def page_links(request, canonical_query: str = "") -> dict:
    """A public page's addresses, for the template (and for Open Graph and citations):

    - `canonical_url`: absolute, in the page's language, with `canonical_query` (a list's
      filters, normalized; the sort, the page and unknown parameters never);
    - `alternates`: [(hreflang, absolute URL)] for each language and x-default (English,
      unprefixed), with the same query;
    - `language_links`: [(code, address)] the language switch goes to: this very page in
      that language, its query string kept but for the parameters a page ignores (a shared
      link's `utm_source`, `fbclid`, `lang`: core.locale.ignored_on_pages).
    """
    path = request.path + (f"?{canonical_query}" if canonical_query else "")
    paths = alternate_paths(path)
    alternates = [(code, request.build_absolute_uri(url)) for code, url in paths.items()]
    alternates.append(("x-default", request.build_absolute_uri(paths[settings.LANGUAGE_CODE])))
    # The page itself, without what a page ignores (a shared link's `utm_source`, `lang`).
    full_path = without_ignored_path(request.get_full_path())
    return {
        "canonical_url": canonical_url(request, canonical_query),
        "alternates": alternates,
        "language_links": [
            (code, translate_path(full_path, code)) for code, _name in settings.LANGUAGES
        ],
    }


def finish(response, signed_in: bool = False):
    """Mark a public page as varying by the session cookie, and cacheable: by anyone
    (CACHE_CONTROL), or by the reader's own browser alone when it was rendered for a
    signed-in account (STAFF_CACHE_CONTROL), which a shared cache must never hand on."""
    # The address names the language (core/locale.py): no Vary on Accept-Language.
    patch_vary_headers(response, ("Cookie",))
    patch_cache_control(response, **(STAFF_CACHE_CONTROL if signed_in else CACHE_CONTROL))
    return response
