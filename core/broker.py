"""Enqueueing Celery tasks without waiting, task after task, on a broker that just failed.

While Redis (the broker) is down or hung, each try to enqueue waits for the broker's
timeouts (CELERY_BROKER_CONNECTION_TIMEOUT, the socket timeouts: some 2 s): verifying a
report, which enqueues its evaluation, the author's mail and the check for an urgent
alert, took 7 s. `send` enqueues through this process's gate instead: after a failure
the process leaves the broker alone for PAUSE_SECONDS, and `send` raises
`BrokerUnavailable` at once, with no connection attempt. Each caller then does what it
does when the broker fails, and nothing accepted is lost:

- an evaluation request stays in the outbox, unrelayed, for the sweeper (visits.outbox);
- a newsroom mail (reviewers, author, password link) is sent inline, from the request;
- a delivery of an urgent alert, or the check of a verified visit, waits for the alerts
  scan (alerts.services).

The failure is logged once per pause, a warning that says how many tasks the previous
pause left to those fallbacks; the callers log what they leave at DEBUG only. The first
try after a pause is a real one: if the broker is back, nothing more happens.

Without a broker (CELERY_TASK_ALWAYS_EAGER: development, the tests) tasks run inline and
nothing is paused: `send` is the task's `apply_async`, its errors propagate.
"""

from __future__ import annotations

import logging
import threading
import time

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# How long a process leaves the broker alone after a failure: short, as the work waits
# meanwhile (the sweeper runs every ICCWATCH_SWEEP_SECONDS, 30, and takes only requests
# older than its grace), long enough that one outage costs a process one timeout per
# pause, not one per task.
PAUSE_SECONDS = 30.0

_state = {"paused_until": None, "skipped": 0}
_lock = threading.Lock()


class BrokerUnavailable(Exception):
    """The task was not enqueued: the broker failed now (the error is its `__cause__`) or
    failed less than PAUSE_SECONDS ago in this process (nothing was tried, `paused`)."""

    def __init__(self, message: str, *, paused: bool):
        super().__init__(message)
        self.paused = paused


def _now() -> float:
    return time.monotonic()


def _broker_errors(task) -> tuple[type[BaseException], ...]:
    """What a failed publish raises when the broker is at fault: Celery's wrapping of a
    connection error, and the transport's own connection and channel errors (kombu's lists:
    a socket error, redis-py's ConnectionError and TimeoutError, ...)."""
    connection = task.app.connection_for_write()
    try:
        return (OperationalError, *connection.connection_errors, *connection.channel_errors)
    finally:
        connection.release()


def paused() -> bool:
    """Whether this process is leaving the broker alone now (it failed less than
    PAUSE_SECONDS ago)."""
    until = _state["paused_until"]
    return until is not None and _now() < until


def send(task, **options):
    """`task.apply_async(**options)` (a task or a signature), unless the broker failed less
    than PAUSE_SECONDS ago in this process: then BrokerUnavailable at once, nothing tried.

    A failure of the broker pauses this process, is logged once (with how many tasks the
    last pause skipped) and raises BrokerUnavailable from the broker's error; any other
    error (a task's arguments that do not serialize) propagates as it is and pauses
    nothing. Inline (CELERY_TASK_ALWAYS_EAGER) the task runs and its errors propagate."""
    if task.app.conf.task_always_eager:
        return task.apply_async(**options)
    with _lock:
        if paused():
            _state["skipped"] += 1
            raise BrokerUnavailable(
                f"the broker failed less than {PAUSE_SECONDS:.0f} s ago: not tried", paused=True
            )
    try:
        return task.apply_async(**options)
    except Exception as exc:
        if not isinstance(exc, _broker_errors(task)):
            raise
        _pause(exc)
        raise BrokerUnavailable(f"the broker could not take the task: {exc}", paused=False) from exc


def _pause(exc: Exception) -> None:
    with _lock:
        if paused():  # another thread's try failed first, and warned
            _state["skipped"] += 1
            return
        _state["paused_until"] = _now() + PAUSE_SECONDS
        skipped, _state["skipped"] = _state["skipped"], 0
    logger.warning(
        "the broker could not take a task (%s); this process enqueues nothing for the next "
        "%d s: the sweeper will enqueue the evaluations, the newsroom's mails are sent from "
        "the request and the alerts scan sends the alerts%s",
        exc,
        PAUSE_SECONDS,
        f" ({skipped} task(s) left to them in the previous pause)" if skipped else "",
    )


def resume() -> None:
    """End a pause: the next `send` tries the broker (the tests switch brokers with it)."""
    with _lock:
        _state["paused_until"] = None
        _state["skipped"] = 0
