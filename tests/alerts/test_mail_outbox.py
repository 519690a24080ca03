"""The newsroom mails' outbox (alerts.NewsroomMail): each mail a review action owes is
recorded in the action's transaction, enqueued after commit, marked done once sent, and
enqueued again by the sweep (`alerts.sweep_mails`) when its task was lost; never sent
twice.

Tasks run inline here (no broker), as in test_alerts.py; test_mail_worker.py loses a
mail's task in a real Redis and has a real worker and beat deliver it.
"""

import datetime
import logging
import smtplib
import socket
import socketserver
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models import F
from django.template import TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone, translation

from alerts import services, tasks
from alerts.models import MailStatus, NewsroomMail
from core import roles
from iccwatch.celery import app as celery_app
from tests import mailserver
from tests.alerts.helpers import account, mongolia, putin, report_data
from tests.pipeline import publishing_to
from visits import review

pytestmark = pytest.mark.django_db

CITATIONS = [{"url": "https://news.example.org/putin-ulaanbaatar", "publisher": "Example News"}]


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


@pytest.mark.parametrize("propagates", [True, False], ids=["propagated", "applied"])
def test_without_a_broker_a_failed_try_is_not_retried_inline_but_left_to_the_sweep(
    propagates, reporter, mail_server, caplog, django_capture_on_commit_callbacks
):
    """Inline (no broker), Celery either ran a task's retries at once, one after the other
    (eager failures not propagated: a mail server down for a moment got every try in a
    row, and the mail was marked failed for good), or raised the retry to the caller (the
    settings: "Retry in 30s", which nothing would do, and a sweep stopped by it). The
    task is tried once and returns; the mail stays pending for the reviewers not mailed,
    and the sweep tries it again, then mails them (and only them) once the server is back."""
    ada, ben, zoe = three_reviewers()
    down = ["connection refused"] * (services.MAIL_ATTEMPTS + 1)
    mailserver.prepare(mail_server, [mailserver.DELIVERED, *down])
    saved = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = propagates
    try:
        report = file_report(reporter, django_capture_on_commit_callbacks)
        assert len(mailserver.tried(mail_server)) == 2  # ada's, then ben's once
        row = NewsroomMail.objects.get(report=report)
        assert (row.status, row.attempts) == (MailStatus.PENDING, 1)
        assert (row.unsent, row.due_at <= timezone.now()) == ([ben.pk, zoe.pk], True)
        overdue(row)
        assert services.sweep_mails() == 1  # the server still down: pending again
        assert len(mailserver.tried(mail_server)) == 3
        mailserver.prepare(mail_server, [])  # the server is back
        overdue(row)
        assert services.sweep_mails() == 1
    finally:
        celery_app.conf.task_eager_propagates = saved
    assert "Retry in" not in caplog.text
    assert [m["to"] for m in mailserver.sent(mail_server)] == [[ben.email], [zoe.email]]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.DONE, 3)


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
    assert services.send_recorded_mail(row.pk, final=True) == 0
    row.refresh_from_db()
    assert row.status == MailStatus.FAILED and row.unsent == [reviewer.pk]
    overdue(row)
    assert services.sweep_mails(redeliver_seconds=0) == 0
    assert mailserver.sent(mail_server) == []


def test_a_try_that_fails_for_any_cause_is_counted_and_the_last_marks_the_mail_failed(
    reporter, reviewer, mail_server, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """Only the mail server's failures were recorded: a template's error rolled the try
    back, left the mail due when it was, and the sweep sent it again, for ever, with fresh
    retries. Each try is counted before it sends; a failed one, whatever the cause, puts
    the next one `retry_in` away, and the MAIL_ATTEMPTS-th marks the mail failed."""
    report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
    row = NewsroomMail.objects.get(report=report)

    def broken_template(*args, **kwargs):
        raise TemplateSyntaxError("Invalid block tag: 'endblok'")

    monkeypatch.setattr(services, "render_to_string", broken_template)
    for attempt in range(1, services.MAIL_ATTEMPTS):
        with pytest.raises(TemplateSyntaxError):
            services.send_recorded_mail(row.pk, retry_in=600)
        row.refresh_from_db()
        assert (row.status, row.attempts) == (MailStatus.PENDING, attempt)
        assert row.due_at > timezone.now() + datetime.timedelta(seconds=590)
        assert services.sweep_mails(redeliver_seconds=0) == 0
    assert services.send_recorded_mail(row.pk, retry_in=600) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.FAILED, services.MAIL_ATTEMPTS)
    assert any(
        r.levelno == logging.ERROR and f"newsroom mail {row.pk} " in r.getMessage()
        for r in caplog.records
    )
    overdue(row)
    assert services.sweep_mails(redeliver_seconds=0) == 0
    assert mailserver.tried(mail_server) == []


