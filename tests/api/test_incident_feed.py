"""The incidents feed: a client that polls with its cursor gets every incident exactly once.

The first tests insert incidents between page reads in one transaction. The last ones
use real concurrent transactions: a writer that took a lower flag_id but commits after
another writer must not be skipped by a reader that ran in between.
"""

import datetime
import itertools
import threading
import time

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from api.visits.views import IncidentViewSet
from tests.factories import make_person, make_state, make_visit, make_warrant
from visits import flagging
from visits.models import Visit

FEED = "/api/v1/incidents/"
_days = itertools.count(1)


def new_incident(person=None, host=None) -> Visit:
    """A verified visit to a State Party that did not arrest: evaluated at once, an incident."""
    person = person or make_person("feed-suspect", situation="Ukraine", nationality="RUS")
    if not person.warrants.exists():
        make_warrant(person, issued=datetime.date(2023, 3, 17))
    host = host or make_state("MNG", "Mongolia", entry_into_force=datetime.date(2002, 7, 1))
    visit = make_visit(
        person, host, start=datetime.date(2024, 1, 1) + datetime.timedelta(days=next(_days))
    )
    flagging.evaluate_visits([visit.pk])
    visit.refresh_from_db()
    assert visit.verdict.code == "non_compliance"
    return visit


def read_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    return body["next"], body["has_more"], [(row["flag_id"], row["id"]) for row in body["results"]]


@pytest.mark.django_db
def test_polling_while_incidents_arrive_gives_each_exactly_once(seeded, api_client):
    seen = []
    url = f"{FEED}?page_size=4"
    url, has_more, rows = read_page(api_client, url)
    seen += rows
    arrived = []
    while has_more:
        arrived.append(new_incident().slug)  # a new incident lands between two page reads
        url, has_more, rows = read_page(api_client, url)
        seen += rows
    # Caught up: later polls of the same `next` link get only what arrived since.
    url, has_more, rows = read_page(api_client, url)
    assert rows == [] and not has_more
    later = [new_incident().slug, new_incident().slug]
    url, has_more, rows = read_page(api_client, url)
    seen += rows
    assert [slug for _, slug in rows] == later

    flag_ids = [flag_id for flag_id, _ in seen]
    assert flag_ids == sorted(flag_ids) and len(set(flag_ids)) == len(flag_ids)
    assert len({slug for _, slug in seen}) == len(seen)  # no duplicates
    current = {v.slug for v in Visit.objects.published().flagged()}
    assert {slug for _, slug in seen} == current  # no gaps
    assert set(arrived) <= current


@pytest.mark.django_db
def test_a_withdrawn_flag_leaves_the_feed_and_a_new_flag_comes_back_after_the_cursor(
    seeded, api_client
):
    visit = new_incident()
    url, _, rows = read_page(api_client, f"{FEED}?page_size=500")
    first_flag = {slug: flag for flag, slug in rows}[visit.slug]

    visit.outcome = "arrested"
    visit.save()
    flagging.evaluate_pending()
    assert visit.slug not in {slug for _, slug in read_page(api_client, f"{FEED}?page_size=500")[2]}

    visit.outcome = "not_arrested"
    visit.save()
    flagging.evaluate_pending()
    _, _, rows = read_page(api_client, url)
    assert [slug for _, slug in rows] == [visit.slug]
    assert rows[0][0] > first_flag


@pytest.mark.django_db
def test_a_changed_explanation_does_not_repeat_an_incident(seeded, api_client):
    visit = new_incident()
    url, _, _ = read_page(api_client, f"{FEED}?page_size=500")
    visit.host_justification = "Immunity of a head of state."
    visit.save()
    flagging.evaluate_pending()
    assert (
        visit.verdict_changes.count() == 2
    )  # the explanation changed: non_compliance -> non_compliance
    assert read_page(api_client, url)[2] == []


