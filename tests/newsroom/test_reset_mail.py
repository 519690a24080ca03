"""A password reset mail the mail server fails to take is tried again, not dropped.

The mail server is a stand-in (tests/mailserver.py): a mail backend that fails as a
server would, as many times as a test says, then delivers. The reset is asked as a person
does, on the page. With a broker the task runs in a real Celery worker on a private Redis
(tests/pipeline.py), which retries it; inline (the broker down, or none) it is tried once.
No log line, whoever writes it, holds a link's token.
"""

import io
import logging
import re
import smtplib
import uuid
from contextlib import nullcontext
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts import tasks as alerts_tasks
from core.retries import refused_for_good, retry_delays
from newsroom.tasks import mail_password_reset
from tests import mailserver
from tests.pipeline import CeleryProcess, broker_is_idle, publishing_to, wait_for

LINK = re.compile(r"https?://\S+/newsroom/password-reset/(?P<uid>[^/\s]+)/(?P<token>[^/\s]+)/")
# The worker's retries: the first try and 3 more, up to 1, 2 and 4 s apart.
WORKER_MAX_RETRIES = 3


def tokens_in(bodies: list[str]) -> set[str]:
    """The tokens of the password links in `bodies`, one link in each."""
    tokens = {LINK.search(body).group("token") for body in bodies}
    assert tokens and all(len(token) > 20 for token in tokens), tokens
    return tokens


def account(django_user_model):
    """An account with a usable password and an address of its own (the limits' counts
    outlive a test)."""
    name = f"rita-{uuid.uuid4().hex[:8]}"
    return django_user_model.objects.create_user(
        name, email=f"{name}-{uuid.uuid4().hex}@example.org", password="x-long-pass"
    )


def ask_for_a_link(email: str) -> None:
    """Ask for a password link on the page, from a client address of its own. The answer
    is the same whatever becomes of the mail."""
    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
    response = Client(REMOTE_ADDR=address).post(
        reverse("newsroom:password-reset"), {"email": email}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("newsroom:password-reset-done")


def named(account) -> str:
    """How the log names `account`."""
    return f"account {account.pk} ({account.username})"


# --- Inline: the broker down, or none -----------------------------------------------


@pytest.fixture
def mail_server(settings, tmp_path):
    """The stand-in mail server as this process's mailer; the test lists its failures
    with mailserver.prepare."""
    return mailserver.mailer(settings, tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize("broker", ["none", "down"])
def test_a_reset_mail_sent_inline_is_tried_once_its_failure_logged_with_the_account(
    broker, django_user_model, mail_server, dead_port, caplog, django_capture_on_commit_callbacks
):
    """Without a broker (the task run inline through Celery, CELERY_TASK_ALWAYS_EAGER) or
    with one that is down (the request sends the mail itself: send_password_reset), nothing
    retries the mail: its one failure is the last, logged at ERROR with the account, and
    never with the token."""
    rita = account(django_user_model)
    mailserver.prepare(mail_server, ["connection refused"])
    caplog.set_level(logging.DEBUG)
    with (
        publishing_to(f"redis://127.0.0.1:{dead_port}/0") if broker == "down" else nullcontext(),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ask_for_a_link(rita.email)
    assert len(mailserver.tried(mail_server)) == 1
    assert mailserver.sent(mail_server) == []
    assert (
        logging.ERROR,
        f"password reset mail to {named(rita)} not sent (try 1 of 1, the last): "
        "ConnectionRefusedError: [Errno 111] Connection refused",
    ) in [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "newsroom.tasks"]
    for token in tokens_in(mailserver.tried(mail_server)):
        assert token not in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize("broker", ["none", "down"])
def test_a_reset_mail_sent_inline_is_logged_once_naming_the_mail_server(
    broker, django_user_model, settings, dead_port, caplog, django_capture_on_commit_callbacks
):
    """A real SMTP connection refused: the failure is one ERROR line that names the mail
    server, as the alerts' mails do (README, "Logs"), never the site's mail password. The
    request's fallback logged it a second time, "password reset mail not sent", with a
    traceback, and the line named no server."""
    rita = account(django_user_model)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "127.0.0.1",
                "port": dead_port,
                "username": "iccwatch",
                "password": "the-sites-mail-password",
                "use_tls": False,
                "timeout": 2,
            },
        }
    }
    caplog.set_level(logging.DEBUG)
    with (
        publishing_to(f"redis://127.0.0.1:{dead_port}/0") if broker == "down" else nullcontext(),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ask_for_a_link(rita.email)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(r.name, r.getMessage()) for r in errors] == [
        (
            "newsroom.tasks",
            f"password reset mail to {named(rita)} not sent (try 1 of 1, the last): "
            "ConnectionRefusedError: [Errno 111] Connection refused "
            f"(mail server 127.0.0.1:{dead_port})",
        )
    ]
    assert errors[0].exc_info is None
    assert "the-sites-mail-password" not in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize("broker", ["none", "down"])
