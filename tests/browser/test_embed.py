"""The code a journalist pastes to embed a card shows the whole card, without a scrollbar,
in a column as narrow as a phone's or wider than the card (front.cards.sharing)."""

import pytest

from front import cards

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The cards with the most lines: three verdicts and "other verdicts", long French labels.
CARDS = [
    "/persons/omar-al-bashir/",
    "/fr/persons/omar-al-bashir/",
    "/persons/vladimir-putin/",
    "/states/TCD/",
    "/fr/states/TCD/",
    "/fr/states/USA/",
]


@pytest.mark.parametrize("column", [288, 320, 480, 800])
@pytest.mark.parametrize("url", CARDS)
def test_the_embed_code_shows_the_whole_card_without_a_scrollbar(site, browse, url, column):
    page = browse(width=1000, height=900)
    page.goto(site + url)
    code = page.locator("#embed-code").input_value()
    assert f"width:100%;max-width:{cards.EMBED_MAX_WIDTH}px" in code
    # Pasted into a column of `column` pixels of another site's page (served here by the
    # browser itself: this site's own policy refuses inline styles).
    article = f'<!doctype html><div style="width:{column}px">{code}</div>'
    journal = site.replace("localhost", "127.0.0.1") + "/journal-article"  # another origin
    page.route(journal, lambda route: route.fulfill(body=article, content_type="text/html"))
    # The card and its style sheet, fetched by the test and handed to the frame as they
    # came (headers included): Chromium refuses a page it did not load from the network
    # to frame a local address (Private Network Access).
    page.route(f"{site}/**", lambda route: route.fulfill(response=route.fetch()))
    page.goto(journal)
    page.frame_locator("iframe").locator("#card").wait_for(timeout=10000)
    frame = next(f for f in page.frames if "/embed/" in f.url)
    frame.wait_for_load_state("load")
    assert page.locator("iframe").bounding_box()["width"] == min(column, cards.EMBED_MAX_WIDTH)
    seen = frame.evaluate(
        """() => {
          const root = document.documentElement;
          return {
            below: root.scrollHeight - root.clientHeight,
            beside: root.scrollWidth - root.clientWidth,
            lines: document.querySelectorAll('#card .counts li').length,
            styled: getComputedStyle(document.querySelector('#card')).boxSizing,
          };
        }"""
    )
    assert seen["below"] <= 0 and seen["beside"] <= 0, seen
    assert seen["lines"] <= cards.SHOWN_VERDICTS + 1
    assert seen["styled"] == "border-box"  # its style sheet was read


@pytest.mark.parametrize("url", ["/fr/states/MNG/", "/persons/vladimir-putin/"])
def test_the_cards_preview_opens_without_an_error(site, browse, url):
    """The page's "Preview the card" link opens the card by itself: it names its icon, so
    the browser does not ask for /favicon.ico, which is not found (a console error; the
    browser asks once per run, so the icon's own address is checked too)."""
    page = browse(width=390, height=844)
    page.goto(site + url)
    page.locator("a[href*='/embed/']").first.click()
    page.locator("#card").wait_for()
    page.wait_for_load_state("networkidle")
    assert "/embed/" in page.url
    assert not page.problems
    icon = page.evaluate(
        """async () => {
          const link = document.querySelector('link[rel=icon]');
          return link && (await fetch(link.href)).status;
        }"""
    )
    assert icon == 200
