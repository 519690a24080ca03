"""A webhook receiver on 127.0.0.1 (http.server in a thread) and the people and places of the tests."""

import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.contrib.auth.models import Group, User
from django.utils import timezone

from tests.factories import make_person, make_state, make_warrant


class Receiver:
    """Records each POST (headers, body, time) and answers with the next planned status."""

    def __init__(self, statuses=(200,)):
        self.requests: list[dict] = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                index = len(receiver.requests)
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                        "at": datetime.datetime.now(datetime.UTC),
                    }
                )
                status = receiver.statuses[min(index, len(receiver.statuses) - 1)]
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"receiver trouble")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/iccwatch?x=1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def account(name, *groups, email=""):
    user = User.objects.create_user(name, email=email, password="a-long-test-password")
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def putin():
    person = make_person("vladimir-putin", "Vladimir Putin")
    if not person.warrants.exists():
        make_warrant(person, issued=datetime.date(2023, 3, 17))
    return person


def mongolia():
    """A State Party since 2002: bound to arrest."""
    return make_state("MNG", "Mongolia", entry_into_force=datetime.date(2002, 7, 1))


def china():
    """Not a party, no declaration, no referral: not bound."""
    return make_state("CHN", "China")


def report_data(**changes) -> dict:
    """A filing's data for Putin in Mongolia, from yesterday to the day after tomorrow
    (a trip that took place, not arrested), `changes` laid over it."""
    today = timezone.localdate()
    return {
        "person": "vladimir-putin",
        "host": "MNG",
        "start": (today - datetime.timedelta(days=1)).isoformat(),
        "end": (today + datetime.timedelta(days=2)).isoformat(),
        "place": "Ulaanbaatar",
        "status": "occurred",
        "outcome": "not_arrested",
        **changes,
    }
