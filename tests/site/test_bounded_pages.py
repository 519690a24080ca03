"""Country and person pages stay bounded however many visits there are: past a limit they
summarise (counts, the latest visits, a timeline by year) and link to the filtered list."""

import re

import pytest

from core.pagecache import bump_data_version
from front import summaries
from tests.site.conftest import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(summaries, "LATEST_VISITS", 2)
    monkeypatch.setattr(summaries, "LATEST_TRIPS", 3)


def test_a_country_with_more_visits_than_the_limit_shows_the_latest_and_a_timeline_by_year(
    reader, seeded, more_data, small_limits
):
    more_data(4)
    more_data(8)  # with the seed's, more than two visits to Mongolia, two of them in 2024
    html = body(reader.get("/states/MNG/"))
    table = html[html.index('id="hosted-visits"') :]
    table = table[: table.index("</table>")]
    assert len(re.findall(r"<tr data-id=", table)) == 2
    assert 'id="latest-visits-note"' in html
    timeline = html[html.index('id="timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    # No visit one by one on the timeline: one entry per year, linked to that year's list.
    assert "Hosted Vladimir Putin" not in timeline
    assert re.search(
        r'<a href="/visits/\?host=MNG&amp;start_after=2024-01-01&amp;start_before=2024-12-31">'
        r"Hosted \d+ visits",
        timeline,
    )
    # The counts are the whole record's, not the shown rows'.
    assert "visits hosted" in html and 'id="counts"' in html
    # Treaty steps stay on the timeline.
    assert "Entry into force" in timeline


def test_a_person_with_more_trips_than_the_limit_shows_the_latest(
    reader, seeded, more_data, small_limits
):
    more_data(8)
    html = body(reader.get("/persons/extra-person-8/"))
    timeline = html[html.index('id="travel-timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    slugs = re.findall(r'data-id="([^"]+)"', timeline)
    assert len(slugs) == 3
    assert 'id="latest-trips-note"' in html and "8 recorded trips" in html


@pytest.mark.parametrize(
    # + 1 each: the chart's query (visits or trips per year and verdict); + 1 each: the
    # dataset's version the citation names (front.citations.cite); + 3 for the state: the
    # sources of the state, of its treaty events and of its statements; + 1 for a person:
    # the map's shades over every trip, one row per host state (front.maps.host_shades)
    ("url", "queries"),
    [("/states/MNG/", 17), ("/persons/extra-person-{n}/", 10)],
)
def test_summarised_pages_read_a_fixed_number_of_queries(
    reader, seeded, more_data, small_limits, django_assert_num_queries, url, queries
):
    # Summarised: counts, the latest visits, the latest incidents and the years (country);
    # counts, the early warnings' ids, the latest trips and the shades of their hosts
    # (person; the warnings themselves are read only when there are some).
    more_data(2)
    for n in (4, 8):
        more_data(n)
        reader.get(url.format(n=n))  # warm per-process caches (gazetteer, map shapes)
        bump_data_version()
        with django_assert_num_queries(queries):
            assert reader.get(url.format(n=n)).status_code == 200
