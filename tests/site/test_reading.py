"""Reading the site: dates in words, nationality beside a name, feed entries dated by their
event, and charts drawn on the server whose tables hold the database's counts."""

import datetime
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html import unescape

import pytest
from django.utils import timezone, translation

from core.names import format_date
from front.charts import GROUP_OF_CODE, GROUPS
from states.models import State, TreatyEvent
from tests.site.conftest import body
from visits.models import Visit
from warrants.models import Person, Warrant

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
# An ISO day in prose; a visit's slug ("...-mng-2024-09-02") is not prose.
ISO_DAY = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
PAGES = [
    "/",
    "/states/",
    "/states/MNG/",
    "/states/HUN/",
    "/persons/",
    "/persons/vladimir-putin/",
    "/persons/omar-al-bashir/",
    "/warrants/",
    "/visits/",
    "/incidents/",
    "/visits/vladimir-putin-mng-2024-09-02/",
]


def visible_text(html: str) -> str:
    """What a reader sees: the page without its tags (attributes such as datetime= go too)."""
    main = html[html.index("<main") : html.index("</main>")]
    # A state's notes on the record are the researchers' own text, quoted as recorded.
    main = re.sub(r'<ul class="notes" id="state-notes"[^>]*>.*?</ul>', " ", main, flags=re.S)
    main = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", main, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", main))


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("url", PAGES)
def test_no_page_writes_an_iso_date_in_prose(reader, seeded, url, language):
    text = visible_text(body(reader.get(url if language == "en" else f"/{language}{url}")))
    assert not ISO_DAY.findall(text), (url, ISO_DAY.findall(text)[:5])


def test_dates_in_words_in_english_and_french(reader, seeded):
    today = timezone.localdate()
    home = body(reader.get("/"))
    assert f"Each state's standing on {format_date(today)}</h2>" in home
    states = body(reader.get("/states/"))
    assert '<time datetime="2002-07-01">1 July 2002</time>' in states
    warrants = body(reader.get("/warrants/"))
    assert '<time datetime="2023-03-17">17 March 2023</time>' in warrants

    with translation.override("fr"):
        today_fr = format_date(today)
    assert today_fr != format_date(today)
    home = body(reader.get("/fr/"))
    assert today_fr in home
    states = body(reader.get("/fr/states/"))
    assert '<time datetime="2002-07-01">1er juillet 2002</time>' in states
    warrants = body(reader.get("/fr/warrants/"))
    assert '<time datetime="2023-03-17">17 mars 2023</time>' in warrants


def test_an_ended_warrant_says_when_in_words(reader, seeded):
    warrant = Warrant.objects.filter(ended__isnull=False).select_related("person").first()
    assert warrant is not None
    html = body(reader.get(f"/warrants/?person={warrant.person.slug}"))
    assert f" on {format_date(warrant.ended)}" in html  # "executed on 11 March 2025 (…)"
    assert f" on {warrant.ended.isoformat()}" not in html


def test_a_person_is_shown_with_the_nationality(reader, seeded):
    visit = body(reader.get("/visits/vladimir-putin-mng-2024-09-02/"))
    person = visit[visit.index('id="visit-person"') :]
    person = person[: person.index("</dd>")]
    assert "Vladimir Vladimirovich Putin</a> (Russian Federation)" in person
    assert "Ukraine" not in person  # his situation has its own line
    assert "<dt>Situation</dt><dd>Ukraine</dd>" in visit
    french = body(reader.get("/fr/visits/vladimir-putin-mng-2024-09-02/"))
    assert "(Russie)" in french[french.index('id="visit-person"') :][:300]
    mongolia = body(reader.get("/states/MNG/"))
    assert "Vladimir Vladimirovich Putin</a> <small>(Russian Federation)</small>" in mongolia
    persons = body(reader.get("/persons/"))
    assert "<small>(Russian Federation)</small>" in persons
    found = body(reader.get("/search/?q=putin"))
    assert "Russian Federation; situation in Ukraine" in found


def test_tables_reflow_with_each_cell_labelled_by_its_column(reader, seeded):
    html = body(reader.get("/states/TCD/"))
    start = html.index('id="hosted-visits"')
    table = html[start : html.index("</table>", start)]
    assert 'class="list reflow"' in html
    for label in ("Dates", "Person", "Place", "Verdict", "Explanation"):
        assert (
            table.count(f'data-label="{label}"')
            == Visit.objects.published().filter(host__iso3="TCD").count()
        )
    visits = body(reader.get("/visits/"))
    assert '<table class="list reflow" id="results">' in visits
    assert 'data-label="Dates"' in visits and 'data-label="Verdict"' in visits


