"""The verdict facet's `withdrawn`: how many rows the list choosing `verdict=withdrawn` gives.

That choice brings the withdrawn visits into the list (visits.filters.VisitFilterSet
.holds_withdrawn), so its count is not one of the published rows' counts by verdict:
core.filters.facet_counts counts it as the published rows whose verdict is `withdrawn`
(a visit restored to the record keeps its `withdrawn` verdict until it is evaluated
again), which the facet counted with the others, and the withdrawn visits the other
filters keep, counted on their own (VisitFilterSet.brought_in), on an index of the
withdrawn visits alone. Here, under every filter of the list, with `as_of` and
`changed_since`, on the API and the site, and with the site's limit on the rows counted.
"""

import datetime
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.visits.views import VisitApiFilterSet
from core.filters import facet_counts
from tests.factories import make_person, make_state, make_visit
from tests.plans import plan_of
from tests.site.conftest import body, row_ids
from visits import flagging, reports
from visits.filters import VisitFilterSet
from visits.models import ReviewState, VerdictChange, Visit

pytestmark = pytest.mark.django_db

# Withdrawn from the record (review state `withdrawn`): a day's start, one known to the
# month, one known to the year (a cancelled trip), two of the three visits to Kazakhstan.
WITHDRAWN = (
    "vladimir-putin-mng-2024-09-02",
    "omar-al-bashir-zaf-2015-06-14",
    "omar-al-bashir-eth-2009-03",
    "omar-al-bashir-mwi-2012",
    "vladimir-putin-kaz-2023-11-09",
    "vladimir-putin-kaz-2024-11-27",
)
# Rejected after it was published (review state `rejected`): withdrawn too.
REJECTED = "vladimir-putin-chn-2024-05-16"
# Withdrawn, then put back on the record and not evaluated since: a published visit whose
# verdict is still `withdrawn`.
RESTORED_UNEVALUATED = "vladimir-putin-kaz-2024-07-03"
# Withdrawn, then put back and evaluated: `withdrawn` only as of the days in between.
RESTORED = "vladimir-putin-blr-2024-05-23"

# The days the verdict history is dated to (VerdictChange.changed_at), for `as_of`: the
# seed's verdicts, the withdrawals, the restorations; the last evaluations are today's.
SEEDED_ON = datetime.date(2026, 1, 10)
WITHDRAWN_ON = datetime.date(2026, 2, 10)
RESTORED_ON = datetime.date(2026, 3, 10)


def _dated(since_id: int, day: datetime.date) -> int:
    """Dates the verdict changes recorded after `since_id` to noon UTC on `day`; the last
    change's id."""
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    VerdictChange.objects.filter(id__gt=since_id).update(changed_at=noon)
    return VerdictChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def withdrawn_kinds(seeded, settings):
    """Every kind of visit whose verdict is `withdrawn`, made with the project's own
    functions (visits.reports, flagging), and a verdict history dated for `as_of`.
    Returns the moment (ISO 8601, UTC) before the first withdrawal, for `changed_since`."""
    settings.ICCWATCH_PAGE_CACHE = False
    flagging.evaluate_pending()
    last = _dated(0, SEEDED_ON)
    before = timezone.now().isoformat().replace("+00:00", "Z")
    for slug in (*WITHDRAWN, RESTORED_UNEVALUATED, RESTORED):
        reports.withdraw_visit(Visit.objects.get(slug=slug), "Removed from the dataset.")
    rejected = Visit.objects.get(slug=REJECTED)
    rejected.review_state = ReviewState.REJECTED
    rejected.save()
    # Never published: rejected before a reviewer verified it. Its verdict is `withdrawn`
    # too, but no list holds it (Visit.objects.readable).
    make_visit(
        make_person("never-published", "Never Published", nationality="BLR"),
        make_state("MNG"),
        start=datetime.date(2024, 10, 1),
        review_state=ReviewState.REJECTED,
    )
    flagging.evaluate_pending()
    last = _dated(last, WITHDRAWN_ON)
    reports.restore_visit(Visit.objects.get(slug=RESTORED))
    flagging.evaluate_pending()
    last = _dated(last, RESTORED_ON)
    reports.restore_visit(Visit.objects.get(slug=RESTORED_UNEVALUATED))  # not evaluated

    restored = Visit.objects.select_related("verdict").get(slug=RESTORED_UNEVALUATED)
    assert (restored.review_state, restored.verdict.code) == ("verified", "withdrawn")
    assert set(Visit.objects.withdrawn().values_list("slug", flat=True)) == {
        *WITHDRAWN,
        REJECTED,
    }
    assert Visit.objects.filter(review_state="rejected", verdict__code="withdrawn").count() == 2
    return before


