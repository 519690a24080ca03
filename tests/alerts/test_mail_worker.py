"""The newsroom mails through a real Celery worker, beat and a private Redis
(tests/pipeline.py): a review's mail whose task Redis lost (its queue emptied before a
worker took it, as a Redis without persistence restarting does) is delivered after the
sweep; on the normal path each mail goes out once, however often beat sweeps.

The worker's mail server is the stand-in of tests/mailserver.py, and beat sweeps every
second, taking a mail as lost 2 s after it was due (ICCWATCH_SWEEP_REDELIVER_SECONDS).
"""

import datetime

import pytest
import redis
from django.utils import timezone

from alerts.models import MailStatus, NewsroomMail
from core import roles
from tests import mailserver
from tests.alerts.helpers import account, mongolia, putin
from tests.pipeline import CeleryProcess, broker_is_idle, wait_for
from visits import review

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()
CITATIONS = [{"url": "https://news.example.org/putin-ulaanbaatar", "publisher": "Example News"}]
REDELIVER_SECONDS = 2


@pytest.fixture(scope="module")
def worker_mail_server(tmp_path_factory):
    """The stand-in mail server's folder, which the worker's mailer uses."""
    return mailserver.prepare(tmp_path_factory.mktemp("mail"), [])


@pytest.fixture(scope="module")
def environment(worker_mail_server):
    return {
        "DJANGO_EMAIL_BACKEND": "tests.mailserver.FlakyMailServer",
        "ICCWATCH_TEST_MAIL_DIR": str(worker_mail_server),
        "ICCWATCH_SWEEP_REDELIVER_SECONDS": str(REDELIVER_SECONDS),
        # A mail task's retries 1, 2, 4 ... s apart, not the production's 30, 60, 120 ...
        "ICCWATCH_WEBHOOK_RETRY_BACKOFF": "1",
    }


@pytest.fixture(scope="module")
def worker(worker_database, redis_server, celery_logs, environment):
    """The module's worker (the `pipeline` fixture's), mailing through the stand-in."""
    process = CeleryProcess(
        "worker", redis_server.url, worker_database, celery_logs, environment=environment
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
def beat(worker, redis_server, celery_logs, environment):
    """Celery beat, not started yet, sweeping every second once it is."""
    process = CeleryProcess(
        "beat", redis_server.url, worker.database_url, celery_logs, environment=environment
    )
    yield process
    process.stop()


def file_report(author):
    putin(), mongolia()
    return review.file_report(
        author=author,
        data={
            "person": "vladimir-putin",
            "host": "MNG",
            "start": (TODAY - datetime.timedelta(days=1)).isoformat(),
            "end": (TODAY + datetime.timedelta(days=2)).isoformat(),
            "place": "Ulaanbaatar",
            "status": "occurred",
            "outcome": "not_arrested",
        },
        citations=CITATIONS,
    )


def done(report, count: int = 1) -> bool:
    return NewsroomMail.objects.filter(report=report, status=MailStatus.DONE).count() == count


def test_a_reviewers_mail_whose_task_redis_lost_is_delivered_after_the_sweep(
    pipeline, beat, redis_server, worker_mail_server
):
    worker = pipeline
    mailserver.prepare(worker_mail_server, [])
    rita = account("rita", roles.REPORTERS, email="rita@ngo.example")
    ada = account("ada", roles.REVIEWERS, email="ada@ngo.example")
    ben = account("ben", roles.ADMINS, email="ben@ngo.example")
    worker.stop()  # no worker takes the task before Redis loses it
    try:
        report = file_report(rita)  # committed: its mail's task is enqueued after commit
        queue = redis.Redis.from_url(redis_server.url)
        assert queue.llen("celery") == 1
        queue.flushdb()  # a Redis without persistence restarted
    finally:
        worker.start()
    assert mailserver.sent(worker_mail_server) == []

    start = len(worker.tail_lines())
    beat.start()
    wait_for(
        lambda: done(report),
        timeout=40,
        what="the sweep to have the lost mail delivered",
        on_timeout=worker.tail,
        give_up=worker.failure,
    )
    sent = mailserver.sent(worker_mail_server)
    assert sorted(m["to"] for m in sent) == [[ada.email], [ben.email]]
    assert "1 newsroom mail(s) enqueued again" in "\n".join(worker.tail_lines()[start:])


def test_each_newsroom_mail_goes_out_once_through_the_worker_while_beat_sweeps(
    pipeline, beat, redis_server, worker_mail_server
):
    worker = pipeline
    mailserver.prepare(worker_mail_server, [])
    rita = account("rita", roles.REPORTERS, email="rita@ngo.example")
    victor = account("victor", roles.REVIEWERS, email="victor@ngo.example")
    ada = account("ada", roles.ADMINS, email="ada@ngo.example")
    start = len(worker.tail_lines())
    beat.start()
    report = file_report(rita)
    wait_for(
        lambda: done(report),
        timeout=30,
        what="the reviewers' mail",
        on_timeout=worker.tail,
        give_up=worker.failure,
    )
    review.verify(report, victor)
    wait_for(
        lambda: done(report, 2),
        timeout=30,
        what="the author's mail",
        on_timeout=worker.tail,
        give_up=worker.failure,
    )
    # Beat sweeps every second: past the redelivery delay, no mail is sent again.
    last = NewsroomMail.objects.filter(report=report).latest("done_at").done_at
    wait_for(
        lambda: (
            (timezone.now() - last).total_seconds() > 2 * REDELIVER_SECONDS + 2
            and broker_is_idle(redis_server)
        ),
        timeout=30,
        what="a few more sweeps",
    )
    assert sorted(m["to"] for m in mailserver.sent(worker_mail_server)) == [
        [ada.email],
        [rita.email],
        [victor.email],
    ]
    assert len(mailserver.tried(worker_mail_server)) == 3
    # Each mail was claimed by one try: a second message for it (a sweep that found it
    # overdue while a busy machine kept its task waiting) would have found it done.
    assert [m.attempts for m in NewsroomMail.objects.filter(report=report)] == [1, 1]
    assert "alerts.sweep_mails" in "\n".join(worker.tail_lines()[start:])  # beat did sweep


def test_a_reviewers_mail_the_server_fails_is_retried_by_the_worker_for_those_not_mailed(
    pipeline, worker_mail_server
):
    """The server hangs up after the first reviewer's mail: the worker retries the task a
    second later, outside any transaction, for the others only: each reviewer gets one
    mail, and the mail is done after two tries."""
    worker = pipeline
    rita = account("rita", roles.REPORTERS, email="rita@ngo.example")
    reviewers = [
        account(name, roles.REVIEWERS, email=f"{name}@ngo.example") for name in ("ada", "ben")
    ]
    mailserver.prepare(worker_mail_server, [mailserver.DELIVERED, "disconnected"])
    report = file_report(rita)
    wait_for(
        lambda: done(report),
        timeout=30,
        what="the reviewers' mail",
        on_timeout=worker.tail,
        give_up=worker.failure,
    )
    assert [m["to"] for m in mailserver.sent(worker_mail_server)] == [
        [user.email] for user in reviewers
    ]
    assert len(mailserver.tried(worker_mail_server)) == 3  # ben's twice
    assert NewsroomMail.objects.get(report=report).attempts == 2
