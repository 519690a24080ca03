"""Connected to visits.review's signals (sent after commit)."""

from django.dispatch import receiver

from alerts.services import enqueue
from visits.review import report_reviewed, report_submitted


@receiver(report_submitted, dispatch_uid="alerts-mail-reviewers")
def report_awaits_review(sender, report, **kwargs):
    enqueue("alerts.mail_reviewers", report.pk)


@receiver(report_reviewed, dispatch_uid="alerts-check-verified-visit")
def report_was_reviewed(sender, report, action, **kwargs):
    if action == "verified" and report.visit_id:
        enqueue("alerts.check_visit", report.visit_id)
