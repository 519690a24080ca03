"""The incidents feed: a client that polls with its cursor gets every incident exactly once.

The first tests insert incidents between page reads in one transaction. The last ones
use real concurrent transactions: a writer that began (or took a lower flag_id) before
another but commits after it must not be skipped by a reader that ran in between, and
readers take no lock, so a burst of them never delays a verdict write.
"""

import datetime
import itertools
import random
import threading
import time

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from api.paging import IncidentFeedPagination
from api.visits.views import API_VISIT_TABLE
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
def test_a_cursor_whose_incident_was_deleted_still_answers(seeded, api_client):
    first, second = new_incident(), new_incident()
    url, _, rows = read_page(api_client, f"{FEED}?page_size=500")
    assert [slug for _, slug in rows[-2:]] == [first.slug, second.slug]
    second.delete()  # its verdict changes go with it: the cursor names a change that is gone
    third = new_incident()
    assert [slug for _, slug in read_page(api_client, url)[2]] == [third.slug]


@pytest.mark.django_db
def test_the_feed_takes_the_same_filters_and_csv(seeded, api_client):
    rows = api_client.get(FEED, {"host": "MNG", "page_size": 500}).json()["results"]
    assert rows and {r["host"]["iso3"] for r in rows} == {"MNG"}
    response = api_client.get(FEED, {"host": "MNG", "format": "csv"})
    csv = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    # The API's visits table (the site's, with `url` and `page_url` as in the JSON), after
    # the feed's two columns.
    assert csv[0] == "flag_id,flagged_at," + ",".join(API_VISIT_TABLE.names)
    assert len(csv) == 1 + len(rows)


# --- Concurrent writers ----------------------------------------------------------------


class OpenWriter(threading.Thread):
    """Records an incident in its own transaction and holds it open until released."""

    def __init__(self, person, host, roll_back=False):
        super().__init__(daemon=True)
        self.person, self.host, self.roll_back = person, host, roll_back
        self.written, self.release = threading.Event(), threading.Event()
        self.slug = None

    def run(self):
        try:
            with transaction.atomic():
                self.slug = new_incident(self.person, self.host).slug
                self.written.set()
                assert self.release.wait(30)
                if self.roll_back:
                    transaction.set_rollback(True)
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


def test_a_reader_does_not_wait_for_an_open_writer_and_gets_its_incident_after(people):
    host, slow, fast = people
    client = APIClient()
    start = cursor_now(client)

    writer = OpenWriter(slow, host)  # its transaction began first, commits last
    writer.start()
    try:
        assert writer.written.wait(30) and writer.slug
        fast_slug = new_incident(fast, host).slug  # a later transaction, committed at once

        reader = Reader(start)
        reader.start()
        reader.join(10)
        assert not reader.is_alive(), "the feed waited for an open writer"
        assert reader.response.status_code == 200
        # Behind an open transaction nothing is final yet: the fast incident waits too.
        assert reader.response.json()["results"] == []
    finally:
        writer.release.set()
        writer.join(30)
    next_url, _, rows = read_page(client, start)
    assert [slug for _, slug in rows] == [writer.slug, fast_slug]
    assert read_page(client, next_url)[2] == []


def test_without_the_horizon_the_feed_would_skip_an_incident(people, monkeypatch):
    """The control experiment: handing out what is visible, the slow writer is skipped."""
    monkeypatch.setattr(IncidentFeedPagination, "settled", lambda self, queryset: queryset)
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


def test_a_page_held_back_by_a_writer_that_rolls_back_is_not_kept(people):
    """A rollback moves no data version: a held-back page kept in the page cache (or
    revalidated by its ETag) would hide the incident committed after it until the next
    write. Held back, the page is not kept, its ETag is its content's (Django's
    ConditionalGetMiddleware), not the data version's, and the CSV has none."""
    host, slow, fast = people
    client = APIClient()
    start = cursor_now(client)
    writer = OpenWriter(slow, host, roll_back=True)
    writer.start()
    try:
        assert writer.written.wait(30) and writer.slug
        fast_slug = new_incident(fast, host).slug
        held = client.get(start)
        assert held.status_code == 200 and held.json()["results"] == []
        csv = client.get(start, {"format": "csv"})
        assert len(b"".join(csv.streaming_content).splitlines()) == 1  # the header alone
        assert not csv.has_header("ETag")
    finally:
        writer.release.set()
        writer.join(30)
    assert not Visit.objects.filter(slug=writer.slug).exists()  # rolled back
    revalidated = client.get(start, HTTP_IF_NONE_MATCH=held["ETag"])
    assert revalidated.status_code == 200
    assert [row["id"] for row in revalidated.json()["results"]] == [fast_slug]
    _, _, rows = read_page(client, start)
    assert [slug for _, slug in rows] == [fast_slug]
    # Nothing held back any more: the answer has its ETag and revalidates as a 304.
    final = client.get(start)
    assert final.has_header("ETag")
    assert client.get(start, HTTP_IF_NONE_MATCH=final["ETag"]).status_code == 304


