"""A Redis cache that fails open (when Redis is down, reads miss and writes are skipped),
and the API's rate-limit logs, which hold through a Redis outage (`counters`)."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import uuid
from collections.abc import Sequence

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# While Redis is down every cache operation of every request fails (a page makes a dozen):
# a process warns of it once per WARN_EVERY seconds, with how many failed meanwhile, not
# once per operation, which would bury everything else in the log.
WARN_EVERY = 60.0
_failures = {"warned_at": None, "since": 0}
_failures_lock = threading.Lock()


def _warn_of_failure(method_name: str, exc: Exception) -> None:
    """Log that a cache operation failed, at most once per WARN_EVERY seconds per process."""
    now = time.monotonic()
    with _failures_lock:
        _failures["since"] += 1
        warned_at = _failures["warned_at"]
        if warned_at is not None and now - warned_at < WARN_EVERY:
            return
        failed, _failures["since"], _failures["warned_at"] = _failures["since"], 0, now
    logger.warning(
        "cache %s failed, serving without cache: %s (%d cache operation(s) failed in this "
        "process since the last such warning; the next comes in %d s at the earliest)",
        method_name,
        exc,
        failed,
        WARN_EVERY,
    )


def _fail_open(method_name, fallback, passes=()):
    """A cache method that answers `fallback` instead of raising when Redis fails; the
    exceptions in `passes` are answers, not failures, and reach the caller."""

    def method(self, *args, **kwargs):
        try:
            return getattr(super(FailOpenRedisCache, self), method_name)(*args, **kwargs)
        except passes:
            raise
        except Exception as exc:  # noqa: BLE001 - any cache failure must not fail the page
            _warn_of_failure(method_name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = method_name
    return method


def _default_arg(key, default=None, *args, **kwargs):
    return default


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one `redis.Redis` per connection pool.

    Django builds a new `redis.Redis` for every cache operation; its constructor (which
    fills a table of some 170 response callbacks) costs more than a GET to a local Redis,
    and a read makes several (the data version, the page cache, the rate limits).
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
    # Django's incr raises ValueError for a missing key: Redis answered, and the caller
    # decides (core.pagecache starts a new data version), as with any other cache.
    incr = _fail_open("incr", None, passes=(ValueError,))
    clear = _fail_open("clear", None)


class CountersCache:
    """The request logs of the API's rate limits, which must hold through a Redis outage.

    A log is the times of the requests a client made within a rate's period (the sliding
    log of DRF's `SimpleRateThrottle`). In Redis each log is a sorted set, and `hit`
    checks and records every log of a request in one round trip, atomically, with a Lua
    script: no history is read, unpickled, pickled and written back per request (with a
    high limit a log holds thousands of times). When Redis does not answer, the logs go
    to this process's memory (a per-process limit: with N web processes a client gets at
    most N times its rate during the outage) instead of vanishing as a fail-open cache
    would. After a failure Redis is left alone for `RETRY_AFTER` seconds, so that a
    hung Redis costs one timeout per process, not one per request. The limit goes back
    to the shared one in Redis when Redis answers again.
    """

    RETRY_AFTER = 5.0

    # KEYS: the logs; ARGV: now, then (limit, period in seconds, member) per log. Returns,
    # per log, "+" when the request is recorded, "-" when it is refused, then the log's
    # size (the request included when recorded), its oldest time, and the time of the
    # entry whose leaving frees one more request (the oldest, unless the log holds more
    # than its limit, e.g. after the rate was lowered; `now` when the log is empty).
    HIT_SCRIPT = """
local now = tonumber(ARGV[1])
local answers = {}
for i, key in ipairs(KEYS) do
    local limit = tonumber(ARGV[3 * i - 1])
    local period = tonumber(ARGV[3 * i])
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - period)
    local size = redis.call('ZCARD', key)
    local sign = '-'
    if size < limit then
        redis.call('ZADD', key, now, ARGV[3 * i + 1])
        redis.call('PEXPIRE', key, math.ceil(period * 1000))
        size = size + 1
        sign = '+'
    end
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local freeing = oldest
    if size > limit and limit > 0 then
        freeing = redis.call('ZRANGE', key, size - limit, size - limit, 'WITHSCORES')
    end
    answers[i] = sign .. ' ' .. size .. ' ' .. (oldest[2] or ARGV[1]) .. ' ' .. (freeing[2] or ARGV[1])
