"""The world map: shapes from the world-atlas package, projected in Python; the standing rule it shows."""

import datetime
import html
import re

import pytest
from django.test import override_settings

from compliance import StateFacts
from front import maps, summaries, worldmap
from states import status
from tests.factories import make_person, make_state, make_visit, make_warrant
from tests.site.conftest import body
from visits import flagging
from visits.models import Verdict, VerdictCode, Visit

D = datetime.date


@pytest.mark.npm("world-atlas")
def test_shapes_come_from_the_installed_world_atlas_package():
    path = worldmap.shapes_path()
    assert path.parts[-3:] == ("node_modules", "world-atlas", "countries-110m.json"), path
    assert path.exists(), "run `npm ci` to install the map shapes (package.json)"
    shapes = worldmap.load_shapes()
    drawn = {c.iso3 for c in shapes.countries}
    assert {"MNG", "HUN", "ZAF", "TCD", "RUS", "USA", "FJI"} <= drawn
    assert "ATA" not in drawn  # Antarctica is left out
    assert all(c.path.startswith("M") for c in shapes.countries)


def test_equal_earth_projection_is_symmetric_and_bounded():
    assert worldmap.equal_earth(0, 0) == (0.0, 0.0)
    x, y = worldmap.equal_earth(180, 0)
    assert x == pytest.approx(2.7066, abs=1e-3) and y == 0
    assert worldmap.equal_earth(-30, -45) == pytest.approx(
        tuple(-v for v in worldmap.equal_earth(30, 45))
    )


def test_rings_crossing_the_antimeridian_are_cut_in_two():
    fiji_like = [(178.0, -17.0), (-179.0, -17.0), (-179.0, -16.0), (178.0, -16.0)]
    parts = worldmap.split_at_antimeridian(fiji_like)
    assert len(parts) == 2
    assert all(-180 <= lon <= 180 for part in parts for lon, _ in part)
    assert {round(max(abs(lon) for lon, _ in part)) for part in parts} == {180}
    plain = [(10.0, 10.0), (20.0, 10.0), (20.0, 20.0)]
    assert worldmap.split_at_antimeridian(plain) == [plain]


@pytest.mark.npm("world-atlas")
def test_no_country_path_streaks_across_the_map():
    shapes = worldmap.load_shapes()
    for country in shapes.countries:
        # A relative move longer than half the width would be a ring crossing the antimeridian.
        import re

        for dx in re.findall(r"l(-?\d+)", country.path):
            assert abs(int(dx)) < worldmap.WIDTH / 2, country.iso3


@pytest.mark.npm("world-atlas")
def test_markers_use_the_city_or_fall_back_to_the_country():
    svg = worldmap.render(
        classes={},
        titles={},
        links={},
        label="l",
        description="d",
        markers=[
            worldmap.Marker("m-a", "city", lonlat=(106.9, 47.9)),
            worldmap.Marker("m-b", "country", iso3="TCD"),
            worldmap.Marker("m-c", "nowhere", iso3="XXX"),
        ],
    )
    assert svg.count("<circle") == 2 and "nowhere" not in svg


@pytest.mark.django_db
def test_without_shapes_the_pages_show_the_table_instead(reader, seeded, tmp_path):
    with override_settings(WORLD_ATLAS_PATH=tmp_path / "missing.json"):
        html = body(reader.get("/"))
        assert '<svg class="worldmap"' not in html  # the charts stay: they need no shapes
        assert "The map is not available on this server; the table gives the same facts." in html
        assert '<details id="map-table" class="map-table" open>' in html
        assert '<a href="/states/MNG/">Mongolia</a> (1)' in html
        person = body(reader.get("/persons/vladimir-putin/"))
        assert '<svg class="worldmap"' not in person and 'id="travel-timeline"' in person
        country = body(reader.get("/states/MNG/"))
        assert '<svg class="worldmap"' not in country and 'id="hosted-visits"' in country


@pytest.mark.npm("world-atlas")
def test_the_country_page_maps_the_visits_it_hosted(reader, seeded):
    html = body(reader.get("/states/MNG/"))
    start = html.index('<figure class="map">')
    figure = html[start : html.index("</figure>", start)]
    assert '<title id="map-title">Map of the visits hosted by Mongolia</title>' in figure
    # Its one verified visit, an incident, is one dot; the state is shaded as an incident host.
    assert figure.count('<circle class="marker m-incident"') == 1
    assert "vh-incident" in figure
    french = body(reader.get("/fr/states/MNG/"))
    assert "Carte des visites accueillies\u00a0: Mongolie" in french