# --- feeds ---------------------------------------------------------------------------


def test_feed_entries_are_published_on_their_visit_with_categories_in_words(reader, seeded):
    root = ET.fromstring(reader.get("/states/MNG/feed/").content)
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}published").text.startswith("2024-09-02T00:00:00")
    # Updated when the flag was recorded (the seed's import, this year), not in 2024.
    assert entry.find(f"{ATOM}updated").text.startswith(str(timezone.now().year))
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [
        "non-compliance",
        "Mongolia",
    ]
    summary = entry.find(f"{ATOM}summary").text
    assert "ICC finding of non-compliance under Art. 87(7) (Mongolia, 24 October 2024)" in summary
    assert not ISO_DAY.findall(summary)
    # The feed itself is as new as its newest change, not its newest visit.
    assert root.find(f"{ATOM}updated").text.startswith(str(timezone.now().year))

    french = ET.fromstring(reader.get("/states/MNG/feed/?lang=fr").content)
    terms = [c.get("term") for c in french.find(f"{ATOM}entry").findall(f"{ATOM}category")]
    assert terms[1] == "Mongolie" and terms[0] != "non_compliance"


def test_every_incident_entry_is_published_on_its_visit_day(reader, seeded):
    root = ET.fromstring(reader.get("/incidents/feed/").content)
    starts = {
        v.get_absolute_url(): v.start
        for v in Visit.objects.published().flagged().exclude(start=None)
    }
    checked = 0
    for entry in root.findall(f"{ATOM}entry"):
        path = entry.find(f"{ATOM}link").get("href").removeprefix("http://testserver")
        published = datetime.datetime.fromisoformat(entry.find(f"{ATOM}published").text)
        assert published.date() == starts[path]
        checked += 1
    assert checked == len(starts) > 10


# --- charts --------------------------------------------------------------------------


def chart_table(html: str, chart_id: str) -> dict[str, dict[str, int]]:
    """{year: {column label: count}} from a chart's table."""
    table = html[html.index(f'id="{chart_id}-table"') :]
    table = table[: table.index("</tbody>")]
    rows = {}
    for year, cells in re.findall(r'<tr data-year="(\d*)">(.*?)</tr>', table, flags=re.S):
        rows[year] = {
            unescape(label): int(n)
            for label, n in re.findall(r'data-label="([^"]+)">(\d+)</td>', cells)
        }
    return rows


def assert_accessible_svg(html: str, chart_id: str):
    figure = html[html.index(f'<figure class="chart" id="{chart_id}"') :]
    svg = figure[: figure.index("</svg>")]
    assert 'role="img"' in svg
    assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
    assert f'<title id="{chart_id}-title">' in svg and f'<desc id="{chart_id}-desc">' in svg
    assert '<details class="chart-table" open>' in figure


def test_incidents_per_year_chart_counts_what_the_database_holds(reader, seeded):
    html = body(reader.get("/"))
    assert_accessible_svg(html, "chart-incidents")
    expected = Counter(
        v.start.year for v in Visit.objects.published().flagged() if v.start is not None
    )
    table = chart_table(html, "chart-incidents")
    assert {int(y): row["Non-compliance"] for y, row in table.items()} == dict(expected)
    assert sum(expected.values()) == Visit.objects.published().flagged().count() > 10


def test_the_charts_are_counted_once_per_data_version_and_again_after_a_write(
    reader, seeded, more_data, django_assert_num_queries
):
    """The charts' GROUP BY over every visit (a third of a second for the home page and the
    busiest country at a million visits) is a summary: a page rendered again under the same
    data version draws them from it, and a write makes them count again."""
    from core.pagecache import bump_data_version
    from front import charts

    putin = Person.objects.get(slug="vladimir-putin")
    mongolia = State.objects.get(iso3="MNG")
    bump_data_version()
    for url in ("/", "/states/MNG/", "/persons/vladimir-putin/"):
        reader.get(url)  # counts the summaries under this version
    with django_assert_num_queries(0):
        incidents = charts.incidents_per_year()
        trips = charts.trips_per_year(putin)
        record = charts.country_record(mongolia, "Mongolia", [])
    assert incidents.total == Visit.objects.published().flagged().count() > 10
    assert trips.total == Visit.objects.published().filter(person=putin).count() > 1
    assert record.total == Visit.objects.published().filter(host=mongolia).count() >= 1

    more_data(8)  # a write: eight more published visits, one of them to Mongolia
    with django_assert_num_queries(1):
        assert charts.country_record(mongolia, "Mongolia", []).total == record.total + 1
    assert charts.incidents_per_year().total == Visit.objects.published().flagged().count()


