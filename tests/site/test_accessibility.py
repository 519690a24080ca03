"""Accessible structure: landmarks, one h1, labelled controls, text alternatives for the maps."""

import re

import pytest

from tests.site.conftest import body, outline

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/states/",
    "/states/MNG/",
    "/persons/",
    "/persons/vladimir-putin/",
    "/warrants/",
    "/visits/",
    "/visits/vladimir-putin-mng-2024-09-02/",
    "/incidents/",
    "/search/?q=Bashir",
    "/search/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_landmarks_one_title_and_labelled_controls(reader, seeded, url):
    html = body(reader.get(url))
    tags = outline(html)
    names = [t for t, _ in tags]
    assert names.count("main") == 1 and names.count("header") == 1 and names.count("footer") == 1
    assert names.count("h1") == 1
    assert any(t == "nav" for t in names)
    assert re.search(r'<html lang="(en|fr)">', html)
    assert '<a class="skip" href="#main">' in html
    ids = {a.get("id") for _, a in tags if a.get("id")}
    labelled = {a.get("for") for t, a in tags if t == "label"}
    for tag, attrs in tags:
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            assert attrs.get("id") in labelled or attrs.get("aria-label"), (url, attrs)
    for tag, attrs in tags:
        if tag == "svg":
            # A chart is one image; the world map is a group of links (one per country).
            assert attrs.get("role") in ("img", "group")
            assert all(part in ids for part in attrs["aria-labelledby"].split())
        if tag == "img":
            assert "alt" in attrs
    # Headings do not skip levels.
    levels = [int(t[1]) for t in names if re.fullmatch(r"h[1-6]", t)]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels


@pytest.mark.parametrize(
    ("url", "caption"),
    [
        ("/visits/", "Visits"),
        ("/visits/?host=MNG", "Visits to Mongolia"),
        ("/fr/incidents/?host=MNG", "Incidents — État hôte\u00a0: Mongolie"),
        ("/visits/?page=2", "Visits"),
    ],
)
def test_a_lists_table_is_named_by_what_it_lists(reader, seeded, url, caption):
    """A screen reader user who jumps to the table hears its caption: a filtered list's is
    what the heading says ("Visits to Mongolia"), not the whole list's name."""
    html = body(reader.get(url))
    heading = re.search(r"<h1>([^<]*)</h1>", html).group(1)
    table = html[html.index('id="results"') :]
    assert heading == caption
    first = table.split(">", 1)[1].lstrip()
    assert first.startswith(f'<caption class="visually-hidden">{caption}</caption>'), first[:120]


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/states/MNG/", "Mongolia"),
        ("/fr/persons/vladimir-putin/", "Vladimir Vladimirovich Putin"),
        ("/visits/vladimir-putin-mng-2024-09-02/", "Mongolia, 2–3 September 2024"),
    ],
)
def test_breadcrumbs_say_where_the_reader_is_and_keep_their_arrows_silent(
    reader, seeded, url, current
):
    """The trail's last step is the page itself (aria-current="page"), on every page that
    has a trail; its "›" is drawing, not words a screen reader should read out."""
    html = body(reader.get(url))
    trail = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', html).group(1)
    assert trail.endswith(f'<span aria-current="page">{current}</span>'), trail
    assert re.sub(r'<span aria-hidden="true">›</span>', "", trail).count("›") == 0, trail


def test_maps_have_the_same_facts_as_text(reader, seeded):
    home = body(reader.get("/"))
    assert '<details id="map-table"' in home  # right after the map, its summary the one offer
    assert "<caption>States by standing today, and the hosts of incidents</caption>" in home
    person = body(reader.get("/persons/vladimir-putin/"))
    assert '<a href="#travel-timeline">' in person and 'id="travel-timeline"' in person


def test_map_links_are_not_tab_stops(reader, seeded):
    html = body(reader.get("/"))
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count("<a ") == svg.count('tabindex="-1"') > 100


def test_colours_meet_contrast_minimums():
    """WCAG 2.1: 4.5:1 for text, 3:1 for the map's colours against the sea."""
    from pathlib import Path

    css = Path("static/css/site.css").read_text()
    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6});", css))

    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def ratio(a, b):
        la, lb = sorted((luminance(a), luminance(b)), reverse=True)
        return (la + 0.05) / (lb + 0.05)

    for text in ("ink", "muted", "link", "incident", "complied", "deterred", "other"):
        assert ratio(colours[text], colours["paper"]) >= 4.5, text
    for white_on in ("party", "withdrawing", "withdrawn", "incident"):
        assert ratio("#ffffff", colours[white_on]) >= 4.5, white_on
    for fill in ("party", "withdrawing", "withdrawn"):
        assert ratio(colours[fill], "#eef3f8") >= 3, fill


def test_the_embedded_cards_focus_ring_stands_out_on_its_white_card():
    """WCAG 2.2, 1.4.11: the outline that shows which link of the card has the keyboard's
    focus contrasts 3:1 with the card's white background (the site's header's light amber
    does on dark blue, not on white)."""
    from pathlib import Path

    css = Path("static/css/embed.css").read_text()
    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6});", css))
    background = re.search(r"body \{[^}]*background: (#[0-9a-f]{3,6});", css).group(1)
    assert re.search(r":focus-visible \{ outline: 3px solid var\(--focus\)", css)

    def luminance(hex_colour):
        hex_colour = hex_colour.lstrip("#")
        if len(hex_colour) == 3:
            hex_colour = "".join(c * 2 for c in hex_colour)
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(colours["focus"]), luminance(background)), reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 3, colours["focus"]
