"""The lists of states and persons show each row's published visits and incidents, read
from a summary counted once per data version: the figures are those of a direct count,
the lists sort by them, and a write shows at once."""

import csv
import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pagecache import bump_data_version
from front import summaries
from front.views import states
from states.models import State as StateModel
from tests.factories import make_person, make_state, make_visit, make_warrant
from tests.site.conftest import body, row_ids
from visits import flagging
from visits.models import ReviewState, VerdictCode, Visit
from warrants.models import Person

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response))))


def direct_counts(field: str) -> dict[str, tuple[int, int, int]]:
    """{iso3 or slug: (published visits, incidents, warrants)} counted row by row; a
    state's visits are those it hosted (they took place), as its page counts them."""
    counts = {}
    if field == "host":
        for state in StateModel.objects.all():
            visits = Visit.objects.published().filter(host=state)
            counts[state.iso3] = (
                visits.filter(status__in=["occurred", "transit"]).count(),
                visits.filter(verdict__code=VerdictCode.NON_COMPLIANCE).count(),
                0,
            )
    else:
        for person in Person.objects.all():
            visits = Visit.objects.published().filter(person=person)
            counts[person.slug] = (
                visits.count(),
                visits.filter(verdict__code=VerdictCode.NON_COMPLIANCE).count(),
                person.warrants.count(),
            )
    return counts


@pytest.fixture
def unpublished(seeded, more_data):
    """More visits, and some that are not published (reported, rejected): never counted."""
    more_data(8)
    person = Person.objects.get(slug="extra-person-8")
    for state, review in (("MNG", ReviewState.REPORTED), ("HUN", ReviewState.REJECTED)):
        visit = make_visit(
            person, make_state(state), start=datetime.date(2025, 3, 1), review_state=review
        )
        flagging.evaluate_visits([visit.pk], cause="test data")
    assert Visit.objects.exclude(review_state=ReviewState.VERIFIED).exists()
    return person


def test_state_list_figures_equal_a_direct_count(reader, unpublished):
    expected = direct_counts("host")
    rows = csv_rows(reader.get("/states.csv"))
    assert len(rows) == len(expected)
    for row in rows:
        visits, incidents, _ = expected[row["iso3"]]
        assert (int(row["visits_hosted"]), int(row["incidents"])) == (visits, incidents), row[
            "iso3"
        ]
    assert any(int(r["incidents"]) for r in rows)
    # The JSON download carries the same figures.
    document = json.loads(body(reader.get("/states.json")))
    assert {r["iso3"]: (r["visits_hosted"], r["incidents"]) for r in document["results"]} == {
        iso3: (v, i) for iso3, (v, i, _) in expected.items()
    }


def test_person_list_figures_equal_a_direct_count(reader, unpublished):
    expected = direct_counts("person")
    rows = csv_rows(reader.get("/persons.csv"))
    assert len(rows) == len(expected)
    for row in rows:
        assert (int(row["visits"]), int(row["incidents"]), int(row["warrants"])) == expected[
            row["slug"]
        ], row["slug"]
    assert expected["extra-person-8"][0] == 8  # the unpublished two are not counted


@pytest.mark.parametrize(
    ("url", "field", "index"),
    [
        ("/states/?ordering=visits", "host", 0),
        ("/states/?ordering=incidents", "host", 1),
        ("/persons/?ordering=visits", "person", 0),
        ("/persons/?ordering=incidents", "person", 1),
    ],
)
def test_lists_sort_by_their_figures(reader, unpublished, url, field, index):
    expected = direct_counts(field)
    shown = row_ids(body(reader.get(url)))
    figures = [expected[key][index] for key in shown]
    assert figures == sorted(figures, reverse=True)
    assert figures[0] == max(v[index] for v in expected.values())
    # And the other way round: fewest first.
    shown = row_ids(body(reader.get(url.replace("=", "=-"))))
    assert [expected[key][index] for key in shown] == sorted(expected[key][index] for key in shown)


def test_filtered_lists_keep_their_figures(reader, unpublished):
    expected = direct_counts("person")
    rows = csv_rows(reader.get("/persons.csv?nationality=BLR&ordering=visits"))
    assert rows and {r["nationality"] for r in rows} == {"BLR"}
    assert [int(r["visits"]) for r in rows] == [expected[r["slug"]][0] for r in rows]


