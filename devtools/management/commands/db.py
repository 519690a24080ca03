"""manage.py db status | stop: the embedded PostgreSQL server (used when DATABASE_URL is unset).

`db status` says whether it runs, where its data and socket are, the DATABASE_URL
that reaches it, its databases and how many manage.py commands use it; `db stop`
stops it (ending every open session). Neither starts anything.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.embedded import EmbeddedPostgres
from devtools.services import embedded_server


def without_password(url: str) -> str:
    """The URL with its password replaced by ***."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class Command(BaseCommand):
    help = "Show (`db status`) or stop (`db stop`) the embedded PostgreSQL server."
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{status,stop}")
        actions.add_parser(
            "status", help="Whether the embedded server runs, where, its URL and its databases."
        )
        actions.add_parser("stop", help="Stop the embedded server (its data is kept).")

    def handle(self, *args, action, **options):
        server = embedded_server()
        if server is None:
            # DATABASE_URL is set: the embedded server is not this configuration's
            # database, but one may still run from an earlier command.
            self.stdout.write(
                f"DATABASE_URL is set: the database is {without_password(settings.DATABASE_URL)}"
            )
            self.stdout.write("The embedded PostgreSQL is not used with DATABASE_URL set.")
            server = EmbeddedPostgres(settings.ICCWATCH_EMBEDDED_PGDATA)
        if action == "status":
            self.status(server)
        else:
            self.stop(server)

    def status(self, server: EmbeddedPostgres):
        pid = server.pid()
        state = f"running (pid {pid})" if pid else "not running"
        self.stdout.write(f"Embedded PostgreSQL: {state}")
        self.stdout.write(f"  data:      {server.pgdata}")
        self.stdout.write(f"  socket:    {server.socket}")
        self.stdout.write(f"  URL:       {server.url()}")
        if pid is None:
            self.stdout.write(
                "  (`python3 manage.py up` starts it; so does any command that needs the database.)"
            )
            return
        try:
            names = ", ".join(server.databases())
        except Exception as error:  # noqa: BLE001 - reported, not raised: status must always answer
            names = f"unknown ({str(error).strip().splitlines()[0]})"
        self.stdout.write(f"  databases: {names}")
        users = server.user_count()
        if users is not None:
            self.stdout.write(f"  used by:   {users} manage.py process{'es' if users != 1 else ''}")

    def stop(self, server: EmbeddedPostgres):
        try:
            stopped = server.stop()
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        if stopped:
            self.stdout.write(f"Stopped the embedded PostgreSQL at {server.pgdata}.")
        else:
            self.stdout.write(f"The embedded PostgreSQL at {server.pgdata} was not running.")
