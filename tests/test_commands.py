"""The two commands of the README: `manage.py up` prepares and serves the site, `manage.py test` runs pytest."""

import io
import os
import re
import shutil
import signal
import socket
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

from devtools import services
from devtools.management.commands import up
from devtools.management.commands.test import MAX_WORKERS, needs_the_terminal, parallel
from devtools.management.commands.up import DATASET
from devtools.management.commands.up import Command as UpCommand
from devtools.services import PrivateRedis, redis_answers, with_database, worker_redis_url
from tests.running import run_manage

ROOT = Path(__file__).resolve().parent.parent


def up_command():
    return UpCommand(stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
def test_up_creates_the_admin_once_and_keeps_its_password_in_local(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    first = up_command()
    first.ensure_admin()
    password = (tmp_path / ".local" / "admin-password").read_text().strip()
    assert password in first.stdout.getvalue()
    assert authenticate(username="admin", password=password).is_superuser
    assert oct((tmp_path / ".local" / "admin-password").stat().st_mode & 0o777) == "0o600"

    second = up_command()
    second.ensure_admin()
    assert password not in second.stdout.getvalue()
    assert User.objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_up_imports_the_projects_dataset_into_an_empty_database(reader):
    # What a fresh clone's first `up` shows: the Mongolia story and the states bound today.
    up_command().seed(DATASET)
    home = reader.get("/").content.decode()
    bound = re.search(r"<strong>(\d+)</strong> states bound today", home)
    assert bound and int(bound.group(1)) >= 120
    mongolia = reader.get("/states/MNG/").content.decode()
    assert "/visits/vladimir-putin-mng-2024-09-02/" in mongolia
    assert "non-compliance" in mongolia


@pytest.mark.django_db
def test_up_builds_the_bulk_downloads_so_the_data_page_offers_them(reader, settings, tmp_path):
    settings.ICCWATCH_DOWNLOADS_DIR = tmp_path / "downloads"
    command = up_command()
    command.seed(DATASET)
    command.build_downloads()
    page = reader.get("/data/").content.decode()
    names = re.findall(r'href="/data/(iccwatch-data-[^"]+\.(?:zip|sqlite))"', page)
    assert {name.rsplit(".", 1)[1] for name in names} == {"zip", "sqlite"}, page
    for name in names:
        assert reader.get(f"/data/{name}").status_code == 200


@pytest.mark.django_db
def test_up_starts_an_empty_site_when_the_seed_folder_is_missing(tmp_path):
    command = up_command()
    command.seed(tmp_path / "no-such-folder")
    assert "is missing: starting with an empty site" in command.stdout.getvalue()


def test_up_refuses_a_port_in_use_before_it_starts_anything(dead_port):
    """With another program on port 8000 (`python3 -m http.server 8000`), `up` migrated,
    built the downloads, collected the static files and said "iccwatch is at
    http://127.0.0.1:8000/" before Django's runserver ended it with "Error: That port is
    already in use.". It refuses first now, naming the port and `--port`. Its database is
    one where nothing answers: had it gone on, it would have failed there instead."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_manage(
            "up",
            "--noreload",
            "--port",
            str(port),
            env={**os.environ, "DATABASE_URL": f"postgres://nobody@127.0.0.1:{dead_port}/none"},
            timeout=60,
        )
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith(
        f"CommandError: The port {port} on 127.0.0.1 is already in use (another program "
        f"listens there). Stop that program, or choose another port: "
        f"`python3 manage.py up --port {port + 1}`. Nothing was started."
    ), result.stderr
    assert "==>" not in result.stdout and "iccwatch is at" not in result.stdout, result.stdout


def test_up_refuses_a_host_that_is_not_this_machines():
    problem = up.listening_problem("192.0.2.1", 8000)  # TEST-NET-1: no machine's address
    assert problem == (
        "192.0.2.1 is not an address of this machine: choose another with `--host` "
        "(127.0.0.1 by default)."
    )
    assert up.listening_problem("127.0.0.1", 0) is None


@pytest.mark.django_db
def test_up_says_where_the_site_is_once_the_server_listens(monkeypatch):
    """`up` said "iccwatch is at ..." before runserver had tried the port. The line now
    comes from runserver's on_bind, called once its socket is bound; the server itself
    (django.core.servers.basehttp.run) is replaced by one that binds nothing."""
    command = up_command()
    for step in ("seed", "recompute_outdated", "build_downloads", "ensure_admin"):
        monkeypatch.setattr(command, step, lambda *args: None)
    monkeypatch.setattr(up, "embedded_server", lambda: None)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # no SIGTERM handler here
    monkeypatch.setenv("DJANGO_CONN_MAX_AGE", "30")  # the test database's setting unchanged
    monkeypatch.setenv("ICCWATCH_BASE_URL", "https://iccwatch.example.org")  # kept as it is
    call_command = up.call_command
    monkeypatch.setattr(  # migrate and collectstatic left out, runserver run
        up,
        "call_command",
        lambda name, *args, **kwargs: (
            call_command(name, *args, **kwargs) if isinstance(name, BaseCommand) else None
        ),
    )
    said = {}

    def run(address, port, handler, *, on_bind, **kwargs):
        said["before"] = command.stdout.getvalue()
        on_bind(port)  # what basehttp.run does once the socket is bound
        said["after"] = command.stdout.getvalue()

    monkeypatch.setattr("django.core.management.commands.runserver.run", run)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command.handle(host="127.0.0.1", port=port, data=DATASET, noreload=True)
    assert "iccwatch is at" not in said["before"], said["before"]
    assert said["after"].endswith(
        f"iccwatch is at http://127.0.0.1:{port}/  (admin: /admin/). Ctrl-C stops it.\n"
    ), said["after"]


def serve_with_up(monkeypatch, host: str, port: int) -> UpCommand:
    """Run `up`'s handle as far as the server's start, every step before it left out and
    the server itself replaced by one that binds nothing but says it did (on_bind)."""
    command = up_command()
    for step in ("seed", "recompute_outdated", "build_downloads", "ensure_admin"):
        monkeypatch.setattr(command, step, lambda *args: None)
    monkeypatch.setattr(up, "embedded_server", lambda: None)
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    monkeypatch.setenv("DJANGO_CONN_MAX_AGE", "30")
    call_command = up.call_command
    monkeypatch.setattr(
        up,
        "call_command",
        lambda name, *args, **kwargs: (
            call_command(name, *args, **kwargs) if isinstance(name, BaseCommand) else None
        ),
    )
    monkeypatch.setattr(
        "django.core.management.commands.runserver.run",
        lambda address, port, handler, *, on_bind, **kwargs: on_bind(port),
    )
    command.handle(host=host, port=port, data=DATASET, noreload=True)
    return command


@pytest.mark.django_db
@pytest.mark.parametrize("chosen_site_url", [None, "https://alerts.example.org"])
def test_up_on_another_port_links_to_that_port_unless_told_otherwise(
    monkeypatch, settings, chosen_site_url
):
    """`up --port 8106` mailed password links, and create_account printed them, to
    http://127.0.0.1:8000/, where nothing answered: ICCWATCH_BASE_URL and ICCWATCH_SITE_URL
    fell back to a fixed address. `up` now sets both, unset, to the server it starts, for
    this process and the autoreloader's child (the environment); a chosen
    ICCWATCH_SITE_URL is kept."""
    from accounts.management.commands.create_account import link_base
    from newsroom.tasks import base_url

    for name in ("ICCWATCH_BASE_URL", "ICCWATCH_SITE_URL"):
        monkeypatch.setenv(name, "")  # restored after the test, whatever `up` sets
        monkeypatch.delenv(name)
    if chosen_site_url:
        monkeypatch.setenv("ICCWATCH_SITE_URL", chosen_site_url)
    settings.ICCWATCH_BASE_URL = ""
    settings.ICCWATCH_SITE_URL = chosen_site_url or "http://127.0.0.1:8000"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    serve_with_up(monkeypatch, "127.0.0.1", port)

    address = f"http://127.0.0.1:{port}"
    assert os.environ["ICCWATCH_BASE_URL"] == settings.ICCWATCH_BASE_URL == address
    assert base_url() == address  # the password reset mail's links
    site_url = chosen_site_url or address
    assert site_url == settings.ICCWATCH_SITE_URL  # the alerts' links
    assert os.environ.get("ICCWATCH_SITE_URL") == chosen_site_url
    assert link_base("") == (address, "ICCWATCH_BASE_URL")  # create_account's link


@pytest.mark.django_db
def test_up_leaves_a_chosen_base_url_as_it_is(monkeypatch, settings):
    monkeypatch.setenv("ICCWATCH_BASE_URL", "https://iccwatch.example.org")
    settings.ICCWATCH_BASE_URL = "https://iccwatch.example.org"
    settings.ICCWATCH_SITE_URL = "https://iccwatch.example.org"
    serve_with_up(monkeypatch, "127.0.0.1", 0)
    assert os.environ["ICCWATCH_BASE_URL"] == "https://iccwatch.example.org"
    assert settings.ICCWATCH_BASE_URL == settings.ICCWATCH_SITE_URL
    assert settings.ICCWATCH_SITE_URL == "https://iccwatch.example.org"


def test_the_test_command_passes_its_arguments_to_pytest():
    result = run_manage("test", "--collect-only", "-q", "tests/test_healthz.py")
    assert result.returncode == 0, result.stderr
    assert "test_healthz_answers_ok_after_querying_the_database" in result.stdout


def test_the_test_command_fails_with_pytests_code_when_no_test_is_collected():
    result = run_manage("test", "-q", "-k", "no_test_has_this_name", "tests/test_healthz.py")
    assert result.returncode == 5
    assert "pytest collected no tests: that counts as a failure" in result.stderr


def test_the_test_commands_help_says_what_it_does_before_pytests_options():
    """`manage.py test --help` printed pytest's help alone ("usage: python -m pytest"),
    nothing about the services the command starts nor its workers, and `manage.py help
    test` sent the reader back to it. Its own usage now comes first, and asking for help
    starts nothing: here no Redis answers where the tests' would be."""
    dead_redis = {**os.environ, "ICCWATCH_TEST_REDIS_URL": "redis://127.0.0.1:1/15"}
    result = run_manage("test", "--help", env=dead_redis)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("usage: python3 manage.py test [pytest's options]")
    own, _, pytests = result.stdout.partition("pytest's own help follows.")
    assert f"(-n auto\n--maxprocesses {MAX_WORKERS})" in own, own
    assert "the embedded PostgreSQL" in own and "redis-server" in own, own
    assert "python3 manage.py test tests/site/test_map.py::test_x" in own, own
    assert pytests.lstrip().startswith("usage: python -m pytest"), pytests[:200]
    assert "Starting the embedded PostgreSQL" not in result.stdout + result.stderr

    described = run_manage("help", "test")
    assert described.returncode == 0, described.stderr
    assert described.stdout.startswith("usage: python3 manage.py test [pytest's options]")
    assert described.stdout.rstrip().endswith("pytest's own options: python3 manage.py test --help")


@pytest.mark.parametrize("ci", ["", "true"], ids=["here", "in-ci"])
def test_a_test_that_needs_an_npm_package_says_so_when_it_is_missing(tmp_path, ci):
    """Without npm (no node_modules/), tests/site/test_map.py failed six tests with
    "AttributeError: 'NoneType' object has no attribute 'countries'" and
    test_territories.py with KeyError 'REU': nothing said that the npm packages were
    missing. Such a test is marked `npm`: it is skipped, saying which package is missing
    and `npm ci`; where CI is set it fails with the same words (CI installs npm)."""
    missing = tmp_path / "countries-110m.json"
    result = run_manage(
        "test",
        "-n",
        "0",
        "-p",
        "no:cacheprovider",
        "tests/site/test_map.py::test_no_country_path_streaks_across_the_map",
        env={**os.environ, "ICCWATCH_WORLD_ATLAS_PATH": str(missing), "CI": ci},
    )
    output = result.stdout + result.stderr
    reason = (
        f"needs the npm package world-atlas ({missing} missing): run `npm ci` "
        "(Debian: apt-get install npm)"
    )
    assert result.stdout.startswith(
        "Note: the npm package world-atlas is not installed (`npm ci`; Debian: apt-get "
        "install npm): the tests marked `npm` "
    ), output
    if ci:
        assert result.returncode == 1, output
        assert f"{reason}; CI is set: a test that needs npm fails" in result.stdout, output
        assert "1 error" in result.stdout, output
    else:
        assert result.returncode == 0, output
        assert "SKIPPED [1] tests/conftest.py:" in result.stdout, output
        assert reason in result.stdout, output
        assert "1 skipped" in result.stdout, output


@pytest.mark.parametrize("workers", [[], ["-n", "0"]], ids=["in-workers", "in-one-process"])
def test_the_test_command_names_a_path_that_does_not_exist(workers):
    """In worker processes (the default), a mistyped path ran no test and said only "no
    tests ran" and "pytest collected no tests" (exit code 5): pytest-xdist's workers lost
    pytest's own message. It is pytest's usage error in both modes now, before any worker
    starts."""
    result = run_manage("test", *workers, "-p", "no:cacheprovider", "tests/site/nosuchfile.py")
    assert result.returncode == 4, result.stdout + result.stderr
    assert "ERROR: file or directory not found: tests/site/nosuchfile.py" in result.stderr
    assert "created:" not in result.stdout  # no worker was started


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server on PATH")
def test_a_private_redis_answers_while_it_runs_and_is_gone_after():
    redis = PrivateRedis()
    try:
        assert redis_answers(redis.url)
    finally:
        redis.close()
    assert not redis_answers(redis.url)


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server on PATH")
def test_a_private_redis_never_takes_over_a_server_that_won_its_port(monkeypatch):
    """Two test workers may be handed the same free port: the second one's server fails to
    bind it and another port is tried, rather than the first one's server being used."""
    first = PrivateRedis()
    try:
        ports = iter([first.port])
        real_free_port = services._free_port
        monkeypatch.setattr(services, "_free_port", lambda: next(ports, None) or real_free_port())
        second = PrivateRedis()
        try:
            assert second.port != first.port
            assert second.process.poll() is None
            assert services._server_pid(second.url) == second.process.pid
            assert services._server_pid(first.url) == first.process.pid
        finally:
            second.close()
        assert redis_answers(first.url)
    finally:
        first.close()


def test_the_test_redis_url_keeps_the_server_and_changes_the_database():
    assert with_database("redis://:pw@cache:6380/0", 15) == "redis://:pw@cache:6380/15"


def test_each_test_worker_empties_a_redis_database_of_its_own():
    url = "redis://:pw@cache:6380/15"
    assert worker_redis_url(url, None) == url
    assert worker_redis_url(url, "master") == url
    assert worker_redis_url(url, "gw0") == url
    assert worker_redis_url(url, "gw1") == "redis://:pw@cache:6380/14"
    assert worker_redis_url(url, "gw15") == "redis://:pw@cache:6380/0"
    with pytest.raises(ValueError, match="run at most 16 workers"):
        worker_redis_url(url, "gw16")
    with pytest.raises(ValueError, match="not a pytest-xdist worker id"):
        worker_redis_url(url, "worker-1")


def test_the_test_command_runs_one_worker_per_core_unless_told_otherwise():
    assert parallel([]) == parallel(["-x", "-k", "compliance", "tests/visits"])
    assert parallel([]) == [
        "-n",
        "auto",
        "--maxprocesses",
        str(MAX_WORKERS),
        "--max-worker-restart",
        "0",
    ]
    # Whoever names an option of pytest-xdist chooses the workers.
    for own in (
        ["-n", "0"],
        ["-n0"],
        ["-n2", "tests/visits"],
        ["--numprocesses=2"],
        ["--dist", "no"],
        ["--dist=loadfile"],
        ["-p", "no:xdist"],
        ["-pno:xdist"],
    ):
        assert parallel(own) == [], own
    # What needs the terminal runs in this one: a worker's output goes nowhere.
    for terminal in (
        ["-s"],
        ["-vs"],
        ["--capture=no"],
        ["--capture", "no"],
        ["--pdb"],
        ["--trace"],
    ):
        assert parallel(terminal) == [], terminal
    for not_terminal in (["--capture=sys"], ["-v"], ["-rs"], ["-x", "-q"]):
        assert not needs_the_terminal(not_terminal), not_terminal
        assert parallel(not_terminal) == parallel([]), not_terminal


def test_the_test_command_leaves_the_callers_cache_and_broker_out(tmp_path):
    """Run with REDIS_URL and CELERY_BROKER_URL set, the tests still see neither: their
    cache.clear() must not empty the caller's Redis, nor their tasks reach its broker."""
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import os\n\n"
        "def test_probe():\n"
        "    assert 'REDIS_URL' not in os.environ\n"
        "    assert 'CELERY_BROKER_URL' not in os.environ\n"
    )
    dead = "redis://127.0.0.1:1/0"
    result = run_manage(
        "test",
        "-n",
        "0",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(tmp_path),
        str(probe),
        env={**os.environ, "REDIS_URL": dead, "CELERY_BROKER_URL": dead},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout, result.stdout


def test_the_test_command_runs_the_suite_in_worker_processes():
    # A test without the database: a nested run must not create the test databases that
    # this run's workers use.
    result = run_manage(
        "test", "tests/test_commands.py::test_each_test_worker_empties_a_redis_database_of_its_own"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # "created: 2/2 workers" (one core: "1/1 worker").
    assert re.search(r"created: \d+/\d+ workers?\b", result.stdout), result.stdout


def _connections_left_by_a_burst(env: dict[str, str], requests: int = 60) -> int:
    """Run the development server (`manage.py runserver --noreload`, as `up` runs it) on
    this test's database with `env`, send it `requests` requests at once, stop it, and
    count the connections to the database left open meanwhile (every request had ended)."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The server's connections are told apart by their application name: the test counts
    # and closes those only, never another process's (another test, a worker).
    name = f"iccwatch-burst-{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env={
            **env,
            "DATABASE_URL": services.database_url(connection.settings_dict),
            "ICCWATCH_SKIP_BOOTSTRAP": "1",
            "PGAPPNAME": name,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/healthz"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        with ThreadPoolExecutor(requests) as pool:
            statuses = set(
                pool.map(lambda i: urllib.request.urlopen(f"{base}?n={i}").status, range(requests))
            )
        assert statuses == {200}
        time.sleep(1)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), count(*) FILTER (WHERE application_name = %s) "
                "FROM pg_stat_activity WHERE datname = current_database()",
                [name],
            )
            connections, servers = cursor.fetchone()
            assert connections >= 1  # the test's own: the count reads the right database
            return servers
    finally:
        server.terminate()
        server.wait(timeout=30)
        with connection.cursor() as cursor:  # nothing left for the test database's teardown
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = %s",
                [name],
            )


@pytest.mark.parametrize("chosen", [None, "", "30"])
def test_up_serves_with_a_connection_per_request_unless_told_otherwise(
    settings, monkeypatch, chosen
):
    """A newcomer's 120 requests at once to `up`'s server left 100 connections open, all
    the embedded PostgreSQL allows, and every page then answered 503 (too many clients)
    until a restart: runserver's request threads each kept a persistent connection.
    `up` serves with CONN_MAX_AGE 0 unless DJANGO_CONN_MAX_AGE chooses otherwise (an
    empty value is no choice: it reads as the settings' default)."""
    monkeypatch.setenv("DJANGO_CONN_MAX_AGE", chosen or "")  # restored after the test
    if chosen is None:
        monkeypatch.delenv("DJANGO_CONN_MAX_AGE")
    monkeypatch.setitem(settings.DATABASES["default"], "CONN_MAX_AGE", 60)
    served = {}

    def runserver(name, *args, **kwargs):
        served["max_age"] = settings.DATABASES["default"]["CONN_MAX_AGE"]
        served["env"] = os.environ.get("DJANGO_CONN_MAX_AGE")

    monkeypatch.setattr("devtools.management.commands.up.call_command", runserver)
    up_command().serve("127.0.0.1:8000", "127.0.0.1", noreload=True)
    if chosen == "30":
        assert served == {"max_age": 60, "env": "30"}
    else:
        # The autoreloader's child reads the variable; this process, the settings.
        assert served == {"max_age": 0, "env": "0"}


@pytest.mark.django_db(transaction=True)
def test_the_development_server_as_up_runs_it_keeps_no_connection_after_a_burst():
    """With `up`'s setting, a burst of 60 requests at once leaves no connection open."""
    assert _connections_left_by_a_burst({**os.environ, "DJANGO_CONN_MAX_AGE": "0"}) <= 2


@pytest.mark.django_db(transaction=True)
def test_up_recomputes_the_verdicts_of_an_older_rule_and_says_what_it_wrote(
    seeded, monkeypatch, settings
):
    """Without a broker `up` said nothing after a rule change: the requests it made for the
    older rule's verdicts were relayed as they committed and evaluated inline by the task,
    so that its own evaluation found none. Transactional: the relay runs on commit."""
    import compliance
    from visits import outbox
    from visits.models import Verdict, Visit

    assert settings.CELERY_TASK_ALWAYS_EAGER
    monkeypatch.setattr(compliance, "RULE_VERSION", "2999.1")
    monkeypatch.setattr(outbox, "RULE_VERSION", "2999.1")
    command = up_command()

    command.recompute_outdated()

    visits = Visit.objects.count()
    assert command.stdout.getvalue().strip() == (
        f"==> Recomputed {visits} verdicts for the rule's new version: 0 verdicts changed, "
        f"0 explanations reworded, {visits} unchanged but recorded under rule version 2999.1"
    )
    assert set(Verdict.objects.values_list("rule_version", flat=True)) == {"2999.1"}
