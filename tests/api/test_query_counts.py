"""Every list endpoint answers in a fixed number of queries, whatever the page size.

Each count is pinned: a change that adds a query per row (a missing select_related or
prefetch) fails here, and so does one that adds a query per request without saying so.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Source
from states.models import JointStatement, SecurityCouncilReferral, State
from visits.models import Finding, Visit
from warrants.models import Situation

pytestmark = pytest.mark.django_db

# (url, params, queries). A page costs: COUNT, the rows, one query per prefetched relation.
# The incidents feed takes no lock and has no COUNT (its cursor's position is read only
# when a cursor is given); its horizon is read first (api.paging.IncidentFeedPagination.settled).
# The end of today (UTC): every verdict recorded so far (a later day is a 400).
TODAY = datetime.datetime.now(datetime.UTC).date().isoformat()
WITHDRAWN_THEN = {"as_of": "2026-06-02", "status": "withdrawn"}
FLAGGED_THEN = {"as_of": TODAY, "verdict": "non_compliance"}
LISTS = [
    # treaty events and their sources, declarations with their situations (and their
    # sources: + 1 on a page that holds one; neither of these does), sources, council
    # referrals with their situations, findings (their persons aggregated), statements
    # (their listed counts aggregated), the statements whose list is incomplete (read once
    # for every state: `statements_not_known`)
    ("/api/v1/states/", {}, 10),
    (
        "/api/v1/states/",
        WITHDRAWN_THEN,
        12,
    ),  # + every timeline and territory, for the status filter
    ("/api/v1/persons/", {}, 4),  # warrants, sources
    # Sorted by a count: the counts are the site's list's, read from the summary (counted
    # once per data version, as the site's list of persons reads them), not a join.
    ("/api/v1/persons/", {"ordering": "visits"}, 4),
    ("/api/v1/states/", {"ordering": "-incidents,name"}, 10),
    ("/api/v1/states/", {"ordering": "entry_into_force"}, 10),  # a subquery, no query more
    ("/api/v1/warrants/", {}, 3),  # sources
    ("/api/v1/warrants/", {"ordering": "person"}, 3),
    # the count, then the rows with their verdict warrants, findings and sources in one
    # query (api.visits.rows)
    ("/api/v1/visits/", {}, 2),
    ("/api/v1/visits/", FLAGGED_THEN, 6),  # + the verdict as of that day
    # + the host's id, looked up first (visits.filters.HostFilter)
    ("/api/v1/visits/", {"host": "MNG", "ordering": "-start"}, 3),
    # By cursor: the horizon (Changed-Until: two statements), the page's keys from the
    # cursor on, the count, the rows (api.paging.PageOrCursorPagination)
    ("/api/v1/visits/", {"cursor": "0"}, 2 + 3),
    ("/api/v1/visits/", {"cursor": "2011-06-01.omar-al-bashir-mys-2011-06"}, 2 + 3),
    ("/api/v1/incidents/", {}, 1 + 4),  # + the horizon
    ("/api/v1/findings/", {}, 4),  # sources, persons
    ("/api/v1/referrals/", {}, 4),  # bound states, sources
    ("/api/v1/statements/", {}, 4),  # signatories, sources
]


@pytest.fixture
def more_rows(seeded):
    """Enough findings and statements that a page of 50 holds many more rows than a page of 2."""
    states = list(State.objects.order_by("iso3")[:60])
    visit = Visit.objects.published().first()
    source = Source.objects.create(url="https://news.example.org/query-counts")
    for i, state in enumerate(states):
        finding = Finding.objects.create(
            state=state, visit=visit, decided=datetime.date(2020, 1, 1) + datetime.timedelta(days=i)
        )
        finding.sources.add(source)
        statement = JointStatement.objects.create(
            date=datetime.date(2021, 1, 1), title=f"Statement {i}"
        )
        statement.signatories.add(*states[: i % 5 + 1])
        statement.sources.add(source)
        if i < 10:  # a page of 50 holds more referrals than a page of 2
            referral = SecurityCouncilReferral.objects.create(
                situation=Situation.objects.order_by("pk")[i % 3],
                resolution=f"S/RES/{9000 + i} (2030)",
                adopted=datetime.date(2030, 1, 1) + datetime.timedelta(days=i),
            )
            referral.bound_states.add(state)
            referral.sources.add(source)


def counted_once(client, url, params) -> None:
    """A list sorted by a count reads the counts the site's lists read, counted once per
    data version (front.summaries.list_summary: two queries, after a write only): count
    them before the request measured, as a list of the site after its first reader."""
    if any(k in params.get("ordering", "") for k in ("visits", "incidents")):
        assert client.get(url, {**params, "page_size": 1}).status_code == 200


def queries_for(client, url, params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize(
    ("url", "params", "expected"), LISTS, ids=[f"{u}{p or ''}" for u, p, _ in LISTS]
)
def test_a_list_costs_a_fixed_number_of_queries_whatever_the_page_size(
    more_rows, api_client, url, params, expected
):
    counted_once(api_client, url, params)
    small, small_rows = queries_for(api_client, url, {**params, "page_size": 2})
    large, large_rows = queries_for(api_client, url, {**params, "page_size": 50})
    assert large_rows > small_rows or large_rows <= 2, (
        "the large page must hold more rows to prove anything"
    )
    assert (small, large) == (expected, expected)


# A CSV streams in chunks of rows (core.tabular.EXPORT_CHUNK): its ETag is the data version
# (no query), its file name the data's state (one query, NAMED: dataset.state); each chunk
# costs its rows and one query per prefetch. Visits and incidents are
# written in the site's table (visits.tables): their sources, verdict warrants and findings.
NAMED = 1
CSV_LISTS = [
    # + the sources of the treaty events, and of the declarations (of every state: some have
    # one; of the withdrawn states: none has, and none is read); the statements whose list
    # is incomplete, once
    ("/api/v1/states/", {}, 10),
    ("/api/v1/states/", WITHDRAWN_THEN, 11),
    ("/api/v1/persons/", {}, 3),
    ("/api/v1/persons/", {"ordering": "-incidents"}, 3),
    ("/api/v1/states/", {"ordering": "visits"}, 10),
    ("/api/v1/warrants/", {}, 2),
    ("/api/v1/visits/", {}, 4),
    ("/api/v1/visits/", FLAGGED_THEN, 5),  # + the verdict as of that day
    ("/api/v1/visits/", {"host": "MNG", "ordering": "-start"}, 1 + 4),  # + the host's id
    ("/api/v1/incidents/", {}, 1 + 4),  # + the horizon
    ("/api/v1/findings/", {}, 3),
    ("/api/v1/referrals/", {}, 3),
    ("/api/v1/statements/", {}, 3),
]


@pytest.mark.parametrize(
    ("url", "params", "expected"), CSV_LISTS, ids=[f"{u}{p or ''}" for u, p, _ in CSV_LISTS]
)
def test_a_csv_download_costs_a_fixed_number_of_queries_per_chunk(
    more_rows, api_client, url, params, expected, django_assert_num_queries
):
    counted_once(api_client, url, params)
    with django_assert_num_queries(NAMED + expected):
        response = api_client.get(url, {**params, "format": "csv"})
        assert response.streaming
        rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert response.status_code == 200
    assert len(rows) > 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"verdict": "withdrawn"}, 5),
        # + the moment up to which every change is read (api.base.changes_horizon)
        ({"changed_since": "2000-01-01T00:00:00Z"}, 2 + 5),
    ],
    ids=["withdrawn", "changed"],
)
def test_a_csv_that_may_hold_withdrawn_visits_reads_their_withdrawals_sources_per_chunk(
    seeded, api_client, settings, django_assert_num_queries, params, expected
):
    """A list that may hold withdrawn visits (`?verdict=withdrawn`, `?changed_since=`)
    reads their withdrawals' sources (`withdrawal_source_urls`) with the rows' other
    relations: one more query per chunk, whether one visit was withdrawn or four. The
    lists of published visits (CSV_LISTS) read none."""
    from visits import flagging
    from visits.reports import SourceInput, withdraw_visit

    settings.ICCWATCH_PAGE_CACHE = False
    visits = list(Visit.objects.published().order_by("slug")[:4])

    def withdraw(visit):
        withdraw_visit(
            visit,
            "Reported in error: the newspaper retracted its story the next day.",
            sources=[SourceInput(url=f"https://news.example.org/retraction/{visit.slug}")],
        )

    # The rows, their sources, their verdicts' warrants, their findings, their
    # withdrawals' sources.
    withdraw(visits[0])
    flagging.evaluate_pending()
    with django_assert_num_queries(NAMED + expected):
        response = api_client.get("/api/v1/visits/", {**params, "format": "csv"})
        one = b"".join(response.streaming_content).decode("utf-8-sig")
    for visit in visits[1:]:
        withdraw(visit)
    flagging.evaluate_pending()
    with django_assert_num_queries(NAMED + expected):
        response = api_client.get("/api/v1/visits/", {**params, "format": "csv"})
        four = b"".join(response.streaming_content).decode("utf-8-sig")
    assert one.count("news.example.org/retraction/") == 1
    assert four.count("news.example.org/retraction/") == 4


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # the list's relations, without the COUNT (Hungary has no declaration to read the
        # sources of; Ukraine has: one query more), and the statements whose list is
        # incomplete (`statements_not_known`)
        ("/api/v1/states/HUN/", 9),
        ("/api/v1/states/UKR/", 10),
        ("/api/v1/persons/vladimir-putin/", 3),
        ("/api/v1/warrants/vladimir-putin-2023-03-17/", 2),
        ("/api/v1/visits/vladimir-putin-mng-2024-09-02/", 5),  # + the verdict history
        (f"/api/v1/visits/vladimir-putin-mng-2024-09-02/?as_of={TODAY}", 6),
        ("/api/v1/statements/1/", 3),
    ],
)
def test_a_detail_costs_a_fixed_number_of_queries(
    seeded, api_client, url, expected, django_assert_num_queries
):
    if "statements" in url:
        url = f"/api/v1/statements/{JointStatement.objects.first().pk}/"
    with django_assert_num_queries(expected):
        assert api_client.get(url).status_code == 200


# A statement that only opens or closes a savepoint: in production the request's
# transaction is BEGIN/COMMIT, which are not queries; inside a test, they are savepoints.
TRANSACTION_CONTROL = re.compile(r'(?:^|;\s*)(?:RELEASE\s+)?SAVEPOINT\s+"[^"]+"\s*$')


@pytest.mark.parametrize("confirmed", [False, True], ids=["checked", "another_visit"])
def test_filing_a_report_costs_at_most_eight_queries(seeded, clients, confirmed):
    """Issue 12 item 7: the key's user with its roles; the same key, the open twin and the
    reports of the same trip not yet closed, in one query; the visits it may repeat, read
    once for the `another_visit` check and the answer's `possible_duplicates`; person;
    host; the insert; the newsroom's mail; the rule's facts for the preview. Confirmed as
    another visit, nothing is checked: the answer reads the visits it may repeat."""
    from tests.api.test_reports import TAJIKISTAN

    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()
    reporter = clients["reporter"]
    body = {**TAJIKISTAN, "another_visit": True} if confirmed else TAJIKISTAN
    with CaptureQueriesContext(connection) as ctx:
        response = reporter.post(
            "/api/v1/reports/", body, format="json", headers={"Idempotency-Key": "q-1"}
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["preview"]["code"] == "non_compliance"
    assert body["author"] and body["url"].endswith(f"/api/v1/reports/{body['id']}/")
    queries = [q["sql"] for q in ctx.captured_queries if not TRANSACTION_CONTROL.search(q["sql"])]
    assert len(queries) <= 8, "\n\n".join(queries)


def test_the_preview_reads_the_same_facts_as_the_evaluation(seeded):
    """The preview's one-query facts equal flagging.load_facts' for every state and person
    that has visits in the seed."""
    from visits import flagging, review
    from warrants.models import Person

    pairs = set(Visit.objects.values_list("host_id", "person_id"))
    facts = flagging.load_facts()
    states = {s.pk: s for s in State.objects.all()}
    persons = {p.pk: p for p in Person.objects.all()}
    for host_id, person_id in sorted(pairs):
        state, situation, warrants, referrals = review.preview_facts(
            states[host_id], persons[person_id]
        )
        assert referrals == facts.situation_referrals(facts.persons[person_id])
        assert state == facts.states[host_id]
        assert situation == facts.persons[person_id][1]
        assert warrants == list(facts.warrants.get(person_id, []))


# The downloads say whether each verdict awaits re-evaluation (`reevaluation_pending`,
# visits.models.reevaluation_pending), as the API's JSON does: read in the rows' own
# query, an EXISTS into the outbox's primary key, never one query more per row or chunk
# (the counts above are unchanged by it).
VISIT_DOWNLOADS = [
    "/api/v1/visits/?format=csv",
    "/api/v1/visits/?format=csv&verdict=withdrawn",
    "/api/v1/visits/vladimir-putin-mng-2024-09-02/?format=csv",
    "/api/v1/incidents/?format=csv",
    "/visits.csv",
    "/visits.json",
    "/incidents.csv",
]


@pytest.mark.parametrize("url", VISIT_DOWNLOADS)
def test_a_download_of_visits_reads_the_evaluation_requests_with_its_rows(more_rows, client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content
    read = [q["sql"] for q in queries.captured_queries if "visits_evaluationrequest" in q["sql"]]
    assert len(read) == 1, read
    (rows,) = read
    assert 'FROM "visits_visit"' in rows and '"visits_verdict"' in rows, rows
