"""Every page type passes axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules, in English and
French, at a desktop's width and at a phone's, in a real Chromium; the keyboard reaches the
content and sees where it is.

axe-core comes from npm (package.json's devDependencies, installed by `npm ci`, which
manage.py runs on first use); it is evaluated in the page through the browser's debugging
protocol, so the site's Content-Security-Policy (script-src 'self') stays as it is.
"""

from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from alerts import services
from alerts.models import Subscription
from core import roles
from dataset.models import DatasetImport
from tests.browser.conftest import snap
from visits import review
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
LANGUAGES = ["en-GB", "fr-FR"]
# The widths each page is checked at, in CSS pixels: a desktop's, then a small phone's
# (WCAG 1.4.10, reflow at 320 px and up: what scrolls sideways there, a code example, a
# wide table, must still be reachable by the keyboard and named).
WIDTHS = (1280, 360)

# One address per page type, and who opens it (None: an anonymous reader). A page type
# added to the site gets a line here.
PAGES = [
    ("home", "/", None),
    ("states", "/states/", None),
    ("state", "/states/MNG/", None),
    ("persons", "/persons/", None),
    ("person", "/persons/vladimir-putin/", None),
    ("warrants", "/warrants/", None),
    ("visits-filtered", "/visits/?host=MNG&verdict=non_compliance", None),
    ("visit", "/visits/vladimir-putin-mng-2024-09-02/", None),
    ("visit-withdrawn", "/visits/{withdrawn}/", None),
    ("incidents", "/incidents/", None),
    ("search", "/search/?q=Ulan+Bator", None),
    ("changes", "/changes/", None),
    ("method", "/method/", None),
    ("data", "/data/", None),
    ("data-changelog", "/data/changelog/", None),
    ("data-dictionary", "/data/dictionary/", None),
    # A file of /data/ no longer kept (named as builds are, of the imported version).
    ("data-file-gone", "/data/iccwatch-data-{version}-75fe54630b17.zip", None),
    ("not-found", "/states/XXX/", None),
    ("invalid-filter", "/visits/?hosts=MNG", None),
    ("refused-filter-value", "/visits/?host=MNG&start_after=foo", None),
    # A name several persons bear: refused in the list's form, each person offered.
    ("refused-person", "/incidents/?person=Gaddafi&year=2011", None),
    ("embed-state", "/embed/states/MNG/", None),
    ("embed-person", "/embed/persons/vladimir-putin/", None),
    ("api-docs", "/api/v1/docs/", None),
    ("newsroom-sign-in", "/newsroom/sign-in/", None),
    ("newsroom-dashboard", "/newsroom/", roles.REPORTERS),
    ("newsroom-report-form", "/newsroom/reports/new/", roles.REPORTERS),
    # A correction's form, with the form to withdraw the visit and its sources.
    (
        "newsroom-correction",
        "/newsroom/visits/vladimir-putin-mng-2024-09-02/correct/",
        roles.REPORTERS,
    ),
    # A withdrawn visit's page in the newsroom: its restoration to the record proposed.
    ("newsroom-restoration", "/newsroom/visits/{withdrawn}/restore/", roles.REPORTERS),
    ("newsroom-queue", "/newsroom/queue/", roles.REVIEWERS),
    ("newsroom-review", "/newsroom/reports/{report}/", roles.REVIEWERS),
    ("newsroom-record-history", "/newsroom/history/visits.visit/{visit}/", roles.REVIEWERS),
    ("newsroom-alerts", "/newsroom/alerts/", roles.REPORTERS),
    ("newsroom-alert-log", "/newsroom/alerts/log/", roles.REPORTERS),
    # The page a subscription's confirmation link opens, for whoever the address belongs to.
    ("newsroom-alert-confirmation", "/newsroom/alerts/confirm/?token={confirmation}", None),
    ("account-second-factor", "/account/otp/", roles.REVIEWERS),
]
MONGOLIA = "vladimir-putin-mng-2024-09-02"
STATUS = {
    "not-found": 404,
    "invalid-filter": 400,
    "refused-filter-value": 400,
    "refused-person": 400,
    "data-file-gone": 410,
}
# Addresses with one language (the reader's cookie or browser); the public pages name
# theirs in the address (/fr/…).
ONE_ADDRESS = ("/api/", "/newsroom/", "/account/")