def test_a_mail_servers_answer_quoting_the_link_is_logged_without_its_token(
    broker, django_user_model, mail_server, dead_port, caplog, django_capture_on_commit_callbacks
):
    """A content filter that holds the mail may quote the line it held it for, the link:
    the line that says so, and the traceback logged with it (the error's own text and its
    cause), hold the link with its token replaced."""
    rita = account(django_user_model)
    mailserver.prepare(mail_server, ["held, quoting the mail"])
    caplog.set_level(logging.DEBUG)
    with (
        publishing_to(f"redis://127.0.0.1:{dead_port}/0") if broker == "down" else nullcontext(),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ask_for_a_link(rita.email)
    (token,) = tokens_in(mailserver.tried(mail_server))
    ours = [r.getMessage() for r in caplog.records if r.name == "newsroom.tasks"]
    assert any("SMTPDataError: (451, b'4.7.1 Held for review: http" in m for m in ours), ours
    assert "/[redacted]/" in caplog.text
    assert token not in caplog.text


@pytest.mark.django_db
def test_a_reset_mail_refused_for_good_is_logged_and_not_tried_again(
    django_user_model, mail_server, caplog, django_capture_on_commit_callbacks
):
    """A permanent refusal (a 5xx answer: no such mailbox) would be given again: it is
    logged at ERROR with the account, the mail dropped, nothing raised (the answer is the
    same) and, in a worker, nothing retried (the task does not fail)."""
    rita = account(django_user_model)
    mailserver.prepare(mail_server, ["no such user"])
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_a_link(rita.email)
    assert len(mailserver.tried(mail_server)) == 1
    ours = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "newsroom.tasks"]
    assert ours == [
        (
            logging.ERROR,
            f"password reset mail to {named(rita)} not sent, not tried again: "
            f"SMTPRecipientsRefused: {{'{rita.email}': (550, b'5.1.1 No such user')}}",
        )
    ]


# --- In a worker, which retries it ----------------------------------------------------


@pytest.fixture(scope="module")
def worker_mail_server(tmp_path_factory):
    """The stand-in mail server's folder, which the worker's mailer uses."""
    return mailserver.prepare(tmp_path_factory.mktemp("mail"), [])


@pytest.fixture(scope="module")
def worker(worker_database, redis_server, worker_mail_server, celery_logs):
    """A worker whose mail server is the stand-in, and which retries a task 3 times."""
    environment = {
        "DJANGO_EMAIL_BACKEND": "tests.mailserver.FlakyMailServer",
        "ICCWATCH_TEST_MAIL_DIR": str(worker_mail_server),
        "ICCWATCH_WEBHOOK_MAX_RETRIES": str(WORKER_MAX_RETRIES),
        # 1, 2, 4 s between tries, not the production's 30, 60, 120.
        "ICCWATCH_WEBHOOK_RETRY_BACKOFF": "1",
    }
    process = CeleryProcess(
        "worker", redis_server.url, worker_database, celery_logs, environment=environment
    )
    process.start()
    yield process
    process.stop()


