"""Connected to visits.review's signals (sent after commit).

The change they report is committed: a failure here (a broker outage, or a mail server
error while tasks run inline) is logged and never fails the reviewer's request; the
scan catches up with urgent alerts.
"""

import logging

from django.dispatch import receiver
from django.utils import translation

from alerts.services import AUTHOR_MAILED, enqueue
from visits.review import report_reviewed, report_submitted

logger = logging.getLogger(__name__)


@receiver(report_submitted, dispatch_uid="alerts-mail-reviewers")
def report_awaits_review(sender, report, **kwargs):
    try:
        enqueue("alerts.mail_reviewers", report.pk)
    except Exception:  # noqa: BLE001 - see the module's docstring
        logger.exception("could not mail the reviewers about report %s", report.pk)


@receiver(report_reviewed, dispatch_uid="alerts-mail-author")
def tell_the_author(sender, report, action, **kwargs):
    # In the language the reviewer acted in: the request's, active while it commits (a
    # shell or a command acts in the site's default, English).
    if action not in AUTHOR_MAILED:
        return
    try:
        enqueue("alerts.mail_author", report.pk, action, translation.get_language())
    except Exception:  # noqa: BLE001 - see the module's docstring
        logger.exception("could not mail the author of report %s", report.pk)


@receiver(report_reviewed, dispatch_uid="alerts-check-verified-visit")
def report_was_reviewed(sender, report, action, **kwargs):
    if action != "verified" or not report.visit_id:
        return
    try:
        enqueue("alerts.check_visit", report.visit_id)
    except Exception:  # noqa: BLE001 - see the module's docstring
        logger.exception("could not check visit %s for an urgent alert", report.visit_id)
