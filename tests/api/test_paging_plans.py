"""Deep pages cost their own rows: the query plans the API's paging relies on (issue 12).

The seed is too small for PostgreSQL to prefer an index on its own, so each plan is read
with sequential scans and sorts made dear: what is pinned is that the index *can* answer
the query (its condition matches, its order is the page's order). Timings on a large
database are bench/web.py's business.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from front.listing import order_by
from front.views.visits import VISITS as SITE_VISITS
from states.models import State
from tests.plans import plan_of
from visits.models import Visit
from warrants.models import Person

pytestmark = pytest.mark.django_db

FEED = "/api/v1/incidents/"
VISITS = "/api/v1/visits/"


def page_queries(client, url, params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in captured.captured_queries]


def the_page_query(queries: list[str]) -> str:
    (found,) = [sql for sql in queries if "LIMIT" in sql and "warrants_person" in sql]
    return found


@pytest.mark.parametrize("cursor", [None, "middle"])
def test_a_feed_page_is_a_range_of_the_flagging_changes_index(seeded, api_client, cursor):
    params = {"page_size": 3}
    if cursor:
        first = api_client.get(FEED, params).json()
        params["cursor"] = first["cursor"]
    plan = plan_of(the_page_query(page_queries(api_client, FEED, params)))
    # The page's positions: a range of the partial index from the cursor on, read in its
    # order (no sort of every incident after the cursor), cut at the horizon.
    assert "visits_change_flag_position" in plan, plan
    scan = next(line for line in plan.splitlines() if "visits_change_flag_position" in line)
    index_cond = plan.splitlines()[plan.splitlines().index(scan) + 1]
    assert "ROW(xact_id, id) > ROW(" in index_cond and "xact_id <" in index_cond, plan


def test_a_deep_visits_page_finds_its_ids_in_the_index_alone(seeded, api_client):
    count = Visit.objects.published().count()
    queries = page_queries(api_client, VISITS, {"page_size": 2, "page": count // 2 // 2})
    page = the_page_query(queries)
    plan = plan_of(page)
    # The OFFSET runs over the ids of the published visits' index, not over joined rows.
    assert "Index Only Scan using visits_visit_published_order" in plan, plan
    assert "OFFSET" in page.split("ARRAY(", 1)[1], page
    # The COUNT reads an index, not the table. Which index a few-row test table gets (a
    # partial index of the published visits, or one led by the review state) depends on
    # the sizes the tests before left them: at 1M visits the planner takes the narrowest,
    # visits_visit_published_tally (tests/site/test_list_counts.py).
    (count_query,) = [sql for sql in queries if "COUNT(*)" in sql]
    count_plan = plan_of(count_query)
    assert re.search(r"Index (Only )?Scan using visits_visit_\w+ on visits_visit", count_plan), (
        count_plan
    )
    assert "Seq Scan on visits_visit" not in count_plan, count_plan


@pytest.mark.parametrize("host", [None, "USA"])
def test_a_visits_cursor_page_is_a_range_of_the_published_visits_index(seeded, api_client, host):
    """A page by cursor reads its keys from the cursor's place on, a range of the index in
    the default order (start, slug), whatever its depth: no OFFSET, no sort; one host's
    from that host's index."""
    params = {"page_size": 3, **({"host": host} if host else {})}
    middle = api_client.get(VISITS, {**params, "page_size": 4, "cursor": "0"}).json()["cursor"]
    queries = page_queries(api_client, VISITS, {**params, "cursor": middle})
    (keys,) = [sql for sql in queries if "ROW(" in sql and "LIMIT" in sql]
    assert "OFFSET" not in keys, keys
    plan = plan_of(keys)
    index = "visits_visit_published_host_order" if host else "visits_visit_published_order"
    assert f"Index Only Scan using {index}" in plan, plan
    assert "ROW(start, slug) > ROW(" in plan and "Sort" not in plan, plan


def test_the_undated_visits_of_a_cursor_page_are_read_in_the_index_order(seeded, api_client):
    """Past the dated visits, the undated ones: the same index, its NULL starts, by slug."""
    last_dated = Visit.objects.published().exclude(start=None).order_by("start", "slug").last()
    cursor = f"{last_dated.start.isoformat()}.{last_dated.slug}"
    queries = page_queries(api_client, VISITS, {"page_size": 2, "cursor": cursor})
    (undated,) = [sql for sql in queries if "IS NULL" in sql and "LIMIT" in sql]
    plan = plan_of(undated)
    assert "Index Only Scan using visits_visit_published_order" in plan, plan
    assert "Sort" not in plan, plan


