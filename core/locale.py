"""The reader's language: named by the address on the public site, chosen elsewhere.

The public pages are under Django's `i18n_patterns` without a prefix for the default
language (iccwatch/urls.py): /states/MNG/ is English and /fr/states/MNG/ French,
whatever the language cookie or Accept-Language say, so a shared or cited link opens
in the language it names, and a cache may key a page by its address alone.

Every other address (the API, the newsroom, the admin, the language switch) keeps
Django's choice: the language cookie (set by the switch), then Accept-Language; the
API's `?lang=` wins over both (api/lang.py).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote_plus, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import QueryDict
from django.middleware.locale import LocaleMiddleware
from django.urls import URLResolver, get_resolver, translate_url
from django.urls.exceptions import Resolver404
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString


def _localized_resolvers(urlconf) -> list[URLResolver]:
    """The URL resolvers made by i18n_patterns in `urlconf` (the public site's)."""
    return [
        pattern
        for pattern in get_resolver(urlconf).url_patterns
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern)
    ]


def is_localized_path(path: str, urlconf=None) -> bool:
    """Whether `path` (an address without a language prefix, e.g. "/states/MNG/") is a page
    of the public site, whose language is named by its address (English here)."""
    with translation.override(settings.LANGUAGE_CODE):
        for resolver in _localized_resolvers(urlconf or settings.ROOT_URLCONF):
            try:
                resolver.resolve(path.removeprefix("/"))
            except Resolver404:
                continue
            return True
    return False


# What opens an address a browser reads as another host's: two slashes or backslashes in
# any mix ("//evil.example", "/\\evil.example"; WHATWG URL Standard, "special authority
# slashes" state), and what it drops before reading it wherever it is (ASCII tab or
# newline: "/\t/evil.example" is "//evil.example").
LEADING_SLASHES = re.compile(r"^[/\\]+")
DROPPED = str.maketrans("", "", "\t\n\r")


def site_path(url: str) -> str:
    """`url` as an address of this site, for a link or a redirect: its path (with its query
    string and fragment), without a scheme or host, without tab or newline, and with one
    slash where its path, or the path after a language prefix, opens with slashes or
    backslashes: "/fr//evil.example/x?a=1" -> "/fr/evil.example/x?a=1",
    "https://evil.example/x" -> "/x", "/\\evil.example" -> "/evil.example", "" -> "/".

    A browser reads an address opening with two slashes or backslashes as another host's
    (`LEADING_SLASHES`), and the language switch drops a "/fr" prefix (`translate_path`):
    "/fr//evil.example" would lead to http://evil.example/. A path like any other is
    returned as it is."""
    parts = urlsplit(url.translate(DROPPED))
    path = LEADING_SLASHES.sub("/", parts.path) if parts.path else "/"
    if not path.startswith("/"):
        path = "/" + path
    if translation.get_language_from_path(path) is not None:
        prefix, slash, rest = path[1:].partition("/")
        path = f"/{prefix}" + (LEADING_SLASHES.sub("/", slash + rest) if slash else "")
    return urlunsplit(("", "", path, parts.query, parts.fragment))


def translate_path(url: str, code: str) -> str:
    """The address `url` (path, query string kept) in language `code`: "/fr/states/MNG/?a=1"
    -> "/states/MNG/?a=1" for "en". An address outside the public site maps to itself.

    An address with a language prefix that no route matches (a mistyped "/fr/stats/MNG/",
    whose 404 offers the switch) takes the other language's prefix ("/stats/MNG/"):
    Django's translate_url leaves it as it is, and the switch would lead back to the
    same page in the same language.

    Always an address of this site (`site_path`), never one a browser reads as another
    host's: "/fr//evil.example" is "/evil.example" in English, not "//evil.example"."""
    url = site_path(url)
    parts = urlsplit(url)
    prefix = translation.get_language_from_path(parts.path)
    with translation.override(prefix or settings.LANGUAGE_CODE):
        translated = translate_url(url, code)
    if translated != url or prefix is None or prefix == code:
        return translated
    # The prefix as written ("/fr-ca/…" is French too), then the path after it.
    rest = LEADING_SLASHES.sub("/", "/" + parts.path.lstrip("/").partition("/")[2])
    path = rest if code == settings.LANGUAGE_CODE else f"/{code}{rest}"
    return urlunsplit(parts._replace(path=path))


