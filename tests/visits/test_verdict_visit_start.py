"""The verdict's copies of its visit's start and published state (Verdict.visit_start,
Verdict.visit_published; migration 0021): taken from the visit by a trigger on every
verdict inserted, kept equal to the visit's columns by another whatever writes the visit,
and the unfiltered incidents list, newest first, read from them (issue 12: a deep page of
the incidents joined 268,000 of them to their visits at 1M visits, 640–780 ms)."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from front import listing
from front.views.visits import incident_keys
from tests.plans import plan_of
from tests.site.conftest import body, row_ids
from visits import flagging
from visits.models import ReviewState, Verdict, Visit

pytestmark = pytest.mark.django_db


def mismatches() -> list[tuple]:
    """(visit id, its start, review state, the verdict's copies) wherever they differ."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT v.id, v.start, v.review_state, vd.visit_start, vd.visit_published "
            "FROM visits_visit v JOIN visits_verdict vd ON vd.visit_id = v.id "
            "WHERE vd.visit_start IS DISTINCT FROM v.start "
            "   OR vd.visit_published IS DISTINCT FROM (v.review_state = 'verified')"
        )
        return cur.fetchall()


def published_incidents_newest_first() -> list[str]:
    return list(
        Visit.objects.published()
        .flagged()
        .order_by(F("start").desc(nulls_last=True), "pk")
        .values_list("slug", flat=True)
    )


def test_every_verdict_carries_its_visits_start_and_published_state(seeded):
    assert Verdict.objects.filter(visit_start__isnull=False).count() > 10
    assert Verdict.objects.filter(visit_published=True).count() > 10
    assert mismatches() == []


def test_a_first_pass_writes_the_copies_with_the_verdicts(seeded):
    ids = list(Visit.objects.filter(start__isnull=False).values_list("pk", flat=True)[:20])
    Verdict.objects.filter(visit_id__in=ids).delete()
    flagging.evaluate_visits(ids, cause="test")
    assert Verdict.objects.filter(visit_id__in=ids).count() == len(ids)
    assert mismatches() == []


@pytest.mark.parametrize("writer", ["ORM", "SQL without the columns", "SQL with wrong ones"])
def test_a_verdict_inserted_any_way_takes_the_copies_from_its_visit(seeded, writer):
    """Whoever inserts a verdict (the ORM, a script, a worker still running the code of
    before the columns, during a deployment) cannot leave wrong copies."""
    visit = Visit.objects.published().flagged().first()
    verdict = Verdict.objects.get(visit=visit)
    Verdict.objects.filter(visit=visit).delete()
    if writer == "ORM":
        Verdict.objects.create(
            visit=visit,
            code=verdict.code,
            basis=verdict.basis,
            explanation="",
            rule_version="test",
            computed_at=verdict.computed_at,
        )
    else:
        copies = (
            ", visit_start, visit_published) VALUES (%s, %s, %s, '', '', '', '[]', now(), "
            "'1900-01-01', false)"
            if writer == "SQL with wrong ones"
            else ") VALUES (%s, %s, %s, '', '', '', '[]', now())"
        )
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO visits_verdict (visit_id, code, basis, explanation, self_check, "
                "rule_version, reasons, computed_at" + copies,
                [visit.pk, verdict.code, verdict.basis],
            )
    copied = Verdict.objects.get(visit=visit)
    assert (copied.visit_start, copied.visit_published) == (visit.start, True)
    assert mismatches() == []


def test_a_changed_visit_moves_the_verdicts_copies_at_once(seeded):
    visit = Visit.objects.published().flagged().first()
    new_start = visit.start - datetime.timedelta(days=400)
    # However the visit is written: a model save, or an UPDATE of many rows.
    visit.start = new_start
    visit.save(update_fields=["start"])
    assert Verdict.objects.get(visit=visit).visit_start == new_start
    Visit.objects.filter(pk=visit.pk).update(start=F("start") + datetime.timedelta(days=1))
    assert Verdict.objects.get(visit=visit).visit_start == new_start + datetime.timedelta(days=1)
    Visit.objects.filter(pk=visit.pk).update(review_state=ReviewState.REPORTED)
    assert Verdict.objects.get(visit=visit).visit_published is False
    assert Verdict.objects.get(visit=visit).code == "non_compliance"  # not re-evaluated yet
    assert mismatches() == []


def test_the_incidents_list_reads_the_published_incidents_newest_first(reader, seeded):
    incidents = Visit.objects.published().flagged()
    # The oldest incident moved to the newest date, another unpublished, neither
    # re-evaluated: the list follows the visits at once.
    oldest = incidents.order_by("start", "pk")[0]
    Visit.objects.filter(pk=oldest.pk).update(start=datetime.date(2026, 11, 1), end=None)
    hidden = incidents.exclude(pk=oldest.pk).order_by("pk")[0]
    Visit.objects.filter(pk=hidden.pk).update(review_state=ReviewState.REPORTED)
    expected = published_incidents_newest_first()
    assert len(expected) > 3 and expected[0] == oldest.slug and hidden.slug not in expected
    assert list(Visit.objects.filter(pk__in=incident_keys()).order_by("pk")) == list(
        incidents.order_by("pk")
    )
    assert row_ids(body(reader.get("/incidents/"))) == expected[: listing.PER_PAGE]


def test_every_page_of_the_incidents_is_the_lists_slice(reader, seeded, monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 3)
    expected = published_incidents_newest_first()
    pages = -(-len(expected) // 3)
    shown = []
    for page in range(1, pages + 1):
        shown += row_ids(body(reader.get(f"/incidents/?page={page}")))
    assert shown == expected
    # Filtered or sorted otherwise, the list reads its own keys: the same incidents.
    oldest_first = row_ids(body(reader.get("/incidents/?ordering=start")))
    assert oldest_first == list(
        Visit.objects.published()
        .flagged()
        .order_by(F("start").asc(nulls_last=True), "pk")
        .values_list("slug", flat=True)[:3]
    )


def test_a_deep_incidents_page_reads_its_keys_from_the_verdicts_index_alone(
    reader, seeded, monkeypatch
):
    monkeypatch.setattr(listing, "PER_PAGE", 3)
    with CaptureQueriesContext(connection) as captured:
        html = body(reader.get("/incidents/?page=3"))
    assert row_ids(html) == published_incidents_newest_first()[6:9]
    queries = [q["sql"] for q in captured.captured_queries]
    # The page's keys (read on their own: as a subquery of the rows' read, PostgreSQL
    # planned a scan of every incident at 1M, 2 s) and the count: from the verdicts alone.
    (keys,) = [sql for sql in queries if '"visit_start" DESC' in sql]
    assert "OFFSET 6" in keys and "visits_visit" not in keys, keys
    (count,) = [sql for sql in queries if "COUNT(*)" in sql and "visit_published" in sql]
    assert "visits_visit" not in count, count
    sql = connection.ops.compose_sql(*incident_keys()[100:150].query.sql_with_params())
    # The seed is small: every other way is made dear, as 268,000 incidents make it.
    plan = plan_of(sql)
    assert "Index Only Scan using visits_verdict_incident_start" in plan, plan
    assert "Sort" not in plan and "visits_visit" not in plan, plan


def test_the_copies_stay_out_of_the_bulk_files():
    """They repeat the visits table's columns: the published verdicts table leaves them out."""
    from dataset import bulk

    (verdicts,) = [t for t in bulk.tables() if t.table.name == "verdicts"]
    assert "code" in verdicts.attnames
    assert not {"visit_start", "visit_published"} & set(verdicts.attnames)
