"""How a mail task is tried again when what it depends on fails for a while.

`MAIL_RETRY` is the Celery task options of every mail the project sends from a worker
(the password link, newsroom.tasks; the reviewers' and the author's mails,
alerts.tasks): a mail server that refuses the connection or times out (OSError, which
covers smtplib's errors) or a database that cannot be reached (OperationalError,
InterfaceError) makes the worker try the task again, on the webhooks' schedule
(README, "Outages"): ICCWATCH_WEBHOOK_RETRY_BACKOFF seconds (30), then twice as long
each time, at most ICCWATCH_WEBHOOK_RETRY_BACKOFF_MAX (3,600), without jitter, up to
ICCWATCH_WEBHOOK_MAX_RETRIES (8) times: some two hours in all by default, so a mail
server down for an hour loses no mail. (Celery's own `retry_backoff=True` waits a
random 0–1, 0–2 … 0–128 s: about two minutes in all.)

`retry_delays(task)` gives the seconds the worker waits before each retry of a task
declared with these options, [30, 60, …] by default.
"""

from __future__ import annotations

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import InterfaceError, OperationalError

MAIL_RETRY = {
    "autoretry_for": (OSError, OperationalError, InterfaceError),
    "retry_backoff": settings.ICCWATCH_WEBHOOK_RETRY_BACKOFF,
    "retry_backoff_max": settings.ICCWATCH_WEBHOOK_RETRY_BACKOFF_MAX,
    "retry_jitter": False,
    "max_retries": settings.ICCWATCH_WEBHOOK_MAX_RETRIES,
}


def retry_delays(task) -> list[int]:
    """The seconds a worker waits before each retry of `task` (a Celery task declared with
    `retry_backoff`), as Celery computes them (celery.app.autoretry); with jitter, the
    most it may wait. One entry per retry, `task.max_retries` of them."""
    factor = task.retry_backoff if task.retry_backoff is not True else 1
    return [
        get_exponential_backoff_interval(
            factor=int(factor), retries=n, maximum=task.retry_backoff_max, full_jitter=False
        )
        for n in range(task.max_retries)
    ]