def localized(path: str, language: str) -> str:
    """The page's address in `language` ('fr-FR': /fr/… for a public page)."""
    code = language.split("-")[0]
    if code == "en" or path.startswith(ONE_ADDRESS):
        return path
    return f"/{code}{path}"


REPORT = {
    "person": "vladimir-putin",
    "host": "TJK",
    "start": "2025-10-08",
    "end": "2025-10-10",
    "place": "Dushanbe",
    "status": "occurred",
    "outcome": "not_arrested",
}


def signed_in(page, site: str, group: str) -> None:
    """Give the page's browser context the session of a new member of `group`."""
    user = User.objects.create_user(f"member-of-{group}".lower()[:150])
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": site}])


def submitted_report() -> int:
    """A report filed by a reporter and waiting for review: the review page's subject."""
    author = User.objects.create_user("the-author")
    author.groups.add(Group.objects.get_or_create(name=roles.REPORTERS)[0])
    citations = [{"url": "https://example.org/putin-dushanbe", "publisher": "Example News"}]
    return review.file_report(author=author, data=REPORT, citations=citations).pk


def withdrawn_visit() -> str:
    """A visit withdrawn by a verified withdrawal citing a source (its page's notice lists
    it): the withdrawn page's subject."""
    author = User.objects.create_user("the-withdrawing-author")
    author.groups.add(Group.objects.get_or_create(name=roles.REPORTERS)[0])
    reviewer = User.objects.create_user("the-withdrawal-reviewer")
    reviewer.groups.add(Group.objects.get_or_create(name=roles.REVIEWERS)[0])
    visit = Visit.objects.get(slug="vladimir-putin-tjk-2025-10-08")
    retraction = {"url": "https://example.org/correction", "publisher": "Example News"}
    withdrawal = review.propose_withdrawal(
        author=author,
        visit=visit,
        note="Reported in error: the newspaper retracted its story.",
        citations=[retraction],
    )
    review.verify(withdrawal, reviewer)
    return visit.slug


def confirmation_token() -> str:
    """The token of the link confirming a reporter's subscription of another address (its
    page's subject), as the link carries it."""
    owner = User.objects.create_user("the-subscriber", email="subscriber@ngo.example")
    owner.groups.add(Group.objects.get_or_create(name=roles.REPORTERS)[0])
    subscription = Subscription.objects.create(owner=owner, email="desk@ngo.example")
    return quote(services.confirmation_token(subscription))


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it stands, with the WCAG A and AA rules only (axe-core
    loaded into the page once, on the first run)."""
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE.read_text())
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target.join(' '),"
        " html: n.html.slice(0, 200), summary: n.failureSummary}))})))",
        WCAG_AA,
    )


# axe-core lets a reference to a missing id pass when another id in it resolves, and does
# not check aria-describedby at all: a help text referenced by a wrong id goes unread.
BROKEN_REFERENCES = """
() => {
  const broken = [];
  for (const attribute of ["aria-describedby", "aria-labelledby", "aria-controls", "for"]) {
    for (const element of document.querySelectorAll(`[${attribute}]`)) {
      if (attribute === "for" && element.tagName !== "LABEL") continue;
      for (const id of element.getAttribute(attribute).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) broken.push(`${element.outerHTML.slice(0, 120)}: ${attribute} -> #${id}`);
      }
    }
  }
  return broken;
}
"""


def describe(violations: list[dict]) -> str:
    """axe's findings as lines a reader can act on: rule, impact, help, the first elements."""
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"- {violation['id']} ({violation['impact']}, {len(nodes)} element(s)): "
            f"{violation['help']} <{violation['helpUrl']}>"
        )
        for node in nodes[:5]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {node['html']}\n      {summary}")
    return "\n".join(lines)


@pytest.mark.npm("axe-core")
def test_axe_core_is_installed():
    assert AXE.exists(), "axe-core is missing: run `npm ci` (package.json's devDependencies)"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "path", "group"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.npm("axe-core")
