"""manage.py up: run iccwatch on this machine, from a fresh clone to a served site.

Migrates, imports the project's dataset (data/) into an empty database, creates the
admin account on the first run, collects static files, then serves the site with
Django's development server (and runs a Celery worker with beat when CELERY_BROKER_URL
is set). Without DATABASE_URL it first starts the embedded PostgreSQL. Ctrl-C stops the
server, the worker and the embedded PostgreSQL (unless another manage.py command still
uses it).

Before any of that it checks that the server will be able to listen on --host/--port
(`listening_problem`), and refuses at once, naming the port and the option, when it
could not; it says where the site is once the server listens (`AnnouncingRunserver`).
Links printed or mailed while it serves start with that address, unless ICCWATCH_BASE_URL
chooses another (`link_to_the_served_site`).
"""

import errno
import os
import secrets
import signal
import socket
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.management.commands.runserver import (
    Command as StaticfilesRunserver,
)
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import autoreload

from devtools.embedded import use_in_this_process
from devtools.services import embedded_server, start_celery_worker, stop_process

DATASET = Path(settings.BASE_DIR) / "data"
ADMIN_USERNAME = "admin"


def close_connections_after_each_request() -> None:
    """Have the development server close each request's database connection when the
    request ends (CONN_MAX_AGE 0), unless DJANGO_CONN_MAX_AGE says otherwise.

    runserver answers each request in a new thread, and a thread's persistent connection
    (the settings' default keeps one 60 s, for gunicorn's long-lived workers) outlives
    it: a burst of a hundred requests held every connection the embedded PostgreSQL
    allows (100), and every page then answered 503 until a restart. Django's docs advise
    against persistent connections with the development server for that reason. Sets the
    variable too, for the autoreloader's child process, which reads the settings anew.
    """
    if os.environ.get("DJANGO_CONN_MAX_AGE", "").strip():
        return  # chosen (an empty value reads as the settings' default: not a choice)
    os.environ["DJANGO_CONN_MAX_AGE"] = "0"
    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = 0


