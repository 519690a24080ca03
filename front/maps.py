"""The world maps of person and country pages: states shaded by verdict, a dot per visit.

Built on front.worldmap (projection and drawing) and front.gazetteer (where a visit's
place is). Each map is one image to assistive technology; the page carries the same
visits as a timeline or a table.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.names import elide, in_sentence
from front import gazetteer, summaries, worldmap
from visits.models import VerdictCode

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


def shade_rank(code: str) -> int:
    """How serious a verdict is on a map, where a state that hosted several visits is
    shaded by the most serious: the higher rank wins (0 for '' or an unknown code).

    The order, over docs/DOMAIN.md's verdicts ("The verdict for one visit"):

    1. `non_compliance`: an incident, a bound host that did not arrest;
    2. `complied`: the person was arrested;
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


def verdict_css(code: str) -> str:
    """The CSS suffix of a verdict on maps: incident, complied, deterred or other."""
    return {
        VerdictCode.NON_COMPLIANCE: "incident",
        VerdictCode.COMPLIED: "complied",
        VerdictCode.DETERRED: "deterred",
    }.get(code, "other")


def _visit_layers(visits) -> tuple[dict[str, str], dict[str, list[str]], list[worldmap.Marker]]:
    """(most serious verdict per host ISO3 by shade_rank, tooltip lines per host ISO3,
    one marker per visit)."""
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


def travel_map(person, visits) -> str | None:
    """A person's map: host states shaded by the most serious verdict (shade_rank), a dot
    per trip.

    `visits` are the person's published visits with their hosts and verdicts loaded;
    returns the SVG, or None when the map shapes are not installed.
    """
    worst, titles, markers = _visit_layers(visits)
    classes = {iso3: f"vh-{verdict_css(code)}" for iso3, code in worst.items()}
    if person.nationality_id:
        classes.setdefault(person.nationality.iso3, "home")
    return worldmap.render(
        classes=classes,
        default_class="vh-none",
        titles={iso3: "\n".join(lines) for iso3, lines in titles.items()},
        links={iso3: reverse("state", kwargs={"iso3": iso3}) for iso3 in classes},
        markers=markers,
        label=elide(_("Map of the recorded trips of %(person)s") % {"person": person.name}),
        description=_(
            "Host states are shaded by the most serious verdict on a visit there: non-compliance, "
            "then an arrest, then any other verdict on a trip that took place or is announced; "
            "a state is shaded “did not travel” only where every trip there was called off. "
            "Each dot is a trip, placed at its city when known. The travel timeline on this "
            "page lists the same trips."
        ),
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
            "non-compliance, then an arrest, then any other verdict on a trip that took place "
            "or is announced; it is shaded “did not travel” only where every trip was "
            "called off. Each dot is a visit, placed at its city when known. The table of "
            "visits on this page lists the same visits."
        ),
    )