def test_every_verdict_has_its_place_in_the_maps_shading_order():
    """A new verdict code must be placed in the order, not fall to the bottom unseen; a trip
    that took place (whatever its verdict) outranks one called off, and an arrest and an
    incident outrank both."""
    ranks = {code: maps.shade_rank(code) for code in VerdictCode.values}
    assert all(maps._RANK.get(code) for code in VerdictCode.values), ranks
    assert maps.shade_rank("") == 0
    incident, arrest, called_off = (
        ranks[VerdictCode.NON_COMPLIANCE],
        ranks[VerdictCode.COMPLIED],
        ranks[VerdictCode.DETERRED],
    )
    others = [VerdictCode.NO_OBLIGATION, VerdictCode.NO_CONTROL, VerdictCode.WARRANT_NOT_PUBLIC]
    others += [VerdictCode.NO_WARRANT_IN_FORCE, VerdictCode.PENDING, VerdictCode.UPCOMING]
    assert incident > arrest > max(ranks[c] for c in others)
    assert min(ranks[c] for c in others) > called_off > ranks[VerdictCode.WITHDRAWN]


def _shade(html: str, name: str) -> tuple[str, str]:
    """(the class, the tooltip) of a state's shape on a page's map."""
    found = re.search(rf'<path class="([\w-]+)"[^>]*><title>({name}\n[^<]*)</title>', html)
    assert found, f"{name} is not on the map"
    return found.group(1), found.group(2)


@pytest.mark.npm("world-atlas")
def test_a_trip_that_took_place_shades_a_state_over_a_trip_called_off(reader, seeded):
    """Putin called off his trip to India of 9-10 September 2023 (the G20 summit) and made
    a state visit there on 4-5 December 2025: India is shaded by that visit's verdict, not
    "did not travel", on his map and on India's own; Brazil, where both of his trips were
    called off, keeps "did not travel". Each description says the order."""
    person = body(reader.get("/persons/vladimir-putin/"))
    shade, title = _shade(person, "India")
    assert "9–10 September 2023: did not travel" in title
    assert "4–5 December 2025: no obligation" in title
    assert shade == "vh-other"
    assert _shade(person, "Brazil")[0] == "vh-deterred"
    assert _shade(person, "Mongolia")[0] == "vh-incident"
    assert "shaded “did not travel” only where every trip there was called off" in person
    india = body(reader.get("/states/IND/"))
    assert _shade(india, "India")[0] == "vh-other"
    assert "it is shaded “did not travel” only where every trip was called off" in india
    assert _shade(body(reader.get("/states/BRA/")), "Brazil")[0] == "vh-deterred"
    # South Africa: Al Bashir's visit of 2015, an incident, outranks Putin's trip by video.
    assert _shade(body(reader.get("/states/ZAF/")), "South Africa")[0] == "vh-incident"
    french = body(reader.get("/fr/persons/vladimir-putin/"))
    assert _shade(french, "Inde")[0] == "vh-other"
    assert "«\u00a0pas de déplacement\u00a0»" in french