def lines_about(worker, account) -> list[str]:
    """The worker's log lines about the reset mail to `account` (newsroom.tasks')."""
    return [line for line in worker.tail_lines() if f"reset mail to {named(account)}" in line]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_reset_mail_the_mail_server_fails_is_retried_by_the_worker_until_delivered(
    worker, redis_server, worker_mail_server, django_user_model, client
):
    """The server hangs up, refuses the connection, then greylists the address (450): the
    worker tries the task again after each, and the fourth try delivers a link that works.
    Each failure is logged at WARNING with the account."""
    rita = account(django_user_model)
    start = len(worker.tail_lines())
    mailserver.prepare(worker_mail_server, ["disconnected", "connection refused", "greylisted"])
    with publishing_to(redis_server.url):
        ask_for_a_link(rita.email)
        (mail,) = wait_for(
            lambda: mailserver.sent(worker_mail_server),
            timeout=40,
            what="the worker to deliver the mail",
            on_timeout=worker.tail,
            give_up=worker.failure,
        )
        wait_for(lambda: broker_is_idle(redis_server), timeout=20, what="the broker to drain")
    assert mail["to"] == [rita.email]
    assert len(mailserver.tried(worker_mail_server)) == 4
    page = client.get(urlsplit(LINK.search(mail["body"]).group(0)).path, follow=True)
    assert 'name="new_password1"' in page.content.decode()
    lines = lines_about(worker, rita)
    tries = WORKER_MAX_RETRIES + 1
    assert len(lines) == 3 and all("WARNING" in line for line in lines), lines
    whys = [
        "SMTPServerDisconnected: Connection unexpectedly closed",
        "ConnectionRefusedError: [Errno 111] Connection refused",
        "SMTPRecipientsRefused",
    ]
    for n, (line, why) in enumerate(zip(lines, whys, strict=True), start=1):
        assert f"{named(rita)} not sent (try {n} of {tries}, tried again later): {why}" in line
    assert "\n".join(worker.tail_lines()[start:]).count(" retry: Retry in ") == 3


def failed_every_try(worker, redis_server, worker_mail_server, account, failure) -> str:
    """Ask for `account`'s link while the mail server fails every try the task's policy
    allows (the first and max_retries more) with `failure` (a name of mailserver.FAILURES);
    wait for the worker's last try and for the broker to drain. Returns the worker's log
    lines written meanwhile, as one text."""
    start = len(worker.tail_lines())
    tries = WORKER_MAX_RETRIES + 1
    mailserver.prepare(worker_mail_server, [failure] * tries)
    last = f"{named(account)} not sent (try {tries} of {tries}, the last)"
    with publishing_to(redis_server.url):
        ask_for_a_link(account.email)
        wait_for(
            lambda: any(last in line for line in lines_about(worker, account)),
            timeout=40,
            what="the worker's last try",
            on_timeout=worker.tail,
        )
        wait_for(lambda: broker_is_idle(redis_server), timeout=20, what="the broker to drain")
    return "\n".join(worker.tail_lines()[start:])


def assert_no_token_in_the_log(worker, worker_mail_server) -> None:
    """No line of the worker's whole log holds the token of a link the server was handed."""
    log = worker.log.read_text()
    for token in tokens_in(mailserver.tried(worker_mail_server)):
        assert token not in log


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_reset_mail_the_mail_server_never_takes_is_logged_at_error_without_its_token(
    worker, redis_server, worker_mail_server, django_user_model
):
    """A mail server that stays down gets every try the task's policy allows (the first and
    max_retries more), then the failure is logged at ERROR naming the account, and the task
    fails. No line of the worker's log holds a link's token."""
    rita = account(django_user_model)
    lines = failed_every_try(worker, redis_server, worker_mail_server, rita, "disconnected")
    tries = WORKER_MAX_RETRIES + 1
    assert len(mailserver.tried(worker_mail_server)) == tries
    assert mailserver.sent(worker_mail_server) == []
    ours = lines_about(worker, rita)
    assert [("ERROR" in line) for line in ours] == [False] * (tries - 1) + [True], ours
    assert " raised unexpected: MailNotSent('SMTPServerDisconnected" in lines
    assert_no_token_in_the_log(worker, worker_mail_server)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_celerys_own_lines_of_a_retried_reset_mail_hold_no_token(
    worker, redis_server, worker_mail_server, django_user_model
):
    """Celery writes each retry's exception ("retry: Retry in 1s: ...") and the last
    failure's, with its traceback, to the worker's log: when the mail server's answer
    quotes the link, none of them holds its token."""
    rita = account(django_user_model)
    lines = failed_every_try(
        worker, redis_server, worker_mail_server, rita, "held, quoting the mail"
    )
    assert lines.count(" retry: Retry in ") == WORKER_MAX_RETRIES
    assert "Held for review: http" in lines and "/[redacted]/" in lines
    assert_no_token_in_the_log(worker, worker_mail_server)


