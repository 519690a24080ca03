"""Connected to visits.review's signals (sent after commit).

The change they report is committed: a failure here (a mail server error, a broker
outage) is logged and never fails the reviewer's request; the scan catches up with
urgent alerts. A newsroom mail the broker cannot take is sent at once instead, in the
request, rather than lost.
"""

import logging

from django.dispatch import receiver
from django.utils import translation

from alerts import services
from alerts.services import AUTHOR_MAILED, enqueue
from visits.review import report_reviewed, report_submitted

logger = logging.getLogger(__name__)


@receiver(report_submitted, dispatch_uid="alerts-mail-reviewers")
def report_awaits_review(sender, report, **kwargs):
    try:
        if not enqueue("alerts.mail_reviewers", report.pk):
            # The broker could not take it: sent now, as a password reset is, not lost.
            services.mail_reviewers(report)
    except Exception:  # noqa: BLE001 - see the module's docstring
        logger.exception("could not mail the reviewers about report %s", report.pk)


@receiver(report_reviewed, dispatch_uid="alerts-mail-author")
def tell_the_author(sender, report, action, **kwargs):
    # The language the reviewer acted in (the request's, active while it commits; a shell
    # or a command acts in the site's default, English): the mail's when the author never
    # used the newsroom, whose language is the mail's otherwise (services.mail_author).
    if action not in AUTHOR_MAILED:
        return
    language = translation.get_language()
    try:
        if not enqueue("alerts.mail_author", report.pk, action, language):
            # The broker could not take it: sent now, as a password reset is, not lost.
            services.mail_author(report, action, language)
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
