"""The flagging pipeline end to end: the real PostgreSQL, a real Redis and a real Celery worker.

A change is recorded in the outbox (EvaluationRequest) in the transaction that makes
it; the relay enqueues a task after commit; the worker evaluates; the sweeper
re-enqueues whatever the relay could not. These tests break each link on purpose.

The Redis here is a private redis-server on a free port (the tests stop it), and
the worker is a subprocess consuming only from it, connected to pytest-django's
test database: see tests/pipeline.py, which the other tests with a worker share.
"""

import base64
import contextlib
import datetime
import io
import json
import re
import socket
import threading
import time

import pytest
import redis
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from states.models import TreatyEvent, TreatyEventKind
from tests.factories import make_person, make_state, make_visit, make_warrant
from tests.pipeline import CeleryProcess, broker_is_idle, publishing_to, wait_for
from visits import flagging, outbox
from visits.models import EvaluationRequest, Verdict, VerdictChange, Visit
from warrants.models import Warrant

pytestmark = pytest.mark.integration

# A save waits on a dead or hung broker for its 2 s timeouts, never longer.
UNDER_A_FEW_SECONDS = 5.0


# --- Services the tests start and stop ------------------------------------------------


class HungBroker:
    """A TCP server that accepts connections and never answers: a hung Redis."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        with contextlib.suppress(OSError):
            while True:
                self.accepted.append(self.listener.accept()[0])  # and never read or write

    def close(self):
        self.listener.close()
        for conn in self.accepted:
            conn.close()


# --- Fixtures (the worker's are in tests/pipeline.py) ---------------------------------


@pytest.fixture
def beat(worker, redis_server, celery_logs):
    """Celery beat, running the sweeper every second (as docker-compose's beat service does)."""
    process = CeleryProcess("beat", redis_server.url, worker.database_url, celery_logs)
    yield process
    process.stop()


def verdict_of(visit, *, where: str, timeout: float = 20, worker=None, **expected):
    """Poll the database until the visit's verdict has the expected fields; return it."""

    def current():
        verdict = Verdict.objects.filter(visit=visit).first()
        if verdict and all(getattr(verdict, k) == v for k, v in expected.items()):
            return verdict
        return None

    return wait_for(
        current,
        timeout=timeout,
        what=f"the verdict {expected} on {visit.slug} ({where})",
        on_timeout=worker.tail if worker else None,
        give_up=worker.failure if worker else None,
    )


def latest_change(visit) -> VerdictChange:
    return VerdictChange.objects.filter(visit=visit).order_by("-id").first()


@pytest.fixture
def putin(db):
    person = make_person("vladimir-putin", "Vladimir Putin")
    make_warrant(person, issued=datetime.date(2023, 3, 17))
    return person


@pytest.fixture
def mongolia(db):
    return make_state("MNG", "Mongolia", entry_into_force=datetime.date(2002, 7, 1))


# --- Without a worker -------------------------------------------------------------------


@pytest.mark.django_db
def test_evaluating_twice_changes_nothing_the_second_time(putin, mongolia):
    for day in (1, 2, 3):
        make_visit(putin, mongolia, start=datetime.date(2024, 9, day))
    flagging.evaluate_pending()
    history = list(VerdictChange.objects.values_list("id", "visit_id", "new_code", "cause"))
    verdicts = list(Verdict.objects.values_list("visit_id", "code", "explanation", "computed_at"))
    assert len(verdicts) == 3 and len(history) == 3

    stats = flagging.evaluate_visits()
    assert (stats.evaluated, stats.changed) == (3, 0)
    assert list(VerdictChange.objects.values_list("id", "visit_id", "new_code", "cause")) == history
    assert (
        list(Verdict.objects.values_list("visit_id", "code", "explanation", "computed_at"))
        == verdicts
    )


@pytest.mark.django_db(transaction=True)
def test_a_request_committed_while_an_evaluation_is_in_flight_is_not_lost(
    putin, mongolia, monkeypatch
):
    visit = make_visit(putin, mongolia)  # evaluated inline (no broker in this test)
    with outbox.relay_deferred():
        outbox.request_evaluation("v.id = %s", [visit.pk], "first change")
    original_write = flagging._write

    def write_while_another_change_commits(*args, **kwargs):
        # The visit's row is read and locked; another session commits a new request
        # for it now, before this evaluation deletes the request it read.
        def another_change():
            try:
                with outbox.relay_deferred(), transaction.atomic():
                    outbox.request_evaluation("v.id = %s", [visit.pk], "second change")
            finally:
                connections.close_all()

        thread = threading.Thread(target=another_change)
        thread.start()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the concurrent request was blocked by the evaluation"
        return original_write(*args, **kwargs)

    monkeypatch.setattr(flagging, "_write", write_while_another_change_commits)
    flagging.evaluate_visits([visit.pk])
    monkeypatch.undo()

    request = EvaluationRequest.objects.get(visit=visit)
    assert "second change" in request.reason
    assert flagging.evaluate_pending().evaluated == 1
    assert not EvaluationRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_transaction_relays_its_requests_once_and_only_its_own(putin, mongolia, monkeypatch):
    first = make_visit(putin, mongolia, start=datetime.date(2024, 9, 2))
    second = make_visit(putin, mongolia, start=datetime.date(2024, 9, 3))
    relayed = []
    monkeypatch.setattr(outbox, "relay", lambda ids: relayed.append(sorted(ids)))

    with contextlib.suppress(RuntimeError), transaction.atomic():
        outbox.request_evaluation("v.id = %s", [first.pk], "a change that is rolled back")
        raise RuntimeError
    with transaction.atomic():
        outbox.request_evaluation("v.id = %s", [second.pk], "a change")
        with contextlib.suppress(RuntimeError), transaction.atomic():  # a savepoint, rolled back
            outbox.request_evaluation("v.id = %s", [second.pk], "another change")
            raise RuntimeError
        outbox.request_evaluation("v.id = %s", [second.pk], "a third change")
    assert relayed == [[second.pk]]

    relayed.clear()
    with transaction.atomic():
        putin.name = "Vladimir Vladimirovich Putin"
        putin.save()  # both visits
        outbox.request_evaluation("v.id = %s", [first.pk], "and one of them again")
    assert relayed == [sorted([first.pk, second.pk])]


@pytest.mark.django_db
def test_the_command_evaluates_stale_visits_or_all_of_them_without_a_worker(putin, mongolia):
    for day in (1, 2):
        make_visit(putin, mongolia, start=datetime.date(2024, 9, day))
    # `make_visit` ran inside the test's transaction: the relay never ran, the requests wait.
    assert EvaluationRequest.objects.count() == 2

    out = io.StringIO()
    call_command("evaluate_visits", "--stale", stdout=out)
    assert out.getvalue().startswith(
        "Evaluated 2 stale visits: 2 new verdicts, 0 verdicts changed, "
    )
    assert not EvaluationRequest.objects.exists()

    out = io.StringIO()
    call_command("evaluate_visits", "--chunk-size", "1", stdout=out)
    assert out.getvalue().startswith(
        "Evaluated 2 visits: 0 verdicts changed, 0 explanations reworded, 0 unchanged "
    )


# --- With the worker --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_saving_a_visit_through_the_write_path_produces_its_verdict_within_seconds(
    pipeline, putin, mongolia
):
    started = time.monotonic()
    visit = make_visit(
        putin, mongolia, start=datetime.date(2024, 9, 2), end=datetime.date(2024, 9, 3)
    )
    verdict = verdict_of(
        visit,
        where="evaluated by the worker",
        code="non_compliance",
        basis="state_party",
        worker=pipeline,
    )
    assert time.monotonic() - started < 20
    assert "Mongolia" in verdict.explanation_text("en")
    change = latest_change(visit)
    assert (change.old_code, change.new_code) == ("", "non_compliance")
    assert change.cause.startswith(f"first evaluation (visit {visit.slug} was added")


