"""The home page, search and the language switch: the public pages that belong to no one app."""

from __future__ import annotations

import itertools
from collections import defaultdict

from django.conf import settings
from django.core.paginator import InvalidPage
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import pagecache, tabular
from core.identifiers import whole_number
from core.locale import canonical_query_string, translate_path
from core.names import collation_key, country_name, format_date
from core.pagecache import cache_page_by_version
from front import charts, sitemaps, summaries, worldmap
from front import search as site_search
from front.pages import render_page
from states import status as treaty_status
from states.models import State
from states.territories import NOT_STATES
from visits.models import VerdictCode, Visit
from warrants.models import Person

LATEST_INCIDENTS = 8
EARLY_WARNINGS = 20


def status_map(
    names: dict[str, str],
    statuses: dict[str, str],
    incident_hosts: dict[str, int],
    today,
    territory_of: dict[str, str] | None = None,
):
    """The home page's map (SVG or None) and its table: each state's standing today, incident
    hosts marked. `territory_of` maps a territory's ISO3 to its State's (states.territories),
    whose name its title gives. The map colours each state of the table (`names`) as its
    row does (a state with no standing given is not a party, in both) and nothing else: a
    shape that is none of them (Northern Cyprus, Somaliland, Kosovo) is no data
    (worldmap.NOT_RECORDED_CLASS), never "not a party"."""
    territory_of = territory_of or {}
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for iso3, name in sorted(names.items(), key=lambda item: collation_key(item[1])):
        groups[statuses.get(iso3, treaty_status.NON_PARTY)].append((iso3, name))
    titles = {}
    for iso3, name in names.items():
        owner = territory_of.get(iso3)
        label = summaries.standing_label(
            statuses.get(iso3, treaty_status.NON_PARTY), names.get(owner, owner or "")
        )
        text = f"{name}{summaries.colon()} {label}"
        if incident_hosts.get(iso3):
            text += " — " + ngettext(
                "%(count)d incident", "%(count)d incidents", incident_hosts[iso3]
            ) % {"count": incident_hosts[iso3]}
        titles[iso3] = text
    markers = [
        worldmap.Marker("m-incident", titles[iso3], iso3=iso3)
        for iso3 in sorted(incident_hosts)
        if iso3 in names
    ]
    svg = worldmap.render(
        classes={iso3: f"st-{statuses.get(iso3, treaty_status.NON_PARTY)}" for iso3 in names},
        default_class=worldmap.NOT_RECORDED_CLASS,
        titles=titles,
        links={iso3: reverse("state", kwargs={"iso3": iso3}) for iso3 in names},
        markers=markers,
        label=_("World map of each state's standing under the Rome Statute on %(date)s")
        % {"date": format_date(today)},
        description=_(
            "States are coloured by standing: State Party, withdrawing, former State Party, or not "
            "a party; territories of a State, and Antarctica and Western Sahara, which are not "
            "States, are shown apart. Shapes that are not a state in iccwatch's records "
            "(Northern Cyprus, Somaliland, Kosovo) are left blank as no data, and not counted. "
            "Dots mark the states that hosted an incident. "
            "The table right after the map (open it from its summary) gives the same facts "
            "and links."
        ),
    )
    table = [
        {"status": s.value, "label": s.label, "states": groups.get(s.value, [])}
        for s in treaty_status.Standing
    ]
    hosts = [
        (iso3, names.get(iso3, iso3), n)
        for iso3, n in sorted(
            incident_hosts.items(), key=lambda i: collation_key(names.get(i[0], i[0]))
        )
    ]
    return svg, table, hosts


def summary_name(today=None) -> str:
    """The name of the home page's summary for `today` (default: the local date):
    "home:2026-12-06". Its early warnings depend on the day (an announced trip's dates pass
    at midnight), so each day has its own, never yesterday's."""
    return f"home:{(today or timezone.localdate()).isoformat()}"


