"""A real Celery worker on a private Redis, consuming from pytest-django's test database.

Shared by the tests that need the pipeline for real (tests/visits/test_pipeline.py,
tests/alerts/test_worker.py, tests/browser/test_newsroom.py). The Redis is a private
redis-server on a free port (the tests may stop it); the worker is a subprocess
consuming only from it, connected to the test database. This process (and the live
server's threads in it) is switched from inline (eager) tasks to that broker by the
`publishing_to` context manager: eagerness is decided at settings import from
CELERY_BROKER_URL, so setting the variable for the whole run would make every other
test module enqueue to a broker too.

tests/conftest.py offers the fixtures to every test (a module may define its own
`redis_server` or `worker` instead, as tests/alerts/test_worker.py does). They are
module-scoped: each module that asks gets its own Redis and worker, and the worker
stops at the end of the module, before pytest-django drops the test database. The worker must only see
committed rows: use it from transactional tests (django_db(transaction=True), live_server).
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
import kombu.pools
import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection

from core import broker as core_broker
from devtools.services import PrivateRedis, database_url, redis_answers, stop_process
from iccwatch.celery import app as celery_app
from visits.models import EvaluationRequest

ROOT = Path(__file__).resolve().parent.parent


def server_and_database(**connect_params) -> tuple:
    """Which PostgreSQL cluster (its system identifier) and database a connection reaches."""
    with psycopg.connect(**connect_params, connect_timeout=5) as conn:
        return conn.execute(
            "SELECT system_identifier, current_database() FROM pg_control_system()"
        ).fetchone()


def worker_database_url():
    """The URL of pytest-django's test database (test_<name>), for the worker subprocess.

    Built from the test connection's own settings, socket folder or TCP host alike,
    and checked: it must reach the very cluster and database this process uses.
    """
    url = database_url(connection.settings_dict)
    parsed = dj_database_url.parse(url)
    params = {
        "host": parsed["HOST"] or None,
        "port": parsed["PORT"] or None,
        "user": parsed["USER"] or None,
        "password": parsed["PASSWORD"] or None,
        "dbname": parsed["NAME"],
    }
    with connection.cursor() as cur:
        cur.execute("SELECT system_identifier, current_database() FROM pg_control_system()")
        ours = cur.fetchone()
    theirs = server_and_database(**{k: v for k, v in params.items() if v is not None})
    assert theirs == ours, f"{url} reaches {theirs}, the tests use {ours}"
    return url


class CeleryProcess:
    """A `celery -A iccwatch worker|beat` subprocess on the private broker and the test
    database; `environment` adds to (or overrides) the variables it starts with (its
    settings: a retry schedule, a mail backend)."""

    def __init__(
        self,
        kind: str,
        broker_url: str,
        database_url: str,
        log_dir: Path,
        environment: dict[str, str] | None = None,
    ):
        self.kind, self.broker_url, self.database_url, self.log_dir = (
            kind,
            broker_url,
            database_url,
            log_dir,
        )
        self.environment = dict(environment or {})
        self.process = None
        self.starts = 0
        self.application_name = f"iccwatch-test-{kind}-{os.getpid()}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self):
        self.starts += 1
        self.log = self.log_dir / f"{self.kind}-{self.starts}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "iccwatch.settings",
            "DATABASE_URL": self.database_url,
            # Names the worker's sessions in pg_stat_activity (libpq reads it).
            "PGAPPNAME": self.application_name,
            "CELERY_BROKER_URL": self.broker_url,
            "ICCWATCH_SKIP_BOOTSTRAP": "1",
            # The sweeper runs every second and picks up requests older than a second.
            "ICCWATCH_SWEEP_SECONDS": "1",
            "ICCWATCH_SWEEP_GRACE_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
            **self.environment,
        }
        command = [sys.executable, "-m", "celery", "-A", "iccwatch", self.kind, "--loglevel=INFO"]
        if self.kind == "worker":
            command += [
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=pipeline-{os.getpid()}@%h",
            ]
            ready = " ready."
        else:
            command += [f"--schedule={self.log_dir / 'celerybeat-schedule'}"]
            ready = "beat: Starting..."
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        wait_for(
            lambda: ready in self.log.read_text(),
            timeout=30,
            what=f"celery {self.kind} to start",
            on_timeout=self.tail,
            give_up=self.failure,
        )

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def freeze(self):
        """Stop the process where it is (SIGSTOP): its state can then be read without racing it."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self):
        if self.process is not None:
            stop_process(self.process, timeout=20)

    def tail(self) -> str:
        return self.log.read_text()[-4000:] if self.log.exists() else ""

    def tail_lines(self) -> list[str]:
        """Every line of the current log."""
        return self.log.read_text().splitlines() if self.log.exists() else []

    def failure(self) -> str | None:
        """Why waiting on this process is pointless: it exited, or a task failed."""
        if self.process is None:
            return None
        if self.process.poll() is not None and self.process.returncode != -signal.SIGKILL:
            return f"celery {self.kind} exited with code {self.process.returncode}\n{self.tail()}"
        if " raised unexpected: " in (log := self.tail()):
            return f"a task failed in celery {self.kind}\n{log}"
        return None


