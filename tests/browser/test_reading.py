"""On a 390 px phone the pages fit the screen: tables reflow into labelled cards."""

import time

import pytest

from tests.browser.conftest import snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 390


def overflow(page) -> dict:
    """How far the page, and the widest table, reach beyond the screen (0 when they fit)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const tables = Array.from(document.querySelectorAll('main table'));
          return {
            page: document.documentElement.scrollWidth - width,
            tables: Math.max(0, ...tables.map(t => Math.ceil(t.getBoundingClientRect().right) - width)),
            scrolled: Math.max(0, ...Array.from(document.querySelectorAll('.table-wrap'))
              .map(w => w.scrollWidth - w.clientWidth)),
          };
        }"""
    )


@pytest.mark.parametrize(
    "url",
    [
        "/states/TCD/",
        "/states/MNG/",
        "/persons/omar-al-bashir/",
        "/fr/data/dictionary/",
        # A source's domain longer than the phone's line in a visit's explanation
        # (deployproduction.d12qqqnm2tg16z.amplifyapp.com).
        "/fr/states/USA/",
        # A filtered list's permanent address in "Cite this page", one word of 90 letters.
        "/visits/?person=omar-al-bashir&verdict=non_compliance,deterred&ordering=host,-start",
    ],
)
def test_a_phone_sees_the_whole_page_without_scrolling_sideways(site, browse, url):
    page = browse(width=PHONE, height=844)
    page.goto(site + url)
    assert overflow(page) == {"page": 0, "tables": 0, "scrolled": 0}
    assert not page.problems


def test_the_country_pages_visits_become_labelled_cards_on_a_phone(site, browse):
    page = browse(width=PHONE, height=844)
    page.goto(site + "/states/TCD/")
    cell = page.locator("#hosted-visits tbody tr").first.locator("th").first  # the row's header
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Dates"'
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    assert page.locator("#hosted-visits thead").bounding_box()["width"] <= 1  # heard, not seen
    snap(page, "chad-phone")

    wide = browse(width=1280)
    wide.goto(site + "/states/TCD/")
    cell = wide.locator("#hosted-visits tbody tr").first.locator("th").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "table-cell"


