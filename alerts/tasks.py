"""Thin Celery tasks: they take ids and call alerts.services."""

import logging

from celery import shared_task
from django.conf import settings

from alerts import services
from core.retries import MAIL_RETRY, retry_delay, retry_with
from visits.models import Report

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="alerts.deliver",
    autoretry_for=(services.RetryableFailure,),
    retry_backoff=settings.ICCWATCH_WEBHOOK_RETRY_BACKOFF,
    retry_backoff_max=settings.ICCWATCH_WEBHOOK_RETRY_BACKOFF_MAX,
    retry_jitter=False,
    max_retries=settings.ICCWATCH_WEBHOOK_MAX_RETRIES,
)
def deliver(self, delivery_id: int) -> str:
    """Send one delivery; a retryable failure is retried after 1, 2, 4, ... × the back-off."""
    return services.attempt(delivery_id, final=self.request.retries >= self.max_retries)


@shared_task(bind=True, name=services.SEND_MAIL_TASK, **MAIL_RETRY)
def send_mail(self, mail_id: int) -> int:
    """Send a recorded newsroom mail (alerts.NewsroomMail: the reviewers' or the author's)
    and mark it done (services.send_recorded_mail); one already done, or being sent by
    another worker, is not sent again. A try that fails (the mail server, the database)
    is tried again, on MAIL_RETRY's schedule, for the accounts not mailed yet only (the
    reviewers mailed before the failure get no second mail); the mail is marked failed
    once it has been tried services.MAIL_ATTEMPTS times in all, or after the task's last
    retry.

    Inline (no broker: CELERY_TASK_ALWAYS_EAGER), Celery would run every retry at once,
    with no wait between (a mail server down for a moment would get all the tries in a
    row and the mail be marked failed), or, propagating eager failures as the settings
    do, raise the retry to the caller (a sweep stopped by it). There a failure that may
    pass is not retried: the task returns 0, and the mail stays pending, for the next try
    or the sweep."""
    eager = self.request.is_eager
    final = self.request.retries >= self.max_retries
    try:
        return services.send_recorded_mail(
            mail_id,
            retry_in=None if eager else retry_delay(self, self.request.retries),
            final=final,
        )
    except services.MailsNotSent as failed:
        if eager:
            return 0  # services logged it; the mail is pending
        raise retry_with(self, failed) from failed.__cause__
    except self.autoretry_for as error:
        if eager:
            logger.warning("newsroom mail %s not sent, left to the sweep: %s", mail_id, error)
            return 0
        raise


# The two tasks below are those of the releases before the outbox (alerts.NewsroomMail),
# which enqueued them by report: kept so that a message such a release left in the queue
# is still sent. Nothing enqueues them now.


@shared_task(bind=True, name="alerts.mail_reviewers", **MAIL_RETRY)
def mail_reviewers(self, report_id: int, only: list[int] | None = None) -> int:
    """Tell the reviewers that a report awaits review (`only` those account ids when
    given). A mail the server fails to take is tried again, on MAIL_RETRY's schedule, for
    the reviewers not mailed yet only: those mailed before the failure get no second mail.
    A message an earlier release queued: see send_mail."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return 0
    try:
        return services.mail_reviewers(report, only=only)
    except services.MailsNotSent as failed:
        raise retry_with(self, failed, kwargs={"only": failed.unsent}) from failed.__cause__


@shared_task(bind=True, name="alerts.mail_author", **MAIL_RETRY)
def mail_author(self, report_id: int, action: str, language: str | None = None) -> int:
    """Tell a report's author that it was sent back, verified or rejected; a mail the
    server fails to take is tried again on MAIL_RETRY's schedule (one refused for good is
    not: services.send_each). A message an earlier release queued: see send_mail."""
    report = (
        Report.objects.select_related("author__newsroom_language", "reviewer")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return 0
    try:
        return services.mail_author(report, action, language)
    except services.MailsNotSent as failed:
        raise retry_with(self, failed) from failed.__cause__


@shared_task(bind=True, name="alerts.check_visit", max_retries=24)
def check_visit(self, visit_id: int) -> int:
    """After a verification: alert if the visit calls for it, once its verdict is written."""
    created = services.check_visit(visit_id)
    if created is None:  # the verdict is not written yet: look again in a few seconds
        if self.request.is_eager:
            return 0  # inline, nothing evaluates meanwhile: the next scan will see it
        raise self.retry(countdown=5)
    return created


@shared_task(name="alerts.sweep_mails")
def sweep_mails() -> int:
    """Every ICCWATCH_SWEEP_SECONDS (Celery beat): enqueue again the newsroom mails whose
    task was lost or never enqueued (services.sweep_mails)."""
    return services.sweep_mails()


@shared_task(name="alerts.scan")
def scan() -> int:
    """Every few minutes (Celery beat): alert about every visit that calls for it now."""
    return services.scan()
