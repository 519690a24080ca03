"""manage.py db status | stop: the embedded PostgreSQL server (used when DATABASE_URL is unset).

`db status` says whether it runs, where its data and socket are, the DATABASE_URL
that reaches it, its databases and which manage.py commands use it; `db stop` stops
it when no manage.py command uses it (a command that was killed holds it no more), and
refuses otherwise, naming them, unless `--force` (which ends every open session: a
running `up` then answers 503 to every page). Neither starts anything.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.embedded import EmbeddedPostgres, ServerInUse, describe_processes
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
        stop = actions.add_parser(
            "stop",
            help="Stop the embedded server (its data is kept), unless a manage.py command uses it.",
        )
        stop.add_argument(
            "--force",
            action="store_true",
            help="Stop it even while manage.py commands use it (their sessions end).",
        )

    def handle(self, *args, action, force=False, **options):
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
            self.stop(server, force=force)

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
        pids = server.user_pids()
        if pids is not None:
            users = describe_processes(pids) if pids else "0 manage.py processes"
            self.stdout.write(f"  used by:   {users}")

    def stop(self, server: EmbeddedPostgres, *, force: bool):
        """Stop the server unless manage.py commands use it (then refuse, naming them,
        unless `force`)."""
        ended = ""
        try:
            try:
                stopped = server.stop_unless_in_use()
            except ServerInUse as in_use:
                if not force:
                    raise CommandError(
                        f"{in_use} Stopping it would end their database sessions (a running "
                        "`up` would answer 503 to every page until restarted). End those "
                        "commands instead (Ctrl-C stops `up`; the last one to end stops the "
                        "server), or stop it anyway with `python3 manage.py db stop --force`."
                    ) from None
                stopped = server.stop()
                ended = f" It was in use by {in_use.users}: their sessions were ended."
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        if stopped:
            self.stdout.write(f"Stopped the embedded PostgreSQL at {server.pgdata}.{ended}")
        else:
            self.stdout.write(f"The embedded PostgreSQL at {server.pgdata} was not running.")
