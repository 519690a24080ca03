"""The outbox: evaluation requests recorded with each change, relayed to Celery after commit.

A change to a fact records, in its own transaction, which visits need a new verdict
(visits.EvaluationRequest). After commit the relay enqueues `visits.evaluate_visits`
tasks for them and marks the rows relayed (`relayed_at`); when the broker is down the
rows stay unmarked, and the beat sweeper enqueues them later, so no accepted change is
ever lost. The sweeper leaves alone what the relay delivered: its task is waiting in
the queue (a re-evaluation of 200,000 visits queues 400 of them), and enqueuing it again
would only run the same chunk twice. A relayed request still here after
ICCWATCH_SWEEP_REDELIVER_SECONDS (the broker's visibility timeout and a margin: by
then Redis has redelivered a message whose worker died) is taken as lost (a broker
that lost its queue) and enqueued again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import logging
import threading
from collections.abc import Sequence

from celery import signature
from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from compliance import RULE_VERSION
from core import broker, causes, pagecache
from visits.flagging import chunks, id_ranges
from visits.models import EvaluationRequest, RangeEvaluationRequest

logger = logging.getLogger(__name__)

EVALUATE_TASK = "visits.evaluate_visits"
REEVALUATE_RANGE_TASK = "visits.reevaluate_range"
RELAY_BATCH = 500
# Visits per task of a queued full re-evaluation: each task loads the facts once (a
# fraction of a second), so shares are large; many more shares than workers keep them busy.
RANGE_TASK_VISITS = 100_000


# --- Requesting evaluations (the outbox) ------------------------------------------

_relay_state = threading.local()


@contextlib.contextmanager
def relay_deferred():
    """Record evaluation requests but do not enqueue them (bulk imports evaluate at the end)."""
    previous = getattr(_relay_state, "deferred", False)
    _relay_state.deferred = True
    try:
        yield
    finally:
        _relay_state.deferred = previous


@contextlib.contextmanager
def caused_by(cause: dict):
    """Name `cause` first among the causes of every evaluation request recorded inside: the
    import of a dataset version (core.causes: {"key": "import", "version": ...}), so that the
    verdict history row of a change the import wrote says which version made it."""
    previous = getattr(_relay_state, "causes", ())
    _relay_state.causes = (*previous, cause)
    try:
        yield
    finally:
        _relay_state.causes = previous


def request_evaluation(where_sql: str, params: Sequence, cause: str | dict) -> None:
    """Record, in the current transaction, that the visits matching `where_sql` need evaluation.

    `where_sql` is a condition on visits_visit (alias v); `cause` says why (a structured
    cause of core.causes, or words), after the causes `caused_by` names. A visit already
    requested keeps its causes and gains those it did not have (at most
    core.causes.MAX_CAUSES). `change_recorded_at` moves to now only if `cause` may change
    the verdict (not a bare edit): the history and the pending notice date the verdict's
    change by it. After commit the relay enqueues the work; if that fails, the
    sweeper will.
    """
    given = causes.as_causes(cause)
    extra = [c for c in getattr(_relay_state, "causes", ()) if c not in given]
    reason = causes.dumps([*extra, *given])
    # When a change that may change the verdict was recorded; a bare edit of the visit
    # (EvaluationRequest.may_change_verdict) is evaluated all the same but dates nothing:
    # it neither re-dates the history row of the change it joins nor its pending notice.
    recorded = EvaluationRequest.may_change_verdict([*extra, *given])
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO visits_evaluationrequest
                (visit_id, requested_at, change_recorded_at, reason, relayed_at)
            SELECT v.id, t.at, CASE WHEN %s THEN t.at END, %s, NULL
            FROM (SELECT clock_timestamp() AS at) t, visits_visit v WHERE {where_sql}
            ON CONFLICT (visit_id) DO UPDATE SET
                requested_at = EXCLUDED.requested_at,
                -- A bare edit keeps the time of the change it joins (None of its own).
                change_recorded_at = COALESCE(
                    EXCLUDED.change_recorded_at, visits_evaluationrequest.change_recorded_at
                ),
                relayed_at = NULL,
                reason = CASE
                    WHEN visits_evaluationrequest.reason::jsonb @> EXCLUDED.reason::jsonb
                      OR jsonb_array_length(visits_evaluationrequest.reason::jsonb) >= {causes.MAX_CAUSES}
                    THEN visits_evaluationrequest.reason
                    -- Only the causes it did not have (an import's, named by every request
                    -- of its changes, once).
                    ELSE (visits_evaluationrequest.reason::jsonb || COALESCE((
                        SELECT jsonb_agg(given.cause ORDER BY given.position)
                        FROM jsonb_array_elements(EXCLUDED.reason::jsonb)
                             WITH ORDINALITY AS given(cause, position)
                        WHERE NOT visits_evaluationrequest.reason::jsonb
                                  @> jsonb_build_array(given.cause)
                    ), '[]'::jsonb))::text
                END
            RETURNING visit_id, pg_current_xact_id()::text
            """,
            [recorded, reason, *params],
        )
        rows = cur.fetchall()
    if rows:
        # A visit with an outstanding request is told as awaiting re-evaluation
        # (visits.models.reevaluation_pending): the cached pages' data version moves, as
        # for the change itself (most changes moved it already; the sweeper's request of
        # the verdicts of an older rule moves it only here). Requests are otherwise no
        # page's (core.pagecache._IGNORED_TABLES): marking one relayed changes nothing shown.
        pagecache.wrote(connection)
    if rows and not getattr(_relay_state, "deferred", False):
        _relay_after_commit(rows[0][1], [r[0] for r in rows])


