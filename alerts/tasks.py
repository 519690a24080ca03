"""Thin Celery tasks: they take ids and call alerts.services."""

from celery import shared_task
from django.conf import settings

from alerts import services
from core.retries import MAIL_RETRY, retry_with
from visits.models import Report


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


@shared_task(bind=True, name="alerts.mail_reviewers", **MAIL_RETRY)
def mail_reviewers(self, report_id: int, only: list[int] | None = None) -> int:
    """Tell the reviewers that a report awaits review (`only` those account ids when
    given). A mail the server fails to take is tried again, on MAIL_RETRY's schedule, for
    the reviewers not mailed yet only: those mailed before the failure get no second mail."""
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
    not: services.send_each)."""
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


@shared_task(name="alerts.scan")
def scan() -> int:
    """Every few minutes (Celery beat): alert about every visit that calls for it now."""
    return services.scan()
