"""manage.py test: run the whole test suite with pytest (replaces Django's test runner).

Every argument is passed to pytest (`manage.py test -x -k compliance tests/visits`),
and the command exits with pytest's exit code. The tests use the real services:

- PostgreSQL: DATABASE_URL, or, when it is unset, the embedded server, which this
  command starts for the run (and stops after, unless another manage.py command
  uses it); pytest-django creates and drops the test databases on it (below).
- Redis: ICCWATCH_TEST_REDIS_URL (default redis://127.0.0.1:6379/15). When it is unset
  and no Redis answers at REDIS_URL, CELERY_BROKER_URL or 127.0.0.1:6379, a private
  redis-server is started for the run, and the variable is set for the tests. REDIS_URL
  and CELERY_BROKER_URL themselves are not passed on: the tests' default cache is each
  process's memory and their tasks run inline, whatever the caller's shell points at.
- Celery: the integration tests start their own worker on that Redis.

The tests run in parallel (`parallel()`): one pytest-xdist worker process per core, at
most MAX_WORKERS, each with a test database (`test_<name>_gw<N>`) and a Redis database
of its own (tests.conftest's `test_redis_url`). Any pytest-xdist option on the command
line (`-n 0`, `-n 2`, `--dist ...`, `-p no:xdist`) leaves the choice to the caller, and
what needs this terminal (`-s`, `--pdb`, `--trace`) runs in one process.

`manage.py test --help` prints this command's usage (USAGE) before pytest's help, and
starts nothing; `manage.py help test` prints USAGE.
"""

import itertools
import os
import re
import shutil
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.embedded import use_in_this_process
from devtools.services import (
    DEFAULT_TEST_REDIS_URL,
    PrivateRedis,
    embedded_server,
    in_ci,
    missing_npm_packages,
    redis_answers,
    with_database,
)

NO_TESTS_COLLECTED = 5  # pytest.ExitCode.NO_TESTS_COLLECTED


# Workers at most, whatever the machine: each empties a Redis database of its own, counted
# down from ICCWATCH_TEST_REDIS_URL's (15, 14, 13, 12), and opens its own connections to
# the embedded PostgreSQL (100 at most).
MAX_WORKERS = 4
# Options by which the caller chooses pytest-xdist's workers, or turns it off.
XDIST_OPTIONS = (
    "-n",
    "--numprocesses",
    "--maxprocesses",
    "--max-worker-restart",
    "--dist",
    "--tx",
    "-d",
)


USAGE = f"""\
usage: python3 manage.py test [pytest's options] [file_or_dir[::test_name] ...]

Runs iccwatch's tests with pytest: every argument goes to pytest, and the command exits
with pytest's exit code. It first starts what the tests need: the embedded PostgreSQL
when DATABASE_URL is unset (stopped after the run), and a private redis-server when no
Redis answers at ICCWATCH_TEST_REDIS_URL (else REDIS_URL, CELERY_BROKER_URL or
127.0.0.1:6379). The tests run in worker processes, one per core (-n auto
--maxprocesses {MAX_WORKERS}), unless you name an option of pytest-xdist (-n 0: one process)
or one that needs the terminal (-s, --pdb, --trace). The browser tests need Debian's
chromium; the tests marked `npm` need the npm packages (`npm ci`), and are skipped
without them (they fail where CI is set).

  python3 manage.py test                                   the whole suite
  python3 manage.py test tests/site/test_map.py            one file
  python3 manage.py test tests/site/test_map.py::test_x    one test
  python3 manage.py test -k territories                    tests whose names match
  python3 manage.py test -x -n 0 tests/visits              stop at the first failure
  python3 manage.py test -m integration                    the tests with a Celery worker
"""  # noqa: E501 - laid out as printed


def wants_help(args: list[str]) -> bool:
    """Whether pytest's arguments ask for its help (`-h`, `--help`) rather than a run."""
    return any(arg in ("-h", "--help") for arg in args)


def needs_the_terminal(args: list[str]) -> bool:
    """Whether pytest's arguments turn capturing off (`-s`, `-vs`, `--capture=no`,
    `--capture no`) or debug (`--pdb`, `--trace`): a worker's stdin and stdout go nowhere."""
    for arg, following in itertools.pairwise([*args, None]):
        if arg in ("--pdb", "--trace", "--capture=no") or re.fullmatch(r"-[vqxl]*s[vqxl]*", arg):
            return True
        if arg == "--capture" and following == "no":
            return True
    return False