def _relay_after_commit(transaction_id: str, ids: list[int]) -> None:
    """Relay these ids once the current transaction commits, with all the others it requested.

    One relay per transaction, not one per request: a single save records several
    requests (the visit, then its sources), and against a hung broker each relay
    waits for the socket timeout. Every request registers a callback (one made in
    a savepoint that is rolled back is dropped); the first to run relays the whole
    batch of its transaction, the others find it gone. A batch left by a rolled-back
    transaction is discarded when the next transaction requests anything.
    """
    batch = getattr(_relay_state, "batch", None)
    if batch is None or batch[0] != transaction_id:
        batch = _relay_state.batch = (transaction_id, set())
    batch[1].update(ids)
    transaction.on_commit(functools.partial(_relay_batch, transaction_id))


def _relay_batch(transaction_id: str) -> None:
    batch = getattr(_relay_state, "batch", None)
    if batch is not None and batch[0] == transaction_id:
        _relay_state.batch = None
        relay(batch[1])


def relay(visit_ids: Sequence[int]) -> bool:
    """Enqueue evaluation tasks for these visits; never raises (the sweeper retries later).

    Each chunk the broker accepted is marked relayed, so that the sweeper leaves it to
    its task; a chunk it refused stays unmarked, for the sweeper, as does every chunk
    while this process leaves a broker that just failed alone (core.broker).
    """
    # By name, so that this module does not import the tasks that import it.
    evaluate_visits_task = signature(EVALUATE_TASK)
    try:
        for chunk in chunks(sorted(visit_ids), RELAY_BATCH):
            broker.send(evaluate_visits_task, args=[chunk], retry=False)
            _mark_relayed(chunk)
        return True
    except broker.BrokerUnavailable:  # down now or a moment ago: core.broker warned of it
        logger.debug("evaluation of %d visits left to the sweeper", len(visit_ids))
        return False
    except Exception as exc:  # noqa: BLE001 - a broker outage must not fail a committed change
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        logger.warning(
            "could not enqueue evaluation of %d visits (the sweeper will): %s", len(visit_ids), exc
        )
        return False


