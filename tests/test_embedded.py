"""The embedded PostgreSQL (no DATABASE_URL): nothing starts it but a command that needs it.

Every command here runs as a newcomer's would, in a subprocess without DATABASE_URL,
on a data folder of its own (ICCWATCH_PGDATA), so that the server the tests
themselves use is never touched.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import dj_database_url
import pytest

from devtools.embedded import EmbeddedPostgres
from devtools.services import database_url
from tests.running import run_manage

ROOT = Path(__file__).resolve().parent.parent


def manage(pgdata: Path, *args: str) -> subprocess.CompletedProcess:
    """`python3 manage.py ARGS` with no DATABASE_URL, on the embedded server in `pgdata`."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return run_manage(*args, env={**env, "ICCWATCH_PGDATA": str(pgdata)}, timeout=120)


def postgres_processes_on(pgdata: Path) -> list[int]:
    """The pids of PostgreSQL servers running on this data folder, whoever started them."""
    import psutil

    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and str(pgdata) in cmdline:
            found.append(process.pid)
    return found


@pytest.fixture(scope="module")
def pgdata():
    """One data folder for the module (initialised once, by the first test that starts it).

    Not under pytest's own temporary folder: as root, the server runs as a system user
    that must traverse the folders above its data (devtools.embedded gives them the search
    bit), and every pytest session started meanwhile on the machine (another developer's,
    another checkout's) sets /tmp/pytest-of-<user> back to 0700, locking it out mid-run."""
    folder = Path(tempfile.mkdtemp(prefix="iccwatch-embedded-test-"))
    path = folder / "pgdata"
    yield path
    EmbeddedPostgres(path).stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def server(pgdata):
    """The module's embedded server, stopped after each test whatever the test did."""
    server = EmbeddedPostgres(pgdata)
    yield server
    server.stop()


@pytest.mark.parametrize(
    "command",
    [["--version"], ["help"], ["check"], ["makemigrations", "--check", "--dry-run"]],
    ids=["version", "help", "check", "makemigrations-check"],
)
def test_a_command_that_needs_no_database_starts_no_server(tmp_path, command):
    pgdata = tmp_path / "pgdata"
    result = manage(pgdata, *command)
    assert result.returncode == 0, result.stderr
    assert "Starting the embedded PostgreSQL" not in result.stderr
    assert not EmbeddedPostgres(pgdata).is_running()
    assert postgres_processes_on(pgdata) == []
    assert not (pgdata / "PG_VERSION").exists()


def test_a_command_that_needs_the_database_starts_the_server_says_so_and_stops_it(server):
    result = manage(server.pgdata, "showmigrations", "core")
    assert result.returncode == 0, result.stderr
    assert f"Starting the embedded PostgreSQL at {server.pgdata}." in result.stderr
    assert f"Stopped the embedded PostgreSQL at {server.pgdata}." in result.stderr
    assert "[ ] 0001_initial" in result.stdout  # it did reach the (empty) database
    assert not server.is_running()
    assert postgres_processes_on(server.pgdata) == []


def test_a_command_leaves_the_server_running_while_another_process_uses_it(server):
    with server.in_use():
        pid = server.pid()
        assert pid is not None
        result = manage(server.pgdata, "showmigrations", "core")
        assert result.returncode == 0, result.stderr
        assert "Starting the embedded PostgreSQL" not in result.stderr
        assert "Stopped" not in result.stderr
        assert server.pid() == pid
    # The last user has left: it stopped the server.
    assert not server.is_running()


def test_db_status_and_db_stop(server):
    result = manage(server.pgdata, "db", "status")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Embedded PostgreSQL: not running\n")
    assert f"data:      {server.pgdata}\n" in result.stdout
    assert f"URL:       {server.url()}\n" in result.stdout
    assert not server.is_running()  # status starts nothing

    server.start()
    result = manage(server.pgdata, "db", "status")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Embedded PostgreSQL: running (pid {server.pid()})\n")
    assert f"socket:    {server.socket}\n" in result.stdout
    assert "databases: iccwatch, postgres\n" in result.stdout

    result = manage(server.pgdata, "db", "stop")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Stopped the embedded PostgreSQL at {server.pgdata}.\n"
    assert not server.is_running()
    assert postgres_processes_on(server.pgdata) == []

    result = manage(server.pgdata, "db", "stop")
    assert result.stdout == f"The embedded PostgreSQL at {server.pgdata} was not running.\n"


