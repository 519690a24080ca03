"""A stand-in for a mail server that fails, for the tests of the mails' retries.

FlakyMailServer is a mail backend: each send raises the next failure a test listed, as a
mail server's connection or answer would reach smtplib's caller, until none is left; the
later sends are delivered. Its state is a folder, so that it works alike in the tests'
process and in a Celery worker's (tests/pipeline.py), which names the backend in
DJANGO_EMAIL_BACKEND and the folder in ICCWATCH_TEST_MAIL_DIR:

- failures.json: the failures still to come, by name (FAILURES), the first next;
- tried/: the body of every mail handed to the backend, one file each, in order;
- sent/: the mails delivered, one JSON file each ({"to", "subject", "body"}), in order.
"""

import json
import os
import smtplib
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

# What a mail server does to a mail to `to`, by the names a test lists.
FAILURES = {
    "disconnected": lambda to: smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    "connection refused": lambda to: ConnectionRefusedError(111, "Connection refused"),
    "greylisted": lambda to: smtplib.SMTPRecipientsRefused(
        {to: (450, b"4.2.0 Greylisted, try again later")}
    ),
    "no such user": lambda to: smtplib.SMTPRecipientsRefused({to: (550, b"5.1.1 No such user")}),
}


def prepare(folder: Path, failures: list[str]) -> Path:
    """Make `folder` a mail server that fails `failures` (names of FAILURES) in turn, and
    has neither tried nor sent any mail yet."""
    unknown = set(failures) - set(FAILURES)
    assert not unknown, f"no such failure: {unknown}"
    for kind in ("tried", "sent"):
        (folder / kind).mkdir(parents=True, exist_ok=True)
        for path in (folder / kind).iterdir():  # a server used by an earlier test
            path.unlink()
    (folder / "failures.json").write_text(json.dumps(failures))
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
        for message in messages:
            self._keep("tried", message.body)
        failures = json.loads((self.folder / "failures.json").read_text())
        if failures:
            (self.folder / "failures.json").write_text(json.dumps(failures[1:]))
            raise FAILURES[failures[0]](messages[0].to[0])
        for message in messages:
            mail = {"to": message.to, "subject": message.subject, "body": message.body}
            self._keep("sent", json.dumps(mail))
        return len(messages)

    def _keep(self, kind: str, text: str) -> None:
        number = len(list((self.folder / kind).iterdir())) + 1
        (self.folder / kind / f"{number:03d}").write_text(text)
