"""Accessible structure: landmarks, one h1, labelled controls, text alternatives for the maps."""

import re
from html import unescape

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
            # A chart is one image; the world map a group, named and described, whose
            # countries' links are hidden from assistive technology (the page's table has them).
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


@pytest.mark.npm("world-atlas")
def test_maps_have_the_same_facts_as_text(reader, seeded):
    home = body(reader.get("/"))
    assert '<details id="map-table"' in home  # right after the map, its summary the one offer
    assert "<caption>States by standing today, and the hosts of incidents</caption>" in home
    person = body(reader.get("/persons/vladimir-putin/"))
    assert '<a href="#travel-timeline">' in person and 'id="travel-timeline"' in person


@pytest.mark.npm("world-atlas")
def test_map_links_are_not_tab_stops(reader, seeded):
    html = body(reader.get("/"))
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count("<a ") == svg.count('tabindex="-1"') > 100


@pytest.mark.parametrize(
    ("url", "alternative"),
    [
        ("/", "The table right after the map (open it from its summary)"),
        ("/fr/", "Le tableau qui suit la carte (à ouvrir depuis son intitulé)"),
        ("/persons/vladimir-putin/", "The travel timeline on this page"),
    ],
)
@pytest.mark.npm("world-atlas")
def test_a_screen_reader_hears_the_map_as_one_group_that_names_its_text_alternative(
    reader, seeded, url, alternative
):
    """The countries' links (173 on the home page, in the shapes' file order) are hidden
    from assistive technology, as they are from the Tab order: the map is a group named by
    its title and a description that says where the same facts are as text."""
    html = body(reader.get(url))
    svg = html[html.index('<svg class="worldmap"') : html.index("</svg>", html.index("worldmap"))]
    assert re.match(
        r'<svg class="worldmap"[^>]* role="group" aria-labelledby="map-title map-desc"', svg
    )
    drawing = svg[svg.index("</desc>") + len("</desc>") :]
    assert drawing.startswith('<g class="shapes" aria-hidden="true">'), drawing[:80]
    assert drawing.count("<g ") == 1 and "<a " in drawing
    description = re.search(r'<desc id="map-desc">([^<]*)</desc>', svg).group(1)
    assert alternative in unescape(description)


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


def first_cells(html: str, table_id: str) -> list[str]:
    """The opening tag of each body row's first cell in the table `table_id`."""
    table = html[html.index(f'id="{table_id}"') :]
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    return re.findall(r"<tr data-id=[^>]*>\s*(<t[hd][^>]*>)", table)


@pytest.mark.parametrize(
    ("url", "table_id"),
    [
        ("/states/", "results"),
        ("/fr/persons/", "results"),
        ("/warrants/", "results"),
        ("/visits/", "results"),
        ("/incidents/", "results"),
        ("/states/TCD/", "hosted-visits"),
    ],
)
def test_each_row_of_a_list_has_a_row_header(reader, seeded, url, table_id):
    """A row's counts are links whose text is a number ("1" → the visits of one person):
    a screen reader names their row by its header (the state, the person, the dates), which
    the first cell is, keeping its label for the phone's cards."""
    cells = first_cells(body(reader.get(url)), table_id)
    assert len(cells) > 3
    for cell in cells:
        assert cell.startswith('<th scope="row"') and "data-label=" in cell, cell


def accessible_names(html: str, pattern: str) -> list[str]:
    """The accessible names of the links whose opening tag matches `pattern`: their
    aria-label, the text of the elements aria-labelledby names, or their own text."""
    texts = {}
    # Overlapping matches (a link inside a list item), each element by its own id.
    element = r'(?=<([a-z]+)\b[^>]*\sid="([^"]+)"[^>]*>(.*?)</\1>)'
    for _tag, tag_id, text in re.findall(element, html, re.S):
        texts[tag_id] = re.sub(r"<[^>]+>", "", text).strip()
    names = []
    for tag, text in re.findall(rf"(<a {pattern}[^>]*>)(.*?)</a>", html, re.S):
        label = re.search(r'aria-label="([^"]*)"', tag)
        labelledby = re.search(r'aria-labelledby="([^"]*)"', tag)
        if label:
            names.append(unescape(label.group(1)))
        elif labelledby:
            names.append(" ".join(unescape(texts[i]) for i in labelledby.group(1).split()))
        else:
            names.append(unescape(re.sub(r"<[^>]+>", "", text)).strip())
    return names


