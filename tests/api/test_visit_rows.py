"""A page of /api/v1/visits/ built from plain column reads (api.visits.rows) is the same,
byte for byte, as VisitSerializer's, and costs a fixed number of queries."""

import datetime

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.visits import views
from core.models import Source
from states.models import State
from visits.models import Citation, Verdict, Visit
from warrants.models import Warrant

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/visits/",
    "/api/v1/visits/?page_size=50",
    "/api/v1/visits/?page_size=50&page=2",
    "/api/v1/visits/?page_size=1&page=7",
    "/api/v1/visits/?page_size=500",
    "/api/v1/visits/?page_size=50&lang=fr",
    "/api/v1/visits/?verdict=withdrawn",
    "/api/v1/visits/?verdict=non_compliance,no_obligation&ordering=-verdict,person",
    "/api/v1/visits/?host=MNG",
    "/api/v1/visits/?host=MNG,TJK&ordering=-end",
    "/api/v1/visits/?person=vladimir-putin&facets=host,verdict",
    "/api/v1/visits/?situation=darfur-sudan&ordering=host",
    "/api/v1/visits/?year=2024,2023&status=occurred",
    "/api/v1/visits/?start_after=2015-01-01&start_before=2019-12-31&ordering=updated",
    "/api/v1/visits/?changed_since=2000-01-01T00:00:00Z&basis=state_party",
    "/api/v1/visits/?host_control=none",
    "/api/v1/visits/?status=announced",
    "/api/v1/visits/?start_after=2900-01-01",
]


def drf_rows(monkeypatch):
    """Every list read through VisitSerializer, as before api.visits.rows."""
    monkeypatch.setattr(views.VisitViewSet, "plain_rows", lambda self: False)


def answers(api_client, url):
    plain = api_client.get(url, HTTP_X_FORWARDED_PROTO="https")
    french = api_client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    return plain, french


def assert_same_as_drf(api_client, monkeypatch, url):
    fast, fast_fr = answers(api_client, url)
    drf_rows(monkeypatch)
    slow, slow_fr = answers(api_client, url)
    monkeypatch.undo()
    assert fast.status_code == slow.status_code == 200, fast.content[:300]
    assert fast.content == slow.content
    assert fast_fr.content == slow_fr.content
    return fast.json()


@pytest.mark.parametrize("url", URLS)
def test_a_page_is_the_same_as_the_serializers(api_client, seeded, settings, monkeypatch, url):
    settings.ICCWATCH_PAGE_CACHE = False
    assert_same_as_drf(api_client, monkeypatch, url)


def test_rows_without_verdict_reasons_or_with_a_citations_own_values(
    api_client, seeded, settings, monkeypatch
):
    """What the seed lacks: a visit not yet evaluated, a verdict recorded before reasons
    were kept (its stored English), a citation with its own publisher, date, excerpt and
    archived copy, a place controlled by another state."""
    settings.ICCWATCH_PAGE_CACHE = False
    visits = list(Visit.objects.published().order_by("start", "slug")[:6])
    Verdict.objects.filter(visit=visits[0]).delete()
    Verdict.objects.filter(visit=visits[1]).update(reasons=[], explanation="Stored English.")
    citation = Citation.objects.filter(visit=visits[2]).first()
    if citation is None:
        citation = Citation.objects.create(
            visit=visits[2], source=Source.objects.create(url="https://example.org/a")
        )
    Citation.objects.filter(pk=citation.pk).update(
        publisher="Its own publisher",
        published=datetime.date(2020, 2, 29),
        excerpt="« Quoted » — in full",
        archived_url="https://archive.example.org/x",
    )
    Visit.objects.filter(pk=visits[3].pk).update(
        host_control="none", controlled_by=State.objects.get(iso3="RUS")
    )
    # Warrants of one person that tie on the issue date (here: none, public the same day):
    # both ways list them in the same order (Warrant's ordering ends with the id).
    verdict = Verdict.objects.get(visit=visits[4])
    tied = [
        Warrant.objects.create(
            ref=f"zz-tie-{n}", person=visits[4].person, made_public=datetime.date(2020, 1, 1)
        )
        for n in (3, 1, 2, 0)
    ]
    verdict.warrants.add(*tied)
    data = assert_same_as_drf(api_client, monkeypatch, "/api/v1/visits/?page_size=6")
    listed = [w["ref"] for w in rows_by_id(data)[visits[4].slug]["verdict"]["warrants"]]
    assert [r for r in listed if r.startswith("zz-tie-")] == [w.ref for w in tied]
    rows = rows_by_id(data)
    assert rows[visits[0].slug]["verdict"] is None
    assert rows[visits[1].slug]["verdict"]["explanation"] == "Stored English."
    assert {"publisher": "Its own publisher", "published": "2020-02-29"}.items() <= next(
        s for s in rows[visits[2].slug]["sources"] if s["url"] == citation.source.url
    ).items()
    assert rows[visits[3].slug]["controlled_by"]["iso3"] == "RUS"


def rows_by_id(data) -> dict:
    return {row["id"]: row for row in data["results"]}