def grouped(visits) -> dict[int, Counter]:
    labels = {
        "incident": "Non-compliance",
        "complied": "Complied (arrested)",
        "deterred": "Did not travel (called off or by video)",
        "upcoming": "Upcoming (announced trip)",
        "no_obligation": "No obligation",
        "other": "Other verdicts",
    }
    years: dict[int, Counter] = {}
    for v in visits:
        code = getattr(getattr(v, "verdict", None), "code", None)
        years.setdefault(v.start.year, Counter())[labels[GROUP_OF_CODE.get(code, "other")]] += 1
    return years


def test_a_persons_trips_per_year_by_verdict_match_the_database(reader, seeded):
    html = body(reader.get("/persons/vladimir-putin/"))
    assert_accessible_svg(html, "chart-trips")
    visits = Visit.objects.published().with_verdicts().filter(person__slug="vladimir-putin")
    expected = grouped(visits)
    table = chart_table(html, "chart-trips")
    assert set(table) == {str(y) for y in expected}
    for year, counts in expected.items():
        row = table[str(year)]
        assert row.pop("Total") == sum(counts.values())
        assert {k: n for k, n in row.items() if n} == dict(counts)
    assert "Non-compliance" in table["2024"] and table["2024"]["Non-compliance"] == 1


def test_a_countrys_record_shows_its_treaty_steps_and_visits_per_year(reader, seeded):
    html = body(reader.get("/states/HUN/"))
    assert_accessible_svg(html, "chart-record")
    figure = html[html.index('id="chart-record"') :]
    figure = figure[: figure.index("</figure>")]
    events = TreatyEvent.objects.filter(state__iso3="HUN").order_by("date")
    markers = re.findall(r'<ol class="chart-markers">(.*?)</ol>', figure, flags=re.S)[0]
    assert markers.count("<li>") == events.count() >= 4
    assert '<time datetime="2026-06-02">2 June 2026</time>' in markers  # withdrawal effective
    # Each step once in each drawing: a tablet's or a desktop's, and a phone's.
    assert figure.count('class="marker"') == 2 * events.count()
    assert 'class="band"' in figure and "State Party" in figure
    visits = Visit.objects.published().with_verdicts().filter(host__iso3="HUN")
    table = chart_table(html, "chart-record")
    for year, counts in grouped(visits).items():
        assert table[str(year)]["Total"] == sum(counts.values())
    french = body(reader.get("/fr/states/HUN/"))
    assert "2 juin 2026" in french[french.index('id="chart-record"') :]
    # Coordinates are numbers for the SVG, not French decimals ("206,0").
    svg = french[french.index('<svg class="chart-svg"') :]
    svg = svg[: svg.index("</svg>")]
    assert not re.findall(r'(?:x|y|x1|x2|y1|y2|width|height|cx|cy)="[^"]*,', svg)
    assert re.findall(r'x="\d+\.\d+"', svg)


def chart_figure(html: str, chart_id: str) -> str:
    """The chart's <figure> in a page."""
    figure = html[html.index(f'id="{chart_id}"') :]
    return figure[: figure.index("</figure>")]


def test_a_chart_with_nothing_to_count_says_so(reader, seeded):
    """It names what there is none of: Sudan hosted no visit, but its page lists three of
    the Court's findings, and "Aucune n'est enregistrée." under its record read as if
    nothing at all were recorded."""
    quiet = State.objects.filter(visits_hosted=None).order_by("iso3").first()
    html = body(reader.get(f"/states/{quiet.iso3}/"))
    assert "No verified visit is recorded." in chart_figure(html, "chart-record")
    sudan = body(reader.get("/fr/states/SDN/"))
    assert "Aucune visite vérifiée n’est enregistrée." in chart_figure(sudan, "chart-record")
    assert "Aucune n’est enregistrée." not in sudan
    assert "Constat de manquement (art. 87-7)" in sudan  # what the bare sentence seemed to deny
    still = Person.objects.filter(visits=None).order_by("slug").first()
    html = body(reader.get(f"/fr/persons/{still.slug}/"))
    figure = chart_figure(html, "chart-trips")
    assert "Aucun voyage vérifié n’est enregistré." in figure
    assert "Aucune n’est enregistrée." not in figure


