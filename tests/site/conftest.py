"""Helpers for the public site's tests: page text, links between rows, more data on demand."""

import datetime
import re
from html.parser import HTMLParser

import pytest

from tests.factories import make_person, make_state, make_visit, make_warrant
from visits import flagging


def body(response) -> str:
    """A response's text, streaming or not."""
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def row_ids(html: str, table_id: str = "results") -> list[str]:
    """The data-id of each row of a results table, in order."""
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<tr data-id="([^"]+)"', table)


class Outline(HTMLParser):
    """Collects what the accessibility checks look at: landmarks, headings, controls, labels."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def outline(html: str) -> list[tuple[str, dict]]:
    parser = Outline()
    parser.feed(html)
    return parser.tags


@pytest.fixture
def more_data(seeded):
    """Grow every table the pages read: a new person with a warrant, sources and visits to
    several hosts (Mongolia included), all verified and evaluated. Query counts must not change."""

    def grow(n: int = 6):
        person = make_person(f"extra-person-{n}", f"Extra Person {n}", nationality="BLR")
        make_warrant(person, issued=datetime.date(2023, 1, 10))
        hosts = ["MNG", "HUN", "ZAF", "TJK", "KAZ", "CHN", "BRA", "IND"]
        visits = [
            make_visit(
                person,
                make_state(hosts[i % len(hosts)]),
                start=datetime.date(2024, 1, 1) + datetime.timedelta(days=20 * i),
                place="Ulaanbaatar" if hosts[i % len(hosts)] == "MNG" else "",
            )
            for i in range(n)
        ]
        flagging.evaluate_visits([v.pk for v in visits], cause="test data")
        return person, visits

    return grow
