"""A hung Redis (it accepts connections and never answers: stopped with SIGSTOP, swapped
out, its host frozen) costs each process one timeout per `RedisBreaker.RETRY_AFTER`
seconds, not one per cache operation; and a write whose data version bump did not reach
Redis bumps it at the process's first contact with Redis again."""

import contextlib
import logging
import os
import shutil
import signal
import time

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

import core.cache
from core import pagecache
from core.cache import breaker
from devtools.services import PrivateRedis

pytestmark = pytest.mark.skipif(
    not shutil.which("redis-server"), reason="needs redis-server on PATH"
)

TIMEOUT = 0.5  # the cache's socket timeouts in production (iccwatch/settings.py)


@pytest.fixture
def server():
    """A private redis-server (the tests freeze it), running again and closed at the end."""
    server = PrivateRedis(database=0)
    try:
        yield server
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
        server.close()


@pytest.fixture
def fresh_breaker(monkeypatch):
    """No failure remembered from an earlier test, none left for the next."""
    breaker.reset()
    monkeypatch.setattr(pagecache, "_bump_owed", False)
    monkeypatch.setattr(pagecache, "_bump_failures", {"warned_at": None, "since": 0})
    monkeypatch.setattr(core.cache, "_failures", {"warned_at": None, "since": 0})
    yield breaker
    breaker.reset()


def cache_at(server):
    return {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT},
        }
    }


@contextlib.contextmanager
def frozen(server):
    """The server stopped where it is: connections are accepted, nothing is answered."""
    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(server.process.pid, signal.SIGCONT)


def stored_version(server) -> bytes | None:
    """The data version as another process reads it in Redis."""
    client = redis.Redis.from_url(server.url)
    keys = list(client.scan_iter(f"*{pagecache.VERSION_KEY}"))
    return client.get(keys[0]) if keys else None


def test_a_hung_redis_costs_one_timeout_per_interval_not_one_per_operation(
    server, fresh_breaker, caplog
):
    with override_settings(CACHES=cache_at(server)):
        cache = caches["default"]
        cache.set("probe", 1)
        assert cache.get("probe") == 1
        with frozen(server), caplog.at_level(logging.WARNING, logger="core.cache"):
            started = time.monotonic()
            for _ in range(20):
                assert cache.get("probe") is None
                cache.set("probe", 2)
            pagecache.forget_local_version()
            assert pagecache.data_version() is None
            pagecache.bump_data_version()
            elapsed = time.monotonic() - started
        # 43 operations: one waited for its timeout (and redis-py's retry of it), the
        # rest were answered at once. Each waiting its timeout would take over 20 s.
        assert elapsed < 8 * TIMEOUT, elapsed
        warned = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
        assert len(warned) == 1 and warned[0].startswith("cache get failed"), warned
        # Once the interval has passed, Redis is tried again, and answers.
        time.sleep(breaker.RETRY_AFTER)
        cache.set("probe", 3)
        assert cache.get("probe") == 3


def test_the_site_answers_quickly_while_redis_hangs(
    reader, seeded, server, fresh_breaker, monkeypatch
):
    """The reported slowness: `/` took 8.8 s and /states/MNG/ 11.2 s with Redis frozen."""
    with override_settings(CACHES=cache_at(server)):
        pagecache.forget_local_version()
        assert reader.get("/states/MNG/").status_code == 200  # rendered, nothing cached
        with frozen(server):
            durations = []
            for url in ("/", "/states/MNG/", "/persons/", "/states/MNG/"):
                started = time.monotonic()
                pagecache.forget_local_version()
                assert reader.get(url).status_code == 200, url
                durations.append(time.monotonic() - started)
        # Only the first request waited for Redis; the others did not try it at all (a
        # page makes some ten cache operations: each waiting would take 5 s and more).
        assert breaker.failures > 10
        assert max(durations[1:]) < 5 * TIMEOUT, durations


def test_a_bump_that_failed_is_made_at_the_first_contact_with_redis_again(
    server, fresh_breaker, monkeypatch, caplog
):
    monkeypatch.setattr(breaker, "RETRY_AFTER", 0.5)
    with override_settings(CACHES=cache_at(server)):
        pagecache.forget_local_version()
        before = pagecache.data_version()
        assert before is not None and stored_version(server) == before.encode()
        with frozen(server), caplog.at_level(logging.WARNING, logger="core.pagecache"):
            for _ in range(10):  # a verification's writes
                pagecache.bump_data_version()
        assert pagecache.owes_bump()
        warned = [r.getMessage() for r in caplog.records if r.name == "core.pagecache"]
        assert len(warned) == 1, warned
        assert warned[0].startswith("data version not bumped")
        # Redis is back: the other processes still read the version from before the
        # write, under which they cached the pages it changed.
        assert stored_version(server) == before.encode()
        time.sleep(breaker.RETRY_AFTER)
        # The first operation that reaches Redis, whatever it is, pays the bump owed.
        assert caches["default"].get("anything") is None
        assert not pagecache.owes_bump()
        after = stored_version(server)
        assert after is not None and after != before.encode()
        assert pagecache.data_version() == after.decode()


def test_a_process_owing_a_bump_does_not_read_the_old_version(server, fresh_breaker, monkeypatch):
    """Even when no cache operation took place since: the version is read after the bump."""
    monkeypatch.setattr(breaker, "RETRY_AFTER", 0.5)
    with override_settings(CACHES=cache_at(server)):
        pagecache.forget_local_version()
        before = pagecache.data_version()
        with frozen(server):
            pagecache.bump_data_version()
        time.sleep(breaker.RETRY_AFTER)
        breaker.failed_since_success = False  # as if the hook had not run
        assert pagecache.owes_bump()
        assert pagecache.data_version() not in (None, before)
        assert not pagecache.owes_bump()
