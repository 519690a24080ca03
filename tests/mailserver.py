"""A stand-in for a mail server that fails, for the tests of the mails' retries.

FlakyMailServer is a mail backend: each mail it is handed raises the next failure a test
listed, as a mail server's connection or answer would reach smtplib's caller, until none
is left; the later mails are delivered. Like Django's SMTP backend, it takes the mails of
one send in turn: those before a failure are delivered, those after it not tried. An
address the test lists as refused is refused for good (550) every time. Its state is a
folder, so that it works alike in the tests' process and in a Celery worker's
(tests/pipeline.py), which names the backend in DJANGO_EMAIL_BACKEND and the folder in
ICCWATCH_TEST_MAIL_DIR:

- failures.json: the failures still to come, by name (FAILURES, or DELIVERED for a mail
  that goes through), the first next;
- refused.json: the addresses refused for good;
- tried/: the body of every mail handed to the backend, one file each, in order;
- sent/: the mails delivered, one JSON file each ({"to", "subject", "body"}), in order.
"""

import json
import os
import smtplib
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class WorkerKilled(BaseException):
    """What "worker killed" raises: no `except Exception` in the code stops it, as nothing
    runs in a worker killed while it talks to the mail server."""


# What a mail server does to a mail (`message`, an EmailMessage to one address), by the
# names a test lists.
FAILURES = {
    "disconnected": lambda message: smtplib.SMTPServerDisconnected(
        "Connection unexpectedly closed"
    ),
    "connection refused": lambda message: ConnectionRefusedError(111, "Connection refused"),
    "greylisted": lambda message: smtplib.SMTPRecipientsRefused(
        {message.to[0]: (450, b"4.2.0 Greylisted, try again later")}
    ),
    # A content filter that holds the mail and quotes the line it held it for (a link).
    "held, quoting the mail": lambda message: smtplib.SMTPDataError(
        451, f"4.7.1 Held for review: {_quoted_link(message.body)}".encode()
    ),
    "no such user": lambda message: smtplib.SMTPRecipientsRefused(
        {message.to[0]: (550, b"5.1.1 No such user")}
    ),
    # The worker dies while this mail is handed over (in the tests' process only).
    "worker killed": lambda message: WorkerKilled(message.to[0]),
}


def _quoted_link(body: str) -> str:
    """The first line of `body` that holds an address, as a filter's answer quotes it."""
    return next(line for line in body.splitlines() if "://" in line).strip()


# In a list of failures: this mail is delivered (the next one is failed).
DELIVERED = "delivered"


def mailer(settings, folder: Path) -> Path:
    """Make the stand-in in `folder` this process's mailer (`settings`: pytest-django's
    fixture, restored after the test), with no failures yet; returns the folder."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "tests.mailserver.FlakyMailServer",
            "OPTIONS": {"folder": str(folder)},
        }
    }
    return prepare(folder, [])


def prepare(folder: Path, failures: list[str], refused: tuple[str, ...] = ()) -> Path:
    """Make `folder` a mail server that fails `failures` (names of FAILURES) in turn,
    refuses every mail to an address of `refused`, and has neither tried nor sent any mail
    yet."""
    unknown = set(failures) - set(FAILURES) - {DELIVERED}
    assert not unknown, f"no such failure: {unknown}"
    for kind in ("tried", "sent"):
        (folder / kind).mkdir(parents=True, exist_ok=True)
        for path in (folder / kind).iterdir():  # a server used by an earlier test
            path.unlink()
    (folder / "failures.json").write_text(json.dumps(failures))
    (folder / "refused.json").write_text(json.dumps(list(refused)))
    return folder


def tried(folder: Path) -> list[str]:
    """The body of each mail handed to the server in `folder`, delivered or not, in order."""
    return [path.read_text() for path in sorted((folder / "tried").iterdir())]


def sent(folder: Path) -> list[dict]:
    """The mails the server in `folder` delivered ({"to", "subject", "body"}), in order."""
    return [json.loads(path.read_text()) for path in sorted((folder / "sent").iterdir())]


class FlakyMailServer(BaseEmailBackend):
    """A mail backend that fails as its folder says (the module's docstring): `folder` in
    its OPTIONS, else ICCWATCH_TEST_MAIL_DIR."""

    def __init__(self, *args, folder: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = Path(folder or os.environ["ICCWATCH_TEST_MAIL_DIR"])

    def send_messages(self, messages):
        refused = json.loads((self.folder / "refused.json").read_text())
        for message in messages:
            self._keep("tried", message.body)
            if message.to[0] in refused:
                raise FAILURES["no such user"](message)
            failures = json.loads((self.folder / "failures.json").read_text())
            if failures:
                (self.folder / "failures.json").write_text(json.dumps(failures[1:]))
                if failures[0] != DELIVERED:
                    raise FAILURES[failures[0]](message)
            mail = {"to": message.to, "subject": message.subject, "body": message.body}
            self._keep("sent", json.dumps(mail))
        return len(messages)

    def _keep(self, kind: str, text: str) -> None:
        number = len(list((self.folder / kind).iterdir())) + 1
        (self.folder / kind / f"{number:03d}").write_text(text)