def test_chart_colours_stand_out_from_the_page_and_from_their_patterns():
    """WCAG 1.4.11: each verdict's fill 3:1 against the white page and against the white
    lines of its own pattern; the State Party band keeps dark text at 4.5:1."""
    from pathlib import Path

    css = Path("static/css/site.css").read_text()
    variables = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6});", css))
    fills = {
        key: variables.get(value.removeprefix("var(--").rstrip(")"), value)
        for key, value in re.findall(r"\.chart-fill-(\w+) \{ fill: ([^;]+); \}", css)
    }
    assert set(fills) == {
        "incident",
        "complied",
        "deterred",
        "upcoming",
        "dates_passed",
        "no_obligation",
        "other",
    }

    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def ratio(a, b):
        la, lb = sorted((luminance(a), luminance(b)), reverse=True)
        return (la + 0.05) / (lb + 0.05)

    for key, colour in fills.items():
        assert ratio(colour, "#ffffff") >= 3, key
    band = re.search(r"\.chart-svg \.band, \.swatch\.chart-band \{ fill: (#[0-9a-f]{6});", css)[1]
    assert ratio("#14233c", band) >= 4.5


def test_every_chart_group_has_a_legend_swatch_drawn_as_its_bars():
    """Each group of front.charts.GROUPS has a legend swatch in the stylesheet (the
    "announced, dates passed" group had none: an empty square), in its bars' colour and,
    unless its bars are solid, with a pattern; no two groups share a colour or a pattern
    (its bars were the colour of "other verdicts", only their pattern set them apart)."""
    from pathlib import Path

    css = Path("static/css/site.css").read_text()
    variables = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6});", css))

    def colour(value):
        name = re.fullmatch(r"var\(--([a-z]+)\)", value)
        return variables[name[1]] if name else value

    fills, swatches = {}, {}
    for key, _label, pattern in GROUPS:
        fill = re.search(rf"\.chart-fill-{key} \{{ fill: ([^;]+); \}}", css)
        swatch = re.search(rf"\.swatch\.chart-swatch-{key} \{{ background: ([^;]+); \}}", css)
        assert fill and swatch, key
        fills[key] = colour(fill[1])
        swatches[key] = re.sub(r"var\(--([a-z]+)\)", lambda m: variables[m[1]], swatch[1])
        assert fills[key] in swatches[key], (key, fills[key], swatches[key])
        assert ("gradient(" in swatches[key]) is (pattern != "solid"), key
    assert len(set(fills.values())) == len(GROUPS), fills
    assert len({pattern for _key, _label, pattern in GROUPS}) == len(GROUPS)
    assert len(set(swatches.values())) == len(GROUPS), swatches


def test_the_stylesheet_and_the_scripts_share_their_breakpoints():
    """The script that closes the filter panel on a phone read 40rem (640 px), the
    stylesheet drew a phone below 37.5em (600 px): between the two the panel closed on a
    wide layout. Each breakpoint is a custom property of the stylesheet's root, every
    media query of a maximum width uses one of them, and a script reads them (none writes
    a width of its own)."""
    from pathlib import Path

    css = Path("static/css/site.css").read_text()
    declared = dict(re.findall(r"--([a-z-]+-width): ([\d.]+em);", css))
    assert set(declared) == {"phone-width", "list-card-width", "desktop-width"}
    used = set(re.findall(r"@media[^{]*\(max-width: ([^)]+)\)", css))
    assert used == set(declared.values())
    scripts = {path.name: path.read_text() for path in Path("static/js").glob("*.js")}
    assert [name for name, code in scripts.items() if re.search(r"\d(?:r?em|px)\)", code)] == []
    assert "--phone-width" in scripts["closed-on-phone.js"]


def test_several_places_read_as_a_list_in_words(reader, seeded):
    from visits.models import Visit

    visit = Visit.objects.published().filter(place__contains=";").first()
    assert visit is not None, "the seed has visits to several cities"
    first, second, *_ = [p.strip() for p in visit.place.split(";")]
    url = visit.get_absolute_url()
    english = body(reader.get(url))
    french = body(reader.get("/fr" + url))
    assert visit.place not in english and visit.place not in french
    assert f"{first} and {second}" in english or f"{first}, {second}" in english
    assert f"{first} et {second}" in french or f"{first}, {second}" in french