def test_a_mail_that_found_its_tries_spent_is_marked_failed_unsent(
    reporter, reviewer, mail_server, django_capture_on_commit_callbacks
):
    """A mail whose every try was taken (a worker died during its last) is not sent a
    MAIL_ATTEMPTS + 1-th time: the next try marks it failed."""
    report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
    row = NewsroomMail.objects.get(report=report)
    NewsroomMail.objects.filter(pk=row.pk).update(attempts=services.MAIL_ATTEMPTS)
    assert tasks.send_mail.apply(args=[row.pk]).get() == 0
    row.refresh_from_db()
    assert row.status == MailStatus.FAILED
    assert mailserver.tried(mail_server) == []


def test_an_error_after_the_mails_went_out_leaves_them_sent_once(
    reporter, mail_server, monkeypatch, django_capture_on_commit_callbacks
):
    """The server drops the line as the connection is closed, after every mail went
    through: the try was rolled back, "done" with it, and every reviewer mailed again. The
    progress is kept: the mail is done, and no try sends it again."""
    ada, ben, zoe = three_reviewers()

    def hang_up(self):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(mailserver.FlakyMailServer, "close", hang_up)
    report = file_report(reporter, django_capture_on_commit_callbacks)
    row = NewsroomMail.objects.get(report=report)
    assert (row.status, row.unsent) == (MailStatus.DONE, [])
    overdue(row)
    assert services.sweep_mails(redeliver_seconds=0) == 0
    assert tasks.send_mail.apply(args=[row.pk]).get() == 0
    assert [m["to"] for m in mailserver.sent(mail_server)] == [
        [ada.email],
        [ben.email],
        [zoe.email],
    ]


def test_no_transaction_is_open_while_the_mail_server_is_talked_to(
    reporter, mail_server, monkeypatch, django_capture_on_commit_callbacks
):
    """The mail was sent with its row locked, in a transaction open for the whole SMTP
    conversation (a timeout per reviewer), whose failing commit had everyone mailed
    again. It is claimed and committed first (sending, leased), each mail is sent with no
    transaction open, and who is left is written after each one."""
    ada, ben, zoe = three_reviewers()
    report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
    row = NewsroomMail.objects.get(report=report)
    seen = []
    send_messages = mailserver.FlakyMailServer.send_messages

    def watched(self, messages):
        now = timezone.now()
        mail = NewsroomMail.objects.get(pk=row.pk)
        assert mail.lease_until > now
        seen.append((len(connection.atomic_blocks), mail.status, mail.unsent))
        return send_messages(self, messages)

    monkeypatch.setattr(mailserver.FlakyMailServer, "send_messages", watched)
    outside = len(connection.atomic_blocks)  # the test's own
    assert services.send_recorded_mail(row.pk) == 3
    assert seen == [
        (outside, MailStatus.SENDING, None),
        (outside, MailStatus.SENDING, [ben.pk, zoe.pk]),
        (outside, MailStatus.SENDING, [zoe.pk]),
    ]
    row.refresh_from_db()
    assert (row.status, row.unsent, row.lease_until) == (MailStatus.DONE, [], None)


def test_a_mail_whose_worker_died_part_way_is_taken_back_once_its_lease_ran_out(
    reporter, mail_server, django_capture_on_commit_callbacks
):
    """A worker killed while it mails the second reviewer: the first stays mailed, the mail
    stays leased to the dead worker (a task redelivered meanwhile, or the sweep, leaves it
    alone), and once the lease ran out the sweep takes it back and the rest is mailed:
    each reviewer once."""
    ada, ben, zoe = three_reviewers()
    report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
    row = NewsroomMail.objects.get(report=report)
    mailserver.prepare(mail_server, [mailserver.DELIVERED, "worker killed"])
    with pytest.raises(mailserver.WorkerKilled):
        services.send_recorded_mail(row.pk)
    row.refresh_from_db()
    assert (row.status, row.unsent) == (MailStatus.SENDING, [ben.pk, zoe.pk])
    assert tasks.send_mail.apply(args=[row.pk]).get() == 0
    assert services.sweep_mails(redeliver_seconds=0) == 0
    assert [m["to"] for m in mailserver.sent(mail_server)] == [[ada.email]]

    NewsroomMail.objects.filter(pk=row.pk).update(lease_until=timezone.now())
    assert services.sweep_mails() == 1
    assert [m["to"] for m in mailserver.sent(mail_server)] == [
        [ada.email],
        [ben.email],
        [zoe.email],
    ]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.DONE, 2)