def parallel(pytest_args: list[str]) -> list[str]:
    """The pytest options that spread the run over worker processes, one per physical core
    (pytest-xdist's `auto`), at most MAX_WORKERS, none restarted after a crash (a new one
    would take another number, so another Redis database): `[]` when the caller names a
    pytest-xdist option (XDIST_OPTIONS, in any spelling: `-n0`, `--numprocesses=2`), turns
    the plugin off (`-p no:xdist`) or needs the terminal (`needs_the_terminal`)."""
    for arg in pytest_args:
        name = arg.split("=", 1)[0]
        if name in XDIST_OPTIONS or re.fullmatch(r"-n\S+", arg) or arg.endswith("no:xdist"):
            return []
    if needs_the_terminal(pytest_args):
        return []
    return ["-n", "auto", "--maxprocesses", str(MAX_WORKERS), "--max-worker-restart", "0"]


class Command(BaseCommand):
    help = "Run the test suite with pytest; every argument is passed to pytest."

    def run_from_argv(self, argv):
        # Django would parse the arguments; pytest's must reach pytest untouched.
        if wants_help(argv[2:]):
            sys.exit(self.pytest_help(argv[2:]))
        code = self.run_pytest(argv[2:])
        sys.exit(code)

    def print_help(self, prog_name, subcommand):
        """`manage.py help test`: this command's own usage (USAGE), and where pytest's
        options are listed."""
        self.stdout.write(USAGE)
        self.stdout.write("pytest's own options: python3 manage.py test --help")

    def pytest_help(self, pytest_args: list[str]) -> int:
        """`manage.py test --help`: this command's usage (USAGE), then pytest's help, with
        no service started."""
        self.stdout.write(USAGE)
        self.stdout.write("pytest's own help follows.\n", self.style.MIGRATE_HEADING)
        self.stdout.flush()
        return subprocess.call(
            [sys.executable, "-m", "pytest", *pytest_args], cwd=settings.BASE_DIR
        )

    def handle(self, *args, **options):
        # Reached through call_command("test"): run the whole suite.
        code = self.run_pytest([])
        if code:
            raise CommandError(f"pytest exited with code {code}.", returncode=code)

    def run_pytest(self, pytest_args: list[str]) -> int:
        server = embedded_server()
        if server is not None:
            use_in_this_process(server, announce=self.stdout.write)
        private_redis = None
        env = dict(os.environ)
        if "ICCWATCH_TEST_REDIS_URL" in env:
            if not redis_answers(env["ICCWATCH_TEST_REDIS_URL"]):
                self.stderr.write(
                    f"No Redis answers at ICCWATCH_TEST_REDIS_URL={env['ICCWATCH_TEST_REDIS_URL']}."
                )
                return 2
        else:
            url = self.find_redis()
            if url is None:
                if not shutil.which("redis-server"):
                    self.stderr.write(
                        "The tests need Redis: none answers at 127.0.0.1:6379 (nor at REDIS_URL or "
                        "CELERY_BROKER_URL), and no redis-server is on PATH to start one.\n"
                        "Install Redis (Debian: apt-get install redis-server) or set ICCWATCH_TEST_REDIS_URL."
                    )
                    return 2
                private_redis = PrivateRedis()
                url = private_redis.url
                self.stdout.write(
                    f"Started a private redis-server for the tests on port {private_redis.port}."
                )
            env["ICCWATCH_TEST_REDIS_URL"] = url
        # Not the caller's cache nor broker: tests empty their cache (FLUSHDB) and expect
        # their tasks inline (see the module's docstring).
        for name in ("REDIS_URL", "CELERY_BROKER_URL"):
            env.pop(name, None)

        if not shutil.which("chromium"):
            self.stdout.write(
                "Note: no `chromium` on PATH; the browser tests need Debian's chromium (apt-get install chromium)."
            )
        missing = missing_npm_packages()
        if missing:
            self.stdout.write(
                f"Note: the npm package{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"{'are' if len(missing) > 1 else 'is'} not installed (`npm ci`; Debian: "
                "apt-get install npm): the tests marked `npm` "
                + ("fail, CI being set." if in_ci() else "are skipped, each saying why.")
            )
        # Written before pytest's own output: stdout is block-buffered when it is a pipe.
        self.stdout.flush()
        try:
            code = subprocess.call(
                [sys.executable, "-m", "pytest", *parallel(pytest_args), *pytest_args],
                cwd=settings.BASE_DIR,
                env=env,
            )
        except KeyboardInterrupt:
            code = 2
        finally:
            if private_redis is not None:
                private_redis.close()
        if code == NO_TESTS_COLLECTED:
            self.stderr.write(
                self.style.ERROR(
                    "pytest collected no tests: that counts as a failure (check the paths and -k/-m filters)."
                )
            )
        return code

    def find_redis(self) -> str | None:
        """The first Redis that answers, as a URL to its database 15 (the tests' own)."""
        candidates = [os.environ.get("REDIS_URL", ""), os.environ.get("CELERY_BROKER_URL", "")]
        for candidate in candidates:
            if candidate.startswith(("redis://", "rediss://")):
                url = with_database(candidate, 15)
                if redis_answers(url):
                    return url
        return DEFAULT_TEST_REDIS_URL if redis_answers(DEFAULT_TEST_REDIS_URL) else None
