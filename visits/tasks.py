"""Thin Celery tasks: they take ids and call visits.flagging (evaluation) or visits.outbox (sweep)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from visits import flagging, outbox


@shared_task(
    name="visits.evaluate_visits",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=8,
)
def evaluate_visits_task(visit_ids: list[int]) -> int:
    """Evaluate these visits; idempotent, so a redelivered task changes nothing."""
    return flagging.evaluate_visits(visit_ids, cause="a change to its facts").changed


@shared_task(
    name="visits.reevaluate_range",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=8,
)
def reevaluate_range_task(
    after: int, upto: int, force: bool = False, share: int | None = None
) -> dict:
    """One share of a full re-evaluation: the visits with after < id <= upto, unchanged
    ones skipped (flagging.evaluate_range); idempotent. Returns the counts as a dict.
    `share`: its outbox row (visits.RangeEvaluationRequest), touched after each chunk
    written and deleted when done (None: a message enqueued before the outbox held shares).

    The shares are the scale-out: each worker's scan runs in one PostgreSQL process
    (`parallel_scan=False`), so N workers use N cores instead of competing for them with
    PostgreSQL's parallel workers (bench/RESULTS.md: 1.96x on 2 workers, 1.38-1.52x with
    parallel scans)."""
    outbox.touch_range(share)
    stats = flagging.evaluate_range(
        after,
        upto,
        force=force,
        parallel_scan=False,
        progress=lambda _stats: outbox.touch_range(share),
    )
    outbox.range_done(share)
    return {"evaluated": stats.evaluated, "computed": stats.computed, "changed": stats.changed}


@shared_task(name="visits.sweep_evaluation_requests")
def sweep_evaluation_requests() -> int:
    """Re-enqueue evaluation requests the relay could not deliver, and the shares of a
    queued full re-evaluation not enqueued or lost (run by Celery beat); returns how many
    visits' requests were enqueued."""
    swept = outbox.sweep()
    outbox.sweep_ranges()
    return swept