def test_a_deep_page_started_after_a_day_finds_its_ids_in_the_index_alone(seeded, api_client):
    """`start_after` reads the start's precision (a partial start is some day of its month
    or year): without it in the index, page 2000 of the visits started after a day read
    every key's row from the table at 1M visits (214 ms; 18 ms from the index, 0031)."""
    params = {"start_after": "2015-03-15", "page_size": 1, "page": 2}
    assert api_client.get(VISITS, {"start_after": "2015-03-15"}).json()["count"] >= 2
    plan = plan_of(the_page_query(page_queries(api_client, VISITS, params)))
    assert "Index Only Scan using visits_visit_published_order" in plan, plan


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ordering": "-start"},
        {"ordering": "person,-end"},
        {"host": "MNG,TJK"},
        {"verdict": "non_compliance", "ordering": "-updated"},
    ],
)
def test_visits_pages_read_by_ids_first_are_the_list_in_order(seeded, api_client, params):
    whole = api_client.get(VISITS, {**params, "page_size": 500}).json()
    ids, page, pages = [], 1, 0
    while True:
        body = api_client.get(VISITS, {**params, "page_size": 3, "page": page}).json()
        assert body["count"] == whole["count"]
        ids += [row["id"] for row in body["results"]]
        pages += 1
        if body["next"] is None:
            break
        page += 1
    assert ids == [row["id"] for row in whole["results"]]
    assert pages == max(1, -(-whole["count"] // 3))
    assert api_client.get(VISITS, {**params, "page_size": 3, "page": pages + 1}).status_code == 404


def test_one_host_is_compared_by_its_id_as_a_value(seeded, api_client):
    """One host's id is written into the feed's queries as a value, not looked up by a
    subquery (visits.filters.HostFilter): PostgreSQL then knows how many visits that host
    has. With a subquery it planned the busiest synthetic host's feed (112,012 visits at
    1M) as an average host's and hashed all of them: 200 ms, against 5 ms."""
    mng = State.objects.get(iso3="MNG").pk
    queries = page_queries(api_client, FEED, {"host": "mng", "page_size": 3})
    reads = [sql for sql in queries if 'FROM "visits_visit"' in sql]
    value = re.compile(rf'"host_id" = {mng}\b')
    assert reads and all(value.search(sql) for sql in reads), reads
    assert not any('FROM "states_state"' in sql for sql in reads), reads


def test_a_deep_page_of_one_host_finds_its_ids_in_an_index_alone(seeded, api_client):
    """At 1M visits, page 1000 of the busiest host sorted its 112,012 visits (300 ms)."""
    queries = page_queries(api_client, VISITS, {"host": "MNG", "page_size": 1, "page": 1})
    plan = plan_of(the_page_query(queries))
    assert "Index Only Scan using visits_visit_published_host_order" in plan, plan
    assert "Sort Key: visits_visit.start" not in plan, plan


def test_a_persons_visits_newest_first_are_read_in_the_order_of_an_index(seeded):
    """The site's `/visits/?person=…`: the keys of its page in the index's order, not every
    visit of the person sorted (83,734 for the busiest synthetic person, 200 ms at 1M).
    Another person's 3,000 visits make walking all visits by date dear, as at 1M."""
    from tests.factories import make_person, make_state

    crowd = make_person("crowd-person", "Crowd Person", nationality="BLR")
    host = make_state("HUN")
    day = datetime.date(2000, 1, 1)
    Visit.objects.bulk_create(
        Visit(
            slug=f"crowd-{i}",
            person=crowd,
            host=host,
            start=day + datetime.timedelta(days=i),
            review_state="verified",
        )
        for i in range(3000)
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE visits_visit")
    putin = Person.objects.get(slug="vladimir-putin")
    # The keys of the site's list of the person's visits, in its default order.
    listed = Visit.objects.published().filter(person=putin)
    keys = listed.order_by(*order_by(SITE_VISITS, SITE_VISITS.default_sort)).values("pk")[:50]
    plan_sql = connection.ops.compose_sql(*keys.query.sql_with_params())
    plan = plan_of(plan_sql)
    assert "visits_visit_published_person_start" in plan, plan