def home_counts(today=None) -> dict:
    """The home page's summary (`_counts`), counted once per data version and per day."""
    today = today or timezone.localdate()
    return pagecache.summary(summary_name(today), lambda: _counts(today))


def _counts(today=None) -> dict:
    """The home page's counts over every visit, and which visits it lists (ids): a summary
    recounted after writes and each day (core.pagecache.summary)."""
    published = Visit.objects.published()
    counts = published.aggregate(
        incidents=Count("pk", filter=Q(verdict__code=VerdictCode.NON_COMPLIANCE)),
        called_off=Count("pk", filter=Q(verdict__code=VerdictCode.DETERRED)),
    )
    counts["incident_hosts"] = dict(
        published.flagged().values_list("host__iso3").annotate(n=Count("pk")).order_by()
    )
    counts["latest"] = list(
        published.flagged()
        .order_by("-start", "-pk")
        .values_list("pk", flat=True)[:LATEST_INCIDENTS]
    )
    counts["warnings"] = list(
        summaries.early_warnings(today).values_list("pk", flat=True)[:EARLY_WARNINGS]
    )
    return counts


def _visits_by_ids(ids: list[int]) -> dict:
    """{id: visit} for these visits (published ones only, with their verdicts)."""
    return {v.pk: v for v in Visit.objects.published().with_verdicts().filter(pk__in=ids)}


@cache_page_by_version
def home(request):
    """/: the headline counts, the latest incidents, and the world map of each state's
    standing today with its table."""
    today = timezone.localdate()
    timelines = treaty_status.load_timelines(with_declarations=True)
    statuses = {iso3: treaty_status.status_on(facts, today) for iso3, facts in timelines.items()}
    rows = list(State.objects.values_list("iso3", "name", "territory_of__iso3"))
    names = {iso3: country_name(iso3, name) for iso3, name, _owner in rows}
    territory_of = {iso3: owner for iso3, _name, owner in rows if owner}
    for iso3 in territory_of:
        statuses.setdefault(iso3, treaty_status.TERRITORY)
    for iso3 in NOT_STATES:
        statuses.setdefault(iso3, treaty_status.NOT_A_STATE)
    counts = home_counts(today)
    listed = _visits_by_ids(counts["latest"] + counts["warnings"])
    latest, warnings = (
        [listed[pk] for pk in counts[name] if pk in listed] for name in ("latest", "warnings")
    )
    at_large = Person.objects.at_large().count()
    incident_hosts = counts["incident_hosts"]
    bound = [
        c for c, s in statuses.items() if s in (treaty_status.PARTY, treaty_status.WITHDRAWING)
    ]
    # Bound for some warrants or situations only: withdrawn states (Art. 127(2)) and
    # non-parties with an Art. 12(3) declaration or bound by a Security Council referral.
    partly = [
        c
        for c, f in timelines.items()
        if statuses[c] == treaty_status.WITHDRAWN
        or (
            statuses[c] == treaty_status.NON_PARTY
            and (
                any(d.lodged <= today for d in f.declarations)
                or any(r.adopted <= today for r in f.referrals)
            )
        )
    ]
    svg, map_table, hosts = status_map(names, statuses, incident_hosts, today, territory_of)
    context = {
        "page_title": _("Who hosts people wanted by the ICC"),
        # Every state exists once a dataset is imported: none means no data yet, and
        # the page says so rather than show "0 states bound".
        "no_data": not names,
        "today": today,
        "bound": len(bound),
        "partly_bound": len(partly),
        "at_large": at_large,
        "incidents": counts["incidents"],
        "called_off": counts["called_off"],
        "latest": [(visit, summaries.incident_line(visit)) for visit in latest],
        "warnings": [(visit, summaries.warning_line(visit)) for visit in warnings],
        "map_svg": svg,
        "map_table": map_table,
        "incident_hosts": hosts,
        "incidents_chart": charts.incidents_per_year(),
    }
    return render_page(request, "home.html", context)