def test_a_phone_sorts_a_list_from_the_sort_bar_and_the_focus_stays_on_the_screen(site, browse):
    """The list's header is heard, not seen, on a phone: its sort links would take the focus
    off the screen (x < 0). The sort bar offers them instead, and every link, field and
    button a keyboard reaches is on the screen."""
    page = browse(width=PHONE, height=844)
    page.goto(site + "/fr/states/")
    bar = page.locator("nav.sort-bar")
    assert bar.is_visible()
    incidents = bar.get_by_role("link", name="Incidents")
    assert incidents.is_visible()
    offscreen = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const reachable = Array.from(document.querySelectorAll(
            'main a[href], main button, main input:not([type=hidden]), main select, main summary'))
            .filter(e => getComputedStyle(e).visibility !== 'hidden' && e.getClientRects().length);
          return reachable.map(e => e.getBoundingClientRect())
            .filter(r => r.left < 0 || r.right > width + 1).length;
        }"""
    )
    assert offscreen == 0
    incidents.click()
    page.wait_for_load_state()
    assert "ordering=" in page.url
    assert page.locator("nav.sort-bar a[aria-current]").count() == 1

    wide = browse(width=1280)
    wide.goto(site + "/fr/states/")
    assert not wide.locator("nav.sort-bar").is_visible()  # the table's header sorts there


def test_a_visits_facts_read_label_above_value_on_a_phone(site, browse):
    """The facts block of a visit page: on a phone each value takes the whole width, not a
    column a third of it beside its label."""
    page = browse(width=PHONE, height=844)
    page.goto(site + "/fr/visits/vladimir-putin-mng-2024-09-02/")
    facts = page.locator("dl.facts").first
    width = facts.bounding_box()["width"]
    values = facts.locator("dd")
    assert values.count() > 3
    assert all(values.nth(i).bounding_box()["width"] >= 0.9 * width for i in range(values.count()))
    assert not page.problems


@pytest.mark.parametrize("url", ["/fr/states/UKR/", "/states/UKR/", "/fr/states/MNG/"])
def test_a_phone_reads_the_whole_state_party_label_on_a_countrys_chart(site, browse, url):
    """Ukraine became a State Party on 1 January 2025: its band is a sliver at the chart's
    right edge, and a label starting there was cut off ("État" for "État partie"). The label
    must lie within the drawing, whole, at the size a phone gives it."""
    page = browse(width=PHONE, height=844)
    page.goto(site + url)
    label = page.locator('#chart-record .chart-svg[data-frame="narrow"] .band-label')
    assert label.is_visible()  # the phone's drawing (front/charts.py, NARROW)
    box = label.evaluate(
        """label => {
          const box = label.getBBox();
          return {left: box.x, right: box.x + box.width,
                  width: label.ownerSVGElement.viewBox.baseVal.width};
        }"""
    )
    assert box["left"] >= 0 and box["right"] <= box["width"], box


# WCAG 2.1, 1.4.10 (reflow): at 320 CSS px wide (a 1280 px screen at 400 % zoom) and at
# 640 px (200 % zoom), nothing makes the page scroll sideways. A wide table may scroll
# inside its own box (.table-wrap); the page may not. Every <details> is opened: the
# home page's map table, the charts' numbers.
REFLOW_PAGES = [
    "/",
    "/states/",
    "/persons/",
    "/visits/",
    "/persons/vladimir-putin/",
    "/persons/omar-al-bashir/",
    "/states/HUN/",
    "/states/ZAF/",
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [320, 640])
def test_no_page_scrolls_sideways_at_400_or_200_percent_zoom(site, browse, width, language):
    page = browse(width=width, height=800)
    wide = {}
    for url in REFLOW_PAGES:
        page.goto(site + (url if language == "en" else f"/{language}{url}"))
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        reach = page.evaluate("document.documentElement.scrollWidth")
        if reach > width:
            wide[url] = reach
    assert wide == {}, f"pages wider than {width} px ({language}): {wide}"
    assert not page.problems


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_headers_search_button_stays_on_a_320_px_screen(site, browse, language):
    """The French "Rechercher" is longer than "Search": the search row shrinks, not the page."""
    page = browse(width=320, height=800)
    page.goto(site + ("/" if language == "en" else f"/{language}/"))
    button = page.locator(".site-header .search button").bounding_box()
    assert button["x"] >= 0 and button["x"] + button["width"] <= 320, button


@pytest.mark.parametrize(
    "url", ["/states/MNG/", "/fr/persons/vladimir-putin/", "/visits/vladimir-putin-mng-2024-09-02/"]
)
def test_a_printed_page_keeps_the_facts_and_the_sources_addresses_not_the_screens_tools(
    site, browse, url
):
    """On paper (print media), a country or person page drops what only a screen can use
    (the header, the copy buttons, the embed code, the feed link, the closed research
    notes, the map's picture) and writes each source's address after its name, so that
    "babel.ua" on paper can still be looked up; the citation stays. Each address is
    printed once: a visit's sources write theirs beneath their name, and the stylesheet
    wrote it again after the name (a link whose words are its address, twice in a row)."""
    page = browse()
    page.goto(site + url)
    page.emulate_media(media="print")
    for hidden in [
        ".site-header",
        "section.embed",
        "button",
        'a[type="application/atom+xml"]',
        "figure.map",
        "details:not([open])",
    ]:
        shown = page.locator(hidden).evaluate_all(
            "els => els.filter(e => e.getClientRects().length > 0).length"
        )
        assert shown == 0, f"{hidden} is printed on {url}"
    cite = page.locator("section[aria-labelledby=cite-heading]")
    assert cite.inner_text().count(page.locator("#citation").input_value()) == 1
    printed = page.locator('main a[href^="http"]').evaluate_all(
        """links => links.filter(a => a.getClientRects().length).map(a => {
          const href = a.getAttribute('href');
          const after = getComputedStyle(a, '::after').content;
          const around = (a.closest('li, p, dd, td') || a.parentElement).innerText;
          return [href, (after.includes(href) ? 1 : 0) + around.split(href).length - 1];
        })"""
    )
    assert len(printed) > 1, f"no source link on {url}"
    not_once = [(href, times) for href, times in printed if times != 1]
    assert not_once == [], f"addresses not printed exactly once on {url}: {not_once[:3]}"
    assert not page.problems


@pytest.mark.parametrize(
    "url", ["/", "/fr/", "/visits/vladimir-putin-mng-2024-09-02/", "/states/SDN/", "/method/"]
)
def test_no_heading_is_printed_over_nothing(site, browse, url):
    """The home page's map section printed its heading alone: its map and its closed table
    are for the screen. A heading is printed only with something beneath it."""
    page = browse()
    page.goto(site + url)
    page.emulate_media(media="print")
    alone = page.evaluate(
        """() => Array.from(document.querySelectorAll('main h1, main h2, main h3'))
          .filter(h => h.getClientRects().length)
          .filter(h => {
            if (!h.innerText.trim()) return true;
            const section = h.closest('section');
            return section && !section.innerText.replace(h.innerText, '').trim();
          })
          .map(h => h.id || h.outerHTML.slice(0, 80))"""
    )
    assert alone == [], f"headings printed over nothing on {url}: {alone}"


# On paper a page cannot scroll sideways: what passes the right edge of its box is lost.
# A4 is 794 CSS px wide; less a printer's default margins, 718 px are left for the page.
PRINTED_WIDTHS = (794, 718)
PRINTED_TABLE_PAGES = [
    "/incidents/",
    "/states/",
    "/persons/",
    "/warrants/",
    "/visits/",
    "/visits/?person=omar-al-bashir",
    "/states/MNG/",
    "/persons/vladimir-putin/",
    "/visits/vladimir-putin-mng-2024-09-02/",
    "/",
    "/data/dictionary/",
]
PRINTED_CUTS = """() => {
  const main = document.querySelector('main');
  const edge = main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight);
  const shown = Array.from(main.querySelectorAll('table, .table-wrap, pre'))
    .filter(e => e.getClientRects().length);
  return shown.map(e => [
    e.id || e.querySelector('caption')?.textContent.trim() || e.tagName,
    Math.max(Math.ceil(e.getBoundingClientRect().right - edge), e.scrollWidth - e.clientWidth),
  ]).filter(([, cut]) => cut > 0);
}"""


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_printed_table_fits_the_page_width(site, browse, language):
    """Printed on A4, every list and every table of a page keeps its right-hand columns
    (the incidents' verdict, a country's explanations): none is wider than the page or cut
    off by its box, which scrolls on a screen only; nor is the data dictionary's code."""
    page = browse()
    page.emulate_media(media="print")
    cut = {}
    for width in PRINTED_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in PRINTED_TABLE_PAGES:
            page.goto(site + (url if language == "en" else f"/{language}{url}"))
            if found := page.evaluate(PRINTED_CUTS):
                cut[(width, url)] = found
    assert cut == {}, f"printed tables cut off at their right edge (px): {cut}"
    assert not page.problems


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_printed_citation_is_whole(site, browse, language):
    """A visit's citation (its title, verdict, dates, address and date of access) runs
    longer than the three rows of its box on a screen: on paper it is printed whole, once.
    Either way it is read out once (a screen reader on the page, a PDF's reader)."""
    url = "/visits/vladimir-putin-mng-2024-09-02/"
    page = browse(width=PRINTED_WIDTHS[-1])
    page.goto(site + (url if language == "en" else f"/{language}{url}"))
    cite = page.locator("section[aria-labelledby=cite-heading]")
    text = page.locator("#citation").input_value()
    assert text.endswith(")."), text  # "… (accessed 5 December 2026)."
    assert cite.inner_text().count(text) == 0  # only in the box
    # The accessibility tree writes a no-break space as a space.
    heard = " ".join(text.split())
    assert " ".join(cite.aria_snapshot().split()).count(heard) == 1
    page.emulate_media(media="print")
    printed = cite.inner_text()
    assert printed.count(text) == 1, printed
    clipped = cite.locator("*").evaluate_all(
        "els => els.filter(e => e.getClientRects().length && e.scrollHeight > e.clientHeight)"
        ".map(e => [e.tagName, e.clientHeight, e.scrollHeight])"
    )
    assert clipped == []
    assert " ".join(cite.aria_snapshot().split()).count(heard) == 1
    assert not page.problems