@pytest.mark.django_db
def test_the_feed_takes_the_same_filters_and_csv(seeded, api_client):
    rows = api_client.get(FEED, {"host": "MNG", "page_size": 500}).json()["results"]
    assert rows and {r["host"]["iso3"] for r in rows} == {"MNG"}
    response = api_client.get(FEED, {"host": "MNG", "format": "csv"})
    csv = response.content.decode("utf-8-sig").splitlines()
    assert csv[0].startswith("flag_id,flagged_at,url,id,")
    assert len(csv) == 1 + len(rows)


# --- Concurrent writers ----------------------------------------------------------------


class OpenWriter(threading.Thread):
    """Records an incident in its own transaction and holds it open until released."""

    def __init__(self, person, host):
        super().__init__(daemon=True)
        self.person, self.host = person, host
        self.written, self.release = threading.Event(), threading.Event()
        self.slug = None

    def run(self):
        try:
            with transaction.atomic():
                self.slug = new_incident(self.person, self.host).slug
                self.written.set()
                assert self.release.wait(30)
        finally:
            self.written.set()
            connection.close()


class Reader(threading.Thread):
    def __init__(self, url):
        super().__init__(daemon=True)
        self.url, self.response = url, None

    def run(self):
        try:
            self.response = APIClient().get(self.url)
        finally:
            connection.close()


@pytest.fixture
def people(transactional_db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }
    host = make_state("MNG", "Mongolia", entry_into_force=datetime.date(2002, 7, 1))
    slow = make_person("slow-writer-suspect", situation="Ukraine", nationality="RUS")
    fast = make_person("fast-writer-suspect", situation="Ukraine", nationality="RUS")
    for person in (slow, fast):
        make_warrant(person, issued=datetime.date(2023, 3, 17))
    return host, slow, fast


def cursor_now(client) -> str:
    next_url, _, _ = read_page(client, f"{FEED}?page_size=500")
    return next_url


def test_a_reader_waits_for_a_writer_that_took_a_lower_flag_id(people):
    host, slow, fast = people
    client = APIClient()
    start = cursor_now(client)

    writer = OpenWriter(slow, host)  # takes the lower flag_id, commits last
    writer.start()
    assert writer.written.wait(30) and writer.slug
    fast_slug = new_incident(fast, host).slug  # higher flag_id, committed at once

    reader = Reader(start)
    reader.start()
    time.sleep(0.5)
    assert reader.is_alive(), "the feed answered while a lower flag_id was still uncommitted"
    writer.release.set()
    writer.join(30)
    reader.join(30)
    rows = [(r["flag_id"], r["id"]) for r in reader.response.json()["results"]]
    assert [slug for _, slug in rows] == [writer.slug, fast_slug]
    assert rows[0][0] < rows[1][0]


def test_without_waiting_for_writers_the_feed_would_skip_an_incident(people, monkeypatch):
    """The control experiment: the lock is what makes the previous test pass."""
    monkeypatch.setattr(IncidentViewSet, "wait_for_verdict_writers", lambda self: None)
    host, slow, fast = people
    client = APIClient()
    start = cursor_now(client)
    writer = OpenWriter(slow, host)
    writer.start()
    assert writer.written.wait(30)
    fast_slug = new_incident(fast, host).slug
    next_url, _, rows = read_page(client, start)
    assert [slug for _, slug in rows] == [fast_slug]
    writer.release.set()
    writer.join(30)
    assert read_page(client, next_url)[2] == []  # the slow writer's incident is never delivered
    assert Visit.objects.flagged().filter(slug=writer.slug).exists()


def test_the_feed_answers_503_rather_than_wait_long_for_a_writer(people, monkeypatch):
    monkeypatch.setattr(IncidentViewSet, "FEED_LOCK_TIMEOUT", "200ms")
    host, slow, _ = people
    writer = OpenWriter(slow, host)
    writer.start()
    try:
        assert writer.written.wait(30)
        response = APIClient().get(FEED)
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert response.json()["error"]["code"] == "busy"
    finally:
        writer.release.set()
        writer.join(30)
    assert APIClient().get(FEED).status_code == 200