@pytest.mark.django_db(transaction=True)
def test_changing_a_warrants_dates_changes_the_verdicts_and_says_why(pipeline, putin, mongolia):
    visit = make_visit(putin, mongolia, start=datetime.date(2024, 9, 2))
    verdict_of(visit, where="first evaluation", code="non_compliance", worker=pipeline)
    warrant = Warrant.objects.get(person=putin)

    with transaction.atomic():
        warrant.made_public = datetime.date(2024, 9, 5)  # sealed until after the visit
        warrant.save()
    verdict_of(visit, where="warrant made public later", code="warrant_not_public", worker=pipeline)
    change = latest_change(visit)
    assert (change.old_code, change.new_code) == ("non_compliance", "warrant_not_public")
    assert f"warrant {warrant.ref}: made public 17 March 2023 → 5 September 2024" in change.cause

    with transaction.atomic():
        warrant.issued = warrant.made_public = datetime.date(2024, 9, 4)  # after the visit
        warrant.save()
    verdict_of(visit, where="warrant issued later", code="no_warrant_in_force", worker=pipeline)
    change = latest_change(visit)
    assert (change.old_code, change.new_code) == ("warrant_not_public", "no_warrant_in_force")
    assert "issued 17 March 2023 → 4 September 2024" in change.cause