def test_a_writer_that_begins_after_the_horizon_is_read_is_not_skipped(people, monkeypatch):
    """The horizon is read before the page, by a query of its own. A writer that begins in
    between and holds its transaction open, and a later one that commits at once, must
    both wait for a later read: with nothing running when it was read, the horizon is the
    first transaction id not yet given out, not "no limit", which would hand out the
    later writer's incident now and skip the first one's when it commits."""
    host, slow, fast = people
    client = APIClient()
    start = cursor_now(client)
    writer = OpenWriter(slow, host)
    read_horizon = IncidentFeedPagination.horizon

    def horizon_then_two_writers(self):
        horizon = read_horizon(self)
        writer.start()
        assert writer.written.wait(30) and writer.slug
        later = threading.Thread(target=lambda: (new_incident(fast, host), connection.close()))
        later.start()
        later.join(30)
        return horizon

    monkeypatch.setattr(IncidentFeedPagination, "horizon", horizon_then_two_writers)
    try:
        next_url, _, seen = read_page(client, start)
    finally:
        monkeypatch.undo()
        writer.release.set()
        writer.join(30)
    assert seen == []
    _, _, rows = read_page(client, next_url)
    assert [slug for _, slug in rows] == [writer.slug, Visit.objects.get(person=fast).slug]


def blocked_locks() -> list:
    """Lock requests of this test database that wait on another session."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT l.pid, l.locktype, l.mode, l.relation::regclass::text FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database()"
        )
        return cur.fetchall()


def test_a_burst_of_readers_does_not_delay_a_verdict_write(people):
    host, slow, _ = people
    for _ in range(3):
        new_incident(slow, host)
    stop, reads, failures = threading.Event(), [0] * 32, []

    def read_forever(i):
        client = APIClient()
        try:
            while not stop.is_set():
                response = client.get(f"{FEED}?page_size=500")
                if response.status_code != 200:
                    failures.append(response.status_code)
                reads[i] += 1
        finally:
            connection.close()

    readers = [threading.Thread(target=read_forever, args=(i,), daemon=True) for i in range(32)]
    for reader in readers:
        reader.start()
    try:
        deadline = time.monotonic() + 60
        while not all(reads) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(reads), "not every reader got going"
        waits = []
        written = threading.Event()

        def write():
            try:
                with transaction.atomic():
                    new_incident(slow, host)
                    waits.extend(blocked_locks())
            finally:
                written.set()
                connection.close()

        began = time.monotonic()
        reads_before = sum(reads)
        threading.Thread(target=write, daemon=True).start()
        assert written.wait(30)
        took = time.monotonic() - began
        # The readers were still reading throughout: the write did not wait for the burst.
        assert all(reader.is_alive() for reader in readers)
        assert sum(reads) > reads_before
        assert waits == [], waits
        assert took < 10, f"a verdict write took {took:.1f} s under 32 readers"
    finally:
        stop.set()
        for reader in readers:
            reader.join(30)
    assert failures == []


def test_no_incident_is_skipped_or_repeated_when_writers_commit_out_of_order(people):
    """Writers begin, take their ids and commit in scrambled orders while a reader follows the feed."""
    host, slow, fast = people
    client = APIClient()
    start = cursor_now(client)
    rng = random.Random(10)
    plans = [(rng.random() * 0.2, rng.random() * 0.2) for _ in range(24)]
    written, errors = [], []

    def writer(person, before_change, before_commit):
        try:
            with transaction.atomic():
                # The visit is written first (the transaction takes its id), the verdict
                # change later, the commit later still: ids, changes and commits interleave.
                visit = make_visit(
                    person,
                    host,
                    start=datetime.date(2024, 1, 1) + datetime.timedelta(days=next(_days)),
                )
                time.sleep(before_change)
                flagging.evaluate_visits([visit.pk])
                time.sleep(before_commit)
            written.append(visit.slug)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=writer, args=(slow if i % 2 else fast, *plan), daemon=True)
        for i, plan in enumerate(plans)
    ]
    seen, url = [], start
    for i, thread in enumerate(threads):
        thread.start()
        if i % 4 == 3:
            time.sleep(0.05)
    while any(thread.is_alive() for thread in threads):
        while True:  # follow the cursor to the end, again and again
            url, has_more, rows = read_page(client, f"{url.split('&page_size')[0]}&page_size=3")
            seen += rows
            if not has_more:
                break
    for thread in threads:
        thread.join(30)
    assert errors == []
    for _ in range(3):  # the end: every writer has finished
        url, has_more, rows = read_page(client, f"{url.split('&page_size')[0]}&page_size=3")
        seen += rows
    slugs = [slug for _, slug in seen]
    assert len(slugs) == len(set(slugs)), "an incident was handed out twice"
    assert (
        set(slugs)
        == set(written)
        == {v.slug for v in Visit.objects.flagged().filter(slug__in=written)}
    )
    assert len(written) == len(plans)


@pytest.mark.parametrize("format_", ["json", "csv"])
def test_a_copy_kept_in_step_from_changed_until_misses_no_change_committed_late(people, format_):
    """A visit is stamped (`updated_at`) inside its transaction but seen only once that
    commits: a client asking next from the moment of its last read missed a change stamped
    before it and committed after. `Changed-Until` is the moment to ask from instead."""
    from django.utils import timezone

    host, slow, _ = people
    client = APIClient()
    since = timezone.now().isoformat()
    writer = OpenWriter(slow, host)
    writer.start()
    try:
        assert writer.written.wait(30) and writer.slug
        first = client.get("/api/v1/visits/", {"changed_since": since, "format": format_})
        read_at = timezone.now()
        assert (
            writer.slug
            not in b"".join(
                first.streaming_content if format_ == "csv" else [first.content]
            ).decode()
        )
        horizon = datetime.datetime.fromisoformat(first["Changed-Until"])
    finally:
        writer.release.set()
        writer.join(30)
    stamped = Visit.objects.get(slug=writer.slug).updated_at
    assert horizon <= stamped < read_at  # stamped before the read, committed after it

    def ids(changed_since) -> set[str]:
        rows = client.get("/api/v1/visits/", {"changed_since": changed_since}).json()
        return {row["id"] for row in rows["results"]}

    assert writer.slug not in ids(read_at.isoformat())  # the moment of the last read misses it
    assert writer.slug in ids(first["Changed-Until"])
    # A list not read for what changed says nothing of it.
    assert not client.get("/api/v1/visits/").has_header("Changed-Until")


def test_changed_until_sees_a_write_begun_since_an_earlier_read_in_the_same_transaction(
    people, monkeypatch
):
    """PostgreSQL reads its activity statistics once per transaction: a second reading in
    the same transaction would not see a write begun since the first, and put the
    horizon after that write's stamp."""
    from api import base

    monkeypatch.setattr(base, "CLOCK_MARGIN", datetime.timedelta(0))
    host, slow, _ = people
    writer = OpenWriter(slow, host)
    with transaction.atomic():
        base.changes_horizon()
        writer.start()
        try:
            assert writer.written.wait(30) and writer.slug
            horizon = base.changes_horizon()
        finally:
            writer.release.set()
            writer.join(30)
    assert horizon <= Visit.objects.get(slug=writer.slug).updated_at