def test_a_try_whose_mail_was_taken_back_stops_sending(
    reporter, mail_server, monkeypatch, django_capture_on_commit_callbacks
):
    """A try so slow that its lease ran out, and the mail was claimed by another: it stops
    after the mail in flight, leaving the others to that try."""
    ada, ben, zoe = three_reviewers()
    report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
    row = NewsroomMail.objects.get(report=report)
    send_messages = mailserver.FlakyMailServer.send_messages

    def slow(self, messages):
        # Meanwhile the lease ran out and another try claimed the mail.
        NewsroomMail.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        return send_messages(self, messages)

    monkeypatch.setattr(mailserver.FlakyMailServer, "send_messages", slow)
    assert services.send_recorded_mail(row.pk) == 0
    assert [m["to"] for m in mailserver.sent(mail_server)] == [[ada.email]]
    row.refresh_from_db()
    assert (row.status, row.unsent) == (MailStatus.SENDING, None)


def test_the_sweep_waits_twice_as_long_each_time_it_enqueues_a_mail_again(
    reporter, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    """A long backlog kept a mail's first task waiting: the sweep enqueued it again every
    redelivery delay, each message one more in the queue. It waits the delay, then twice
    as long after each time it enqueued the mail (recording when), and starts over once a
    task took it."""
    report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
    row = NewsroomMail.objects.get(report=report)
    enqueued = []
    monkeypatch.setattr(services, "enqueue", lambda name, *args: enqueued.append(args) or True)
    start, delay = row.due_at, 100
    clock = {"now": start}
    monkeypatch.setattr(services.timezone, "now", lambda: clock["now"])

    def sweep_at(seconds: int) -> int:
        clock["now"] = start + datetime.timedelta(seconds=seconds)
        return services.sweep_mails(redeliver_seconds=delay)

    assert [sweep_at(s) for s in (delay - 1, delay)] == [0, 1]
    assert [sweep_at(s) for s in (3 * delay - 1, 3 * delay)] == [0, 1]  # 2 × the delay
    assert [sweep_at(s) for s in (7 * delay - 1, 7 * delay)] == [0, 1]  # 4 ×
    row.refresh_from_db()
    assert row.sweeps == 3
    assert row.enqueued_at == start + datetime.timedelta(seconds=7 * delay)
    assert enqueued == [(row.pk,)] * 3
    assert services.sweep_wait(delay, 50) == 2**services.SWEEP_BACKOFF_MAX * delay

    monkeypatch.undo()
    assert services.send_recorded_mail(row.pk) == 1  # a task took it: the count starts over
    row.refresh_from_db()
    assert (row.status, row.sweeps) == (MailStatus.DONE, 0)


def test_a_sweep_the_broker_refuses_leaves_a_mail_a_try_took_meanwhile_as_that_try_left_it(
    reporter, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    """The broker refused the sweep's message; meanwhile an older task had claimed the mail
    (its count reset) and failed, setting its retry's due time. Undoing the sweep's count
    took it to -1: the table's check stopped the sweep with an IntegrityError, and the
    retry's due time was overwritten. A mail the sweep left as it was is put back."""
    report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
    row = NewsroomMail.objects.get(report=report)
    overdue(row)
    retry_at = timezone.now() + datetime.timedelta(seconds=600)

    def refused_after_a_try_took_it(name, *args):
        NewsroomMail.objects.filter(pk=row.pk).update(sweeps=0, due_at=retry_at)
        return False

    monkeypatch.setattr(services, "enqueue", refused_after_a_try_took_it)
    assert services.sweep_mails(redeliver_seconds=0) == 0
    row.refresh_from_db()
    assert (row.status, row.sweeps, row.due_at) == (MailStatus.PENDING, 0, retry_at)

    overdue(row)
    monkeypatch.setattr(services, "enqueue", lambda name, *args: False)
    assert services.sweep_mails(redeliver_seconds=0) == 0
    row.refresh_from_db()  # refused with nobody else at it: as it was, due now
    assert (row.sweeps, row.enqueued_at) == (0, None) and row.due_at <= timezone.now()


def test_a_try_that_fails_after_its_mail_was_taken_back_leaves_it_to_the_other(
    reporter, mail_server, monkeypatch, django_capture_on_commit_callbacks
):
    """A slow try whose lease another took, then failed: it wrote nothing (the mail is
    the other's), yet logged it "tried again later" and asked for a retry, one more try
    that would claim the mail and spend an attempt."""
    three_reviewers()
    report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
    row = NewsroomMail.objects.get(report=report)

    def taken_back_then_refused(self, messages):
        NewsroomMail.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        raise smtplib.SMTPServerDisconnected("the server hung up")

    monkeypatch.setattr(mailserver.FlakyMailServer, "send_messages", taken_back_then_refused)
    assert services.send_recorded_mail(row.pk, retry_in=30) == 0  # no retry asked for
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.SENDING, 2)


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


def test_the_sweep_says_why_it_enqueues_each_mail_again_with_the_count_of_each_cause(
    reporter, mail_server, caplog, django_capture_on_commit_callbacks
):
    """A mail taken back because its try's lease ran out is not one "still pending after
    it was due": the sweep's line counts each cause apart."""
    ada, ben, zoe = three_reviewers()
    report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
    leased = NewsroomMail.objects.get(report=report)
    mailserver.prepare(mail_server, [mailserver.DELIVERED, "worker killed"])
    with pytest.raises(mailserver.WorkerKilled):
        services.send_recorded_mail(leased.pk)
    NewsroomMail.objects.filter(pk=leased.pk).update(lease_until=timezone.now())
    lost = services.record_mail(report, services.REVIEWERS_MAILED)  # its task never ran
    overdue(lost)
    caplog.set_level(logging.WARNING, logger="alerts.services")
    assert services.sweep_mails() == 2
    redeliver = settings.ICCWATCH_SWEEP_REDELIVER_SECONDS
    assert (
        "2 newsroom mail(s) enqueued again: 1 taken back as their lease ran out, "
        f"1 still pending {redeliver} s after they were due"
    ) in caplog.messages

    caplog.clear()
    NewsroomMail.objects.filter(pk=lost.pk).update(
        status=MailStatus.SENDING, lease_until=timezone.now()
    )
    assert services.sweep_mails() == 1
    assert "1 newsroom mail(s) enqueued again: 1 taken back as their lease ran out" in (
        caplog.messages
    )
    assert not any("still pending" in line for line in caplog.messages)


def test_a_failed_try_logs_what_the_mail_server_did_and_which_server_never_its_password(
    reporter, settings, caplog, django_capture_on_commit_callbacks
):
    """A mail server that refuses the connection: the try's WARNING and the last try's
    ERROR say so (the error's class and words) and name the server (host:port), never the
    site's mail password."""
    three_reviewers()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the connection is refused
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "127.0.0.1",
                "port": port,
                "username": "iccwatch",
                "password": "the-sites-mail-password",
                "use_tls": False,
                "timeout": 2,
            },
        }
    }
    report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
    row = NewsroomMail.objects.get(report=report)
    caplog.set_level(logging.WARNING, logger="alerts.services")
    with pytest.raises(services.MailsNotSent):
        services.send_recorded_mail(row.pk)
    (line,) = [r.getMessage() for r in caplog.records if "tried again later" in r.getMessage()]
    assert "ConnectionRefusedError" in line and "Connection refused" in line
    assert f"(mail server 127.0.0.1:{port})" in line

    caplog.clear()
    assert services.send_recorded_mail(row.pk, final=True) == 0
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert "marked failed" in line and "ConnectionRefusedError" in line
    assert f"127.0.0.1:{port}" in line
    assert "the-sites-mail-password" not in caplog.text


class CountingSMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of an SMTP server for Django's SMTP backend: accepts every mail, and
    counts the connections and the messages in its server's `connections` and `mails`."""

    def handle(self):
        self.server.connections += 1
        self.wfile.write(b"220 test ESMTP\r\n")
        in_data = False
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if in_data:
                if line == ".":
                    in_data = False
                    self.server.mails += 1
                    self.wfile.write(b"250 queued\r\n")
                continue
            verb = line[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250 test\r\n")
            elif verb == "DATA":
                in_data = True
                self.wfile.write(b"354 go on\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


def test_the_reviewers_mails_go_out_over_one_smtp_connection(
    reporter, settings, django_capture_on_commit_callbacks
):
    """Sent from the request while Redis is down, the reviewers' mails wait for the mail
    server: at least they share one connection (one connect, greeting and sign-in), not
    one each."""
    three_reviewers()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), CountingSMTPHandler)
    server.connections = server.mails = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "127.0.0.1",
                    "port": server.server_address[1],
                    "use_tls": False,
                    "timeout": 5,
                },
            }
        }
        report = file_report(reporter, django_capture_on_commit_callbacks, relayed=False)
        row = NewsroomMail.objects.get(report=report)
        assert services.send_recorded_mail(row.pk) == 3
    finally:
        server.shutdown()
        server.server_close()
    assert (server.connections, server.mails) == (1, 3)