def search(request):
    """/search/?q=: persons, then states, then visits matching the query (front.search)."""
    query = site_search.clean(request.GET.get("q"))
    results = site_search.search(query) if query else None
    context = {
        "page_title": _("Search: %(query)s") % {"query": query} if query else _("Search"),
        "page_description": _("Persons, states and visits matching “%(query)s”.") % {"query": query}
        if query
        else _("Search persons, states and visits: spelling variants are fine."),
        "canonical_query": canonical_query_string({"q": query}) if query else "",
        "query": query,
        "results": results,
    }
    return render_page(request, "search.html", context)


def set_language(request, code: str):
    """Switch the interface language with a plain link (no form, so pages carry no CSRF
    token and keep a stable ETag): to `next` in that language (/fr/... for a public page,
    query string kept), the choice remembered in Django's language cookie for the pages
    whose address names no language (the newsroom, the admin).

    `next` and the address it becomes in that language are both checked to be this
    site's: another site's, or one a browser reads as another host's ("//evil.example",
    "/\\evil.example"), leads to the home page in that language instead. Raises Http404
    for a language the site does not have."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("unknown language")
    home = translate_path("/", code)

    def on_this_site(url: str) -> bool:
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )

    target = request.GET.get("next", "/")
    destination = translate_path(target, code) if on_this_site(target) else home
    if not on_this_site(destination):
        destination = home
    response = HttpResponseRedirect(destination)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=False,
    )
    response["Cache-Control"] = "no-store"
    return response


def staff_page_in_language(request, code: str, rest: str):
    """/fr/newsroom/... (and /fr/account/, /fr/admin/): the staff pages have one address in
    every language, the language being the reader's choice (a cookie). A guessed prefixed
    address switches to that language and opens the page, instead of a 404."""
    target = "/" + rest
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    return HttpResponseRedirect(
        reverse("set-language", args=[code]) + "?" + urlencode({"next": target})
    )


SITEMAP_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)


def sitemap_section(request, section: str):
    """One file of a sitemap section (/sitemap-visits.xml?p=2): at most 50,000 addresses
    (10,000 for the visits), streamed; 404 for an unknown section or page (front/sitemaps.py)."""
    sitemap_class = sitemaps.SITEMAPS.get(section)
    if sitemap_class is None:
        raise Http404("no such sitemap section")
    # `?p=` in ASCII digits only, as every number in an address (core.identifiers).
    number = whole_number(request.GET.get("p", "1"))
    if number is None:
        raise Http404("no such page of the sitemap")
    try:
        elements = sitemap_class().url_elements(number, f"{request.scheme}://{request.get_host()}")
        first = next(elements, "")  # reads the page now: a missing page is a 404
    except (ValueError, InvalidPage):
        raise Http404("no such page of the sitemap") from None
    response = StreamingHttpResponse(
        tabular.in_pieces(itertools.chain((SITEMAP_HEAD, first), elements, ("</urlset>\n",))),
        content_type="application/xml",
    )
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


# Never crawled: staff pages, the language switch (a redirect), search results (endless
# combinations) and the downloads (every row of a list, heavy to serve).
# ("/*.csv" also matches a download with a query string, which "/*.csv$" would not.)
ROBOTS_DISALLOW = (
    "/newsroom/",
    "/admin/",
    "/account/",
    "/language/",
    "/*.csv",
    "/*.json",
    "/data/iccwatch-data-",
)
ROBOTS_DISALLOW_PAGES = ("search",)


def robots_txt(request):
    """robots.txt: what crawlers may skip, and where the sitemap is (absolute, as the
    protocol requires)."""
    disallowed = list(ROBOTS_DISALLOW)
    for name in ROBOTS_DISALLOW_PAGES:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                disallowed.append(reverse(name))
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in disallowed),
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