@pytest.mark.npm("world-atlas")
def test_every_host_of_a_person_with_more_trips_than_the_page_lists_is_shaded_by_all(
    reader, seeded, monkeypatch
):
    """Past summaries.LATEST_TRIPS trips, the page lists the latest and the map dots them
    only; every state is still shaded by every trip there. Mongolia's one trip, the oldest
    and the person's only incident there, shades it "non-compliance" though no dot is
    there; South Africa's older incident outranks its latest trip, called off; each
    tooltip says how many trips there are and which shade they give, and the description
    which trips are dots."""
    monkeypatch.setattr(summaries, "LATEST_TRIPS", 3)
    person = make_person("many-trips", "Many Trips", nationality="BLR")
    make_warrant(person, issued=D(2023, 1, 10))
    trips = [
        make_visit(person, make_state("MNG"), start=D(2024, 1, 10)),
        make_visit(person, make_state("ZAF"), start=D(2024, 2, 10)),
        make_visit(person, make_state("KAZ"), start=D(2024, 3, 10)),
        make_visit(
            person, make_state("ZAF"), start=D(2024, 4, 10), status="cancelled", outcome="n/a"
        ),
        make_visit(person, make_state("KAZ"), start=D(2024, 5, 10)),
        make_visit(person, make_state("KAZ"), start=D(2024, 6, 10)),
    ]
    flagging.evaluate_visits([v.pk for v in trips], cause="test data")
    for v in trips:
        v.refresh_from_db()
    incident, called_off, other = "non_compliance", "deterred", "no_obligation"
    assert [v.verdict.code for v in trips] == [incident, incident, other, called_off, other, other]
    html = body(reader.get("/persons/many-trips/"))
    start = html.index('<figure class="map">')
    figure = html[start : html.index("</figure>", start)]
    assert figure.count('<circle class="marker') == 3  # the latest three trips
    shade, title = _shade(figure, "Mongolia")
    assert shade == "vh-incident"
    assert title == "Mongolia\nTrips here: 1 in all, 0 shown as dots; shaded “non-compliance”"
    shade, title = _shade(figure, "South Africa")
    assert shade == "vh-incident"
    assert title.endswith(
        ": did not travel (host would have been bound)\n"
        "Trips here: 2 in all, 1 shown as dots; shaded “non-compliance”"
    ), title
    shade, title = _shade(figure, "Kazakhstan")
    assert shade == "vh-other"
    assert title.endswith("Trips here: 3 in all, 2 shown as dots; shaded “other verdicts”"), title
    assert "(6 recorded trips in all)" in figure
    assert "Only the latest trips have a dot (3 of 6)" in figure
    french = body(reader.get("/fr/persons/many-trips/"))
    shade, title = _shade(french, "Mongolie")
    assert shade == "vh-incident"
    assert title == (
        "Mongolie\nVoyages dans ce pays\u00a0: 1 au total, dont 0 sur la carte\u202f; "
        "teinte «\u00a0non-coopération\u00a0»"
    )
    assert "Seuls les derniers voyages ont un point (3 sur 6)" in french


@pytest.mark.django_db
def test_the_shading_query_ranks_every_verdict_as_shade_rank_does(seeded):
    """host_shades' SQL ranks each verdict code as maps.shade_rank does (its CASE is built
    from it), and a visit not yet evaluated as `pending`, as the drawn dots are."""
    visit = Visit.objects.published().filter(verdict__isnull=False).first()
    one = Visit.objects.filter(pk=visit.pk)
    for code in VerdictCode.values:
        basis = "state_party" if code == VerdictCode.NON_COMPLIANCE else ""
        Verdict.objects.filter(visit=visit).update(code=code, basis=basis)
        (shade,) = maps.host_shades(one).values()
        assert (shade.trips, maps.shade_rank(shade.code)) == (1, maps.shade_rank(code)), code
        assert maps.verdict_css(shade.code) == maps.verdict_css(code), code
    Verdict.objects.filter(visit=visit).delete()
    (shade,) = maps.host_shades(one).values()
    assert maps.shade_rank(shade.code) == maps.shade_rank(VerdictCode.PENDING)