end
return answers
"""

    def __init__(self):
        from django.core.cache.backends.locmem import LocMemCache

        self.local = LocMemCache("iccwatch-counters", {"OPTIONS": {"MAX_ENTRIES": 10000}})
        self._down_until: dict[str, float] = {}  # Redis location -> when to try it again
        self._scripts: dict[int, object] = {}  # id(connection pool) -> the registered script
        self._lock = threading.Lock()

    def hit(self, logs: Sequence[tuple[str, int, int]], now: float) -> list[Hit]:
        """Count a request made at `now` (seconds since the epoch) against each log
        (key, limit, period in seconds): a log with fewer than `limit` times within the
        last `period` seconds records it; a full one does not. Returns a `Hit` per log,
        in order. Never raises for Redis: it counts in memory instead (see the class).
        """
        from django.core.cache import caches

        cache = caches["default"]
        if not logs:
            return []
        if not isinstance(cache, FailOpenRedisCache):
            return self._hit_here(cache, logs, now)
        location = str(cache._servers)
        if time.monotonic() >= self._down_until.get(location, 0.0):
            try:
                return self._hit_redis(cache, logs, now)
            except Exception as exc:  # noqa: BLE001 - any Redis failure: count in memory
                logger.warning(
                    "rate limits: Redis failed, counting in this process's memory for %ss: %s",
                    self.RETRY_AFTER,
                    exc,
                )
                self._down_until[location] = time.monotonic() + self.RETRY_AFTER
        return self._hit_here(self.local, logs, now)

    def _hit_redis(self, cache, logs, now) -> list[Hit]:
        client = cache._cache.get_client(write=True)
        script = self._scripts.get(id(client.connection_pool))
        if script is None:
            script = client.register_script(self.HIT_SCRIPT)
            self._scripts[id(client.connection_pool)] = script
        member = f"{now!r} {uuid.uuid4().hex}"  # the time, made unique
        arguments = [repr(now)]
        for _, limit, period in logs:
            arguments += [limit, period, member]
        keys = [cache.make_and_validate_key(key) for key, _, _ in logs]
        answers = script(keys=keys, args=arguments, client=client)
        hits = []
        for answer, (_, limit, period) in zip(answers, logs, strict=True):
            text = answer.decode() if isinstance(answer, bytes) else answer
            sign, size, oldest, freeing = text.split()
            if sign == "+":
                hits.append(Hit.recorded(int(size), float(oldest), limit, period, now))
            else:
                hits.append(
                    Hit.refused(int(size), float(oldest), limit, period, now, float(freeing))
                )
        return hits

    def _hit_here(self, cache, logs, now) -> list[Hit]:
        """The same as the script, on a cache holding each log as a list, newest first."""
        hits = []
        with self._lock:
            for key, limit, period in logs:
                log = cache.get(key, [])
                while log and log[-1] <= now - period:
                    log.pop()
                if len(log) < limit:
                    log.insert(0, now)
                    cache.set(key, log, period)
                    hits.append(Hit.recorded(len(log), log[-1], limit, period, now))
                else:
                    oldest = log[-1] if log else now  # a limit of 0 keeps no log
                    # Newest first: the entry whose leaving frees one more request.
                    freeing = log[limit - 1] if log and limit > 0 else oldest
                    hits.append(Hit.refused(len(log), oldest, limit, period, now, freeing))
        return hits


@dataclasses.dataclass(frozen=True, slots=True)
class Hit:
    """One log's answer to a request: `allowed`, else `wait`, the seconds after which a
    request may succeed (None when the log holds more than its limit, e.g. after the
    rate was lowered), as DRF's `SimpleRateThrottle.wait` computes it.

    And the log as it stands after the request, for the answer's RateLimit headers:
    `limit` (requests per period), `remaining` (requests still allowed now, never
    negative) and `reset` (seconds until the oldest request counted leaves the period; when
    refused, until the one whose leaving allows one more: the whole period for a limit
    of 0)."""

    allowed: bool
    wait: float | None = None
    limit: int = 0
    remaining: int = 0
    reset: float = 0.0

    @classmethod
    def recorded(cls, size: int, oldest: float, limit: int, period: int, now: float) -> Hit:
        return cls(True, None, limit, max(limit - size, 0), max(period - (now - oldest), 0.0))

    @classmethod
    def refused(
        cls,
        size: int,
        oldest: float,
        limit: int,
        period: int,
        now: float,
        freeing: float | None = None,
    ) -> Hit:
        """`freeing`: when the entry whose leaving allows one more request was counted
        (`oldest` when not given); `now` for an empty log, which then waits the period."""
        reset = max(period - (now - (oldest if freeing is None else freeing)), 0.0)
        available = limit - size + 1
        if available <= 0:
            return cls(False, None, limit, 0, reset)
        return cls(False, (period - (now - oldest)) / available, limit, 0, reset)


counters = CountersCache()