def _mark_relayed(visit_ids: list[int]) -> None:
    """Record that a task for these requests is in the queue (those already evaluated are gone)."""
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "UPDATE visits_evaluationrequest SET relayed_at = clock_timestamp() "
                "WHERE visit_id = ANY(%s)",
                [visit_ids],
            )
    except DatabaseError as exc:  # the task is queued all the same; the sweeper may repeat it
        logger.warning("could not mark %d evaluation requests relayed: %s", len(visit_ids), exc)


# The verdicts computed by another rule than the running one: the two ranges of the index
# visits_verdict_rule_version either side of it. `rule_version <> %s` reads every verdict
# (a million rows, the whole table, every 30 s at a million visits) to find, almost always,
# none; each range is a look into the index that ends at once.
_OUTDATED_VERDICTS = (
    "SELECT visit_id FROM visits_verdict WHERE rule_version < %s "
    "UNION ALL SELECT visit_id FROM visits_verdict WHERE rule_version > %s"
)


def request_outdated_rule_version() -> None:
    """Mark the visits whose verdict was computed by another rule than RULE_VERSION (after a
    deploy changed it, or a worker of the previous release wrote one meanwhile); the sweeper
    calls it every ICCWATCH_SWEEP_SECONDS. Reads the index visits_verdict_rule_version only."""
    with transaction.atomic():
        request_evaluation(
            f"v.id IN ({_OUTDATED_VERDICTS}) "
            "AND NOT EXISTS (SELECT 1 FROM visits_evaluationrequest er WHERE er.visit_id = v.id)",
            [RULE_VERSION, RULE_VERSION],
            causes.rule_cause(RULE_VERSION),
        )


@dataclasses.dataclass(frozen=True)
class QueuedPass:
    """A full re-evaluation split into shares (`queue_full_reevaluation`): `ranges`, the
    (after, upto] id ranges recorded in the outbox (RangeEvaluationRequest), of which the
    broker took the first `enqueued`; `error`, why it took no more (None when it took all):
    the sweeper enqueues the rest once it answers."""

    ranges: list[tuple[int, int]]
    enqueued: int
    error: Exception | None = None


