"""Cached public reads, invalidated by a data version that every write bumps.

The data version is one number in the default cache (Redis). Any statement that
writes to the database (INSERT, UPDATE, DELETE, TRUNCATE: the report service, the
importer, the admin, the evaluation's bulk SQL alike) bumps it at the transaction's
first write and once more after the transaction commits (`transaction.on_commit`): a
reader that read the version in between and rendered the old data stores it under a
version the commit makes stale at once. The hook is a database execute wrapper
installed on every connection (`install`, called from `core.apps`), so no write path
can forget it. Writes to what no public page shows (sessions, sign-ins, lockouts, the
newsroom's reports until verified and its mails, the outbox's evaluation requests:
`_IGNORED_TABLES`, `_LAST_LOGIN`) leave it alone.

A public page or API read is stored under its request (path, query string, host,
scheme, language, negotiated format, today's date), the static files' release (the hash
of their manifest in production: `static_release`) and the version; its ETag is
derived from the same key, so `If-None-Match` is answered 304 before the view runs
(nothing is queried or rendered). A page is only cached for anonymous readers, whose
pages do not depend on who asks.

Counts over many visits (the home page's, a country's, a person's, those of every
row of the lists of states and persons) are `summary` values: cached under the data
version too, but after a write the last value is still served while one background
thread counts again (in production; elsewhere, and when nothing is cached yet, they are
counted in the request). A page built from such a stale value is neither stored nor
given the version's ETag, so it is not kept once the new count is in; nor is one that
says it may change without a write (`not_final`).

The cache fails open (`core.cache.FailOpenRedisCache`): with Redis down the version
reads as None and every request renders, as if there were no cache; after a connection
error or a timeout the process leaves Redis alone for a few seconds
(`core.cache.RedisBreaker`), so a hung Redis costs one timeout per process per interval.
A bump that did not reach Redis is owed, and made at the process's first contact with
Redis again (`repay_owed_bump`): the pages other processes cached before the write are
not served on. Without Redis the
page cache is off unless asked for (`ICCWATCH_PAGE_CACHE`): a cache in each process's
memory would never hear of another process's write.

Two shortcuts save the busiest reads most of their cost:

- **The version is kept in the process** for `ICCWATCH_DATA_VERSION_LOCAL_SECONDS`
  (1 s in production, 0 elsewhere), which saves a Redis round trip per request. A write
  in the same process forgets it at once (`bump_data_version`), so that process never
  serves a page older than its own writes; another process (a second web worker, the
  Celery worker, a shell) may serve the previous version's pages and ETags for at most
  that long after its write commits.
- **A replayed page is answered before the middleware** (`EarlyPageCacheMiddleware`,
  first in MIDDLEWARE but for the HEAD answers' bodies and the API's RateLimit headers): once the page cache has replayed a response, the whole answer
  as the middleware left it (status, every header, body) is kept under what the
  request carries that any middleware or the cache key reads, and the next such request
  gets those bytes without sessions, authentication, URL resolving or the view. Only
  anonymous safe reads the page cache already serves; the API's rate limits still count
  them.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import functools
import hashlib
import logging
import re
import threading
import time
from types import SimpleNamespace
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import get_language

from core import compression

logger = logging.getLogger(__name__)

VERSION_KEY = "iccwatch:data-version"
# How long a cached response lives (seconds): a bump makes it unreachable at once;
# this only bounds the memory kept by versions no one asks for any more.
TIMEOUT = 3600
# How many answers to one address (path and query) the early middleware keeps per data
# version: its identity hashes headers a client can vary at will (Accept, Accept-Language,
# Origin), and each variant would otherwise be another copy of the page in Redis.
EARLY_VARIANTS = 16
# Larger responses are not cached (bytes): they are the downloads, streamed.
MAX_SIZE = 2 * 1024 * 1024
# Statements that change data. A read (SELECT, SAVEPOINT, SET) never bumps.
_WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "MERGE", "COPY")
# Tables whose writes change no public page: sessions and sign-in bookkeeping (by
# prefix: "axes_", "otp_"), the language each account last used the newsroom in, the
# accounts' history (accounts.offboarding writes its "sessions ended" events), API
# tokens, e-mail alerts, and the newsroom's reports, which
# are their author's and the reviewers' until verified (a verified one is on its visit's
# page: saving it moves the version, visits.signals). Were these to bump, an anonymous
# reader would see every public page's ETag move whenever a reporter saves a draft.
# Evaluation requests (the outbox) are written without moving it too: the beat sweeper's
# check for verdicts of an older rule runs an INSERT every ICCWATCH_SWEEP_SECONDS, and the
# relay marks requests relayed, neither changing anything shown. A page does show whether
# a visit's verdict awaits re-evaluation (visits.models.reevaluation_pending), so the code
# that records requests (visits.outbox.request_evaluation, when it recorded any) and the
# evaluation that clears them (visits.flagging) move the version themselves.
_IGNORED_TABLES = frozenset(
    {
        "django_session",
        "django_admin_log",
        "accounts_newsroomlanguage",
        "accounts_accountevent",
        "accounts_accountroleevent",
        "accounts_accounttokenevent",
        "authtoken_token",
        "alerts_subscription",
        "alerts_delivery",
        "alerts_deliveryattempt",
        "alerts_newsroommail",
        "visits_report",
        "visits_reportevent",
        "visits_evaluationrequest",
        "visits_rangeevaluationrequest",
    }
)
_IGNORED_PREFIXES = ("axes_", "otp_")
# A sign-in's own write: the user's last_login and nothing else
# (django.contrib.auth.models.update_last_login, `save(update_fields=["last_login"])`).
_LAST_LOGIN = re.compile(r'^UPDATE "auth_user" SET "last_login" = %s WHERE [^;]*$')
# Response headers replayed from the cache (the rest are the middleware's, per request).
_KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Disposition",
    "Cache-Control",
    "Vary",
    "Link",
    # A list read for what changed: the moment to ask from next (api.base.changes_horizon).
    "Changed-Until",
)


# --- The data version -------------------------------------------------------------


# The version as this process last read it: (version, until when it may be used, in
# time.monotonic()). A bump in this process empties it (see the module).
_local_version: tuple[str, float] | None = None
# Bumped by every forget_local_version (see data_version).
_generation = 0
# Guards the check of _generation and the store of _local_version as one step, and the
# forgetting: with threaded web workers a read could otherwise pass the check, pause
# while a write of another thread forgets and bumps the version, then keep the old one.
_version_lock = threading.Lock()


def data_version() -> str | None:
    """The current data version (a string), or None when the cache cannot be reached, or
    when there is no Redis (`REDIS_URL` unset) and the page cache is not asked for
    (`ICCWATCH_PAGE_CACHE`, off by default then): a version in each process's own memory
    would never hear of another process's write. None: nothing is stored or answered under
    a version, no ETag is derived from one, and every summary is counted in the request.
    With Redis and the page cache turned off, the version still serves the summaries and
    the CSVs' ETags.

    A missing version (a new or flushed Redis) is created from the clock, so that a
    version is never reused after a flush. Read from Redis at most once per
    `ICCWATCH_DATA_VERSION_LOCAL_SECONDS` in a process that did not write meanwhile.
    """
    global _local_version
    if not settings.ICCWATCH_PAGE_CACHE and not settings.REDIS_URL:
        return None
    keep = settings.ICCWATCH_DATA_VERSION_LOCAL_SECONDS
    local = _local_version
    if keep > 0 and local is not None and time.monotonic() < local[1]:
        return local[0]
    if _bump_owed:
        repay_owed_bump()  # pages cached before a write that failed to bump are stale
    generation = _generation
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    if version is None:
        return None
    # Kept only if no write of this process forgot the version while it was read: another
    # thread's read that raced a bump must not keep the version from before it.
    if keep > 0:
        with _version_lock:
            if generation == _generation:
                _local_version = (str(version), time.monotonic() + keep)
    return str(version)


def forget_local_version() -> None:
    """Read the data version from Redis next time (after a write, or a flush in a test);
    a read in flight in another thread of this process does not keep what it read."""
    global _local_version, _generation
    with _version_lock:
        _generation += 1
        _local_version = None


# A bump that did not reach Redis (down, hung, or left alone by the cache's breaker:
# core.cache.RedisBreaker) is owed: the pages other processes cached before the write
# would otherwise be served until some later write. This process bumps the version at its
# first contact with Redis after the failure (the breaker's recovery hook), before it reads
# the version again (`data_version`), and, failing both, as it exits.
_bump_owed = False
# "data version not bumped" is logged at most once per BUMP_WARN_EVERY seconds per process,
# with how many bumps failed meanwhile (a verification makes ten writes).
BUMP_WARN_EVERY = 60.0
_bump_failures = {"warned_at": None, "since": 0}
_bump_lock = threading.Lock()
_exit_hook_registered = False


def bump_data_version() -> None:
    """Make every cached page and ETag stale (called after a write commits).

    When Redis does not take the bump (down, hung, or skipped by the cache's breaker), the
    bump is owed (`owes_bump`): logged at most once a minute per process, and made at
    this process's first contact with Redis again (`repay_owed_bump`)."""
    from core.cache import redis_failures

    forget_local_version()
    failures = redis_failures()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        # No version yet (incr raises on a missing key): start one from the clock.
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    forget_local_version()  # and whatever another thread read before the increment
    if redis_failures() != failures:
        _owe_bump()


def owes_bump() -> bool:
    """Whether a bump of the data version failed in this process and is still owed."""
    return _bump_owed


def _owe_bump() -> None:
    global _bump_owed, _exit_hook_registered
    from core.cache import breaker

    now = time.monotonic()
    with _bump_lock:
        _bump_owed = True
        _bump_failures["since"] += 1
        warned_at = _bump_failures["warned_at"]
        if not _exit_hook_registered:
            breaker.on_recovery(repay_owed_bump)
            atexit.register(repay_owed_bump)
            _exit_hook_registered = True
        if warned_at is not None and now - warned_at < BUMP_WARN_EVERY:
            return
        failed, _bump_failures["since"], _bump_failures["warned_at"] = (
            _bump_failures["since"],
            0,
            now,
        )
    logger.warning(
        "data version not bumped: the cache cannot be reached; it is bumped at this "
        "process's first contact with Redis again (%d bump(s) failed in this process since "
        "the last such warning; the next comes in %d s at the earliest)",
        failed,
        BUMP_WARN_EVERY,
    )


def repay_owed_bump() -> None:
    """Bump the data version if a bump failed in this process (`owes_bump`): called at the
    first cache operation that reaches Redis after a failure, before the version is read,
    and at exit. A bump that fails again stays owed."""
    global _bump_owed
    with _bump_lock:
        if not _bump_owed:
            return
        _bump_owed = False
    bump_data_version()
    if not _bump_owed:
        logger.info("data version bumped: Redis answers again after a bump failed")


# A statement that changes data (group 1) and the table it writes to (group 2), when it
# names one. It starts the string, follows a `;` (the history's context is set by a
# `SELECT set_config(...);` prefixed to each statement of a request), opens a common
# table expression's body (`WITH gone AS (DELETE ...`) or follows one (`WITH ... )
# UPDATE`), or is run by `EXPLAIN ANALYZE` (which executes it; a plain EXPLAIN does
# not). A `FOR UPDATE` lock or an `ON CONFLICT DO UPDATE` follows none of these.
_WRITE = re.compile(
    r"(?:^|[;()])\s*"
    r"(?:EXPLAIN\s+(?:ANALY[SZ]E\b|\((?=[^)]{0,200}\bANALY[SZ]E\b(?!\s+(?:FALSE|OFF|0)\b))[^)]*\))"
    r"(?:\s+VERBOSE\b)?\s*)?"
    r"(" + "|".join(_WRITES) + r")\b"
    r'(?:\s+(?:INTO|FROM|TABLE|ONLY)\b)*\s*"?([\w.]*)',
    re.IGNORECASE,
)
# Comments, which may come before a statement (`/* ... */ UPDATE`) or between two. They
# are only taken out of text without literals (Django passes values as parameters): in
# text with a quote a `--` may be a literal's, and the text is read as it is.
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


def _is_write(sql: str) -> bool:
    """Whether `sql` (one string, possibly several statements) writes to a table that a
    public page reads: a write statement whose target is not one of `_IGNORED_TABLES`,
    nor a sign-in's last_login. The target is the table the statement names after its
    keyword, so a write to a shown table that merely reads an ignored one still counts
    (and a TRUNCATE, which may name several, always does). Writes are found after
    comments, inside and after common table expressions and under `EXPLAIN ANALYZE`
    (`_WRITE`); a plain SELECT, the common case, is answered without scanning it."""
    if ("--" in sql or "/*" in sql) and "'" not in sql:
        sql = _COMMENT.sub(" ", sql)
    if sql[:100].lstrip()[:6].upper() == "SELECT" and ";" not in sql:
        return False  # a read, whatever it locks (FOR UPDATE) or calls
    for found in _WRITE.finditer(sql):
        keyword, table = found.group(1).upper(), found.group(2).rsplit(".", 1)[-1].lower()
        ignored_table = table in _IGNORED_TABLES or table.startswith(_IGNORED_PREFIXES)
        if keyword != "TRUNCATE" and table and ignored_table:
            continue
        if _LAST_LOGIN.match(sql[found.start(1) :].strip()):
            continue
        return True
    return False


def _committed(alias: str) -> None:
    from django.db import connections

    connections[alias].pagecache_bumped_in = None
    bump_data_version()


def wrote(connection) -> None:
    """Record that `connection` (a Django database wrapper) has just written data that
    pages show: the data version moves now (once per transaction and per savepoint) and
    again after the commit; at once when not in a transaction.

    Django's cursor calls this for every write it runs (`_bump_after_commit`). Code that
    writes through a psycopg cursor of its own on Django's connection, which no execute
    wrapper sees (the evaluation's COPY and bulk statements, visits.flagging), calls it
    itself after such a write.
    """
    if getattr(connection, "pagecache_rolled_back", False):
        return  # work that is rolled back whatever happens (rolled_back_writes)
    if not connection.in_atomic_block:
        bump_data_version()  # autocommit: the statement is committed already
        return
    registered = any(
        getattr(entry[1], "func", None) is _committed for entry in connection.run_on_commit
    )
    # Once per transaction and per savepoint: now, for the reads that follow in the
    # same transaction (a savepoint's own reads included), and after the commit.
    block = connection.savepoint_ids[-1] if connection.savepoint_ids else ""
    if not registered or getattr(connection, "pagecache_bumped_in", None) != block:
        connection.pagecache_bumped_in = block
        bump_data_version()
    if not registered:
        transaction.on_commit(
            functools.partial(_committed, connection.alias), using=connection.alias
        )


@contextlib.contextmanager
def rolled_back_writes(using: str = "default"):
    """Within this block, writes on the connection `using` move no data version: for work
    in a transaction that is rolled back whatever happens (an import's dry run,
    dataset.importer.import_dataset), whose writes no reader ever sees, so that every
    cached page stays valid."""
    from django.db import connections

    connection = connections[using]
    previous = getattr(connection, "pagecache_rolled_back", False)
    connection.pagecache_rolled_back = True
    try:
        yield
    finally:
        connection.pagecache_rolled_back = previous


def _bump_after_commit(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and _is_write(sql):
        wrote(context["connection"])
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """Install the write hook on a new database connection (a `connection_created` receiver)."""
    if _bump_after_commit not in connection.execute_wrappers:
        # First, so that a `with connection.execute_wrapper(...)` around the opening of
        # the connection pops its own wrapper, not this one.
        connection.execute_wrappers.insert(0, _bump_after_commit)


# --- Summaries ----------------------------------------------------------------------

# Whether the response being produced shows a stale summary, or anything else that may
# change without a write (`not_final`): then it is neither stored nor given an ETag.
_stale = contextvars.ContextVar("iccwatch_pagecache_stale", default=False)
# Inside `counting_now()`: a stale summary is recounted before it is returned.
_count_now = contextvars.ContextVar("iccwatch_pagecache_count_now", default=False)
# Inside `refreshes_after()` (a request): the recounts of stale summaries, started when it
# ends rather than while the page that asked is still being rendered.
_deferred = contextvars.ContextVar("iccwatch_pagecache_deferred", default=None)
# How long a summary is kept without being asked for (seconds).
SUMMARY_TIMEOUT = 7 * 24 * 3600
# How long one refresh may take before another process may start one (seconds).
REFRESH_LOCK_SECONDS = 120


def summary(name: str, compute):
    """`compute()`'s value (picklable, the same in every language) for the data version.

    After a write, in production (`ICCWATCH_SUMMARIES_IN_BACKGROUND`), the previous value
    is returned at once while one thread in one process computes the new one; otherwise
    it is computed now. Nothing cached yet, or no cache: computed now.
    """
    version = data_version()
    key = f"iccwatch:summary:{name}"
    entry = cache.get(key) if version is not None else None
    if entry is not None and _not_older(entry[0], version):
        return entry[1]
    if entry is not None and settings.ICCWATCH_SUMMARIES_IN_BACKGROUND and not _count_now.get():
        if cache.add(f"{key}:refresh", 1, timeout=REFRESH_LOCK_SECONDS):
            pending = _deferred.get()
            if pending is None:
                _start_refresh(key, version, compute)
            else:
                pending.append((key, version, compute))
        _stale.set(True)
        return entry[1]
    value = compute()
    if version is not None:
        cache.set(key, (version, value), SUMMARY_TIMEOUT)
    return value


def not_final() -> None:
    """Say that the response being produced may change without a write: it is then neither
    stored nor given the data version's ETag (`cached_response`).

    For an answer that depends on more than the committed data, such as an incident feed
    page held back by a transaction still running (api.paging.IncidentFeedPagination):
    that transaction may roll back, which moves no data version, and the page kept would
    hide what committed after it until the next write. Outside `cached_response` it does
    nothing."""
    _stale.set(True)


def _start_refresh(key: str, version: str, compute) -> None:
    name = key.removeprefix("iccwatch:summary:")
    threading.Thread(
        target=_refresh, args=(key, version, compute), name=f"summary {name}", daemon=True
    ).start()


@contextlib.contextmanager
def refreshes_after():
    """Inside, the background recounts of stale summaries (production) wait until the block
    ends: a request's page is rendered first, so the reader who found the counts stale does
    not also wait for threads counting beside the rendering in the same process. Used
    around every request by EarlyPageCacheMiddleware. The block may hand the recounts to a
    streamed answer (`later.after(response)`): they then start when the server closes it,
    once its last byte is sent (a download of every person streamed 2 MB beside its own
    recount at a million visits: 0.9–1.05 s against 0.25 s). The recounts start even if
    the block raises (their refresh locks are taken); one that cannot start is logged and
    its lock released, so the next reader of a stale summary tries again. A streamed answer
    holds them back STREAM_HOLD_SECONDS at most, for a reader slow to take it in."""
    pending: list = []
    token = _deferred.set(pending)
    later = _Later()
    try:
        yield later
    finally:
        _deferred.reset(token)
        if pending:
            if later.response is not None:
                start = _once(lambda: _start_refreshes(pending))
                later.response._resource_closers.append(start)
                # A reader slow to take the download in must not keep everyone on the old
                # counts for the refresh lock's two minutes: they start by then anyway.
                timer = threading.Timer(STREAM_HOLD_SECONDS, start)
                timer.daemon = True
                timer.start()
            else:
                _start_refreshes(pending)


# How long a streamed answer holds back the recounts of the stale summaries it read, at
# most (seconds): until it is sent, or this long, whichever comes first.
STREAM_HOLD_SECONDS = 5.0


def _once(function):
    """`function`, called at most once however many times (and threads) call it."""
    lock = threading.Lock()
    done = False

    def call_once() -> None:
        nonlocal done
        with lock:
            if done:
                return
            done = True
        function()

    return call_once


class _Later:
    """`refreshes_after`'s handle: `after(response)` holds the recounts until the streamed
    `response` is closed."""

    response = None

    def after(self, response) -> None:
        self.response = response


def _start_refreshes(pending: list) -> None:
    for job in pending:
        try:
            _start_refresh(*job)
        except Exception:  # noqa: BLE001 - the answer is made; the next reader retries
            logger.exception("starting the recount of %s failed", job[0])
            cache.delete(f"{job[0]}:refresh")


def with_staleness(produce):
    """(`produce()`'s value, whether it is not final): True when it read a summary that
    `summary` returned from an earlier data version while recounting it, or called
    `not_final`. For an answer kept outside `cached_response`, by browsers and crawlers
    (a card's image), which must then not be kept long. Inside `cached_response`, a stale
    read still keeps that response out of the cache."""
    token = _stale.set(False)
    try:
        value = produce()
        stale = _stale.get()
    finally:
        _stale.reset(token)
    if stale:
        _stale.set(True)
    return value, stale


@contextlib.contextmanager
def counting_now():
    """Inside, `summary` recounts a stale summary before returning it, even where it would
    return the previous value and recount in a thread (production): for a command that
    counts every summary and then exits (front.warm), whose threads would die with it."""
    token = _count_now.set(True)
    try:
        yield
    finally:
        _count_now.reset(token)


def _not_older(counted: str, version: str) -> bool:
    """Whether a summary counted under data version `counted` is current for `version`.

    A version only grows (an increment, or the clock after a flush): a summary counted
    under a later version than a process still holds (it keeps the version it read for up
    to a second) is current for it too, not a reason to count again."""
    try:
        return int(counted) >= int(version)
    except (TypeError, ValueError):
        return counted == version


def _refresh(key: str, version: str, compute) -> None:
    from django.db import connections

    try:
        current = cache.get(key)
        if current is not None and _not_older(current[0], version):
            return  # counted meanwhile (by a recount that took over once this one's lock expired)
        value = compute()
        current = cache.get(key)
        if current is None or _not_older(version, current[0]):  # never over a later count
            cache.set(key, (version, value), SUMMARY_TIMEOUT)
    except Exception:  # noqa: BLE001 - a failed refresh leaves the old value; logged
        logger.exception("refreshing %s failed", key)
    finally:
        cache.delete(f"{key}:refresh")
        connections.close_all()  # this thread's own connections


# --- Cached responses ---------------------------------------------------------------


def names_in_order(query_string: str, *, leave_out: tuple[str, ...] = ()) -> str:
    """`query_string` (raw, as the request carried it) with its parameters in the order of
    their names: `format=csv&host=MNG` and `host=MNG&format=csv` give the same string.

    The sort is stable, so the values of a name given several times keep their order,
    which may matter (`ordering=person&ordering=-end` is not `ordering=-end&ordering=
    person`); each parameter is kept as it was written (its encoding included). The
    parameters named in `leave_out` are dropped (what the key holds otherwise, such as
    the answer's language)."""
    pieces = [piece for piece in query_string.split("&") if piece]
    named = [(unquote_plus(piece.partition("=")[0]), piece) for piece in pieces]
    return "&".join(
        piece for name, piece in sorted(named, key=lambda pair: pair[0]) if name not in leave_out
    )


def static_release() -> str:
    """Which collected static files this process's pages link to: the hash of the static
    files' manifest where they have hashed names (production's storage, written by
    `collectstatic`), "" elsewhere. Part of every cached answer's key (`request_key`,
    `early_identity`): a page cached before a release links to the hashed names of that
    release's static files, which the new release's static files need not hold (a
    stylesheet that changed has another name), so it is rendered again, not replayed."""
    return getattr(staticfiles_storage, "manifest_hash", "") or ""


def request_key(
    request,
    *parts: str,
    anyone: bool = False,
    any_order: bool = False,
    leave_out: tuple[str, ...] = (),
) -> str | None:
    """The cache identity of a read: a hex digest, or None when it must not be cached.

    `parts` are what else the response depends on (the API's negotiated format). Only
    anonymous reads are cached unless `anyone` says the response is the same for every
    reader (the public API). With `any_order`, for an answer that never writes the query
    string as it came (the API's: its `next` and `previous` links put the parameters in
    the order of their names), two requests whose parameters differ only in the order of
    their names share the key, and so the stored answer and its ETag (`names_in_order`);
    the parameters named in `leave_out` are then not part of it (the API's `format` once
    a CSV is chosen, which `parts` says: its bytes are the same however it was asked for).
    A site page keeps its raw query string: its language switch writes the address as it
    came.
    """
    if request.method not in ("GET", "HEAD"):
        return None
    user = getattr(request, "user", None)
    if not anyone and user is not None and user.is_authenticated:
        return None
    path = request.get_full_path()
    if any_order:
        query = names_in_order(request.META.get("QUERY_STRING", ""), leave_out=leave_out)
        path = f"{request.path}?{query}" if query else request.path
    material = "\n".join(
        (
            request.scheme,
            request.get_host(),
            path,
            get_language() or "",
            timezone.localdate().isoformat(),
            static_release(),
            *parts,
        )
    )
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def etag_for(key: str, version: str) -> str:
    """The ETag of the response stored under `key` at data `version` (quoted, strong)."""
    return '"' + hashlib.sha256(f"{key}:{version}".encode()).hexdigest()[:24] + '"'


def validated_etag(request, etag: str, *, star: str | None = None) -> str | None:
    """The entity tag a 304 repeats when the reader's If-None-Match already names a current
    representation of the answer whose ETag is `etag`: its identity or its gzip one
    (core.compression.current_etags), as the reader named it; None when it names neither.
    `*` names any current representation (RFC 9110, 13.1.2): it matches only when one is
    known to exist, whose tag (as a 200 to this request would carry it) is `star`, never a
    page that may be a 404. Never with an If-Match, which core.conditional evaluates
    first."""
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header or "HTTP_IF_MATCH" in request.META:
        # An If-Match is evaluated first, and may make it a 412 (RFC 9110, 13.2.2): the
        # answer goes to core.conditional, which evaluates both.
        return None
    if header.strip() == "*":
        return star
    named = {t.strip().removeprefix("W/") for t in header.split(",")}
    return next((tag for tag in compression.current_etags(etag) if tag in named), None)


def _not_modified_replay(etag: str, version: str, headers=()) -> HttpResponseNotModified:
    """A 304 for a revalidation the cache answers (the early middleware may keep it), with
    `headers` ((name, value) pairs) of the answer it revalidates."""
    response = HttpResponseNotModified()
    for name, value in headers:
        response[name] = value
    response["ETag"] = etag
    response.pagecache_replayed = version
    return response


def cached_response(request, key: str | None, produce, *, repeated_on_304: tuple[str, ...] = ()):
    """Answer a read from the cache, or with `produce()` (stored when it is a plain 200).

    A matching If-None-Match is a 304 before `produce` runs. Without a key (staff, a
    write, an unreachable cache) `produce()` answers as if there were no cache.

    `repeated_on_304` names headers of the stored answer that a 304 must repeat (a list
    read for what changed: its `Changed-Until`, api.base.PublicReadMixin.cached). Such a
    304 is answered from the stored answer, never before reading it: when none is stored
    (evicted, or never kept), `produce()` answers with a 200 and fresh headers, rather
    than a 304 with none or with values read now for rows the reader read earlier.
    """
    version = data_version() if key and settings.ICCWATCH_PAGE_CACHE else None
    if version is None:
        return produce()
    etag = etag_for(key, version)
    if not repeated_on_304:
        validated = validated_etag(request, etag)
        if validated:
            return _not_modified_replay(validated, version)
    store_key = f"iccwatch:page:{key}:{version}"
    stored = cache.get(store_key)
    if stored is not None:
        content, headers = stored
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response["ETag"] = etag
        # If-None-Match: *, now that the page is known to exist.
        star = compression.representation_etag(request, response, etag)
        validated = validated_etag(request, etag, star=star)
        if validated:
            repeated = [(name, value) for name, value in headers if name in repeated_on_304]
            return _not_modified_replay(validated, version, repeated)
        # What the early middleware may keep whole: a replay, the same for every request
        # with this key (a fresh rendering may carry headers a replay does not).
        response.pagecache_replayed = version
        return response
    response, stale = with_staleness(produce)
    if response.status_code != 200 or getattr(response, "streaming", False) or stale:
        return response
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if len(response.content) <= MAX_SIZE and not response.cookies:
        headers = [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)]
        cache.set(store_key, (response.content, headers), TIMEOUT)
    response["ETag"] = etag
    return response


def cache_page_by_version(view):
    """Decorate a public page view: cached per request and data version (see the module)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return cached_response(
            request, request_key(request), lambda: view(request, *args, **kwargs)
        )

    return wrapper


# --- Answering before the middleware --------------------------------------------------

# Conditional headers other than If-None-Match, and credentials: such a request always
# goes through the middleware (the early answer knows nothing of them).
_UNHANDLED_HEADERS = (
    "HTTP_AUTHORIZATION",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)
# A CSRF cookie the CSRF middleware keeps as it is (one it would replace sets a cookie).
_CSRF_SECRET = re.compile(r"[a-zA-Z0-9]{32}")
# A reader that gets an early answer: anonymous (no session) and never throttled by name.
_ANONYMOUS = None


def _anonymous():
    global _ANONYMOUS
    if _ANONYMOUS is None:
        from django.contrib.auth.models import AnonymousUser

        _ANONYMOUS = AnonymousUser()
    return _ANONYMOUS


def early_identity(request) -> str | None:
    """What a request carries that the middleware or the page cache's key reads (a hex
    digest), or None when it must go through the middleware: not a GET or HEAD, a
    session or any cookie but the language's and a well-formed CSRF cookie,
    credentials, or a conditional header other than If-None-Match."""
    meta = request.META
    if request.method not in ("GET", "HEAD"):
        return None
    if any(name in meta for name in _UNHANDLED_HEADERS):
        return None
    cookies = request.COOKIES
    language_cookie = ""
    for name, value in cookies.items():
        if name == settings.LANGUAGE_COOKIE_NAME:
            language_cookie = value
        elif name == settings.CSRF_COOKIE_NAME and not settings.CSRF_USE_SESSIONS:
            if not _CSRF_SECRET.fullmatch(value):
                return None
        else:
            return None  # the session, messages, or anything unknown
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in meta:
        host = "f" + meta["HTTP_X_FORWARDED_HOST"]
    else:
        host = "h" + meta.get("HTTP_HOST", "") + " " + meta.get("SERVER_NAME", "")
        host += ":" + str(meta.get("SERVER_PORT", ""))
    material = "\n".join(
        (
            request.method,
            request.scheme,
            host,
            request.path,
            meta.get("QUERY_STRING", ""),
            meta.get("HTTP_ACCEPT", ""),
            # The answer is kept as sent: gzip for a client that accepts it (core.compression),
            # which must never be replayed to one that does not.
            "gzip" if compression.accepts_gzip(request) else "identity",
            meta.get("HTTP_ACCEPT_LANGUAGE", ""),
            language_cookie,
            ",".join(sorted(cookies)),
            meta.get("HTTP_ORIGIN", ""),
            timezone.localdate().isoformat(),
            static_release(),
        )
    )
    return hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _throttled(request, throttles) -> bool:
    """Whether this reader may not be answered early: one of the API's rate limits
    (dotted class names) refuses it now, or names a class that is gone (an answer stored
    before a release renamed it: the view answers and checks the limits itself). Each
    limit that allows the reader counts the request, as the API's own check does."""
    if not throttles:
        return False
    try:
        classes = [import_string(path) for path in throttles]
    except ImportError:
        return True
    # `_request`: the request itself, on which a throttle may note that it counted it, so
    # that the view's own check, if the request gets that far, does not count it again.
    reader = SimpleNamespace(
        user=_anonymous(), META=request.META, headers=request.headers, _request=request
    )
    allowed = True
    for throttle_class in classes:
        if not throttle_class().allow_request(reader, None):
            allowed = False
    return not allowed


