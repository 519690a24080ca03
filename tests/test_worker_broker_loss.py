"""A worker holding a task that waits for its time (a retry's countdown) survives the loss
of its broker, and reconnects when it is back.

It logged `Restoring 1 unacknowledged message(s)`, then `Unrecoverable error:
AttributeError("'NoneType' object has no attribute 'hostname'")`, and exited with status 1
(core/consumer.py says why). A real worker on a private redis-server, stopped and
started again."""

import shutil

import pytest
import redis

from devtools.services import PrivateRedis
from iccwatch.celery import app
from tests.pipeline import CeleryProcess, publishing_to, wait_for

pytestmark = pytest.mark.skipif(
    not shutil.which("redis-server"), reason="needs redis-server on PATH"
)


@pytest.fixture
def server():
    server = PrivateRedis(database=0)
    yield server
    server.close()


@pytest.fixture
def worker(worker_database, server, celery_logs):
    process = CeleryProcess("worker", server.url, worker_database, celery_logs)
    process.start()
    yield process
    process.stop()


def log_of(worker) -> str:
    return "\n".join(worker.tail_lines())


def held(server) -> int:
    return redis.Redis.from_url(server.url).hlen("unacked")


def test_a_worker_holding_a_task_survives_the_brokers_loss_and_reconnects(server, worker):
    with publishing_to(server.url):
        # As a retry is sent again: with a countdown, held by the worker until its time.
        app.signature("visits.sweep_evaluation_requests").apply_async(countdown=600)
    wait_for(lambda: held(server) == 1, timeout=30, what="the worker to hold the task")
    server.stop()
    # Either it tries to reconnect, or it stopped (what it did).
    wait_for(
        lambda: (
            any(
                line in log_of(worker)
                for line in ("Trying again in", "Unrecoverable error", "Cannot connect to")
            )
            or worker.process.poll() is not None
        ),
        timeout=60,
        what="the worker to see the broker gone",
        on_timeout=worker.tail,
    )
    log = log_of(worker)
    assert "Unrecoverable error" not in log, log
    assert worker.process.poll() is None, log
    assert "Connection to the broker lost with 1 message(s) held" in log
    server.start()
    wait_for(
        lambda: log_of(worker).count("Connected to redis://") >= 2,
        timeout=60,
        what="the worker to reconnect",
        on_timeout=worker.tail,
        give_up=worker.failure,
    )
    # It works again: a task sent now runs.
    with publishing_to(server.url):
        app.signature("visits.sweep_evaluation_requests").apply_async()
    wait_for(
        lambda: (
            "visits.sweep_evaluation_requests[" in worker.tail()
            and " succeeded in " in worker.tail()
        ),
        timeout=60,
        what="a task to run after the reconnection",
        on_timeout=worker.tail,
        give_up=worker.failure,
    )