@pytest.mark.parametrize("size", [1, 50, 500])
def test_a_page_costs_the_same_queries_whatever_its_size(api_client, seeded, settings, size):
    """The count, then the page's rows with their lists (warrants, findings, citations)."""
    settings.ICCWATCH_PAGE_CACHE = False
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(f"/api/v1/visits/?page_size={size}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(size, Visit.objects.published().count())
    reads = [q["sql"] for q in queries.captured_queries]
    assert len(reads) == 2, reads
    assert "COUNT(*)" in reads[0]
    assert "d.computed_at" in reads[1] and "visits_verdict_warrants" in reads[1]


def test_the_page_is_prepared_from_its_third_run(api_client, seeded, settings):
    """Run as a prepared statement (core.prepared) once read twice on the connection: a
    page read once (a crawler's deep page) is not prepared."""
    settings.ICCWATCH_PAGE_CACHE = False
    url = "/api/v1/visits/?page_size=7"
    for run in range(1, 4):
        assert api_client.get(url).status_code == 200
        statements = prepared_texts()
        page = any("d.computed_at" in s and "LIMIT 7" in s for s in statements)
        assert page == (run == 3), (run, statements)


def prepared_texts() -> list[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cur.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_a_migration_changing_a_returned_type_fails_no_request(api_client, seeded, settings):
    """Another process alters a column the prepared page returns (as a migration would
    while the site runs; here the verdict's rule version, a column no history trigger
    depends on): PostgreSQL refuses the prepared statement; the page forgets it and
    answers, without a failed request."""
    settings.ICCWATCH_PAGE_CACHE = False
    url = "/api/v1/visits/?page_size=4"
    answers = [api_client.get(url) for _ in range(3)]
    assert any("LIMIT 4" in s for s in prepared_texts())
    other = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        for length in (21, 20):
            other.execute(
                f"ALTER TABLE visits_verdict ALTER COLUMN rule_version TYPE varchar({length})"
            )
            answers.append(api_client.get(url))
            answers.append(api_client.get(url))
    finally:
        other.execute("ALTER TABLE visits_verdict ALTER COLUMN rule_version TYPE varchar(20)")
        other.close()
    assert [a.status_code for a in answers] == [200] * 7
    assert len({a.content for a in answers}) == 1


def prepared_statements() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_prepared_statements")
        return cur.fetchone()[0]


def test_without_prepared_statements_the_page_is_the_same(api_client, seeded, settings):
    """ICCWATCH_PREPARED_STATEMENTS=false (no threshold on the connection): the same
    statements run unprepared, for a pooler that does not track prepared statements."""
    settings.ICCWATCH_PAGE_CACHE = False
    url = "/api/v1/visits/?page_size=9&host=MNG,TJK,KEN"
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None
    try:
        before = prepared_statements()
        plain_answer = api_client.get(url)
        assert api_client.get(url).content == plain_answer.content
        assert prepared_statements() == before
    finally:
        connection.connection.prepare_threshold = threshold
    # Read twice already: prepared at this third read.
    prepared_answer = api_client.get(url)
    assert prepared_statements() > before
    assert plain_answer.status_code == 200
    assert plain_answer.content == prepared_answer.content


def test_a_withdrawn_visits_row_gives_its_withdrawals_sources(
    api_client, seeded, settings, monkeypatch
):
    """A visit withdrawn with sources: its row lists them as the serializer does (by
    address, the withdrawal's own details over the shared source's), read as withdrawn or
    as changed; a published visit's row gives none."""
    from visits import flagging
    from visits.reports import SourceInput, withdraw_visit

    settings.ICCWATCH_PAGE_CACHE = False
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    shared = Citation.objects.filter(visit=visit).select_related("source").first().source
    withdraw_visit(
        visit,
        "Reported in error: the newspaper retracted its story.",
        sources=[
            SourceInput(
                url="https://news.example.org/retraction",
                publisher="Its own publisher",
                published=datetime.date(2024, 9, 4),
                excerpt="« Retracted » — in full",
                archived_url="https://archive.example.org/r",
            ),
            SourceInput(url=shared.url),
        ],
    )
    flagging.evaluate_pending()
    for url in (
        "/api/v1/visits/?verdict=withdrawn",
        "/api/v1/visits/?changed_since=2000-01-01T00:00:00Z&page_size=500",
    ):
        data = assert_same_as_drf(api_client, monkeypatch, url)
        assert visit.slug in rows_by_id(data), url
        cited = rows_by_id(data)[visit.slug]["withdrawal_sources"]
        assert [s["url"] for s in cited] == sorted(
            [shared.url, "https://news.example.org/retraction"]
        )
        assert {"publisher": "Its own publisher", "published": "2024-09-04"}.items() <= next(
            s for s in cited if "retraction" in s["url"]
        ).items()
        assert next(s for s in cited if s["url"] == shared.url)["publisher"] == shared.publisher
        assert all(
            row["withdrawal_sources"] == [] for row in data["results"] if row["id"] != visit.slug
        )