def _per_client(header: str) -> bool:
    return header.lower().startswith("ratelimit-")


def _replay(status: int, headers, content: bytes) -> HttpResponse:
    response = HttpResponse(content, status=status)
    for name in list(response.headers):
        del response[name]
    for name, value in headers:
        response[name] = value
    response.pagecache_early = True
    return response


def _another_variant(request, version: str) -> bool:
    """Whether one more early answer to this address may be kept under `version` (at most
    EARLY_VARIANTS; counted in Redis, so across processes)."""
    address = hashlib.sha256(
        f"{request.path}?{request.META.get('QUERY_STRING', '')}".encode("utf-8", "surrogateescape")
    ).hexdigest()[:32]
    counter = f"iccwatch:early-variants:{address}:{version}"
    cache.add(counter, 0, TIMEOUT)
    try:
        return cache.incr(counter) <= EARLY_VARIANTS
    except ValueError:  # expired between the two calls: keep nothing this time
        return False


class EarlyPageCacheMiddleware:
    """Answers a read the page cache has replayed before, before any other middleware.

    First in MIDDLEWARE but for the RateLimit headers (api.access), which each answer
    carries for its own client. When the page cache replays a response (a stored page or a 304,
    `cached_response`), the answer as every middleware left it is kept under
    `early_identity` and the data version; the next request with the same identity gets
    it without the rest of the stack (sessions, authentication, CSRF, locale, URL
    resolving, the view). Its headers are the stored ones, security headers included,
    so both answers are the same bytes. An If-None-Match naming the ETag gets the 304
    kept the same way, when one was. A response that sets a cookie is never kept. On the
    API the rate limits the view applied are counted here too; when one refuses, the
    request goes through the stack, which answers 429.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Any summary found stale while answering is recounted once the answer is made:
        # a streamed one, once it is sent.
        with refreshes_after() as later:
            response = self._answer(request)
            if response.streaming:
                later.after(response)
            return response

    def _answer(self, request):
        if not settings.ICCWATCH_PAGE_CACHE:
            return self.get_response(request)
        identity = early_identity(request)
        version = data_version() if identity is not None else None
        if version is None:
            return self.get_response(request)
        key = f"iccwatch:early:{identity}:{version}"
        conditional = "HTTP_IF_NONE_MATCH" in request.META
        if conditional:
            found = cache.get_many([key, f"{key}:304"])
            stored, not_modified_entry = found.get(key), found.get(f"{key}:304")
        else:
            stored, not_modified_entry = cache.get(key), None
        if stored is not None:
            status, headers, content, etag, throttles = stored
            # `etag`: the answer's as sent, the gzip one for an answer kept compressed.
            validated = validated_etag(request, etag, star=etag) if conditional else None
            entry = not_modified_entry if validated else (status, headers, content)
            if entry is not None and not _throttled(request, throttles):
                replayed = _replay(*entry)
                if validated:
                    replayed["ETag"] = validated  # the tag the reader named, as a 304 says
                return replayed
        response = self.get_response(request)
        self._keep(request, identity, response)
        return response

    @staticmethod
    def _keep(request, identity: str, response) -> None:
        version = getattr(response, "pagecache_replayed", None)
        if version is None or response.status_code not in (200, 304):
            return
        if getattr(response, "streaming", False) or response.cookies:
            return
        if response.has_header("Set-Cookie"):
            return
        if not _another_variant(request, version):
            return
        key = f"iccwatch:early:{identity}:{version}"
        # A client's own count against the rate limits is never kept with the answer
        # (api.access.RateLimitHeadersMiddleware writes each answer's, outside this one).
        headers = [(name, value) for name, value in response.items() if not _per_client(name)]
        if response.status_code == 304:
            cache.set(f"{key}:304", (304, headers, b""), TIMEOUT)
            return
        throttles = tuple(getattr(request, "pagecache_throttles", ()))
        etag = response.get("ETag", "")
        cache.set(key, (200, headers, response.content, etag, throttles), TIMEOUT)
