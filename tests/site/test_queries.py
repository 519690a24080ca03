"""Every page reads a fixed number of queries, however much data there is."""

import pytest

from core.pagecache import bump_data_version
from tests.site.conftest import body

pytestmark = pytest.mark.django_db

# (address, queries). The numbers are the joins each view spells out; they must not
# grow with the data (no query per row).
PAGES = [
    # timelines, declarations, names, people at large, the listed visits; the summary
    # (recounted here after the write; cached otherwise): counts, incident hosts, which
    # incidents and early warnings are listed
    ("/", 9),
    ("/states/", 3),  # standings, count, page
    ("/states/?status=party&sort=incidents", 4),  # + standings for the filter
    # state, treaty events, declarations, council referrals, counts by verdict, visits,
    # findings, their persons, statements
    ("/states/MNG/", 9),
    ("/persons/", 4),  # situations and states for the filter form, count, page
    ("/persons/vladimir-putin/", 5),  # person, warrants, counts by verdict, visits, sources
    ("/persons/extra-person-{n}/", 5),
    ("/warrants/", 4),  # persons and situations for the form, count, page
    ("/visits/", 5),  # persons, states, situations for the form, count, page
    ("/visits/?host=MNG&verdict=non_compliance&sort=person", 5),
    (
        "/visits/vladimir-putin-mng-2024-09-02/",
        7,
    ),  # visit, sources, findings, history, warrants, events, declarations
    ("/incidents/", 5),
    ("/incidents/feed/", 1),
    ("/states/MNG/feed/", 2),
    ("/persons/vladimir-putin/feed/", 2),
    ("/search/?q=Ulan+Bator", 4),
]


@pytest.mark.parametrize(("url", "queries"), PAGES)
def test_each_page_reads_a_fixed_number_of_queries(
    reader, seeded, more_data, django_assert_num_queries, url, queries
):
    more_data(2)
    small = url.format(n=2)
    reader.get(small)  # warm per-process caches (gazetteer, map shapes)
    bump_data_version()  # as a write would: the page is rendered again, not served cached
    with django_assert_num_queries(queries):
        assert reader.get(small).status_code == 200
    # Four times as many extra visits, to more hosts: the same number of queries.
    more_data(8)
    large = url.format(n=8)
    reader.get(large)
    bump_data_version()
    with django_assert_num_queries(queries):
        response = reader.get(large)
    assert response.status_code == 200
    if "{n}" in url:
        assert body(response).count('data-id="extra-person-8-') == 8


def test_downloads_read_a_fixed_number_of_queries_per_chunk(
    reader, seeded, more_data, django_assert_num_queries
):
    more_data(8)
    # The filtered rows in one chunk, then their sources in one more.
    with django_assert_num_queries(2):
        body(reader.get("/visits.csv"))
    with django_assert_num_queries(2):
        body(reader.get("/visits.json?host=MNG"))