# --- A phone and a tablet: captions, filters, lists, charts ------------------------------


@pytest.mark.parametrize("url", ["/", "/fr/", "/method/", "/fr/method/"])
def test_a_tables_caption_wraps_at_the_width_of_a_phone(site, browse, url):
    """A table that becomes cards on a phone kept its caption a table caption, as wide as
    its longest word ("States by standing today, …" one word a line, 200 px tall): a
    visible caption spans the table's width and wraps there."""
    page = browse(width=360, height=800)
    page.goto(site + url)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    narrow = page.evaluate(
        """() => Array.from(document.querySelectorAll('main caption'))
          .filter(c => !c.classList.contains('visually-hidden') && c.getClientRects().length)
          .map(c => [c.textContent.trim().slice(0, 40), c.getBoundingClientRect().width,
                     c.closest('table').parentElement.getBoundingClientRect().width])
          .filter(([, width, room]) => width < 0.9 * room)"""
    )
    assert page.locator("main caption:not(.visually-hidden)").count() > 0
    assert narrow == [], f"captions narrower than their table at 360 px: {narrow}"


# What each animation frame showed of the filter panel, from the first: a script run before
# the page's own, which records the panel's state at every frame until the page has loaded.
PANEL_FRAMES = """
window.panelFrames = [];
(function look() {
  const panel = document.querySelector('details.filter-panel');
  if (panel && document.body) window.panelFrames.push(panel.open);
  if (window.panelFrames.length < 400) requestAnimationFrame(look);
})();
"""