def test_every_page_type_passes_axe_core_wcag_aa(site, browse, name, path, group, language):
    page = browse(locale=language)
    if group:
        signed_in(page, site, group)
    if "{report}" in path:
        path = path.format(report=submitted_report())
    if "{visit}" in path:
        path = path.format(visit=Visit.objects.get(slug=MONGOLIA).pk)
    if "{withdrawn}" in path:
        path = path.format(withdrawn=withdrawn_visit())
    if "{confirmation}" in path:
        path = path.format(confirmation=confirmation_token())
    if "{version}" in path:
        path = path.format(version=DatasetImport.latest_version())
    path = localized(path, language)
    response = page.goto(site + path)
    assert response.status == STATUS.get(name, 200), f"{path}: {response.status}"
    assert page.url.startswith(site + path.split("?")[0]), f"{path} went to {page.url}"
    page.wait_for_load_state("networkidle")
    assert page.evaluate(BROKEN_REFERENCES) == [], f"{path} ({language}) names missing ids"
    # The same page load at each width, the viewport narrowed in between.
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found[width] = axe_violations(page)
        if found[width]:
            snap(page, f"axe-{name}-{language}-{width}")
    failed = [
        f"{path} ({language}, {width} px) has axe-core violations:\n" + describe(violations)
        for width, violations in found.items()
        if violations
    ]
    assert not failed, "\n".join(failed)


# --- The keyboard -----------------------------------------------------------------------

RELATIVE_LUMINANCE = """
colour => {
  const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map(Number).map(c => c / 255)
    .map(c => c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
"""

# The focused element's outline colour, and the colour behind it: the first ancestor with
# an opaque background (the outline is drawn outside the element, on its surroundings).
FOCUS_RING = (
    """
() => {
  const luminance = """
    + RELATIVE_LUMINANCE
    + """;
  const element = document.activeElement;
  const style = getComputedStyle(element);
  let behind = element.parentElement, background = "rgb(255, 255, 255)";
  while (behind) {
    const colour = getComputedStyle(behind).backgroundColor;
    const alpha = colour.startsWith("rgba") ? Number(colour.match(/[\\d.]+/g)[3]) : 1;
    if (alpha === 1) { background = colour; break; }
    behind = behind.parentElement;
  }
  const [a, b] = [luminance(style.outlineColor), luminance(background)].sort((x, y) => y - x);
  return {
    tag: element.tagName.toLowerCase(), text: (element.textContent || "").trim().slice(0, 40),
    outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
    colour: style.outlineColor, background, ratio: (a + 0.05) / (b + 0.05),
  };
}
"""
)


def focus_ring(page) -> dict:
    """The focused element's outline: style, width (px), colour, background, contrast."""
    return page.evaluate(FOCUS_RING)


def assert_visible_focus(ring: dict) -> None:
    where = f"{ring['tag']} {ring['text']!r}: {ring['colour']} on {ring['background']}"
    assert ring["outline"] != "none" and ring["width"] >= 2, f"no focus outline on {where}"
    assert ring["ratio"] >= 3, f"focus outline contrast {ring['ratio']:.2f}:1 < 3:1 on {where}"


