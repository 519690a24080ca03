"""A Redis cache that fails open: when Redis is down, reads miss and writes are skipped."""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


def _fail_open(method_name, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(FailOpenRedisCache, self), method_name)(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any cache failure must not fail the page
            logger.warning("cache %s failed, serving without cache: %s", method_name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = method_name
    return method


def _default_arg(key, default=None, *args, **kwargs):
    return default


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one `redis.Redis` per connection pool.

    Django builds a new `redis.Redis` for every cache operation; its constructor (which
    fills a table of some 170 response callbacks) costs more than a GET to a local Redis,
    and a read of the API makes four such operations (two rate limits, read and written).
    A `redis.Redis` is safe to share between threads: each command takes a connection
    from the pool.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, except that an unreachable Redis behaves like an empty cache."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _fail_open("get", _default_arg)
    get_many = _fail_open("get_many", lambda *a, **k: {})
    set = _fail_open("set", None)
    add = _fail_open("add", False)
    delete = _fail_open("delete", False)
    set_many = _fail_open("set_many", lambda *a, **k: [])
    delete_many = _fail_open("delete_many", None)
    touch = _fail_open("touch", False)
    has_key = _fail_open("has_key", False)
    incr = _fail_open("incr", None)
    clear = _fail_open("clear", None)


class CountersCache:
    """The cache for counters that must hold through a Redis outage: the API's rate limits.

    It is the default cache, except that when Redis does not answer, the counters go to
    this process's memory (a per-process limit: with N web processes a client gets at
    most N times its rate during the outage) instead of vanishing as a fail-open cache
    would. After a failure Redis is left alone for `RETRY_AFTER` seconds, so that a
    hung Redis costs one timeout per process, not one per request. The limit goes back
    to the shared one in Redis when Redis answers again.
    """

    RETRY_AFTER = 5.0

    def __init__(self):
        from django.core.cache.backends.locmem import LocMemCache

        self.local = LocMemCache("iccwatch-counters", {"OPTIONS": {"MAX_ENTRIES": 10000}})
        self._down_until: dict[str, float] = {}  # Redis location -> when to try it again

    def _call(self, name, *args, **kwargs):
        from django.core.cache import caches

        cache = caches["default"]
        if not isinstance(cache, FailOpenRedisCache):
            return getattr(cache, name)(*args, **kwargs)
        location = str(cache._servers)
        if time.monotonic() < self._down_until.get(location, 0.0):
            return getattr(self.local, name)(*args, **kwargs)
        try:
            # RedisCache's own method: it raises, where the fail-open one would pretend.
            return getattr(RedisCache, name)(cache, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any Redis failure: count in memory
            logger.warning(
                "cache %s failed, counting in this process's memory for %ss: %s",
                name,
                self.RETRY_AFTER,
                exc,
            )
            self._down_until[location] = time.monotonic() + self.RETRY_AFTER
            return getattr(self.local, name)(*args, **kwargs)

    def get(self, key, default=None):
        return self._call("get", key, default)

    def set(self, key, value, timeout=None):
        return self._call("set", key, value, timeout)

    def delete(self, key):
        return self._call("delete", key)


counters = CountersCache()
