"""Every page reads a fixed number of queries, however much data there is."""

import pytest

from core.pagecache import bump_data_version
from tests.site.conftest import body

pytestmark = pytest.mark.django_db

# (address, queries). The numbers are the joins each view spells out; they must not
# grow with the data (no query per row). Every page with "Cite this page" reads the
# data's state (front.citations.cite: the latest import's dataset version and when the data
# last changed): one query.
PAGES = [
    # timelines, declarations, Security Council referrals, names, counts, people at large,
    # latest incidents, early warnings, incident hosts; incidents per year (the chart); the
    # summaries (recounted here after the write; cached otherwise)
    ("/", 11),
    # standings, count, page; the standing menu's counts (standings, the states' codes);
    # the visits and incidents of every state (two, the summary, recounted here after the
    # write; cached otherwise). No newest verdict: a list of states shows none.
    ("/states/", 8),
    # The standings (timelines and territories) read once for the filter, its counts and the rows.
    ("/states/?status=party&ordering=incidents", 8),
    # state and its sources, treaty events and their sources, declarations, council
    # referrals (their sources too, for a state that has any: Mongolia has none), visits,
    # findings, their persons and sources, statements and their sources, visits per year
    # and verdict (the chart), counts by verdict (the last two: summaries, recounted here
    # after the write; cached otherwise)
    ("/states/MNG/", 15),
    # A prefetch of nothing reads nothing: Ukraine has no finding (- their persons and
    # sources) and declarations (+ their sources); Sudan no treaty event (- their
    # sources) and a Security Council referral (+ its sources). Never a query per row.
    ("/states/UKR/", 14),
    ("/states/SDN/", 15),
    # situations and states for the filter form, count, page, one count per menu (3); the
    # visits and incidents of every person (two, the summary, recounted here after the
    # write; cached otherwise). No newest verdict: a list of persons shows none.
    ("/persons/", 10),
    ("/persons/?ordering=visits", 10),
    # person, warrants and their sources, counts by verdict, visits, sources, trips per year
    # and verdict (the chart; it and the counts: summaries, recounted here after the write)
    ("/persons/vladimir-putin/", 8),
    ("/persons/extra-person-{n}/", 8),
    ("/warrants/", 5),  # persons and situations for the form, count, page
    # states, situations, years for the form, count, page, one count per menu (host,
    # situation, verdict, basis, status, host control, year) and the withdrawn visits the
    # verdict menu's `withdrawn` would list (core.filters.facet_counts, WIDENING); no list
    # of every person; the newest verdict cited is the page's rows' (read with them)
    ("/visits/", 14),
    # + the host's id, looked up once (visits.filters.HostFilter)
    ("/visits/?host=MNG&verdict=non_compliance&ordering=person", 15),
    # visit, sources, findings and their sources, history, warrants, the host's sources,
    # its treaty events and their sources, its declarations (their sources too, for a host
    # that has any: Mongolia has none)
    ("/visits/vladimir-putin-mng-2024-09-02/", 11),
    # As /visits/, but the page's keys are read on their own, from the verdicts'
    # index of the published incidents (front.views.visits.incident_keys): + 1
    ("/incidents/", 14),
    ("/incidents/feed/", 1),
    ("/states/MNG/feed/", 2),
    ("/persons/vladimir-putin/feed/", 2),
    ("/search/?q=Ulan+Bator", 4),
    # How verdicts are decided: the data's state, for its citation.
    ("/method/", 1),
    # The changes about one state, or one visit: the state (or the visit), the count and
    # the page (each kind of record's newest events, from their indexes), then each kind on
    # the page read with the names it needs (visits.history.public_entries).
    ("/changes/?state=MNG", 15),
    ("/changes/?visit=vladimir-putin-mng-2024-09-02", 15),
    # Cards: the state (or person), its treaty events (or warrants), visits by verdict (the
    # page's summary, recounted here after the write; cached otherwise).
    ("/states/MNG/card.fr.png", 3),
    ("/persons/vladimir-putin/card.en.png", 3),
    ("/embed/states/MNG/", 3),
    ("/embed/persons/vladimir-putin/", 3),
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
    # The data's state (dataset.state: the file's name, the JSON's head), the filtered rows
    # in one chunk, then their sources, verdicts' warrants and findings.
    with django_assert_num_queries(5):
        body(reader.get("/visits.csv"))
    with django_assert_num_queries(6):  # + the host's id
        body(reader.get("/visits.json?host=MNG"))


def test_a_changes_own_page_reads_a_fixed_number_of_queries(
    reader, seeded, more_data, django_assert_num_queries
):
    """/changes/<kind>-<id>/: the event, checked public, then its entry and its names, and
    the dataset's version its citation block names, however many changes there are."""
    from visits import history

    for n in (2, 8):
        more_data(n)
        pk, _at, label = next(row for row in history.public_changes(50) if row[2] == "visits.visit")
        reader.get(f"/changes/{label}-{pk}/")
        bump_data_version()
        with django_assert_num_queries(6):
            assert reader.get(f"/changes/{label}-{pk}/").status_code == 200