@pytest.mark.django_db(transaction=True)
def test_changing_a_states_withdrawal_date_changes_the_verdicts_and_says_why(
    pipeline, putin, mongolia
):
    burundi = make_state(
        "BDI",
        "Burundi",
        entry_into_force=datetime.date(2004, 12, 1),
        withdrawal_effective=datetime.date(2017, 10, 27),
    )
    in_burundi = make_visit(putin, burundi, start=datetime.date(2024, 5, 1))
    in_mongolia = make_visit(putin, mongolia, start=datetime.date(2024, 9, 2))
    verdict_of(in_burundi, where="first evaluation", code="no_obligation", worker=pipeline)
    verdict_of(in_mongolia, where="first evaluation", code="non_compliance", worker=pipeline)
    withdrawal = TreatyEvent.objects.get(state=burundi, kind=TreatyEventKind.WITHDRAWAL_EFFECTIVE)

    with transaction.atomic():
        withdrawal.date = datetime.date(2025, 1, 1)  # still a party on the day of the visit
        withdrawal.save()
    verdict_of(
        in_burundi,
        where="withdrawal after the visit",
        code="non_compliance",
        basis="state_party",
        worker=pipeline,
    )
    change = latest_change(in_burundi)
    assert (change.old_code, change.new_code, change.new_basis) == (
        "no_obligation",
        "non_compliance",
        "state_party",
    )
    assert "withdrawal effective of BDI: date 27 October 2017 → 1 January 2025" in change.cause

    with transaction.atomic():
        # Before the visit, but after the warrant was issued: Art. 127(2).
        withdrawal.date = datetime.date(2024, 1, 1)
        withdrawal.save()
    verdict_of(
        in_burundi, where="withdrawal before the visit", basis="art_127_2_residual", worker=pipeline
    )
    change = latest_change(in_burundi)
    assert (change.old_basis, change.new_basis) == ("state_party", "art_127_2_residual")
    assert "withdrawal effective of BDI: date 1 January 2025 → 1 January 2024" in change.cause

    # Mongolia's visit was not affected by Burundi's timeline: one history row, its first.
    assert VerdictChange.objects.filter(visit=in_mongolia).count() == 1


def worker_backends(worker) -> dict[int, str]:
    """The worker's PostgreSQL sessions on the test database: {pid: state}.

    Sessions are matched by the application name the worker connects with (over a
    Unix socket or TCP alike), so that connections left by other tests (live
    servers) do not count.
    """
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid, state FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND application_name = %s",
            [worker.application_name],
        )
        return dict(cur.fetchall())