def test_db_stop_refuses_while_a_command_uses_the_server_unless_forced(server):
    """`db stop` stopped the server under a running `up` (`db status`: "used by: 2
    manage.py processes"), and every page answered 503 until `up` was restarted. It now
    names the processes that use it and stops it only with --force. Here the test's own
    process holds it, as `up` would."""
    with server.in_use():
        pid = server.pid()
        status = manage(server.pgdata, "db", "status")
        assert f"used by:   1 manage.py process: pid {os.getpid()} (" in status.stdout, status

        refused = manage(server.pgdata, "db", "stop")
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert refused.stderr.startswith(
            f"CommandError: The embedded PostgreSQL at {server.pgdata} is in use by "
            f"1 manage.py process: pid {os.getpid()} ("
        ), refused.stderr
        assert "`python3 manage.py db stop --force`" in refused.stderr
        assert refused.stdout == ""
        assert server.pid() == pid  # still running, the same server

        forced = manage(server.pgdata, "db", "stop", "--force")
        assert forced.returncode == 0, forced.stderr
        assert forced.stdout.startswith(
            f"Stopped the embedded PostgreSQL at {server.pgdata}. It was in use by "
            f"1 manage.py process: pid {os.getpid()} ("
        ), forced.stdout
        assert not server.is_running()
    assert postgres_processes_on(server.pgdata) == []


def test_outside_manage_py_a_stopped_server_is_reported_in_one_line(server):
    """A Celery worker or a bare pytest run does not start the server: it names the command that does."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ICCWATCH_PGDATA=str(server.pgdata), DJANGO_SETTINGS_MODULE="iccwatch.settings")
    code = "import django; django.setup(); from django.db import connection; connection.ensure_connection()"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        f"django.db.utils.OperationalError: The embedded PostgreSQL at {server.pgdata} is not running: "
        "start it with `python3 manage.py up` (or set DATABASE_URL)."
    )
    assert not server.is_running()


@pytest.mark.parametrize(
    ("settings_dict", "url"),
    [
        (
            {
                "USER": "postgres",
                "PASSWORD": "",
                "HOST": "/srv/app/.local/pgdata",
                "PORT": 5432,
                "NAME": "test_iccwatch",
            },
            "postgres://postgres@%2Fsrv%2Fapp%2F.local%2Fpgdata:5432/test_iccwatch",
        ),
        (
            {
                "USER": "iccwatch",
                "PASSWORD": "s3cr:t@",
                "HOST": "127.0.0.1",
                "PORT": 5433,
                "NAME": "test_iccwatch",
            },
            "postgres://iccwatch:s3cr%3At%40@127.0.0.1:5433/test_iccwatch",
        ),
    ],
    ids=["unix-socket", "tcp"],
)
def test_a_database_url_names_exactly_the_same_database(settings_dict, url):
    assert database_url(settings_dict) == url
    parsed = dj_database_url.parse(url)
    assert {key: parsed[key] for key in settings_dict} == settings_dict


@pytest.mark.skipif(
    not (os.path.exists("/usr/sbin/useradd") or os.path.exists("/sbin/useradd")),
    reason="this machine has no useradd in an sbin folder",
)
def test_useradd_is_found_when_the_path_has_no_sbin_folder(monkeypatch):
    # A root shell started with a minimal PATH (env -i, some containers) does not search
    # /usr/sbin; the embedded server creates its system user there all the same.
    from devtools.embedded import _useradd

    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    found = Path(_useradd())
    assert found.name == "useradd" and os.access(found, os.X_OK)
