"""The newsroom mails' outbox (alerts.NewsroomMail): each mail a review action owes is
recorded in the action's transaction, enqueued after commit, marked done once sent, and
enqueued again by the sweep (`alerts.sweep_mails`) when its task was lost; never sent
twice.

Tasks run inline here (no broker), as in test_alerts.py; test_mail_worker.py loses a
mail's task in a real Redis and has a real worker and beat deliver it.
"""

import datetime
import logging

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from alerts import services, tasks
from alerts.models import MailStatus, NewsroomMail
from core import roles
from iccwatch.celery import app as celery_app
from tests import mailserver
from tests.alerts.helpers import account, mongolia, putin
from tests.pipeline import publishing_to
from visits import review

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CITATIONS = [{"url": "https://news.example.org/putin-ulaanbaatar", "publisher": "Example News"}]


def report_data(**changes):
    return {
        "person": "vladimir-putin",
        "host": "MNG",
        "start": (TODAY - datetime.timedelta(days=1)).isoformat(),
        "end": (TODAY + datetime.timedelta(days=2)).isoformat(),
        "place": "Ulaanbaatar",
        "status": "occurred",
        "outcome": "not_arrested",
        **changes,
    }


@pytest.fixture
def reporter():
    return account("rita", roles.REPORTERS, email="rita@ngo.example")


@pytest.fixture
def reviewer():
    return account("victor", roles.REVIEWERS, email="victor@ngo.example")


@pytest.fixture
def mail_server(settings, tmp_path):
    """The stand-in mail server (tests/mailserver.py) as this process's mailer."""
    return mailserver.mailer(settings, tmp_path)


@pytest.fixture
def in_a_worker():
    """Tasks applied inline as a worker runs them: a retry is applied (at once), not raised."""
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = propagates


def file_report(reporter, django_capture_on_commit_callbacks, *, relayed=True, **kwargs):
    """A report by `reporter` awaiting review; with `relayed` False, its transaction's
    after-commit work is never run: the reviewers' mail is recorded, its task lost."""
    putin(), mongolia()
    with django_capture_on_commit_callbacks(execute=relayed):
        return review.file_report(
            author=reporter, data=report_data(), citations=CITATIONS, **kwargs
        )


def overdue(row: NewsroomMail) -> None:
    """Make `row` due longer ago than the sweep's redelivery delay."""
    delay = datetime.timedelta(seconds=settings.ICCWATCH_SWEEP_REDELIVER_SECONDS + 1)
    NewsroomMail.objects.filter(pk=row.pk).update(due_at=timezone.now() - delay)