def test_a_persons_trips_are_links_named_with_their_dates(reader, seeded):
    """Omar al-Bashir went to Chad (N'Djamena) five times: five links of that one text
    said nothing of which trip each opens."""
    html = body(reader.get("/persons/omar-al-bashir/"))
    timeline = html[
        html.index('id="travel-timeline"') : html.index("</ol>", html.index('id="travel-timeline"'))
    ]
    names = accessible_names(timeline, r'href="/visits/[^"]+"')
    chad = [
        n for n in names if n.startswith("Chad (N’Djamena)") or n.startswith("Chad (N'Djamena)")
    ]
    assert len(chad) >= 5
    assert len(set(names)) == len(names), names
    assert re.fullmatch(r"Chad \(N.Djamena\) \d.*\d{4}", chad[0]), chad[0]


def test_a_states_timeline_names_its_visit_links_with_their_dates(reader, seeded):
    """Chad's timeline listed Omar al-Bashir's trips to N'Djamena as links of one text,
    which said nothing of which trip each opens."""
    html = body(reader.get("/states/TCD/"))
    timeline = html[html.index('id="timeline"') : html.index("</ol>", html.index('id="timeline"'))]
    names = accessible_names(timeline, r'href="/visits/[^"]+"')
    texts = [
        unescape(re.sub(r"<[^>]+>", "", t)).strip()
        for t in re.findall(r'<a href="/visits/[^"]+"[^>]*>(.*?)</a>', timeline, re.S)
    ]
    assert len(texts) > len(set(texts)), texts  # the same words for several trips
    assert len(set(names)) == len(names), names
    assert all(re.search(r"\d{4}$", n) for n in names), names


@pytest.mark.parametrize("url", ["/visits/", "/fr/incidents/", "/states/TCD/"])
def test_a_lists_visit_links_are_named_apart_when_they_share_their_dates(reader, seeded, url):
    """Two visits of 6 December 2023 (the United Arab Emirates, Saudi Arabia): each date
    link is named with the person and the host too, its visible dates first."""
    html = body(reader.get(url))
    table = html[html.index('id="results"' if "/states/" not in url else 'id="hosted-visits"') :]
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    names = accessible_names(table, r'href="/(?:fr/)?visits/[^"?]+"[^>]*aria-label')
    assert len(names) > 3
    assert len(set(names)) == len(names), names
    if url == "/visits/":
        assert "6 December 2023: Vladimir Vladimirovich Putin, Saudi Arabia" in names


def test_a_persons_feed_link_is_named_apart_from_the_sites(reader, seeded):
    html = body(reader.get("/persons/vladimir-putin/"))
    assert ">Atom feed of this person's incidents</a>" in html.replace("&#x27;", "'")
    assert html.count(">Atom feed of incidents</a>") == 1  # the footer's, for the whole site


def test_a_sortable_columns_header_is_named_by_its_column_alone(reader, seeded):
    """Every cell was announced "Visits hosted — sort, 0": the header's name is the
    column's; its link says, as its description, what following it does."""
    html = body(reader.get("/states/?ordering=visits"))
    thead = html[html.index("<thead>") : html.index("</thead>")]
    assert "sort</span>" not in thead and "— " not in thead
    links = re.findall(r'<a href="\?[^"]*" aria-describedby="(sort-[a-z_]+)">', thead)
    assert links
    descriptions = dict(re.findall(r'<span id="(sort-[a-z_]+)" hidden>([^<]*)</span>', thead))
    assert set(links) <= set(descriptions)
    # Sorted by visits, most first: following the header's link sorts them the other way.
    assert 'aria-sort="descending"><a href="?ordering=-visits"' in thead
    assert descriptions["sort-visits"] == "Sort by Visits hosted, ascending"
    assert descriptions["sort-name"] == "Sort by State, ascending"
    french = body(reader.get("/fr/states/?ordering=visits"))
    assert re.search(
        r'<span id="sort-visits" hidden>Trier par [^<]+, ordre croissant</span>', french
    )