def test_a_write_shows_in_the_lists_at_once(reader, unpublished):
    before = {r["iso3"]: r for r in csv_rows(reader.get("/states.csv?name=mongolia"))}["MNG"]
    person = make_person("one-more", "One More", nationality="BLR")
    make_warrant(person, issued=datetime.date(2023, 1, 10))
    visit = make_visit(person, make_state("MNG"), start=datetime.date(2025, 6, 1))
    flagging.evaluate_visits([visit.pk], cause="test data")
    after = {r["iso3"]: r for r in csv_rows(reader.get("/states.csv?name=mongolia"))}["MNG"]
    assert int(after["visits_hosted"]) == int(before["visits_hosted"]) + 1
    assert (int(after["visits_hosted"]), int(after["incidents"])) == direct_counts("host")["MNG"][
        :2
    ]
    row = next(r for r in csv_rows(reader.get("/persons.csv")) if r["slug"] == "one-more")
    assert (row["visits"], row["warrants"]) == ("1", "1")


def test_the_figures_are_counted_once_per_data_version(
    reader, unpublished, django_assert_num_queries
):
    bump_data_version()
    reader.get("/states/")  # counts the summary
    with django_assert_num_queries(0):
        states._states_queryset()  # the counts are read from the cache, not the database


@pytest.mark.parametrize("field", ["host", "person"])
def test_the_counts_are_read_from_indexes_alone(seeded, field):
    """At a million visits the counts must not read every visit and verdict row: each of the
    two queries (visits, incidents) reads only columns that narrow indexes hold, under
    their condition, so that a vacuumed table answers them from the indexes alone (an
    index-only scan of visits_visit_published_tally, merged with visits_verdict_code_visit
    for the incidents, at 1M visits: bench/RESULTS.md). What the planner does with a
    few-row test table depends on the PostgreSQL version and the tests before (it took
    visits_visit_person_review and the heap in one fresh-clone run), so the coverage
    itself is what is pinned here: the columns each query reads, and the indexes."""
    with CaptureQueriesContext(connection) as queries:
        summaries.visit_counts(field)
    visits, incidents = (q["sql"] for q in queries.captured_queries)
    column = f"{field}_id"
    for sql in (visits, incidents):
        read = set(re.findall(r'"visits_visit"\."(\w+)"', sql))
        assert read <= {"id", column, "review_state", "status"}, sql
        assert '"visits_visit"."review_state" = \'verified\'' in sql, sql
    assert set(re.findall(r'"visits_verdict"\."(\w+)"', incidents)) <= {"visit_id", "code"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('visits_visit_published_tally', 'visits_verdict_code_visit')"
        )
        indexes = dict(cursor.fetchall())
    tally = indexes["visits_visit_published_tally"]
    assert re.search(
        r"\(id\) INCLUDE \(host_id, person_id, status\) WHERE .*review_state.*'verified'", tally
    )
    assert "(code, visit_id)" in indexes["visits_verdict_code_visit"]


def test_the_list_of_states_counts_the_visits_each_state_hosted_as_its_page_does(reader, seeded):
    """Brazil's two trips were called off: the list said 2 visits hosted, its page 0. Both
    now count the visits that took place (occurred or transit), and no state differs."""
    from front.summaries import visit_tally
    from states.models import State
    from visits.models import Visit

    listed = {
        row["iso3"]: int(row["visits_hosted"])
        for row in csv.DictReader(
            io.StringIO(b"".join(reader.get("/states.csv").streaming_content).decode("utf-8-sig"))
        )
    }
    hosted = {
        s.iso3: visit_tally(Visit.objects.published().filter(host=s)).hosted
        for s in State.objects.all()
    }
    assert listed == hosted
    assert hosted["BRA"] == 0 and listed["MNG"] == hosted["MNG"] > 0
    page = body(reader.get("/states/BRA/"))
    assert "<strong>0</strong> visits hosted" in page


def test_the_states_download_sorts_by_its_own_column_name(reader, seeded):
    """`?ordering=visits_hosted`, the column /states.csv writes, sorts as `visits` does."""
    by_column = csv_rows(reader.get("/states.csv?ordering=visits_hosted"))
    assert [r["iso3"] for r in by_column] == [
        r["iso3"] for r in csv_rows(reader.get("/states.csv?ordering=visits"))
    ]
    hosted = [int(r["visits_hosted"]) for r in by_column]
    assert hosted == sorted(hosted, reverse=True) and hosted[0] > 0
