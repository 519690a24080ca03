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

# The most serious verdict shades a state: an incident outranks an arrest, which
# outranks a trip called off, which outranks every other verdict.
_RANK = {VerdictCode.NON_COMPLIANCE: 4, VerdictCode.COMPLIED: 3, VerdictCode.DETERRED: 2}


def verdict_css(code: str) -> str:
    """The CSS suffix of a verdict on maps: incident, complied, deterred or other."""
    return {
        VerdictCode.NON_COMPLIANCE: "incident",
        VerdictCode.COMPLIED: "complied",
        VerdictCode.DETERRED: "deterred",
    }.get(code, "other")


def _visit_layers(visits) -> tuple[dict[str, str], dict[str, list[str]], list[worldmap.Marker]]:
    """(worst verdict per host ISO3, tooltip lines per host ISO3, one marker per visit)."""
    worst: dict[str, str] = {}
    titles: dict[str, list[str]] = {}
    markers = []
    places = gazetteer.resolve((v.host.iso3, v.place) for v in visits if v.place)
    for visit in visits:
        code = summaries.verdict_code(visit) or VerdictCode.PENDING
        iso3 = visit.host.iso3
        if _RANK.get(code, 1) > _RANK.get(worst.get(iso3, ""), 0):
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
    """A person's map: host states shaded by the most serious verdict, a dot per trip.

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
            "Host states are shaded by the most serious verdict on a visit there; each dot is a trip, "
            "placed at its city when known. The travel timeline on this page lists the same trips."
        ),
    )


def hosted_map(state, visits) -> str | None:
    """A country's map: the state shaded by the most serious verdict on a visit it hosted,
    a dot per visit at its city when known.

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
            "The state is shaded by the most serious verdict on a visit it hosted; each dot is "
            "a visit, placed at its city when known. The table of visits on this page lists the "
            "same visits."
        ),
    )