def staff_path(path: str) -> str:
    """The address of a staff page (the newsroom, /account/, the admin: one address in every
    language, the language being the reader's choice) at `path` ("/newsroom/reports/3/")
    for a link written in the active language, a mail's: prefixed with that language when
    it is not the site's default ("/fr/newsroom/reports/3/", which switches the reader's
    browser to French and opens the page: front.views.home.staff_page_in_language), as it
    is otherwise. The link then opens the page in the language it was written in, not in
    whatever language the browser was left in, and the reader's next newsroom page records
    that language as their mails' (accounts.languages)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language != settings.LANGUAGE_CODE and language in dict(settings.LANGUAGES):
        return f"/{language}{path}"
    return path


def alternate_paths(url: str) -> dict[str, str]:
    """The same public page in each language: {"en": "/states/MNG/", "fr": "/fr/states/MNG/"}
    (see `translate_path`)."""
    return {code: translate_path(url, code) for code, _name in settings.LANGUAGES}


# The parameters a shared link carries for whoever shared it, never for the page: campaign
# tags (Google Analytics' `utm_*`, which newsletters and social tools append) and the click
# identifiers of advertisers and platforms (Meta's `fbclid`, Google Ads' `gclid`, `dclid`,
# `gbraid` and `wbraid`, Microsoft Advertising's `msclkid`, Mailchimp's `mc_cid` and
# `mc_eid`, Instagram's `igshid`, X's `twclid`, TikTok's `ttclid`, Yandex's `yclid`, Google
# Analytics' cross-domain `_ga` and `_gl`). The one list of them: the site's lists and
# downloads ignore them (front.listing), the feeds too (front.feeds), and no address a page
# writes carries them (its canonical, its pagination, sort and download links). The API
# refuses them as any parameter it does not read: its contract names every one.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "twclid",
        "ttclid",
        "yclid",
        "_ga",
        "_gl",
    }
)
# `?lang=` chooses the language of the API and of a feed; a public page's address names
# its own (/fr/…), so a page ignores it, and its canonical address never carries it.
LANG = "lang"


def is_tracking_parameter(name: str) -> bool:
    """Whether the query parameter `name` is one a shared link carries for whoever shared
    it (TRACKING_PARAMETERS, or a name starting with one of TRACKING_PREFIXES:
    "utm_source", "fbclid"), never one a page or a feed reads."""
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def ignored_on_pages(name: str) -> bool:
    """Whether a public page (a list, its downloads) ignores the query parameter `name`,
    and leaves it out of every address it writes: a tracking parameter
    (`is_tracking_parameter`) or `lang`, which the page's address overrides."""
    return name == LANG or is_tracking_parameter(name)


def without_ignored(query: QueryDict) -> QueryDict:
    """A mutable copy of `query` (a request's GET) without the parameters a public page
    ignores (`ignored_on_pages`): `host=MNG&utm_source=x&lang=fr` -> `host=MNG`."""
    kept = query.copy()
    for name in [name for name in kept if ignored_on_pages(name)]:
        kept.pop(name)
    return kept


def without_ignored_path(full_path: str) -> str:
    """A path with its query string (`request.get_full_path()`) without the parameters a
    public page ignores: "/visits/?host=MNG&fbclid=x" -> "/visits/?host=MNG",
    "/visits/?utm_source=x" -> "/visits/"; the other parameters kept in their order, as
    written."""
    path, mark, query = full_path.partition("?")
    if not mark:
        return full_path
    kept = [
        part
        for part in query.split("&")
        if part and not ignored_on_pages(unquote_plus(part.partition("=")[0]))
    ]
    return f"{path}?{'&'.join(kept)}" if kept else path