def worker_backend_states(worker) -> list[str]:
    """The states of the worker's sessions that have a transaction open."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT state FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND application_name = %s "
            "AND xact_start IS NOT NULL",
            [worker.application_name],
        )
        return [state for (state,) in cur.fetchall()]


def frozen_in_transaction(worker) -> bool:
    """Freeze the worker; keep it frozen and return True when it holds a chunk's transaction open.

    With the worker stopped nothing moves: a statement it had sent finishes, its
    session settles to 'idle in transaction' (a chunk in flight, its message not yet
    acknowledged) or to no transaction at all (between chunks, where it is thawed
    and the caller polls again). Reading an unfrozen worker races it: a chunk takes
    a fifth of a second, so it can commit and acknowledge between the check and a kill.
    """
    worker.freeze()
    deadline = time.monotonic() + 5
    while "active" in (states := worker_backend_states(worker)) and time.monotonic() < deadline:
        time.sleep(0.01)
    if states == ["idle in transaction"]:
        return True
    worker.thaw()
    return False


@pytest.mark.django_db(transaction=True)
def test_the_worker_keeps_its_database_connection_between_tasks(pipeline, putin, mongolia):
    first = make_visit(putin, mongolia, start=datetime.date(2024, 9, 2))
    verdict_of(first, where="first task", code="non_compliance", worker=pipeline)
    sessions = worker_backends(pipeline)
    assert len(sessions) == 1, (
        "the worker closed its connection after the task (CELERY_DB_REUSE_MAX unset?)"
    )

    second = make_visit(putin, mongolia, start=datetime.date(2024, 9, 3))
    verdict_of(second, where="second task", code="non_compliance", worker=pipeline)
    assert worker_backends(pipeline).keys() == sessions.keys()


@pytest.mark.django_db(transaction=True)
def test_a_worker_whose_database_connection_was_cut_reconnects(pipeline, putin, mongolia):
    first = make_visit(putin, mongolia, start=datetime.date(2024, 9, 2))
    verdict_of(first, where="first task", code="non_compliance", worker=pipeline)
    (pid,) = worker_backends(pipeline)
    with connection.cursor() as cur:  # as a PostgreSQL restart or a failover would
        cur.execute("SELECT pg_terminate_backend(%s)", [pid])

    second = make_visit(putin, mongolia, start=datetime.date(2024, 9, 3))
    verdict_of(second, where="after the cut", code="non_compliance", timeout=10, worker=pipeline)
    assert pid not in worker_backends(pipeline)


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_a_save_succeeds_and_the_sweeper_evaluates_it_later(
    pipeline, beat, redis_server, putin, mongolia
):
    redis_server.stop()
    try:
        started = time.monotonic()
        visit = make_visit(putin, mongolia)
        took = time.monotonic() - started
        assert not connection.in_atomic_block  # committed, not just saved
        assert took < UNDER_A_FEW_SECONDS, f"a save with the broker down took {took:.1f} s"
        assert Visit.objects.filter(pk=visit.pk).exists()
        # The relay failed: the request is not marked delivered, so the sweeper takes it.
        assert EvaluationRequest.objects.get(visit=visit).relayed_at is None
        assert not Verdict.objects.filter(visit=visit).exists()
    finally:
        redis_server.start()

    # Nothing in this process enqueues again: the periodic sweeper finds the request.
    beat.start()
    verdict_of(
        visit, where="reconciled by the sweeper", code="non_compliance", timeout=30, worker=pipeline
    )
    assert not EvaluationRequest.objects.filter(visit=visit).exists()


@pytest.mark.django_db(transaction=True)
def test_a_hung_broker_does_not_block_a_save(putin, mongolia):
    hung = HungBroker()
    # Without socket timeouts the save would wait forever: give up on it after 30 s.
    watchdog = threading.Timer(30, hung.close)
    watchdog.start()
    try:
        with publishing_to(hung.url):
            started = time.monotonic()
            visit = make_visit(putin, mongolia)
            took = time.monotonic() - started
    finally:
        watchdog.cancel()
        hung.close()
    assert took < UNDER_A_FEW_SECONDS, f"a save with a hung broker took {took:.1f} s"
    # One relay for the whole save (the visit, then its sources), so one timeout, not one per request.
    assert len(hung.accepted) == 1
    assert EvaluationRequest.objects.filter(visit=visit).exists()

    # The command drains what the broker never took, with no worker at all.
    out = io.StringIO()
    call_command("evaluate_visits", "--stale", stdout=out)
    assert out.getvalue().startswith("Evaluated 1 stale visits: 1 new verdict, 0 verdicts changed")
    assert Verdict.objects.get(visit=visit).code == "non_compliance"


VISITS_TO_KILL_IN = 10_000
VISITS_TO_REEVALUATE = 10_000


@pytest.mark.django_db
def test_the_sweeper_enqueues_only_what_the_relay_did_not_deliver(putin, mongolia, monkeypatch):
    never, just_now, long_ago = (
        make_visit(putin, mongolia, start=datetime.date(2024, 9, day)) for day in (1, 2, 3)
    )
    # In the test's transaction the relay never ran: mark two as a relay would have.
    EvaluationRequest.objects.filter(visit=just_now).update(relayed_at=timezone.now())
    EvaluationRequest.objects.filter(visit=long_ago).update(
        relayed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    swept = []
    monkeypatch.setattr(outbox, "relay", lambda ids: swept.extend(ids) or True)

    assert outbox.sweep(grace_seconds=0, redeliver_seconds=600) == 2
    # Never relayed (the broker refused it), or relayed an hour ago (its message is lost);
    # the one relayed a moment ago is waiting in the queue, and is left to its task.
    assert sorted(swept) == sorted([never.pk, long_ago.pk])

    # A new change to a relayed request needs a new relay: the mark is cleared.
    outbox.request_evaluation("v.id = %s", [just_now.pk], "another change")
    assert EvaluationRequest.objects.get(visit=just_now).relayed_at is None


def evaluations_run(worker) -> list[str]:
    """The evaluate_visits tasks the worker has finished, from its log."""
    return [
        line
        for line in worker.tail_lines()
        if re.search(r"visits\.evaluate_visits\[.*\] succeeded", line)
    ]


@pytest.mark.django_db(transaction=True)
def test_a_reevaluation_runs_each_chunk_once_while_the_sweeper_runs(
    pipeline, beat, redis_server, putin, mongolia
):
    """Tasks wait in the queue longer than the sweeper's grace: it must not enqueue them again.

    The worker is stopped while the chunks are relayed, so that they all wait, and a
    sweep runs meanwhile (as it does from another worker process during a long
    re-evaluation); beat keeps sweeping every second until the end.
    """
    insert_visits(putin, mongolia, VISITS_TO_REEVALUATE)
    beat.start()
    before = len(evaluations_run(pipeline))
    pipeline.freeze()
    try:
        outbox.request_evaluation("TRUE", [], flagging.FULL_REEVALUATION)  # relayed at once
        assert not EvaluationRequest.objects.filter(relayed_at__isnull=True).exists()
        time.sleep(1.5)  # older than the grace: the old sweeper enqueued them all again
        assert outbox.sweep(grace_seconds=1) == 0
    finally:
        pipeline.thaw()
    wait_for(
        lambda: not EvaluationRequest.objects.exists(),
        timeout=120,
        interval=0.2,
        what="the re-evaluation to finish",
        on_timeout=pipeline.tail,
        give_up=pipeline.failure,
    )
    time.sleep(2)  # a sweep or two more, and whatever they might have enqueued
    wait_for(
        lambda: broker_is_idle(redis_server),
        timeout=60,
        what="the queue to drain",
        on_timeout=pipeline.tail,
    )
    chunks = -(-VISITS_TO_REEVALUATE // outbox.RELAY_BATCH)
    ran = len(evaluations_run(pipeline)) - before
    assert ran == chunks, f"{ran} evaluation tasks ran for {chunks} chunks"
    assert Verdict.objects.count() == VISITS_TO_REEVALUATE


def insert_visits(person, host, count: int) -> None:
    """Insert many visits in one statement (no signals, no requests): half before the warrant."""
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO visits_visit (slug, person_id, host_id, place, start, start_precision, "end",
                end_precision, occasion, status, outcome, host_notified, host_justification,
                review_state, notes, created_at, updated_at)
            SELECT 'bulk-' || i, %s, %s, '', DATE '2021-03-17' + (i %% 1460), 'day', NULL,
                'day', '', 'occurred', 'not_arrested', false, '', 'verified', '', now(), now()
            FROM generate_series(1, %s) AS i
            """,
            [person.pk, host.pk, count],
        )