def test_the_filter_panel_is_closed_on_a_phone_from_the_first_paint(site, browse):
    """It was drawn open, then closed by site.js (deferred) once the page had loaded: on a
    slow network, under the reader's finger. Scripts are delayed here as on such a network:
    every frame drawn shows it closed."""
    page = browse(width=390, height=844)
    page.add_init_script(PANEL_FRAMES)

    def slowly(route):
        time.sleep(1.5)
        route.continue_()

    page.route("**/static/js/**", slowly)
    page.goto(site + "/visits/")
    page.wait_for_load_state("load")
    frames = page.evaluate("window.panelFrames")
    assert frames and not any(frames), f"the panel was drawn open in {sum(frames)} frames"
    assert not page.locator("details.filter-panel").evaluate("d => d.open")
    # Opened by the reader, it shows its fields.
    page.locator("details.filter-panel > summary").click()
    assert page.locator("details.filter-panel fieldset").is_visible()


@pytest.mark.parametrize(("width", "closed"), [(590, True), (610, False), (900, False)])
def test_the_filter_panel_closes_where_the_stylesheet_draws_a_phone(site, browse, width, closed):
    """One breakpoint: the script closed the panel below 40rem (640 px), the stylesheet drew
    a phone below 37.5em (600 px); between the two the panel closed on a wide layout."""
    page = browse(width=width, height=900)
    page.goto(site + "/fr/visits/")
    assert page.locator("details.filter-panel").evaluate("d => d.open") is not closed
    assert page.locator(".sort-bar").count() == 1
    assert not page.problems


# The verdict of each list's first row: where it is, and how far the list scrolls sideways.
VERDICT_PLACE = """() => {
  const table = document.querySelector('main table.list');
  const names = Array.from(table.querySelectorAll('thead th'))
    .map(th => (th.querySelector('.th-name') || th).textContent.trim());
  const column = names.indexOf('Verdict');
  const wrap = table.closest('.table-wrap');
  const row = table.querySelector('tbody tr');
  const cell = column < 0 ? null : row.children[column];
  const box = cell && cell.getBoundingClientRect();
  return {
    scrolls: wrap ? wrap.scrollWidth - wrap.clientWidth : 0,
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    verdict: box && {left: box.left, right: box.right, width: box.width,
                     screen: document.documentElement.clientWidth},
  };
}"""
LISTS = [
    "/visits/",
    "/fr/visits/",
    "/fr/incidents/",
    "/fr/states/MNG/",
    "/fr/states/",
    "/warrants/",
]


@pytest.mark.parametrize("width", [360, 600, 700, 800, 840, 930])
def test_a_lists_verdict_is_on_the_screen_without_scrolling_sideways(site, browse, width):
    """Between 600 and about 930 px (a tablet, a narrow window) a list was a table wider
    than the screen, its verdict off the right edge: it reflows (cards below 52em, its
    dates and headings wrapping above), and nothing scrolls sideways."""
    page = browse(width=width, height=900)
    cut = {}
    for url in LISTS:
        page.goto(site + url)
        place = page.evaluate(VERDICT_PLACE)
        verdict = place["verdict"]
        if verdict is not None and (
            verdict["width"] == 0 or verdict["left"] < 0 or verdict["right"] > verdict["screen"]
        ):
            cut[url] = verdict
        if place["scrolls"] > 0 or place["page"] > 0:
            cut[url] = place
    assert cut == {}, f"at {width} px: {cut}"
    assert not page.problems


# Every chart text's size on the screen (CSS px): its font size times the drawing's scale.
CHART_TEXT_SIZES = """() => Array.from(document.querySelectorAll('svg.chart-svg'))
  .filter(svg => svg.getClientRects().length)
  .flatMap(svg => Array.from(svg.querySelectorAll('text')).map(t => ({
    text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize) * svg.getScreenCTM().a,
  })))"""


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize(
    "url", ["/", "/persons/vladimir-putin/", "/fr/states/HUN/", "/states/UKR/"]
)
def test_a_charts_words_are_at_least_12_px_on_a_phone(site, browse, url, width):
    """A chart drawn 560 units wide and scaled to a 360 px screen wrote its years and
    totals at 7 to 10 px. A phone gets a drawing in a narrower frame, one per chart."""
    page = browse(width=width, height=900)
    page.goto(site + url)
    sizes = page.evaluate(CHART_TEXT_SIZES)
    assert sizes, url
    small = [s for s in sizes if s["size"] < 12]
    assert small == [], f"chart text under 12 px at {width} px: {small[:5]}"
    shown = page.locator("figure.chart").evaluate_all(
        "figures => figures.map(f => Array.from(f.querySelectorAll('svg.chart-svg'))"
        ".filter(s => s.getClientRects().length).length)"
    )
    assert set(shown) <= {0, 1}, shown  # one drawing of each chart (none: nothing to draw)
    assert not page.problems