@pytest.mark.django_db
def test_the_shading_query_reads_the_persons_visits_on_an_index_led_by_the_person(seeded):
    """One row per host state, from the person's visits found on an index of the person
    (visits_visit_person_review at 1,000,000 visits, a bitmap scan; the busiest synthetic
    person's 83,734 visits in 0.43–0.54 s, as long as their VisitTally), never from a scan
    of every visit. Another person's 3,000 visits make reading every visit dear, as at 1M."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.plans import plan_of
    from warrants.models import Person

    crowd = make_person("crowd-person", "Crowd Person", nationality="BLR")
    hungary = make_state("HUN")
    Visit.objects.bulk_create(
        Visit(
            slug=f"crowd-{i}",
            person=crowd,
            host=hungary,
            start=D(2000, 1, 1) + datetime.timedelta(days=i),
            review_state="verified",
        )
        for i in range(3000)
    )
    putin = Person.objects.get(slug="vladimir-putin")
    with CaptureQueriesContext(connection) as captured:
        shades = maps.host_shades(Visit.objects.published().filter(person=putin))
    (query,) = captured.captured_queries
    assert len(shades) == len({v.host_id for v in Visit.objects.published().filter(person=putin)})
    plan = plan_of(query["sql"])
    # The visits' scan: an index whose condition is the person (the indexes led by the
    # person are several; the planner picks by their sizes).
    found = re.search(
        r"Index (Only )?Scan using \w+ on visits_visit .*\n\s+Index Cond: \(+(\w+)", plan
    )
    assert found and found.group(2) == "person_id", plan


def test_a_country_that_hosted_no_visit_has_no_map(reader, seeded):
    html = body(reader.get("/states/NZL/"))
    assert '<figure class="map">' not in html


# --- Standing under the Statute -------------------------------------------------

PARTY_SINCE_2002 = StateFacts(
    "MNG", "Mongolia", deposited=D(2002, 4, 11), entry_into_force=D(2002, 7, 1)
)
WITHDREW = StateFacts(
    "HUN",
    "Hungary",
    entry_into_force=D(2002, 7, 1),
    withdrawal_notified=D(2025, 6, 2),
    withdrawal_effective=D(2026, 6, 2),
)
NEVER = StateFacts(
    "MYS",
    "Malaysia",
    deposited=D(2019, 3, 4),
    entry_into_force=D(2019, 6, 1),
    withdrawal_notified=D(2019, 4, 29),
    withdrawal_effective=D(2019, 4, 29),
)


@pytest.mark.parametrize(
    ("facts", "day", "expected"),
    [
        (PARTY_SINCE_2002, D(2002, 6, 30), status.NON_PARTY),
        (PARTY_SINCE_2002, D(2002, 7, 1), status.PARTY),
        (WITHDREW, D(2025, 6, 1), status.PARTY),
        (WITHDREW, D(2025, 6, 2), status.WITHDRAWING),
        (WITHDREW, D(2026, 6, 1), status.WITHDRAWING),
        (WITHDREW, D(2026, 6, 2), status.WITHDRAWN),  # on the effective day it is no longer a party
        (NEVER, D(2020, 1, 1), status.NON_PARTY),  # withdrew its instrument before entry into force
        (None, D(2020, 1, 1), status.NON_PARTY),
    ],
)
def test_standing_on_a_day(facts, day, expected):
    assert status.status_on(facts, day) == expected


def test_a_revoked_withdrawal_never_takes_effect():
    from compliance import state_facts

    events = {
        "entry_into_force": D(2002, 7, 1),
        "withdrawal_notified": D(2016, 10, 19),
        "withdrawal_revoked": D(2017, 3, 7),
    }
    south_africa = state_facts("ZAF", "South Africa", events, [])
    assert (
        status.status_on(south_africa, D(2017, 1, 1)) == status.PARTY
    )  # revoked: never "withdrawing" in hindsight
    assert status.status_on(south_africa, D(2018, 1, 1)) == status.PARTY


@pytest.mark.django_db
def test_standings_today_from_the_dataset(seeded):
    today = status.statuses_on(D(2026, 11, 26))
    assert today["HUN"] == today["BDI"] == today["PHL"] == status.WITHDRAWN
    assert today["MNG"] == today["UKR"] == status.PARTY
    assert today.get("MYS", status.NON_PARTY) == status.NON_PARTY
    assert status.statuses_on(D(2025, 12, 1))["HUN"] == status.WITHDRAWING


@pytest.mark.npm("world-atlas")
def test_the_maps_name_every_country_in_the_readers_language(reader, seeded):
    # A country with no visit is named by ISO 3166 in the reader's language (the cached
    # drawing is per language), never by the map shapes' own English names, which are
    # abbreviated or dated; the shapes with no ISO code are named in the reader's language
    # (their tooltip goes on to say they are no state of the records).
    english = body(reader.get("/states/MNG/"))
    french = body(reader.get("/fr/states/MNG/"))
    assert "<title>Fiji</title>" in english and "<title>Fiji</title>" not in french
    assert "<title>Fidji</title>" in french
    for name, abbreviated in (
        ("Bosnia and Herzegovina", "Bosnia and Herz."),
        ("North Macedonia", "Macedonia"),
        ("Western Sahara", "W. Sahara"),
    ):
        assert f"<title>{name}</title>" in english
        assert f"<title>{abbreviated}</title>" not in english + french
    assert "<title>Northern Cyprus: " in english and "N. Cyprus" not in english + french
    assert "<title>Chypre du Nord\u00a0: " in french
    assert "Carte des visites accueillies\u00a0: Mongolie" in french


@pytest.mark.npm("world-atlas")
def test_the_maps_name_an_unvisited_congo_as_the_dataset_does(reader, seeded):
    # ISO 3166's English short name for COG is "Congo", which a reader cannot tell from
    # the Democratic Republic of the Congo; the map says what the dataset and its pages say.
    english = body(reader.get("/states/MNG/"))
    assert "<title>Republic of the Congo</title>" in english
    assert "<title>Democratic Republic of the Congo</title>" in english
    assert "<title>Congo</title>" not in english
    assert "<title>Congo</title>" in body(reader.get("/fr/states/MNG/"))


# The shapes of the map that are no state of iccwatch's records: they have no ISO 3166-1
# code (Natural Earth's "N. Cyprus", "Somaliland", "Kosovo").
NOT_RECORDED = {"en": ("Northern Cyprus", "Somaliland", "Kosovo"), "fr": ("Chypre du Nord",)}


def html_text(text: str) -> str:
    return html.unescape(text)


def _map(page: str) -> str:
    start = page.index('<svg class="worldmap"')
    return page[start : page.index("</svg>", start)]


def _legend(page: str) -> str:
    """The legend of the map's figure."""
    start = page.index('<ul class="legend">', page.index('<figure class="map">'))
    return page[start : page.index("</ul>", start)]


