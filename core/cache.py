"""A Redis cache that fails open (when Redis is down, reads miss and writes are skipped),
the API's rate-limit logs (`counters`) and the downloads' slots (`slots`), which hold
through a Redis outage."""

from __future__ import annotations

import dataclasses
import logging
import math
import threading
import time
import uuid
from collections.abc import Sequence

import redis.exceptions
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# While Redis is down every cache operation of every request fails (a page makes a dozen):
# a process warns of it once per WARN_EVERY seconds, with how many failed meanwhile, not
# once per operation, which would bury everything else in the log.
WARN_EVERY = 60.0
_failures = {"warned_at": None, "since": 0}
_failures_lock = threading.Lock()


# What makes the breaker leave a Redis alone: it did not answer (a connection refused or
# lost, a timeout), as opposed to an answer or a value that could not be stored.
_OUTAGES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def _warn_of_failure(method_name: str, exc: Exception | None) -> None:
    """Log that a cache operation failed (`exc`), or was skipped while the breaker leaves
    Redis alone (None), at most once per WARN_EVERY seconds per process."""
    now = time.monotonic()
    with _failures_lock:
        _failures["since"] += 1
        warned_at = _failures["warned_at"]
        if warned_at is not None and now - warned_at < WARN_EVERY:
            return
        failed, _failures["since"], _failures["warned_at"] = _failures["since"], 0, now
    logger.warning(
        "cache %s failed, serving without cache: %s (%d cache operation(s) failed or "
        "skipped in this process since the last such warning; the next comes in %d s at the "
        "earliest)",
        method_name,
        exc if exc is not None else f"Redis failed less than {breaker.RETRY_AFTER:g} s ago",
        failed,
        WARN_EVERY,
    )


class RedisBreaker:
    """This process's memory of a Redis that failed: after a connection error or a timeout
    of any cache operation, every cache operation on that Redis (the pages, the summaries,
    the data version's reads and bumps: `core.pagecache`) is skipped, answered as a miss,
    for `RETRY_AFTER` seconds, so that a hung Redis (one that accepts connections and never
    answers) costs each process at most one timeout per `RETRY_AFTER` seconds instead of one
    per operation (a page makes a dozen). The first operation after that tries Redis again.

    `failures` counts the operations that failed or were skipped in this process (it only
    grows): a caller compares it before and after an operation to learn whether Redis took
    it (`core.pagecache.bump_data_version`). Callables given to `on_recovery` run, in the
    thread of the operation, after the first operation that reaches Redis once it failed
    (`core.pagecache` bumps a data version owed since then).
    """

    RETRY_AFTER = 5.0  # seconds

    def __init__(self):
        self._down_until: dict[str, float] = {}  # a Redis location -> when to try it again
        self._lock = threading.Lock()
        self._recovering = threading.local()
        self.failures = 0
        self.failed_since_success = False
        self.recovery_hooks: list = []

    def skips(self, location: str) -> bool:
        """Whether operations on Redis at `location` are skipped now (counted as failed)."""
        until = self._down_until.get(location)
        if until is None or time.monotonic() >= until:
            return False
        with self._lock:
            self.failures += 1
        return True

    def failed(self, location: str, exc: Exception) -> None:
        """Record a failed operation; a connection error or a timeout (not, say, a value
        that cannot be pickled) leaves that Redis alone for RETRY_AFTER seconds."""
        with self._lock:
            self.failures += 1
            self.failed_since_success = True
            if isinstance(exc, _OUTAGES):
                self._down_until[location] = time.monotonic() + self.RETRY_AFTER

    def succeeded(self, location: str) -> None:
        """Record an operation Redis took: after a failure, run the recovery hooks once."""
        if not self.failed_since_success or getattr(self._recovering, "active", False):
            return
        with self._lock:
            if not self.failed_since_success:
                return
            self.failed_since_success = False
            self._down_until.pop(location, None)
        self._recovering.active = True
        try:
            for hook in list(self.recovery_hooks):
                try:
                    hook()
                except Exception:  # noqa: BLE001 - a hook must not fail the operation
                    logger.exception("cache: a hook run once Redis answered again failed")
        finally:
            self._recovering.active = False

    def on_recovery(self, hook) -> None:
        """Run `hook()` after the first operation that reaches Redis once one failed."""
        if hook not in self.recovery_hooks:
            self.recovery_hooks.append(hook)

    def reset(self) -> None:
        """Forget every failure (tests; a Redis known to be back)."""
        with self._lock:
            self._down_until.clear()
            self.failed_since_success = False


breaker = RedisBreaker()


def redis_failures() -> int:
    """How many cache operations failed or were skipped in this process so far (only grows)."""
    return breaker.failures