def listening_problem(host: str, port: int) -> str | None:
    """Why the development server could not listen on `host`:`port` now, as a sentence
    that names the address and the option to change (`--port`, `--host`), or None when it
    can.

    Binds a socket there as runserver's server does (IPv6 for a host with a colon, as
    `serve` asks; SO_REUSEADDR: a port whose last connections linger in TIME_WAIT counts
    as free) and closes it at once. A port taken between this check and the server's
    start is still reported by runserver itself ("Error: That port is already in use.").
    """
    where = f"port {port} on {host}"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        addresses = socket.getaddrinfo(host, port, family=family, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        return f"--host {host} --port {port} names no address of this machine ({error})."
    family, kind, protocol, _, address = addresses[0]
    try:
        with socket.socket(family, kind, protocol) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return (
                f"The {where} is already in use (another program listens there). "
                f"Stop that program, or choose another port: "
                f"`python3 manage.py up --port {port + 1 if port < 65535 else 8001}`."
            )
        if error.errno == errno.EACCES:
            return (
                f"This user may not listen on {where} (ports below 1024 need more "
                f"rights): choose another port with `--port`, such as `--port 8000`."
            )
        if error.errno == errno.EADDRNOTAVAIL:
            return (
                f"{host} is not an address of this machine: choose another with `--host` "
                "(127.0.0.1 by default)."
            )
        return f"Cannot listen on {where} ({error.strerror}): choose another with `--port`."
    return None


def port_number(text: str) -> int:
    """`--port`'s value: a TCP port number, 0 to 65535 (0: any free port); raises
    argparse.ArgumentTypeError otherwise (a larger number would be taken modulo 65536 by
    the system's address lookup)."""
    import argparse

    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


def site_address(host: str, port: int) -> str:
    """The site's address as a reader types it: http://127.0.0.1:8000/, http://[::1]:8000/."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def link_to_the_served_site(host: str, port: int) -> None:
    """Have every link printed or mailed start with the address of the server `up` runs,
    http://<host>:<port> (`site_address`, without its trailing slash), unless one was chosen.

    ICCWATCH_BASE_URL (the password reset mail, create_account run in this process) and
    ICCWATCH_SITE_URL (alerts, reviewers' notices, webhooks), when unset or empty, fell back
    to http://127.0.0.1:8000 whatever --port said: `up --port 8106` mailed links to an
    address where nothing answered. Sets the variables too, for the autoreloader's child
    and the Celery worker, which read the settings anew; a chosen ICCWATCH_SITE_URL is
    kept. With --port 0 (any free port) only the server knows its port: the serving
    process calls this again once bound (`AnnouncingRunserver.on_bind`).
    """
    if os.environ.get("ICCWATCH_BASE_URL", "").strip():
        return  # chosen: settings.ICCWATCH_BASE_URL and ICCWATCH_SITE_URL follow it already
    address = site_address(host, port).rstrip("/")
    os.environ["ICCWATCH_BASE_URL"] = address
    settings.ICCWATCH_BASE_URL = address
    if not os.environ.get("ICCWATCH_SITE_URL", "").strip():
        settings.ICCWATCH_SITE_URL = address  # its default is ICCWATCH_BASE_URL


class AnnouncingRunserver(StaticfilesRunserver):
    """Django's runserver (with staticfiles' serving of static files, as `runserver`
    runs it here), which says where iccwatch is once its server listens: runserver calls
    `on_bind` after binding the port, so the line is never printed for a server that
    could not start. With the autoreloader it is the child process that serves, and it
    says it again after each restart.
    """

    def __init__(self, *args, site_host: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_host = site_host

    def on_bind(self, server_port):
        super().on_bind(server_port)
        link_to_the_served_site(self.site_host, server_port)
        self.stdout.write(
            self.style.SUCCESS(
                f"iccwatch is at {site_address(self.site_host, server_port)}  "
                "(admin: /admin/). Ctrl-C stops it."
            )
        )
        self.stdout.flush()


class Command(BaseCommand):
    help = "Run iccwatch here: migrate, import the seed data, create the admin, and serve the site."
    # Checked once below, not again in the autoreloader's child (runserver checks there).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to serve on (default 127.0.0.1)."
        )
        parser.add_argument(
            "--port", type=port_number, default=8000, help="Port to serve on (default 8000)."
        )
        parser.add_argument(
            "--data",
            type=Path,
            default=DATASET,
            help=f"Seed data imported into an empty database (default {DATASET}).",
        )
        parser.add_argument(
            "--noreload", action="store_true", help="Do not restart the server when code changes."
        )

    def handle(self, *args, host, port, data, noreload, **options):
        address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        # Each line as it is written, also to a pipe or a file (the admin's password, the
        # address): a newcomer may run this in the background with its output in a log.
        # The autoreloader's child too: it is the one that says where the site is.
        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(line_buffering=True)
        if os.environ.get(autoreload.DJANGO_AUTORELOAD_ENV) == "true":
            # The autoreloader re-runs this command in a child process that only serves;
            # the parent has already prepared everything and owns the worker.
            self.serve(address, host, noreload)
            return

        # Before anything is started or changed: a port another program holds would
        # otherwise end the run only after the migrations, the downloads and the static
        # files, when runserver tries it.
        problem = listening_problem(host, port)
        if problem is not None:
            raise CommandError(f"{problem} Nothing was started.")
        self.check()
        if port:  # with --port 0 the port is known once the server listens (on_bind)
            link_to_the_served_site(host, port)
        server = embedded_server()
        if server is not None:
            # Stopped when this command ends, unless another manage.py command still uses it.
            use_in_this_process(server, announce=lambda message: self.step(message))
        self.step("Migrating the database")
        call_command("migrate", interactive=False, verbosity=0)
        self.seed(data)
        self.recompute_outdated()
        self.build_downloads()
        self.ensure_admin()
        self.step("Collecting static files")
        call_command("collectstatic", interactive=False, verbosity=0)

        worker = None
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            self.step("Starting a Celery worker with beat (CELERY_BROKER_URL is set)")
            worker = start_celery_worker(beat=True)
        else:
            self.stdout.write(
                "No CELERY_BROKER_URL: background tasks run inline in the web process."
            )

        # A plain `kill` must clean up like Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            # "iccwatch is at ..." comes once the server listens (AnnouncingRunserver).
            self.serve(address, host, noreload)
        except KeyboardInterrupt:
            pass
        finally:
            # Stop the worker before writing anything: after Ctrl-C the terminal (or
            # a pipe reading our output) may already be gone.
            if worker is not None:
                stop_process(worker)

    def build_downloads(self):
        """The bulk downloads of /data/ (dataset.bulk), built when the data changed since
        the last build; a failure is said and the site starts without them."""
        from dataset import bulk

        self.step("Building the bulk downloads (/data/)")
        try:
            bulk.build()
        except (OSError, DatabaseError) as error:
            self.stderr.write(
                self.style.WARNING(
                    f"The bulk downloads were not built ({error}); "
                    "build them later with `python3 manage.py build_downloads`."
                )
            )

    def step(self, message):
        self.stdout.write(f"==> {message}", self.style.MIGRATE_HEADING)

    def seed(self, data: Path):
        from states.models import State

        if State.objects.exists():
            return
        if not data.is_dir():
            self.stdout.write(
                self.style.WARNING(
                    f"The seed data folder {data} is missing: starting with an empty site. "
                    "Import data later with `python3 manage.py import_dataset DIR`."
                )
            )
            return
        self.step(f"Importing the seed data from {data}")
        try:
            call_command("import_dataset", str(data))
        except CommandError as error:
            self.stderr.write(self.style.ERROR(f"The seed data was not imported: {error}"))
            self.stderr.write("Starting with an empty site.")

    def recompute_outdated(self):
        """Verdicts computed by an older version of the rule are recomputed (their history
        names the rule change): inline without a broker, by the worker with one."""
        from visits import flagging, outbox

        if not settings.CELERY_TASK_ALWAYS_EAGER:
            outbox.request_outdated_rule_version()
            return
        # Deferred, and evaluated here: relayed as they commit, they would be evaluated
        # inline by the task, uncounted, and this would find none left to tell.
        with outbox.relay_deferred():
            outbox.request_outdated_rule_version()
        stats = flagging.evaluate_pending()
        if stats.evaluated:
            self.step(
                f"Recomputed {stats.evaluated} verdicts for the rule's new version: "
                f"{stats.summary()}"
            )

    def ensure_admin(self):
        """On the first run, an admin account with a random password, shown once and kept in .local/."""
        User = get_user_model()
        password_file = Path(settings.BASE_DIR) / ".local" / "admin-password"
        if User.objects.filter(is_superuser=True).exists():
            if password_file.exists():
                self.stdout.write(
                    f"Admin login: user {ADMIN_USERNAME!r}, password in {password_file}"
                )
            return
        password = secrets.token_urlsafe(18)
        User.objects.create_superuser(ADMIN_USERNAME, email="", password=password)
        password_file.parent.mkdir(exist_ok=True)
        password_file.touch(mode=0o600)
        password_file.write_text(password + "\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the admin account: user {ADMIN_USERNAME!r}, password {password}\n"
                f"(shown once; it is kept in {password_file})"
            )
        )

    def serve(self, address, host, noreload):
        close_connections_after_each_request()
        call_command(
            AnnouncingRunserver(stdout=self.stdout, stderr=self.stderr, site_host=host),
            address,
            use_reloader=not noreload,
            use_ipv6=":" in host,
            skip_checks=False,
        )