def _shape_class(svg: str, name: str) -> tuple[str, str]:
    """(class, tooltip) of the shape whose tooltip starts with `name`."""
    found = re.search(rf'<path class="([^"]*)"[^>]*><title>({re.escape(name)}[^<]*)</title>', svg)
    assert found, name
    return found.group(1), found.group(2)


@pytest.mark.npm("world-atlas")
def test_the_home_map_colours_each_state_as_its_table_and_no_other_shape(reader, seeded):
    """The map and its table say the same: each state drawn has its table row's standing
    and nothing else has one. Northern Cyprus (de jure part of Cyprus, a State Party),
    Somaliland and Kosovo are none of the table's states: they were coloured "not a
    party"; they are shown as no data, outlined, their tooltip saying they are not
    counted, with their own entry in the legend."""
    html = body(reader.get("/"))
    svg = _map(html)
    table = html[html.index('id="map-table"') :]
    standing = {
        iso3: row_status
        for row_status, cells in re.findall(r'<tr class="st-row-([a-z_]+)">(.*?)</tr>', table, re.S)
        for iso3 in re.findall(r'href="/states/([A-Z]{3})/"', cells)
    }
    drawn = re.findall(r'<a href="/states/([A-Z]{3})/"[^>]*><path class="([^"]*)"', svg)
    assert len(drawn) > 150
    assert dict(drawn) == {iso3: f"st-{standing[iso3]}" for iso3, _ in drawn}
    unlinked = re.findall(r'(?<!">)<path class="([^"]*)"[^>]*><title>([^<]*)</title>', svg)
    assert sorted(name.split(":")[0] for _, name in unlinked) == sorted(NOT_RECORDED["en"])
    for name in NOT_RECORDED["en"]:
        css, title = _shape_class(svg, name)
        assert css == worldmap.NOT_RECORDED_CLASS, (name, css)
        assert html_text(title) == f"{name}: not a state in iccwatch's records; not counted"
        assert f">{name}<" not in table  # in no row of the table
    legend = _legend(html)
    assert (
        f'<span class="swatch {worldmap.NOT_RECORDED_CLASS}" aria-hidden="true"></span>'
        "no data: not a state in iccwatch's records" in html_text(legend)
    )

    french = body(reader.get("/fr/"))
    css, title = _shape_class(_map(french), "Chypre du Nord")
    assert css == worldmap.NOT_RECORDED_CLASS
    assert html_text(title) == (
        "Chypre du Nord\u00a0: pas un État des registres d’iccwatch\u202f; non compté"
    )
    legend = _legend(french)
    assert "pas de données\u00a0: pas un État des registres d’iccwatch" in html_text(legend)


@pytest.mark.npm("world-atlas")
def test_the_person_and_country_maps_show_the_shapes_of_no_state_as_no_data(reader, seeded):
    """The maps of visits shade the states with none as "no visit" (vh-none); a shape that
    is no state of the records is no data there too, with the same tooltip and legend."""
    for address in ("/persons/vladimir-putin/", "/states/MNG/"):
        html = body(reader.get(address))
        svg = _map(html)
        for name in NOT_RECORDED["en"]:
            css, title = _shape_class(svg, name)
            assert css == worldmap.NOT_RECORDED_CLASS, (address, name, css)
            assert html_text(title).endswith(": not a state in iccwatch's records; not counted")
        assert _shape_class(svg, "Fiji")[0] == "vh-none"  # a state with no visit
        start = html.index('<figure class="map">')
        figure = html[start : html.index("</figure>", start)]
        assert f'<span class="swatch {worldmap.NOT_RECORDED_CLASS}"' in figure, address