# A representative value or two of every filter of the API's visits (VisitApiFilterSet),
# `as_of` and `changed_since` included: the `before` of changed_since is the fixture's.
VALUES = {
    "person": ["vladimir-putin", "omar-al-bashir,vladimir-putin", "benjamin-netanyahu"],
    "host": ["KAZ", "MNG", "MNG,ZAF", "USA"],
    "situation": ["ukraine", "darfur-sudan"],
    "verdict": ["non_compliance", "withdrawn", "no_obligation,withdrawn"],
    "basis": ["state_party"],
    "status": ["occurred", "cancelled"],
    "host_control": ["effective", "none"],
    "year": ["2024", "2009,2012"],
    "start_after": ["2009-03-15", "2015-03-15", "2024-06-01"],
    "start_before": ["2012-06-30", "2024-06-01"],
    "changed_since": ["before", "2030-01-01T00:00:00Z"],
    "as_of": [
        SEEDED_ON.isoformat(),
        WITHDRAWN_ON.isoformat(),
        RESTORED_ON.isoformat(),
        (WITHDRAWN_ON - datetime.timedelta(days=1)).isoformat(),
    ],
    "ordering": ["-start", "verdict", "host,-end"],
}
# Several filters at once, the benchmark's `host` and `start_after` among them.
TOGETHER = [
    {"host": "KAZ", "start_after": "2024-01-01"},
    {"person": "vladimir-putin", "as_of": WITHDRAWN_ON.isoformat()},
    {"person": "vladimir-putin", "as_of": RESTORED_ON.isoformat(), "year": "2024"},
    {"host": "KAZ", "as_of": WITHDRAWN_ON.isoformat(), "start_after": "2024-01-01"},
    {"host": "KAZ,MNG", "changed_since": "before", "status": "occurred"},
    {"person": "vladimir-putin", "changed_since": "before", "as_of": RESTORED_ON.isoformat()},
    {"situation": "darfur-sudan", "start_before": "2012-12-31", "status": "cancelled"},
    {"host": "MNG", "verdict": "non_compliance", "year": "2024"},
]


def _queries(before: str, names) -> list[dict]:
    """Each value of VALUES (of the filters `names`) alone, then TOGETHER's."""
    given = [{name: value} for name in names for value in VALUES[name]]
    given += [q for q in TOGETHER if set(q) <= set(names)]
    return [{k: before if v == "before" else v for k, v in q.items()} for q in given]


def test_every_filter_of_the_lists_is_given_a_value():
    """A filter added to the visits' lists is checked here too."""
    assert set(VisitApiFilterSet.base_filters) == set(VALUES)
    assert set(VisitFilterSet.base_filters) < set(VALUES)


def test_the_apis_withdrawn_count_is_the_rows_the_list_gives_under_every_filter(
    withdrawn_kinds, api_client
):
    def answer(params):
        response = api_client.get("/api/v1/visits/", {"page_size": 500, **params})
        assert response.status_code == 200, (params, response.content)
        return response.json()

    counts = []
    slugs = set()
    for params in _queries(withdrawn_kinds, VALUES):
        counted = answer({**params, "facets": "verdict"})["facets"]["verdict"]
        listed = answer({**params, "verdict": "withdrawn"})
        rows = listed["results"]
        assert len(rows) == listed["count"] == counted.get("withdrawn", 0), params
        assert {row["verdict"]["code"] for row in rows} <= {"withdrawn"}, params
        counts.append(len(rows))
        slugs |= {row["id"] for row in rows}
    # Not a test of nothing: rows of every kind were counted, and filters told them apart.
    assert slugs == {*WITHDRAWN, REJECTED, RESTORED_UNEVALUATED, RESTORED}
    assert 0 in counts and len(set(counts)) >= 5, counts