def wait_for(
    predicate, *, timeout: float, what: str, interval: float = 0.05, on_timeout=None, give_up=None
):
    """Poll until `predicate` is true; fail at once when `give_up()` names a reason to stop."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if give_up and (reason := give_up()):
            pytest.fail(f"gave up waiting for {what}: {reason}")
        if time.monotonic() > deadline:
            detail = f"\n{on_timeout()}" if on_timeout else ""
            pytest.fail(f"timed out after {timeout} s waiting for {what}{detail}")
        time.sleep(interval)


def fresh_broker_pools() -> None:
    """Close the app's broker connection and producer pools (kombu keeps them in a
    registry keyed by the URL), so that the next publish connects afresh to the broker
    now configured."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def publishing_to(broker_url: str):
    """Make this process enqueue tasks to `broker_url` instead of running them inline."""
    saved_env = os.environ.get("CELERY_BROKER_URL")
    saved_conf = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    saved_eager = settings.CELERY_TASK_ALWAYS_EAGER

    # Celery reads CELERY_BROKER_URL from the environment before its configuration;
    # the relay reads Django's setting to decide whether a failure may propagate.
    os.environ["CELERY_BROKER_URL"] = broker_url
    celery_app.conf.update(broker_url=broker_url, task_always_eager=False)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    fresh_broker_pools()
    # A pause left by a broker that failed in an earlier test is not this broker's.
    core_broker.resume()
    try:
        yield
    finally:
        core_broker.resume()
        settings.CELERY_TASK_ALWAYS_EAGER = saved_eager
        celery_app.conf.update(saved_conf)
        fresh_broker_pools()  # no connection to this broker is left for the next publish
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env


# --- Fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_server():
    if not shutil.which("redis-server"):
        pytest.fail(
            "The pipeline tests need redis-server on PATH (Debian: apt-get install redis-server)."
        )
    server = PrivateRedis(database=0)
    yield server
    server.close()


@pytest.fixture(scope="module")
def celery_logs(tmp_path_factory):
    return tmp_path_factory.mktemp("celery")


@pytest.fixture(scope="module")
def worker_database(django_db_setup, django_db_blocker):
    """The DATABASE_URL of the test database, for the Celery subprocesses."""
    with django_db_blocker.unblock():
        return worker_database_url()


@pytest.fixture(scope="module")
def worker(worker_database, redis_server, celery_logs):
    """One worker for the module; it must stop before pytest-django drops the test database."""
    process = CeleryProcess("worker", redis_server.url, worker_database, celery_logs)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def pipeline(worker, redis_server):
    """This process enqueues to the private Redis, where the worker is listening.

    Each test ends with the outbox drained, so that no task is still running when
    pytest-django empties the tables.
    """
    if not redis_answers(redis_server.url):
        redis_server.start()
    with publishing_to(redis_server.url):
        yield worker
        wait_for(
            lambda: not EvaluationRequest.objects.exists() and broker_is_idle(redis_server),
            timeout=30,
            what="the outbox and the broker to drain at the end of the test",
            on_timeout=worker.tail,
        )


def broker_is_idle(redis_server) -> bool:
    """No message waits in the queue, and none is being worked on (it stays unacked until its task ends)."""
    client = redis.Redis.from_url(redis_server.url)
    return client.llen("celery") == 0 and client.hlen("unacked") == 0