# The characters a canonical query string keeps as they are: a comma needs no
# percent-encoding in a query (RFC 3986, section 3.4: a sub-delimiter, not a separator
# of parameters), and a list's filter of several values is written with it
# ("?host=TCD,DJI"), as the reader's own address ("Link to this view") shows it.
QUERY_SAFE = ","


def canonical_query_string(pairs) -> str:
    """The query string of a canonical address from [(name, value)] (or {name: value}),
    percent-encoded as a form would be ("q=Ulan+Bator"), the characters of QUERY_SAFE
    kept ("host=TCD,DJI"); "" for no pairs. Every canonical address is written with it:
    a list's filters (front.listing.canonical_query) and the search's query. A parameter
    a page ignores (`ignored_on_pages`: `utm_source`, `fbclid`, `lang`) is left out."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return urlencode([(k, v) for k, v in items if not ignored_on_pages(k)], safe=QUERY_SAFE)


def canonical_filters(query: QueryDict, names) -> str:
    """The canonical query string of the parameters `names` of `query` (a request's GET:
    a list's filters, not its sort or page): empty values dropped, the pairs sorted,
    written by `canonical_query_string` ("host=TCD,DJI&year=2024"). The same filters give
    the same string whatever their order, on the site (front.listing.canonical_query) and
    in the API (a CSV's file name, dataset.state.download_name)."""
    pairs = sorted(
        (name, value.strip())
        for name in set(names)
        for value in query.getlist(name)
        if value.strip()
    )
    return canonical_query_string(pairs)


def query_digest(canonical_query: str) -> str:
    """A short digest naming a filtered view by its canonical query string (8 hexadecimal
    digits of its SHA-1: "host=MNG&verdict=non_compliance" -> "06577de2"): the end of a
    list's BibTeX key (front.citations.Citation.key) and of a download's file name
    (dataset.state.download_name), so that both name the same rows alike; "" for ""."""
    if not canonical_query:
        return ""
    return hashlib.sha1(canonical_query.encode(), usedforsecurity=False).hexdigest()[:8]


def canonical_url(request, canonical_query: str = "") -> str:
    """The absolute canonical address of the public page answering `request`, in the
    page's language: its path with `canonical_query` (a list's known filters, normalized
    by front.listing.canonical_query; "" for a record's page) and nothing else of the
    query string the reader came with (no tracking parameter, `utm_source` or `fbclid`:
    `is_tracking_parameter`; no `lang`, sort or page).
    The page's <link rel="canonical"> (front.pages.page_links) and its citation
    (front.citations.cite) are both this address."""
    path = request.path + (f"?{canonical_query}" if canonical_query else "")
    paths = alternate_paths(path)
    return request.build_absolute_uri(paths.get(translation.get_language(), path))


class SiteLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with the language of a public page taken from its
    address only: a prefix (/fr/...) names it, no prefix means English. Sets
    `request.localized` (True on a public page) for the pages' alternate links."""

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        language = translation.get_language_from_path(request.path_info)
        request.localized = language is not None or is_localized_path(request.path_info, urlconf)
        if language is None:
            language = (
                settings.LANGUAGE_CODE
                if request.localized
                else translation.get_language_from_request(request, check_path=False)
            )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if getattr(request, "localized", False):
            # The address names the language: the answer does not vary by Accept-Language.
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)


def language_to_mark(language: str | None) -> str:
    """The `lang` an element holding words written in `language` (a BCP 47 code: "en",
    "fr") needs on the page being made: `language` when the page (the active language) is
    in another, so that a screen reader reads them with the right voice (WCAG 2.2 SC 3.1.2,
    language of parts); "" when the page is in the same language or `language` is empty
    (words in the page's own language)."""
    if not language:
        return ""
    page = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return "" if str(language).split("-")[0].lower() == page else str(language)


def in_language(words: str, language: str | None) -> SafeString:
    """`words` as HTML, escaped, in `<span lang="…">` when written in another `language`
    than the page's (`language_to_mark`); as they are, escaped, otherwise."""
    lang = language_to_mark(language)
    return (
        format_html('<span lang="{}">{}</span>', lang, words) if lang else conditional_escape(words)
    )
