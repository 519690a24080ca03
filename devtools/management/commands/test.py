"""manage.py test: run the whole test suite with pytest (replaces Django's test runner).

Every argument is passed to pytest (`manage.py test -x -k compliance tests/visits`),
and the command exits with pytest's exit code. The tests use the real services:

- PostgreSQL: DATABASE_URL, or, when it is unset, the embedded server, which this
  command starts for the run (and stops after, unless another manage.py command
  uses it); pytest-django creates and drops a `test_<name>` database on it.
- Redis: ICCWATCH_TEST_REDIS_URL (default redis://127.0.0.1:6379/15). When it is unset
  and no Redis answers at REDIS_URL, CELERY_BROKER_URL or 127.0.0.1:6379, a private
  redis-server is started for the run, and the variable is set for the tests.
- Celery: the integration tests start their own worker on that Redis.

The tests run in parallel, one pytest-xdist worker process per CPU (`-n auto`), each
on a test database (`test_<name>_gw<N>`) and a Redis database of its own; `-n 0` (or
any other `-n`) after it on the command line overrides that, and `-p no:xdist` turns
the plugin off.
"""

import os
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
    redis_answers,
    with_database,
)

NO_TESTS_COLLECTED = 5  # pytest.ExitCode.NO_TESTS_COLLECTED


def parallel(pytest_args: list[str]) -> list[str]:
    """The options that spread the run over pytest-xdist workers, one per CPU, placed
    before the caller's own: a later `-n N` wins (argparse keeps the last), and none is
    added when the caller turns the plugin off (`-p no:xdist`) or debugs (`--pdb`, which
    needs the terminal; `--trace` too)."""
    if any(arg in ("no:xdist", "-pno:xdist", "--pdb", "--trace") for arg in pytest_args):
        return []
    return ["-n", "auto"]


class Command(BaseCommand):
    help = "Run the test suite with pytest; every argument is passed to pytest (try `manage.py test --help`)."

    def run_from_argv(self, argv):
        # Django would parse the arguments; pytest's must reach pytest untouched.
        code = self.run_pytest(argv[2:])
        sys.exit(code)

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

        if not shutil.which("chromium"):
            self.stdout.write(
                "Note: no `chromium` on PATH; the browser tests need Debian's chromium (apt-get install chromium)."
            )
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
