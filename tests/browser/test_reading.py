"""On a 390 px phone the pages fit the screen: tables reflow into labelled cards."""

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
    "url", ["/states/TCD/", "/states/MNG/", "/persons/omar-al-bashir/", "/fr/data/dictionary/"]
)
def test_a_phone_sees_the_whole_page_without_scrolling_sideways(site, browse, url):
    page = browse(width=PHONE, height=844)
    page.goto(site + url)
    assert overflow(page) == {"page": 0, "tables": 0, "scrolled": 0}
    assert not page.problems


def test_the_country_pages_visits_become_labelled_cards_on_a_phone(site, browse):
    page = browse(width=PHONE, height=844)
    page.goto(site + "/states/TCD/")
    cell = page.locator("#hosted-visits tbody tr").first.locator("td").first
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Dates"'
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    assert page.locator("#hosted-visits thead").bounding_box()["width"] <= 1  # heard, not seen
    snap(page, "chad-phone")

    wide = browse(width=1280)
    wide.goto(site + "/states/TCD/")
    cell = wide.locator("#hosted-visits tbody tr").first.locator("td").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "table-cell"