@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_during_a_full_reevaluation_leaves_one_verdict_per_visit(
    pipeline, redis_server, putin, mongolia
):
    insert_visits(putin, mongolia, VISITS_TO_KILL_IN)
    # Every visit at once, as a rule change does; committed (autocommit), relayed in chunks of 500.
    outbox.request_evaluation("TRUE", [], flagging.FULL_REEVALUATION)

    def in_the_middle_of_a_chunk():
        # Some chunks are done, and the worker is inside the transaction of the next one
        # (a transaction is open: not between two tasks, where its message is acknowledged).
        return Verdict.objects.count() >= VISITS_TO_KILL_IN // 5 and frozen_in_transaction(pipeline)

    wait_for(
        in_the_middle_of_a_chunk,
        timeout=30,
        interval=0.005,
        what="the worker to be mid-chunk",
        on_timeout=pipeline.tail,
    )
    pipeline.kill()
    broker = redis.Redis.from_url(redis_server.url)
    lost = broker.hgetall("unacked")
    done = Verdict.objects.count()
    assert 0 < done < VISITS_TO_KILL_IN, f"the worker was killed too late ({done} verdicts)"
    assert done % outbox.RELAY_BATCH == 0, (
        "the chunk that died with the worker left half its verdicts"
    )
    assert EvaluationRequest.objects.count() == VISITS_TO_KILL_IN - done
    # The message of the chunk in flight (the next one in id order) was never
    # acknowledged: Redis keeps it, to redeliver it after the visibility timeout.
    in_flight = list(
        Visit.objects.filter(verdict__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[: outbox.RELAY_BATCH]
    )
    assert [visit_ids_of(message) for message in lost.values()] == [in_flight]

    # Run it again: a new worker takes the chunks still queued, and the sweeper
    # re-enqueues every request still outstanding, including the chunk that died (as it
    # does once the requests were relayed longer ago than ICCWATCH_SWEEP_REDELIVER_SECONDS).
    pipeline.start()
    outbox.sweep(grace_seconds=0, redeliver_seconds=0)
    wait_for(
        lambda: not EvaluationRequest.objects.exists(),
        timeout=60,
        interval=0.2,
        what="the re-evaluation to finish",
        on_timeout=pipeline.tail,
    )

    assert Verdict.objects.count() == Visit.objects.count() == VISITS_TO_KILL_IN
    assert Verdict.objects.values("visit_id").distinct().count() == VISITS_TO_KILL_IN
    assert set(Verdict.objects.values_list("code", flat=True)) == {
        "no_warrant_in_force",
        "non_compliance",
    }
    # One history row per visit, its first evaluation: written once, though the
    # sweeper had chunks evaluated twice.
    assert VerdictChange.objects.count() == VISITS_TO_KILL_IN
    assert VerdictChange.objects.values("visit_id").distinct().count() == VISITS_TO_KILL_IN
    assert not VerdictChange.objects.exclude(cause="first evaluation (full re-evaluation)").exists()

    out = io.StringIO()
    call_command("evaluate_visits", "--stale", stdout=out)
    assert out.getvalue().startswith("Evaluated 0 stale visits: 0 verdicts changed")

    # The lost message would come back after the visibility timeout, and change nothing;
    # drop it so that it cannot run into the next test.
    wait_for(
        lambda: broker.llen("celery") == 0 and set(broker.hkeys("unacked")) <= lost.keys(),
        timeout=60,
        what="the duplicate chunks to finish",
        on_timeout=pipeline.tail,
    )
    broker.hdel("unacked", *lost)
    broker.zrem("unacked_index", *lost)


def visit_ids_of(unacked: bytes) -> list[int]:
    """The visit ids of an evaluate_visits message, as kombu keeps it in Redis' unacked hash."""
    message = json.loads(unacked)[0]
    body = (
        base64.b64decode(message["body"])
        if message["properties"].get("body_encoding") == "base64"
        else message["body"]
    )
    args, _kwargs, _embed = json.loads(body)
    return args[0]
