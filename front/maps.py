"""The world maps of person and country pages: states shaded by verdict, a dot per visit.

Built on front.worldmap (projection and drawing) and front.gazetteer (where a visit's
place is). Each map is one image to assistive technology; the page carries the same
visits as a timeline or a table.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Max, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from core import pagecache
from core.names import country_name, elide, in_sentence
from front import gazetteer, summaries, worldmap
from visits.models import VerdictCode, Visit

# The verdicts in the order they shade a state, the most serious first (shade_rank).
_SHADE_ORDER = (
    (VerdictCode.NON_COMPLIANCE,),
    (VerdictCode.COMPLIED,),
    (
        VerdictCode.NO_CONTROL,
        VerdictCode.NO_OBLIGATION,
        VerdictCode.WARRANT_NOT_PUBLIC,
        VerdictCode.NO_WARRANT_IN_FORCE,
        VerdictCode.PENDING,
        VerdictCode.UPCOMING,
    ),
    (VerdictCode.DETERRED,),
    (VerdictCode.WITHDRAWN,),
)
_RANK = {code: len(_SHADE_ORDER) - i for i, tier in enumerate(_SHADE_ORDER) for code in tier}
# Each rank's first code: the one a rank read back from the database stands for.
_RANK_CODE = {len(_SHADE_ORDER) - i: tier[0] for i, tier in enumerate(_SHADE_ORDER)}


def shade_rank(code: str) -> int:
    """How serious a verdict is on a map, where a state that hosted several visits is
    shaded by the most serious: the higher rank wins (0 for '' or an unknown code).

    The order, over docs/DOMAIN.md's verdicts ("The verdict for one visit"):

    1. `non_compliance`: an incident, a bound host that did not arrest;
    2. `complied`: the person was taken into custody (arrested, or surrendered voluntarily);
    3. every other verdict on a trip that took place, or is announced or not yet decided
       (`no_control`, `no_obligation`, `warrant_not_public`, `no_warrant_in_force`,
       `pending`, `upcoming`): the legend's "other verdicts", all one shade;
    4. `deterred`: the person did not travel. Its shade says that no trip there took
       place, so it is shown only where every trip there was called off: Putin's state
       visit to India in December 2025 outranks the trip he called off in September 2023;
    5. `withdrawn`: a visit that left the record (the maps show published visits only).

    The maps' descriptions (travel_map, hosted_map) say the same order.
    """
    return _RANK.get(code, 0)


def _shade_rank_sql() -> Case:
    """shade_rank of a visit's verdict as an SQL expression, a WHEN per verdict code (a
    visit not yet evaluated counts as `pending`, as the maps draw it)."""
    return Case(
        *(When(verdict__code=code, then=Value(shade_rank(code))) for code in VerdictCode.values),
        default=Value(shade_rank(VerdictCode.PENDING)),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class HostShade:
    """A host state over all of a person's trips there: `name` (the dataset's, for
    core.names.country_name), `trips` (the number of published visits there, those called
    off included) and `code`, the verdict that shades it: the most serious by shade_rank,
    or for a rank of several codes ("other verdicts") the first of them, which has the
    same shade."""

    name: str
    trips: int
    code: str


def host_shades(visits) -> dict[str, HostShade]:
    """{host ISO3: HostShade} over every visit of `visits`, a QuerySet of published visits
    (one person's), however many, counted now: one query grouped by host, a row per host
    state, its most serious verdict the MAX of _shade_rank_sql. One person's visits are
    found on an index led by the person (at 1,000,000 visits the synthetic busiest
    person's 83,734 published visits, a bitmap scan of visits_visit_person_review, each
    joined to its verdict by id: 0.43–0.54 s on a shared machine, as long as the person's
    VisitTally; hence `person_host_shades`, counted once per data version)."""
    rows = (
        visits.order_by()
        .values_list("host__iso3", "host__name")
        .annotate(trips=Count("pk"), rank=Max(_shade_rank_sql()))
    )
    return {iso3: HostShade(name, trips, _RANK_CODE[rank]) for iso3, name, trips, rank in rows}


def person_host_shades(person) -> dict[str, HostShade]:
    """`host_shades` of the person's published visits, counted once per data version (the
    summary `map:person:<id>`, recounted after writes; front.warm counts it ahead for the
    persons whose page needs it, those with more than summaries.LATEST_TRIPS trips)."""
    trips = Visit.objects.published().filter(person=person)
    return pagecache.summary(f"map:person:{person.pk}", lambda: host_shades(trips))


def shade_words(code: str) -> str:
    """The shade of a state whose most serious verdict is `code`, in the legend's words:
    "non-compliance", "complied (taken into custody)", "did not travel", or "other verdicts"."""
    css = verdict_css(code)
    return _("other verdicts") if css == "other" else summaries.verdict_words(code)


def verdict_css(code: str) -> str:
    """The CSS suffix of a verdict on maps: incident, complied, deterred or other."""
    return {
        VerdictCode.NON_COMPLIANCE: "incident",
        VerdictCode.COMPLIED: "complied",
        VerdictCode.DETERRED: "deterred",
    }.get(code, "other")


def _visit_layers(visits) -> tuple[dict[str, str], dict[str, list[str]], list[worldmap.Marker]]:
    """(most serious verdict per host ISO3 by shade_rank, tooltip lines per host ISO3,
    one marker per visit). An announced trip whose dates have passed today
    (Visit.dates_passed) is said so after its verdict, in its tooltip and its marker's."""
    worst: dict[str, str] = {}
    titles: dict[str, list[str]] = {}
    markers = []
    places = gazetteer.resolve((v.host.iso3, v.place) for v in visits if v.place)
    for visit in visits:
        code = summaries.verdict_code(visit) or VerdictCode.PENDING
        iso3 = visit.host.iso3
        if iso3 not in worst or shade_rank(code) > shade_rank(worst[iso3]):
            worst[iso3] = code
        span = summaries.visit_span_words(visit)
        host = summaries.state_name(visit.host)
        words = summaries.visit_verdict_words(visit) or VerdictCode(code).label
        if visit.dates_passed():
            # An announced trip whose dates passed, as every list shows its verdict.
            words = f"{words} {_('(dates passed; not confirmed as taken)')}"
        titles.setdefault(iso3, [host]).append(f"{span}{summaries.colon()} {words}")
        lonlat = None
        for part in gazetteer.split_places(visit.place):
            found = places.get((iso3, part))
            if found:
                lonlat = (found.longitude, found.latitude)
                break
        where = f"{summaries.place_words(visit.place)}, {host}" if visit.place else host
        markers.append(
            worldmap.Marker(
                f"m-{verdict_css(code)}",
                f"{where}, {span}{summaries.colon()} {words}",
                iso3=iso3,
                lonlat=lonlat,
            )
        )
    return worst, titles, markers