def _fail_open(method_name, fallback, passes=()):
    """A cache method that answers `fallback` instead of raising when Redis fails, or
    without asking Redis while the breaker skips it (`RedisBreaker`); the exceptions in
    `passes` are answers, not failures, and reach the caller."""

    def method(self, *args, **kwargs):
        location = str(self._servers)
        if breaker.skips(location):
            _warn_of_failure(method_name, None)
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        try:
            answer = getattr(super(FailOpenRedisCache, self), method_name)(*args, **kwargs)
        except passes:
            breaker.succeeded(location)
            raise
        except Exception as exc:  # noqa: BLE001 - any cache failure must not fail the page
            breaker.failed(location, exc)
            _warn_of_failure(method_name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        breaker.succeeded(location)
        return answer

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


class SharedInRedis:
    """Counts every web process shares in Redis, kept in this process's memory while Redis
    does not answer: the API's rate-limit logs (`CountersCache`) and the slots of the
    streamed downloads (`SlotsCache`). After a failure Redis is left alone for
    `RETRY_AFTER` seconds, so that a hung Redis costs one timeout per process, not one per
    request; the shared counts are used again when Redis answers."""

    RETRY_AFTER = 5.0
    what = "counts"  # for the log: what goes to memory while Redis is away
    local_name = "iccwatch-counts"  # this process's memory of them (a LocMemCache)

    def __init__(self):
        from django.core.cache.backends.locmem import LocMemCache

        self.local = LocMemCache(self.local_name, {"OPTIONS": {"MAX_ENTRIES": 10000}})
        self._down_until: dict[str, float] = {}  # Redis location -> when to try it again
        self._scripts: dict[int, object] = {}  # id(connection pool) -> the registered script
        self._lock = threading.Lock()

    @staticmethod
    def _default_cache():
        from django.core.cache import caches

        return caches["default"]

    def _redis(self, cache) -> FailOpenRedisCache | None:
        """`cache` when it is Redis and not left alone after a failure, else None."""
        if not isinstance(cache, FailOpenRedisCache):
            return None
        if time.monotonic() < self._down_until.get(str(cache._servers), 0.0):
            return None
        return cache

    def _failed(self, cache, exc: Exception) -> None:
        """Log a Redis failure and leave Redis alone for RETRY_AFTER seconds."""
        logger.warning(
            "%s: Redis failed, counting in this process's memory for %ss: %s",
            self.what,
            self.RETRY_AFTER,
            exc,
        )
        self._down_until[str(cache._servers)] = time.monotonic() + self.RETRY_AFTER

    def _script(self, client, source: str):
        """`source` registered once per connection pool (a Lua script run by its digest)."""
        script = self._scripts.get(id(client.connection_pool))
        if script is None:
            script = client.register_script(source)
            self._scripts[id(client.connection_pool)] = script
        return script


class CountersCache(SharedInRedis):
    """The request logs of the API's rate limits, which must hold through a Redis outage.

    A log is the times of the requests a client made within a rate's period (the sliding
    log of DRF's `SimpleRateThrottle`). In Redis each log is a sorted set, and `hit`
    checks and records every log of a request in one round trip, atomically, with a Lua
    script: no history is read, unpickled, pickled and written back per request (with a
    high limit a log holds thousands of times). When Redis does not answer, the logs go
    to this process's memory (a per-process limit: with N web processes a client gets at
    most N times its rate during the outage) instead of vanishing as a fail-open cache
    would (SharedInRedis).
    """

    what = "rate limits"
    local_name = "iccwatch-counters"

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

    def hit(self, logs: Sequence[tuple[str, int, int]], now: float) -> list[Hit]:
        """Count a request made at `now` (seconds since the epoch) against each log
        (key, limit, period in seconds): a log with fewer than `limit` times within the
        last `period` seconds records it; a full one does not. Returns a `Hit` per log,
        in order. Never raises for Redis: it counts in memory instead (see the class).
        """
        cache = self._default_cache()
        if not logs:
            return []
        if not isinstance(cache, FailOpenRedisCache):
            return self._hit_here(cache, logs, now)
        redis = self._redis(cache)
        if redis is not None:
            try:
                return self._hit_redis(redis, logs, now)
            except Exception as exc:  # noqa: BLE001 - any Redis failure: count in memory
                self._failed(redis, exc)
        return self._hit_here(self.local, logs, now)

    def _hit_redis(self, cache, logs, now) -> list[Hit]:
        client = cache._cache.get_client(write=True)
        script = self._script(client, self.HIT_SCRIPT)
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


@dataclasses.dataclass(frozen=True, slots=True)
class Slot:
    """A slot taken in each of `keys` (SlotsCache.take) under `token`, in Redis when
    `shared`, else in this process's memory."""

    token: str
    keys: tuple[str, ...]
    shared: bool


class SlotsCache(SharedInRedis):
    """Leased slots: how many of something run at once across every web process (the
    streamed downloads: core.exports).

    A set of slots is a sorted set in Redis, each holder's token scored by the moment its
    lease ends. `take` drops the leases that have ended and takes one slot in every set
    it is given, atomically (one Lua script), or none when any of them is full. The
    holder renews its lease while it runs (`renew`) and gives the slot back when it is
    done (`release`); a holder that dies without a word frees its slot when its lease
    ends. While Redis does not answer, and without Redis, the slots are counted in this
    process's memory (SharedInRedis): a limit per process.
    """

    what = "download slots"
    local_name = "iccwatch-slots"

    # KEYS: the sets; ARGV: now, the token, the lease's end, then each set's limit.
    # Returns 0 when a slot is taken in every set, else the (1-based) index of the first
    # set that is full (nothing is taken then).
    TAKE_SCRIPT = """
local now = tonumber(ARGV[1])
local ends = tonumber(ARGV[3])
for i, key in ipairs(KEYS) do
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then
        return i
    end
end
for i, key in ipairs(KEYS) do
    redis.call('ZADD', key, ends, ARGV[2])
    redis.call('PEXPIRE', key, math.ceil((ends - now) * 1000))
end
return 0
"""

    def __init__(self):
        super().__init__()
        self._held: dict[str, dict[str, float]] = {}  # key -> {token: end of its lease}

    def take(
        self, sets: Sequence[tuple[str, int]], lease: float, now: float
    ) -> tuple[Slot | None, int | None]:
        """Take a slot in each set (key, limit) for `lease` seconds from `now`: (the Slot,
        None), or (None, the index of the first full set) when any set holds `limit`
        unexpired leases. Never raises for Redis: it counts in memory instead."""
        token = uuid.uuid4().hex
        keys = tuple(key for key, _ in sets)
        redis = self._redis(self._default_cache())
        if redis is not None:
            try:
                client = redis._cache.get_client(write=True)
                full = self._script(client, self.TAKE_SCRIPT)(
                    keys=[redis.make_and_validate_key(key) for key in keys],
                    args=[repr(now), token, repr(now + lease), *(limit for _, limit in sets)],
                    client=client,
                )
                if full:
                    return None, int(full) - 1
                return Slot(token, keys, shared=True), None
            except Exception as exc:  # noqa: BLE001 - any Redis failure: count in memory
                self._failed(redis, exc)
        with self._lock:
            for index, (key, limit) in enumerate(sets):
                held = self._held.setdefault(key, {})
                for other in [t for t, ends in held.items() if ends <= now]:
                    del held[other]
                if len(held) >= limit:
                    self._forget_empty(keys)
                    return None, index
            for key in keys:
                self._held[key][token] = now + lease
        return Slot(token, keys, shared=False), None

    def _forget_empty(self, keys) -> None:
        """Drop the sets of `keys` that hold no slot (under the lock): a set per client
        address ever seen would otherwise stay in memory for the process's life."""
        for key in keys:
            if not self._held.get(key, True):
                del self._held[key]

    def renew(self, slot: Slot, lease: float, now: float) -> None:
        """Extend `slot`'s lease to `lease` seconds from `now` (in each set that still
        holds it)."""
        if not slot.shared:
            with self._lock:
                for key in slot.keys:
                    held = self._held.get(key, {})
                    if slot.token in held:
                        held[slot.token] = now + lease
            return
        self._in_redis(
            slot,
            lambda pipe, key: (
                pipe.zadd(key, {slot.token: now + lease}, xx=True),
                pipe.pexpire(key, math.ceil(lease * 1000)),
            ),
        )

    def release(self, slot: Slot) -> None:
        """Give `slot` back in each of its sets."""
        if not slot.shared:
            with self._lock:
                for key in slot.keys:
                    self._held.get(key, {}).pop(slot.token, None)
                self._forget_empty(slot.keys)
            return
        self._in_redis(slot, lambda pipe, key: pipe.zrem(key, slot.token))

    def _in_redis(self, slot: Slot, command) -> None:
        """Run `command(pipeline, key)` for each of `slot`'s sets in one round trip; a
        failure is logged and left to the lease's end."""
        cache = self._default_cache()
        if not isinstance(cache, FailOpenRedisCache):
            return
        try:
            pipe = cache._cache.get_client(write=True).pipeline(transaction=False)
            for key in slot.keys:
                command(pipe, cache.make_and_validate_key(key))
            pipe.execute()
        except Exception as exc:  # noqa: BLE001 - the lease ends the slot anyway
            logger.warning("download slots: Redis failed, the lease frees the slot: %s", exc)

    def forget(self) -> None:
        """Drop every slot this process holds in memory (tests)."""
        with self._lock:
            self._held.clear()


slots = SlotsCache()
