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
declared with these options, [30, 60, …] by default; `retry_with(task, error, **options)`
retries the running task on that schedule with other arguments (the recipients a mail
has not reached yet).

`MailNotSent(text)`: the failure a task raises in place of a mail server's error that may
quote the mail, so that Celery's own log lines of its retries hold no secret.

`refused_for_good(error)`: whether a mail server's error is a permanent refusal of the
recipient or the message (a 5xx answer), which no later try would change: such a mail is logged and dropped, never
retried, and its other recipients still mailed.

`failure_words(error, connection)`: what stopped a mail, as every mail's log line tells it
(README, "Logs"): the error's class and words and the mail server it came from.
"""

from __future__ import annotations

import smtplib

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


class MailNotSent(OSError):
    """A mail the server did not take, told with no secret in it: what a mail task raises in
    place of the mail server's own error when that error may quote the mail (a content
    filter's answer quoting a password link), since Celery writes a retried or failed
    task's exception, and its cause, to its log as they are. An OSError, so that MAIL_RETRY
    retries it as it would the server's error. `str()` is the text given (the error's type
    and message, secrets replaced by '[redacted]')."""


def retry_delay(task, retries: int) -> int:
    """The seconds a worker waits before the retry that follows `retries` retries of `task`
    (a Celery task declared with `retry_backoff`), as Celery computes it
    (celery.app.autoretry); with jitter, the most it may wait."""
    factor = task.retry_backoff if task.retry_backoff is not True else 1
    return get_exponential_backoff_interval(
        factor=int(factor), retries=retries, maximum=task.retry_backoff_max, full_jitter=False
    )


def retry_delays(task) -> list[int]:
    """retry_delay before each retry of `task`: one entry per retry, `task.max_retries`
    of them."""
    return [retry_delay(task, n) for n in range(task.max_retries)]


def retry_with(task, error: Exception, **options):
    """Retry the running `task` (bound, declared with MAIL_RETRY) after retry_delay, as its
    autoretry would, with `options` for Celery's Task.retry (`kwargs`: the next try's).
    Raises celery's Retry, or `error` once the task has had its max_retries."""
    countdown = retry_delay(task, task.request.retries)
    return task.retry(exc=error, countdown=countdown, **options)


def refused_for_good(error: OSError) -> bool:
    """Whether the mail server refused the mail with a permanent answer (SMTP's 5xx: the
    recipient or the message refused), which a later try would get again. A lost or
    refused connection, a timeout or a 4xx answer (greylisting, a full mailbox, a server
    busy) may pass: False. So may a refusal of the site's own account or sender address
    (535 to its sign-in, a 5xx to its MAIL FROM: EMAIL_HOST_PASSWORD rotated, a sender the
    server no longer relays), which the operator fixes and after which the same mail goes
    through: False, retried on MAIL_RETRY's schedule, not every mail of those hours lost."""
    if isinstance(error, (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused)):
        return False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in error.recipients.values()]
    elif isinstance(error, smtplib.SMTPResponseException):
        codes = [error.smtp_code]
    else:
        return False
    return bool(codes) and all(500 <= code < 600 for code in codes)


def failure_words(error: BaseException, connection=None) -> str:
    """What stopped a mail, for the log: the error's class and message
    ("ConnectionRefusedError: [Errno 111] Connection refused", an SMTP answer's code and
    words), and the mail server it came from ("smtp.example.org:587") when `connection`
    is an SMTP connection (a mail backend with `host` and `port`, such as Django's
    smtp.EmailBackend). Never the account's password: only the host and port are read
    from the connection, and an SMTP answer holds no password. The words of an error that
    may quote the mail (a content filter's answer) are the caller's to redact."""
    words = f"{type(error).__name__}: {error}"
    host, port = getattr(connection, "host", None), getattr(connection, "port", None)
    if host:
        words += f" (mail server {host}:{port})" if port else f" (mail server {host})"
    return words