def test_the_sites_withdrawn_count_is_the_rows_the_list_gives_under_every_filter(
    withdrawn_kinds, reader
):
    """The site's verdict menu says how many rows choosing `withdrawn` gives (a bounded
    list: counted when the list holds at most front.paging.ROW_LIMIT rows, all here)."""
    menu = re.compile(r'<option value="withdrawn"(?: selected)?>withdrawn \((\d+)\)</option>')
    counts = []
    for params in _queries(withdrawn_kinds, VisitFilterSet.base_filters):
        if "," in params.get("verdict", ""):
            continue  # several verdicts chosen: the menu is a text field, without counts
        query = QueryDict(mutable=True)
        query.update(params)
        page = body(reader.get(f"/visits/?{query.urlencode()}"))
        (counted,) = menu.findall(page) or [None]
        assert counted is not None, params
        query["verdict"] = "withdrawn"
        listed = reader.get(f"/visits/?{query.urlencode()}")
        assert listed.status_code == 200, params
        rows = row_ids(body(listed))
        assert len(rows) == int(counted), params
        counts.append(len(rows))
    assert 0 in counts and len(set(counts)) >= 5, counts


@pytest.mark.parametrize(
    ("data", "withdrawn"),
    [
        # Kazakhstan: one published visit, its verdict still `withdrawn`, and two withdrawn.
        ("host=KAZ", 3),
        ("host=MNG", 1),  # Mongolia's visit withdrawn: no published one
        ("host=KAZ&changed_since=2000-01-01T00:00:00Z", 3),  # all three listed already
    ],
)
def test_the_withdrawn_count_keeps_to_the_sites_limit(withdrawn_kinds, data, withdrawn):
    """With a `limit` (a site menu's), the verdicts are counted when the list holds at
    most that many rows and so does the list choosing `withdrawn`; the facet is None
    otherwise."""

    def filterset():
        chosen = VisitFilterSet(
            data=QueryDict(data), queryset=Visit.objects.published().with_verdicts()
        )
        assert chosen.is_valid()
        return chosen

    everything = facet_counts(filterset(), ["verdict"])["verdict"]
    assert everything["withdrawn"] == withdrawn
    listed = filterset().qs.count()
    for limit in range(max(listed, withdrawn) + 2):
        counted = facet_counts(filterset(), ["verdict"], limit=limit)["verdict"]
        if limit >= max(listed, withdrawn):
            assert counted == everything, limit
        else:
            assert counted is None, limit


def _widening_count(queries: list[str]) -> str:
    """The facet's count of the `withdrawn` value: the one COUNT that keeps that verdict."""
    (found,) = [
        sql
        for sql in queries
        if "COUNT(" in sql and re.search(r'"visits_verdict"\."code" (IN \(|= )\'withdrawn\'', sql)
    ]
    return found


def test_the_withdrawn_count_reads_the_withdrawn_visits_of_the_host_from_their_index(
    withdrawn_kinds, api_client
):
    """The benchmark's slowest request at 1,000,000 visits (bench/RESULTS.md): one host's
    visits since a day, with the verdict facet. Its `withdrawn` is counted on the index of
    the withdrawn visits by host and start (visits_visit_withdrawn_host), a range of the
    host's few, not by the list's "published or withdrawn" query, which no index of the
    withdrawn visits answers: it walked every withdrawn verdict (30,276) and read each
    visit."""
    params = {"host": "KAZ", "start_after": "2015-03-15", "facets": "verdict"}
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get("/api/v1/visits/", params)
    assert response.status_code == 200, response.content
    assert response.json()["facets"]["verdict"]["withdrawn"] == 3
    plan = plan_of(_widening_count([q["sql"] for q in captured.captured_queries]))
    assert re.search(r"Index (Only )?Scan using visits_visit_withdrawn_host on visits_visit", plan)
    index_cond = plan.split("visits_visit_withdrawn_host", 1)[1].splitlines()[1]
    assert "host_id =" in index_cond and "start >=" in index_cond, plan
    # Neither the verdicts nor the visits are scanned whole (the history's check that a
    # rejected visit was once published may be, on a test database's few rows).
    assert "visits_verdict_code_visit" not in plan, plan
    assert not re.search(r"Seq Scan on visits_(visit|verdict)\b", plan), plan


def test_a_list_read_for_what_changed_counts_its_withdrawn_visits_with_the_others(
    withdrawn_kinds, api_client
):
    """A list read for what changed holds the withdrawn visits already (holds_withdrawn):
    the facet's own count of `withdrawn` is the list's, and no other query is made."""
    params = {"changed_since": withdrawn_kinds, "facets": "verdict"}
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get("/api/v1/visits/", params)
    assert response.status_code == 200, response.content
    # The seven withdrawn visits and the one restored, not evaluated since.
    assert response.json()["facets"]["verdict"]["withdrawn"] == 8
    with pytest.raises(ValueError):
        _widening_count([q["sql"] for q in captured.captured_queries])