def test_a_review_action_records_its_mail_in_its_transaction_and_sends_it_after_commit(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    putin(), mongolia()
    with django_capture_on_commit_callbacks() as callbacks:
        report = review.file_report(author=reporter, data=report_data(), citations=CITATIONS)
    (row,) = NewsroomMail.objects.filter(report=report)
    assert (row.action, row.status, row.unsent) == ("submitted", MailStatus.PENDING, None)
    assert mail.outbox == []  # not before commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    row.refresh_from_db()
    assert row.status == MailStatus.DONE and row.done_at is not None

    mail.outbox.clear()
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        review.reject(report, reviewer, "Aucune source ne le dit.")
    row = NewsroomMail.objects.get(report=report, action="rejected")
    assert (row.language, row.status) == ("fr", MailStatus.DONE)
    (message,) = mail.outbox
    assert message.to == [reporter.email] and "rejeté" in message.subject


def test_an_action_rolled_back_owes_no_mail(reporter, reviewer, django_capture_on_commit_callbacks):
    report = file_report(reporter, django_capture_on_commit_callbacks, submit=False)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        review.submit(report, reporter)
        raise RuntimeError("the request failed after the submission")
    assert not NewsroomMail.objects.filter(report=report).exists()
    assert mail.outbox == []


def test_a_mail_whose_task_was_lost_is_sent_by_the_sweep_once_overdue(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    """The task never ran (a Redis restarted empty): the mail waits, pending, until the
    sweep finds it overdue, then goes out once; the next sweeps leave it alone."""
    report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
    row = NewsroomMail.objects.get(report=report)
    assert services.sweep_mails() == 0  # not due yet: its task may still be in the queue
    assert mail.outbox == []
    overdue(row)
    assert tasks.sweep_mails.apply().get() == 1
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    row.refresh_from_db()
    assert row.status == MailStatus.DONE
    assert services.sweep_mails(redeliver_seconds=0) == 0
    assert len(mail.outbox) == 1


def test_a_mail_is_not_sent_twice_by_its_task_and_the_sweep(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    """The sweep enqueued a mail again while its first task still waited in the queue:
    whichever runs second sends nothing; nor does a task redelivered after it ran."""
    putin(), mongolia()
    with django_capture_on_commit_callbacks() as callbacks:
        report = review.file_report(author=reporter, data=report_data(), citations=CITATIONS)
    row = NewsroomMail.objects.get(report=report)
    assert services.sweep_mails(redeliver_seconds=0) == 1
    for callback in callbacks:  # the first task, late
        callback()
    assert tasks.send_mail.apply(args=[row.pk]).get() == 0  # redelivered
    assert [m.to for m in mail.outbox] == [[reviewer.email]]


def three_reviewers():
    """Three reviewers with addresses, mailed in this order (by account)."""
    return [
        account(name, roles.REVIEWERS, email=f"{name}@ngo.example")
        for name in ("ada", "ben", "zoe")
    ]


def test_a_mail_the_request_could_not_send_is_sent_by_the_sweep_to_those_not_mailed(
    reporter, mail_server, dead_port, caplog, django_capture_on_commit_callbacks
):
    """The broker down, the mail is sent from the request; the mail server hangs up after
    the first reviewer's: the others are recorded, and the sweep mails them only."""
    ada, ben, zoe = three_reviewers()
    mailserver.prepare(mail_server, [mailserver.DELIVERED, "disconnected"])
    with publishing_to(f"redis://127.0.0.1:{dead_port}/0"):
        report = file_report(reporter, django_capture_on_commit_callbacks)
    row = NewsroomMail.objects.get(report=report)
    assert (row.status, row.unsent) == (MailStatus.PENDING, [ben.pk, zoe.pk])
    assert [m["to"] for m in mailserver.sent(mail_server)] == [[ada.email]]
    assert any(
        r.levelno == logging.ERROR and f"newsroom mail {row.pk} not sent now" in r.getMessage()
        for r in caplog.records
    )
    assert services.sweep_mails(redeliver_seconds=0) == 1
    assert [m["to"] for m in mailserver.sent(mail_server)] == [
        [ada.email],
        [ben.email],
        [zoe.email],
    ]
    row.refresh_from_db()
    assert row.status == MailStatus.DONE


def test_a_reviewers_mail_the_server_fails_is_tried_again_for_the_reviewers_not_mailed(
    reporter, mail_server, in_a_worker, django_capture_on_commit_callbacks
):
    """The server hangs up after the first reviewer's mail: the task is tried again for
    the others only, and each reviewer gets one mail."""
    ada, ben, zoe = three_reviewers()
    mailserver.prepare(mail_server, [mailserver.DELIVERED, "disconnected"])
    report = file_report(reporter, django_capture_on_commit_callbacks)
    assert [m["to"] for m in mailserver.sent(mail_server)] == [
        [ada.email],
        [ben.email],
        [zoe.email],
    ]
    assert len(mailserver.tried(mail_server)) == 4  # ben's twice
    assert NewsroomMail.objects.get(report=report).status == MailStatus.DONE


def test_a_mail_waiting_for_its_retry_is_left_to_it_and_one_failed_for_good_to_nobody(
    reporter, reviewer, mail_server, django_capture_on_commit_callbacks
):
    """A failed try puts the mail's next one `retry_in` seconds away: the sweep leaves it
    to the task's retry until then. After the last retry the mail is marked failed, and
    no sweep tries it again."""
    report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
    row = NewsroomMail.objects.get(report=report)
    mailserver.prepare(mail_server, ["disconnected", "disconnected"])
    with pytest.raises(services.MailsNotSent):
        services.send_recorded_mail(row.pk, retry_in=600)
    row.refresh_from_db()
    assert row.status == MailStatus.PENDING
    assert row.due_at > timezone.now() + datetime.timedelta(seconds=590)
    assert services.sweep_mails(redeliver_seconds=0) == 0
    with pytest.raises(services.MailsNotSent):
        services.send_recorded_mail(row.pk, final=True)
    row.refresh_from_db()
    assert row.status == MailStatus.FAILED and row.unsent == [reviewer.pk]
    overdue(row)
    assert services.sweep_mails(redeliver_seconds=0) == 0
    assert mailserver.sent(mail_server) == []


def test_beat_sweeps_the_mails_on_the_evaluations_period():
    (entry,) = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "alerts.sweep_mails"
    ]
    sweeper = settings.CELERY_BEAT_SCHEDULE["sweep-evaluation-requests"]
    assert entry["schedule"] == sweeper["schedule"]
    assert "alerts.sweep_mails" in celery_app.tasks


def test_the_admin_lists_the_newsroom_mails_read_only(
    reporter, reviewer, django_capture_on_commit_callbacks, admin_client
):
    report = file_report(reporter, django_capture_on_commit_callbacks)
    row = NewsroomMail.objects.get(report=report)
    page = admin_client.get(reverse("admin:alerts_newsroommail_changelist"))
    assert page.status_code == 200
    assert reverse("admin:alerts_newsroommail_change", args=[row.pk]) in page.content.decode()
    page = admin_client.get(reverse("admin:alerts_newsroommail_change", args=[row.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.get(reverse("admin:alerts_newsroommail_add")).status_code == 403