def test_the_skip_link_comes_first_and_moves_focus_to_the_content(site, browse):
    page = browse()
    page.goto(site + "/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("href") == "#main"
    assert skip.is_visible(), "the skip link shows when it has focus"
    assert_visible_focus(focus_ring(page))
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes to the content, past the header's links.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def tab_to(page, href: str, rings: list[dict], limit: int = 400) -> None:
    """Press Tab until the link to `href` has focus, noting each focus ring on the way."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        rings.append(focus_ring(page))
        if page.evaluate("document.activeElement.getAttribute('href')") == href:
            return
    pytest.fail(f"Tab never reached a link to {href} ({limit} presses)")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.npm("world-atlas")
def test_the_keyboard_goes_from_the_home_page_to_a_country_with_a_visible_focus_ring(
    site, browse, language
):
    page = browse(locale=language)
    page.goto(site + localized("/", language))
    rings = []
    # The map's countries are out of the Tab order; its table, behind its summary, has them.
    tab_to_map_table(page, rings)
    page.keyboard.press("Enter")
    assert page.locator("#map-table").get_attribute("open") is not None
    tab_to(page, localized("/states/MNG/", language), rings)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{localized('/states/MNG/', language)}")
    assert page.locator("h1").inner_text().startswith("Mongoli")  # -a, -e in French
    assert len(rings) > 10
    for ring in rings:
        assert_visible_focus(ring)


def tab_to_map_table(page, rings: list[dict], limit: int = 400) -> None:
    """Press Tab until the summary of the map's table has focus, noting each focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        rings.append(focus_ring(page))
        if page.evaluate("document.activeElement.matches('#map-table > summary')"):
            return
    pytest.fail(f"Tab never reached the map's table ({limit} presses)")


@pytest.mark.npm("world-atlas")
def test_the_maps_table_opens_from_its_summary_and_its_address(site, browse):
    page = browse()
    page.goto(site + "/")
    table = page.locator("#map-table")
    assert table.get_attribute("open") is None
    page.get_by_text("The map's facts as a table").click()
    assert table.get_attribute("open") is not None
    assert table.locator("table").is_visible()
    # Followed from another page, the address opens it too.
    page.goto(site + "/states/")
    page.goto(site + "/#map-table")
    assert page.locator("#map-table table").is_visible()


# WCAG 2.2, 2.5.8: a target at least 24 by 24 CSS pixels.
TARGETS = ".site-header nav a, .site-footer a"
TARGET_BOXES = f"""() => Array.from(document.querySelectorAll({TARGETS!r})).map(a => {{
  const box = a.getBoundingClientRect();
  return {{text: a.textContent.trim(), width: box.width, height: box.height}};
}})"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_menu_language_and_footer_links_are_large_enough_to_tap_on_a_phone(
    site, browse, language
):
    page = browse(locale=language, width=375, height=800)
    page.goto(site + localized("/", language))
    boxes = page.evaluate(TARGET_BOXES)
    assert len(boxes) >= 9  # five menu links, two languages, the footer's three
    small = [b for b in boxes if b["width"] < 24 or b["height"] < 24]
    assert not small, f"links smaller than 24×24 px at 375 px wide: {small}"


# The sort links (a list's header, or its sort bar on a phone) and page links shown.
SORT_AND_PAGE_LINKS = """() => Array.from(
    document.querySelectorAll('thead th a, .sort-bar a, .pagination a'))
  .filter(a => a.getClientRects().length && getComputedStyle(a).visibility !== 'hidden')
  .map(a => {
    const box = a.getBoundingClientRect();
    return {text: a.textContent.trim(), width: box.width, height: box.height};
  })"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", ["/visits/", "/fr/states/"])
def test_sort_and_page_links_are_targets_of_44_px(site, browse, path, width):
    """WCAG 2.5.5 (target size, enhanced): a sort link or a page link was 18 px tall, a
    miss for a thumb. Each is 44 × 44 CSS px at least, on a phone and on a desktop, where
    the table still fits and its header stays one row of links."""
    page = browse(width=width, height=900)
    page.goto(site + path)
    boxes = page.evaluate(SORT_AND_PAGE_LINKS)
    assert len(boxes) >= 4 and page.locator(".pagination a").count() >= 1
    small = [b for b in boxes if b["width"] < 44 or b["height"] < 44]
    assert not small, f"links smaller than 44×44 px at {width} px wide: {small}"
    if width == 1280:
        header = page.locator("table.list thead").bounding_box()
        assert header["height"] <= 64, header
        wrap = page.locator(".table-wrap").first
        assert wrap.evaluate("w => w.scrollWidth - w.clientWidth") == 0


# --- What a screen reader is told after an action ---------------------------------------

# Every text the live region next to a textarea shows, in order, trimmed.
RECORD_LIVE_REGION = """selector => {
  window.said = [];
  const region = document.querySelector(selector);
  new MutationObserver(() => window.said.push(region.textContent.trim()))
    .observe(region, {childList: true, characterData: true, subtree: true});
}"""


def test_the_copy_buttons_result_is_announced_at_every_copy(site, browse):
    """A live region speaks when its words change: the same "Citation copied." set again is
    silent, so the region is emptied before each result."""
    page = browse()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page.goto(site + "/visits/vladimir-putin-mng-2024-09-02/")
    page.evaluate(RECORD_LIVE_REGION, "#citation ~ .copy-status")
    button = page.get_by_role("button", name="Copy the citation")
    for copies in (1, 2):
        button.click()
        page.wait_for_function(
            "n => window.said.filter(w => w === 'Citation copied.').length === n", arg=copies
        )
    said = page.evaluate("window.said")
    # Emptied between the two: the second copy is a change the screen reader says again.
    assert said[-3:] == ["Citation copied.", "", "Citation copied."], said
    assert "Vladimir Vladimirovich Putin" in page.evaluate("navigator.clipboard.readText()")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_copy_the_browser_refuses_is_announced_and_leaves_the_text_selected(
    site, browse, language
):
    page = browse(locale=language)
    page.add_init_script(
        "navigator.clipboard && (navigator.clipboard.writeText = () =>"
        " Promise.reject(new DOMException('refused', 'NotAllowedError')));"
    )
    page.goto(site + localized("/states/MNG/", language))
    status = page.locator("#embed-code ~ .copy-status")
    page.locator("#embed-code ~ button").click()
    expected = {
        "en-GB": "Not copied: the browser refused. The text is selected: copy it yourself.",
        "fr-FR": "Non copié\u00a0: le navigateur l’a refusé. Le texte est sélectionné\u00a0: "
        "copiez-le vous-même.",
    }[language]
    page.wait_for_function(
        "([s, words]) => document.querySelector(s).textContent.trim() === words",
        arg=["#embed-code ~ .copy-status", expected],
    )
    assert status.get_attribute("role") == "status"
    assert page.evaluate("document.activeElement.id") == "embed-code"
    selected = page.evaluate(
        "(() => { const a = document.activeElement; return a.value.slice(a.selectionStart, a.selectionEnd); })()"
    )
    assert selected.startswith("<iframe")