def test_an_english_alias_is_marked_as_english_on_a_french_page(reader, seeded):
    """ "The Terminator" (Bosco Ntaganda): a French voice mangled it."""
    listing = body(reader.get("/fr/persons/"))
    assert re.search(r'<small lang="en">The Terminator</small>', listing)
    person = body(reader.get("/fr/persons/bosco-ntaganda/"))
    assert '<dd lang="en">The Terminator</dd>' in person
    assert "<dd>The Terminator</dd>" in body(reader.get("/persons/bosco-ntaganda/"))


def test_the_changes_page_title_has_its_page_number(reader, seeded):
    html = body(reader.get("/changes/?page=2"))
    assert "<title>Changes, page 2 · iccwatch</title>" in html
    assert "<title>Changes · iccwatch</title>" in body(reader.get("/changes/"))


def test_a_refused_sign_in_says_so_in_the_pages_title(reader, seeded):
    page = body(reader.post("/newsroom/sign-in/", {"username": "nobody", "password": "wrong"}))
    assert "<title>Sign in: refused · Newsroom</title>" in page


@pytest.mark.parametrize(
    ("url", "line"),
    [
        ("/states/HUN/", "— basis: State Party</li>"),
        ("/fr/states/HUN/", "— fondement\u00a0: État partie</li>"),
    ],
)
def test_a_countrys_incidents_label_their_basis(reader, seeded, url, line):
    """« Benjamin Netanyahu, 3–6 avril 2025 — État partie » read as his status."""
    html = body(reader.get(url))
    section = html[html.index('id="incidents-heading"') :]
    assert line in section[: section.index("</ul>")]


def test_the_visits_filter_names_the_basis_of_the_obligation(reader, seeded):
    """A Security Council referral or an Art. 12(3) declaration is no treaty."""
    assert '<label for="id_basis">Basis of the obligation</label>' in body(reader.get("/visits/"))
    french = body(reader.get("/fr/visits/"))
    assert '<label for="id_basis">Fondement de l’obligation</label>' in french


def test_a_sortable_header_keeps_its_name_where_its_link_is_hidden(reader, seeded):
    """At 360 px the header row is visually hidden (the rows are cards) and its sort links
    `visibility: hidden`: a header whose only text was inside its link was empty to axe
    ("empty-table-header") and to a screen reader. Each sortable header also names its
    column outside the link (.th-text), shown exactly where the link is hidden."""
    from pathlib import Path

    page = reader.get("/visits/").content.decode()
    thead = page[page.index("<thead>") : page.index("</thead>")]
    headers = re.findall(r"<th\b[^>]*>(.*?)</th>", thead, re.S)
    sortable = [h for h in headers if "<a " in h]
    assert sortable
    for header in sortable:
        outside = re.sub(r"<a\b.*?</a>|<span[^>]*hidden>.*?</span>", "", header, flags=re.S)
        text = unescape(re.sub(r"<[^>]+>", "", outside)).strip()
        name = re.search(r'<span class="th-name">(.*?)</span>', header)[1]
        assert text == unescape(name), header
    css = Path("static/css/site.css").read_text()
    narrow = css[css.index("@media screen and (max-width: 52em)") :]
    narrow = narrow[: narrow.index("\n}\n")]
    assert "table.list.reflow thead a { visibility: hidden; }" in narrow
    assert "table.list.reflow thead .th-text { display: inline; }" in narrow
    assert ".th-name { visibility: visible; }" not in narrow  # heard once, not twice
    assert ".th-text { display: none; }" in css[: css.index("@media screen and (max-width: 52em)")]