def queue_full_reevaluation(
    *, visits_per_task: int = RANGE_TASK_VISITS, force: bool = False, queue: str | None = None
) -> QueuedPass:
    """Split a full re-evaluation into `visits.reevaluate_range` tasks, record each share in
    the outbox (visits.RangeEvaluationRequest, committed first) and enqueue them.

    Every worker consuming the queue (on this machine or any other connected to the same
    PostgreSQL and Redis) takes shares until none is left; each task deletes its share when
    done. A broker that fails part-way stops the enqueueing (`QueuedPass.error`): the shares
    not enqueued stay in PostgreSQL, and the sweeper enqueues them, as it enqueues again a
    share whose message was lost (a Redis restarted with an empty queue). Never raises for
    the broker; inline (no broker) every share runs here before this returns."""
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM visits_visit")
        total = cur.fetchone()[0]
    ranges = id_ranges(max(1, -(-total // visits_per_task)))
    with transaction.atomic():
        shares = RangeEvaluationRequest.objects.bulk_create(
            RangeEvaluationRequest(after=after, upto=upto, force=force, queue=queue or "")
            for after, upto in ranges
        )
    enqueued, error = _relay_ranges(shares)
    return QueuedPass(ranges, enqueued, error)


def _relay_ranges(shares) -> tuple[int, Exception | None]:
    """Enqueue a task per share, in order, marking each relayed: (how many the broker took,
    the error that stopped it or None). Inline, each runs here and its errors propagate."""
    task = signature(REEVALUATE_RANGE_TASK)
    for done, share in enumerate(shares):
        try:
            broker.send(
                task,
                args=[share.after, share.upto, share.force],
                kwargs={"share": share.pk},
                queue=share.queue or None,
                retry=False,
            )
        except Exception as exc:  # noqa: BLE001 - the share stays in the outbox
            if settings.CELERY_TASK_ALWAYS_EAGER:
                raise
            return done, exc
        RangeEvaluationRequest.objects.filter(pk=share.pk).update(relayed_at=timezone.now())
    return len(shares), None


def touch_range(share: int | None) -> None:
    """Record that the task of `share` is still at work (it is not lost: the sweeper leaves
    it alone for ICCWATCH_SWEEP_REDELIVER_SECONDS more)."""
    if share is not None:
        RangeEvaluationRequest.objects.filter(pk=share).update(relayed_at=timezone.now())


def range_done(share: int | None) -> None:
    """The share's visits are re-evaluated: its outbox row goes."""
    if share is not None:
        RangeEvaluationRequest.objects.filter(pk=share).delete()


def sweep_ranges(grace_seconds: int | None = None, redeliver_seconds: int | None = None) -> int:
    """Enqueue again the shares of queued full re-evaluations that were never enqueued
    (older than the grace period) or whose task has not been heard of for
    `redeliver_seconds` (ICCWATCH_SWEEP_REDELIVER_SECONDS: its message must be lost);
    returns how many were enqueued (none when the broker is down: they wait)."""
    grace = settings.ICCWATCH_SWEEP_GRACE_SECONDS if grace_seconds is None else grace_seconds
    redeliver = (
        settings.ICCWATCH_SWEEP_REDELIVER_SECONDS
        if redeliver_seconds is None
        else redeliver_seconds
    )
    now = timezone.now()
    shares = list(
        RangeEvaluationRequest.objects.filter(
            models.Q(
                relayed_at__isnull=True, requested_at__lt=now - datetime.timedelta(seconds=grace)
            )
            | models.Q(relayed_at__lt=now - datetime.timedelta(seconds=redeliver))
        ).order_by("after")[:1000]
    )
    if not shares:
        return 0
    enqueued, error = _relay_ranges(shares)
    if error is not None and not isinstance(error, broker.BrokerUnavailable):
        logger.warning(
            "could not enqueue %d share(s) of a full re-evaluation (the sweeper tries again): %s",
            len(shares) - enqueued,
            error,
        )
    if enqueued:
        logger.info("%d share(s) of a full re-evaluation enqueued again", enqueued)
    return enqueued


def undelivered_visit_ids(
    *, limit: int, grace: datetime.timedelta, redeliver_after: datetime.timedelta
) -> list[int]:
    """Requests older than `grace` that the relay never delivered, or delivered `redeliver_after` ago."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT visit_id FROM visits_evaluationrequest "
            "WHERE requested_at < clock_timestamp() - %(grace)s "
            "AND (relayed_at IS NULL OR relayed_at < clock_timestamp() - %(redeliver)s) "
            "ORDER BY requested_at LIMIT %(limit)s",
            {"grace": grace, "redeliver": redeliver_after, "limit": limit},
        )
        return [r[0] for r in cur.fetchall()]


def sweep(grace_seconds: int | None = None, redeliver_seconds: int | None = None) -> int:
    """Enqueue the requests the relay did not deliver; returns how many visits were enqueued.

    A request is swept once older than the grace period (the relay normally runs at
    once) if it was never relayed, or relayed more than `redeliver_seconds` ago
    (ICCWATCH_SWEEP_REDELIVER_SECONDS: its message must be lost).
    """
    grace = settings.ICCWATCH_SWEEP_GRACE_SECONDS if grace_seconds is None else grace_seconds
    redeliver = (
        settings.ICCWATCH_SWEEP_REDELIVER_SECONDS
        if redeliver_seconds is None
        else redeliver_seconds
    )
    request_outdated_rule_version()
    ids = undelivered_visit_ids(
        limit=50_000,
        grace=datetime.timedelta(seconds=grace),
        redeliver_after=datetime.timedelta(seconds=redeliver),
    )
    if ids and relay(ids):
        return len(ids)
    return 0