def travel_map(person, visits, hosts: dict[str, HostShade] | None = None) -> str | None:
    """A person's map: host states shaded by the most serious verdict (shade_rank), a dot
    per trip drawn.

    `visits` are published visits of the person with their hosts and verdicts loaded: all
    of them, or only the latest (a person with more than summaries.LATEST_TRIPS trips),
    and then `hosts` is host_shades over all of them: every state the person visited is
    shaded by every trip there, not by the latest alone, and a state's tooltip says how
    many trips there are and which shade they give it. The dots are `visits`, and the
    description says which trips they are. Returns the SVG, or None when the map shapes
    are not installed.
    """
    worst, titles, markers = _visit_layers(visits)
    drawn = Counter(v.host.iso3 for v in visits)
    for iso3, host in (hosts or {}).items():
        if iso3 not in worst or shade_rank(host.code) > shade_rank(worst[iso3]):
            worst[iso3] = host.code
        if host.trips > drawn[iso3]:
            line = _("Trips here: %(trips)s in all, %(drawn)s shown as dots; shaded “%(shade)s”")
            titles.setdefault(iso3, [country_name(iso3, host.name)]).append(
                line % {"trips": host.trips, "drawn": drawn[iso3], "shade": shade_words(host.code)}
            )
    classes = {iso3: f"vh-{verdict_css(code)}" for iso3, code in worst.items()}
    if person.nationality_id:
        classes.setdefault(person.nationality.iso3, "home")
    total = sum(host.trips for host in hosts.values()) if hosts else len(visits)
    if total > len(visits):
        description = _(
            "Host states are shaded by the most serious verdict among all the trips there "
            "(%(total)s recorded trips in all): non-compliance, then a person taken into "
            "custody, then any other verdict on a trip that took place or is announced; a state "
            "is shaded “did not travel” only where every trip there was called off. Only the "
            "latest trips have a dot (%(shown)s of %(total)s), placed at their city when known: "
            "the travel timeline on this page lists them; the list of visits gives every trip."
        ) % {"total": total, "shown": len(visits)}
    else:
        description = _(
            "Host states are shaded by the most serious verdict on a visit there: non-compliance, "
            "then a person taken into custody, then any other verdict on a trip that took place "
            "or is announced; a state is shaded “did not travel” only where every trip there was "
            "called off. Each dot is a trip, placed at its city when known. The travel timeline "
            "on this page lists the same trips."
        )
    return worldmap.render(
        classes=classes,
        default_class="vh-none",
        titles={iso3: "\n".join(lines) for iso3, lines in titles.items()},
        links={iso3: reverse("state", kwargs={"iso3": iso3}) for iso3 in classes},
        markers=markers,
        label=elide(_("Map of the recorded trips of %(person)s") % {"person": person.name}),
        description=description,
    )


def hosted_map(state, visits) -> str | None:
    """A country's map: the state shaded by the most serious verdict on a visit it hosted
    (shade_rank), a dot per visit at its city when known.

    `visits` are the state's published hosted visits with their verdicts loaded; returns
    the SVG, or None when the map shapes are not installed.
    """
    worst, titles, markers = _visit_layers(visits)
    code = worst.get(state.iso3)
    return worldmap.render(
        classes={state.iso3: f"vh-{verdict_css(code)}" if code else "home"},
        default_class="vh-none",
        titles={state.iso3: "\n".join(titles.get(state.iso3, [summaries.state_name(state)]))},
        links={},
        markers=markers,
        label=_("Map of the visits hosted by %(state)s")
        % {"state": in_sentence(summaries.state_name(state))},
        description=_(
            "The state is shaded by the most serious verdict on a visit it hosted: "
            "non-compliance, then a person taken into custody, then any other verdict on a trip "
            "that took place or is announced; it is shaded “did not travel” only where every "
            "trip was called off. Each dot is a visit, placed at its city when known. The table "
            "of visits on this page lists the same visits."
        ),
    )