@pytest.mark.parametrize(
    "task",
    [
        mail_password_reset,
        alerts_tasks.send_mail,
        alerts_tasks.mail_reviewers,
        alerts_tasks.mail_author,
    ],
    ids=lambda task: task.name,
)
def test_a_mail_outlives_a_mail_server_down_for_an_hour(task):
    """Celery's `retry_backoff=True` waited a random 0–1, 0–2 … 0–128 s between tries: a
    mail server down for five minutes lost every mail queued behind it. Every mail task
    is tried again on the webhooks' schedule, over an hour in all, and when the database
    is out of reach too (core.retries.MAIL_RETRY)."""
    delays = retry_delays(task)
    assert task.retry_jitter is False
    assert len(delays) == settings.ICCWATCH_WEBHOOK_MAX_RETRIES
    assert delays[0] == settings.ICCWATCH_WEBHOOK_RETRY_BACKOFF
    assert max(delays) <= settings.ICCWATCH_WEBHOOK_RETRY_BACKOFF_MAX
    assert sum(delays) > 3600, delays
    assert {OSError, OperationalError, InterfaceError} <= set(task.autoretry_for)


@pytest.mark.parametrize(
    ("error", "for_good"),
    [
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")}), True),
        (smtplib.SMTPDataError(554, b"Message refused"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"Mailbox busy")}), False),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False),
        (smtplib.SMTPAuthenticationError(535, b"Authentication credentials invalid"), False),
        (smtplib.SMTPSenderRefused(553, b"Sender not allowed", "site@example.org"), False),
    ],
    ids=["recipient-550", "message-554", "recipient-450", "lost", "sign-in-535", "sender-553"],
)
def test_only_the_recipient_or_the_message_refused_is_refused_for_good(error, for_good):
    """A 535 to the site's own sign-in (a mail password rotated) was a refusal for good:
    every mail of the hours until the operator fixed it was dropped untried. The site's
    own account or sender refused is tried again; a recipient or a message refused with a
    5xx is not."""
    assert refused_for_good(error) is for_good


# --- An account whose first password was never set -----------------------------------


@pytest.mark.django_db
def test_an_account_whose_first_link_expired_gets_a_new_one_on_the_reset_page(
    django_user_model, mail_server, django_capture_on_commit_callbacks
):
    """create_account makes an account without a usable password and prints a link valid
    for three days: when it expired or was lost, the reset page mails a new one, where its
    owner sets a first password. An inactive account, and one whose password was made
    unusable after it signed in, still get nothing."""
    email = f"nadia-{uuid.uuid4().hex}@example.org"
    call_command("create_account", "nadia", email=email, role=["reporter"], stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_a_link(email)
    (message,) = mailserver.sent(mail_server)
    assert message["to"] == [email]
    link = urlsplit(LINK.search(message["body"]).group(0)).path
    client = Client()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a first password, long", "new_password2": "a first password, long"},
    )
    assert done.status_code == 302
    nadia = django_user_model.objects.get(username="nadia")
    assert nadia.check_password("a first password, long")

    for name, change in (
        ("inactive", {"is_active": False}),
        ("disabled", {"last_login": timezone.now()}),
    ):
        address = f"{name}-{uuid.uuid4().hex}@example.org"
        other = django_user_model.objects.create_user(name, email=address)
        django_user_model.objects.filter(pk=other.pk).update(**change)
        mailserver.prepare(mail_server, [])
        with django_capture_on_commit_callbacks(execute=True):
            ask_for_a_link(address)
        assert mailserver.sent(mail_server) == [], name
