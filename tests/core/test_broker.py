"""After the broker failed, a process leaves it alone for a short pause (core/broker.py).

While Redis was down, verifying a report took 7 s: each task it enqueued waited for the
broker's 2 s timeouts. Connection attempts are counted, not seconds.
"""

import logging
import socket

import pytest
from celery import signature
from kombu.exceptions import EncodeError

from core import broker
from tests.pipeline import fresh_broker_pools, publishing_to

WARNING = "the broker could not take a task"


@pytest.fixture
def connections_to(monkeypatch):
    """connections_to(port)(): how many connections this process tried to 127.0.0.1:port."""
    tried = []
    connect = socket.socket.connect

    def counting_connect(sock, address):
        tried.append(address)
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", counting_connect)

    def count(port):
        return lambda: sum(1 for address in tried if address[:2] == ("127.0.0.1", port))

    return count


@pytest.fixture
def clock(monkeypatch):
    """core.broker's monotonic clock, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(broker, "_now", lambda: now[0])
    return now


def check_visit():
    return signature("alerts.check_visit", args=[0])


def test_after_a_failure_the_process_tries_nothing_until_the_pause_ends(
    dead_port, connections_to, clock, caplog
):
    caplog.set_level(logging.WARNING, logger="core.broker")
    tried = connections_to(dead_port)
    with publishing_to(f"redis://127.0.0.1:{dead_port}/0"):
        with pytest.raises(broker.BrokerUnavailable) as failed:
            broker.send(check_visit(), retry=False)
        assert not failed.value.paused and failed.value.__cause__ is not None
        one_try = tried()
        assert one_try > 0 and broker.paused()

        for _ in range(3):
            with pytest.raises(broker.BrokerUnavailable) as skipped:
                broker.send(check_visit(), retry=False)
            assert skipped.value.paused
        assert tried() == one_try  # not one connection more
        warnings = [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]
        assert len(warnings) == 1 and "enqueues nothing for the next 30 s" in warnings[0]

        clock[0] += broker.PAUSE_SECONDS  # the pause is over: a real try again
        assert not broker.paused()
        with pytest.raises(broker.BrokerUnavailable) as failed_again:
            broker.send(check_visit(), retry=False)
        assert not failed_again.value.paused
        assert tried() == 2 * one_try
        warnings = [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]
        assert (
            len(warnings) == 2 and "(3 task(s) left to them in the previous pause)" in warnings[1]
        )
    assert not broker.paused()  # publishing_to forgets the pause of its broker


def test_an_error_that_is_not_the_brokers_pauses_nothing(test_redis_url):
    with publishing_to(test_redis_url):
        # Arguments JSON cannot carry: the task's fault, not the broker's.
        with pytest.raises(EncodeError):
            broker.send(signature("alerts.check_visit", args=[object()]), retry=False)
        assert not broker.paused()


def test_tasks_run_inline_without_a_broker_whatever_the_state(db, dead_port):
    with publishing_to(f"redis://127.0.0.1:{dead_port}/0"):
        with pytest.raises(broker.BrokerUnavailable):
            broker.send(check_visit(), retry=False)
        paused_state = dict(broker._state)
    # Inline (no broker), as development and the tests run tasks: a pause changes nothing.
    broker._state.update(paused_state)
    try:
        assert broker.paused()
        result = broker.send(signature("alerts.check_visit", args=[0]))
        assert result.successful() and result.result == 0
    finally:
        broker.resume()


class Records(logging.Handler):
    """The records a logger and its children emit, whatever the project's handlers."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_an_inline_task_looks_for_no_broker(db, connections_to):
    """Without CELERY_BROKER_URL, kombu warned "No hostname was supplied. Reverting to
    default 'localhost'" at every inline task (`up`'s log, once per password reset mail):
    Celery takes a producer's connection before it runs a task eagerly, and the broker
    unset is amqp://localhost. Inline, the broker is Celery's in-memory one."""
    from iccwatch.celery import app

    assert app.conf.task_always_eager
    fresh_broker_pools()  # a connection an earlier test made would hide the first one's
    records = Records()
    kombu_logger = logging.getLogger("kombu")
    kombu_logger.addHandler(records)
    level = kombu_logger.level
    kombu_logger.setLevel(logging.DEBUG)
    try:
        result = broker.send(check_visit(), retry=False)
    finally:
        kombu_logger.removeHandler(records)
        kombu_logger.setLevel(level)
    assert result.successful() and result.result == 0
    assert [record.getMessage() for record in records.records] == []
    assert app.conf.broker_url == "memory://localhost/"
    assert connections_to(5672)() == 0  # AMQP's port: nothing was tried
