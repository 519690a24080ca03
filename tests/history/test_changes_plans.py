"""The public changes stay bounded at a million visits: the plans of the Changes page,
its count and its feed (issue 12).

A source's history holds one insert per cited document (2.5 million at a million
visits), and the public sees only its updates and deletions (visits.history.
SOURCE_CHANGES). Each query must read those from an index in time order, never scan
every source event: a page took 0.9 s at 1M before core_sourceevent_change_created.
The seed is too small for PostgreSQL to prefer an index on its own, so each plan is read
with sequential scans and sorts made dear (tests.plans).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Source
from tests.plans import plan_of
from visits.models import ReviewState

pytestmark = pytest.mark.django_db

EVENT_TABLES = ("core_sourceevent", "visits_visitevent", "visits_citationevent")


def source_event_queries(client, url: str) -> list[str]:
    """The statements answering `url` that search the source events among every kind of
    record's (a UNION of each kind's public events: the page's rows and their count, the
    feed's rows), each without the history context's `set_config` that may lead it
    (EXPLAIN takes one statement). Reading the entries found, by their ids, is not one."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    found = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if "core_sourceevent" not in sql or "UNION" not in sql:
            continue
        if sql.startswith("SELECT set_config("):
            sql = sql.split("; ", 1)[1]
        found.append(sql)
    return found


@pytest.mark.parametrize("url", ["/changes/", "/changes/feed/"])
def test_the_public_changes_read_source_changes_by_their_index(seeded, client, url):
    # A public source's change on the page, so its entry is read too (by its id).
    cited = Source.objects.filter(visits__review_state=ReviewState.VERIFIED).first()
    Source.objects.filter(pk=cited.pk).update(publisher=f"{cited.publisher} (corrected)")
    queries = source_event_queries(client, url)
    # The page reads its rows and counts them; the feed reads its rows.
    # The page's rows and their count, or the feed's rows: never the entries' own read.
    assert len(queries) == (2 if url == "/changes/" else 1), queries
    for sql in queries:
        plan = plan_of(sql, EVENT_TABLES)
        assert "core_sourceevent_change_created" in plan, plan
        assert "Seq Scan on core_sourceevent" not in plan, plan