def test_a_refused_filter_gives_the_focus_to_its_reasons_and_their_link_to_the_box(site, browse):
    page = browse(width=375, height=800)  # a phone: a dozen boxes before the one at fault
    page.goto(site + "/visits/?host=MNG&start_after=foo")
    assert page.evaluate("document.activeElement.id") == "filter-errors"
    assert page.locator("details.filter-panel").get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_start_after"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_start_after"


def test_a_refused_sign_in_gives_the_focus_to_its_reason(site, browse):
    page = browse()
    page.goto(site + "/newsroom/sign-in/")
    assert page.evaluate("document.activeElement.id") == "id_username"  # the form's autofocus
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#form-errors")
    page.wait_for_function("() => document.activeElement.id === 'form-errors'")
    assert "correct username and password" in page.locator("#form-errors").inner_text()


def test_a_refused_alert_subscription_gives_the_focus_to_its_reason(site, browse):
    """It left the focus on the page's body, and its title unchanged: a screen reader said
    nothing of why. As the sign-in's, its reasons come first and take the focus."""
    page = browse()
    signed_in(page, site, roles.REPORTERS)
    page.goto(site + "/newsroom/alerts/")
    page.fill("#id_label", "legal team")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_selector("#form-errors")
    page.wait_for_function("() => document.activeElement.id === 'form-errors'")
    assert page.locator("#form-errors").inner_text() == (
        "Give an email address, a webhook URL, or both."
    )
    assert page.title().startswith("Alerts: subscription refused")


# --- Forced colours (Windows high contrast) ---------------------------------------------

FORCED_COLOURS = (
    """
() => {
  const luminance = """
    + RELATIVE_LUMINANCE
    + """;
  const ratio = (x, y) => {
    const [a, b] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (a + 0.05) / (b + 0.05);
  };
  const page = getComputedStyle(document.body).backgroundColor;
  const words = Array.from(document.querySelectorAll('.chart-svg text'))
    .map(t => ({text: t.textContent, fill: getComputedStyle(t).fill}))
    .filter(t => ratio(t.fill, page) < 4.5);
  const blank = Array.from(document.querySelectorAll('.legend .swatch, .legend .dot'))
    .map(s => ({cls: s.className, style: getComputedStyle(s)}))
    .filter(s => s.style.backgroundImage === 'none'
      && (s.style.backgroundColor === page || s.style.backgroundColor === 'rgba(0, 0, 0, 0)')
      && !s.cls.includes('chart-band'))
    .map(s => s.cls);
  return {page, words, blank};
}
"""
)


@pytest.mark.parametrize("path", ["/persons/omar-al-bashir/", "/fr/states/HUN/", "/"])
def test_legends_and_charts_keep_their_meaning_in_forced_colours(site, chromium, path):
    """With Windows' high contrast (black background): the charts' numbers and years are
    drawn in the reader's text colour, and every legend swatch keeps the colour or pattern
    that matches the map or the bars (a swatch drawn as a background became an empty box)."""
    context = chromium.new_context(forced_colors="active", color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(site + path)
        found = page.evaluate(FORCED_COLOURS)
    finally:
        context.close()
    assert found["page"] == "rgb(0, 0, 0)"  # the forced colours are on
    assert found["words"] == [], f"chart words unreadable on {found['page']}: {found['words']}"
    assert found["blank"] == [], f"legend swatches left empty: {found['blank']}"