def test_the_incidents_feed_read_for_what_changed_gives_no_changed_until(people):
    """The feed only adds, and is continued by its cursor: the header would promise a copy
    kept in step from it what it never gives (incidents that stopped being one)."""
    new_incident(*people[1:2], people[0])
    response = APIClient().get("/api/v1/incidents/", {"changed_since": "2000-01-01T00:00:00Z"})
    assert response.status_code == 200 and response.json()["results"]
    assert not response.has_header("Changed-Until")
    assert (
        APIClient()
        .get("/api/v1/visits/", {"changed_since": "2000-01-01T00:00:00Z"})
        .has_header("Changed-Until")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
def test_a_304_to_a_read_for_what_changed_says_changed_until(
    seeded, api_client, settings, page_cache
):
    """A revalidation of `?changed_since=` answered `304` without `Changed-Until`: a client
    keeping a copy in step had no moment to ask from next. From the page cache it repeats
    the one of the answer it revalidates (read before that answer's rows, and nothing
    written since); without it, the one of the answer the 304 replaces."""
    settings.ICCWATCH_PAGE_CACHE = page_cache
    client = api_client
    query = {"changed_since": "2000-01-01T00:00:00Z"}
    first = client.get("/api/v1/visits/", query)
    assert first.status_code == 200 and first.has_header("Changed-Until")
    again = client.get("/api/v1/visits/", query, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    if page_cache:
        assert again["Changed-Until"] == first["Changed-Until"]
    else:
        assert again["Changed-Until"] >= first["Changed-Until"]
    # A read of the list that is not for what changed has none, 304 or not.
    plain = client.get("/api/v1/visits/")
    revalidated = client.get("/api/v1/visits/", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert revalidated.status_code == 304 and not revalidated.has_header("Changed-Until")


@pytest.mark.django_db
def test_the_schema_declares_changed_until_on_the_304_of_a_list_read_for_changes():
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    visits = schema["paths"]["/api/v1/visits/"]["get"]["responses"]
    assert "Changed-Until" in visits["200"]["headers"]
    assert "Changed-Until" in visits["304"]["headers"]
    states = schema["paths"]["/api/v1/states/"]["get"]["responses"]
    assert "Changed-Until" not in states["304"]["headers"]
