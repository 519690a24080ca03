"""Connected to visits.review's signals (sent in the transaction of the review action).

A newsroom mail is recorded in that transaction (services.record_mail, the outbox): the
action and the mail it owes are committed together or not at all, and after commit the
mail is enqueued, or sent at once, in the request, when the broker cannot take it; the
sweep (`alerts.sweep_mails`) enqueues again one whose task was lost. The check for an
urgent alert is enqueued after commit: a failure then (a broker outage) is logged and
never fails the reviewer's request; the alerts scan catches up.
"""

import logging

from django.db import transaction
from django.dispatch import receiver
from django.utils import translation

from alerts import services
from alerts.services import AUTHOR_MAILED, REVIEWERS_MAILED, enqueue
from visits.review import report_reviewed, report_submitted

logger = logging.getLogger(__name__)


@receiver(report_submitted, dispatch_uid="alerts-mail-reviewers")
def report_awaits_review(sender, report, **kwargs):
    services.record_mail(report, REVIEWERS_MAILED)


@receiver(report_reviewed, dispatch_uid="alerts-mail-author")
def tell_the_author(sender, report, action, **kwargs):
    # The language the reviewer acted in (the request's; a shell or a command acts in the
    # site's default, English): the mail's when the author never used the newsroom, whose
    # language is the mail's otherwise (services.mail_author).
    if action not in AUTHOR_MAILED:
        return
    services.record_mail(report, action, translation.get_language())


@receiver(report_reviewed, dispatch_uid="alerts-check-verified-visit")
def report_was_reviewed(sender, report, action, **kwargs):
    if action != "verified" or not report.visit_id:
        return
    transaction.on_commit(lambda: check_visit(report.visit_id), robust=True)


def check_visit(visit_id: int) -> None:
    """Enqueue the check of a verified visit for an urgent alert; never raises (the alerts
    scan catches up with what it could not enqueue)."""
    try:
        enqueue("alerts.check_visit", visit_id)
    except Exception:  # noqa: BLE001 - see the module's docstring
        logger.exception("could not check visit %s for an urgent alert", visit_id)
