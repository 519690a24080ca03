"""How many downloads stream at once: the site's (`/visits.csv`, `/incidents.json`, ...)
and the API's CSV (`?format=csv`).

A download holds a web thread, and the database connection it reads its rows through,
for as long as it streams: the busiest host's visits take a minute and more. Without a
limit, a few clients asking for them again and again would hold every thread, and the
pages would wait behind them. So a download first takes a slot in each of its sets
(core.cache.slots): its client's (by address, an IPv6 client by its /64, as the rate
limits count it: core.auth.client_key; ICCWATCH_EXPORTS_PER_CLIENT, 2 by default), an
IPv6 client's /48's (core.auth.client_network; ICCWATCH_EXPORTS_PER_NETWORK, 4: one
holder of a /48 has 65,536 /64s, each with slots of its own, enough to take all of them)
and all's (ICCWATCH_EXPORTS_AT_ONCE, 6), counted in Redis across every web process (in
each process's memory while Redis is away). When any is full the answer is a 429 with
Retry-After, before any row is read.

The slots are given back when the answer is closed, which the server does once it has
sent the last byte or found the client gone (`HeldStream.close`); a worker that dies
mid-stream frees them when their lease ends (LEASE_SECONDS), which the stream renews as
it goes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

from django.conf import settings

from core.auth import client_key, client_network
from core.cache import Slot, slots

# A slot lives this long without a renewal: what a worker that died mid-stream holds.
LEASE_SECONDS = 120
# A streaming download renews its lease at most this often (at a chunk it sends).
RENEW_SECONDS = 30
# What a refused download is told to wait before asking again.
RETRY_AFTER_SECONDS = 10

ALL = "exports:all"


# Whose slots are full (TooManyDownloads.scope).
CLIENT, NETWORK, EVERYONE = "client", "network", "all"


class TooManyDownloads(Exception):
    """No slot is free: `scope` says whose, the client's own (CLIENT), its IPv6 /48's
    (NETWORK) or the site's (EVERYONE), each of `limit`. The answer is a 429 with
    `Retry-After: retry_after`."""

    def __init__(self, *, scope: str, limit: int):
        super().__init__(f"{scope} download slots full ({limit})")
        self.scope = scope
        self.limit = limit
        self.retry_after = RETRY_AFTER_SECONDS

    @property
    def everyone(self) -> bool:
        """The site's slots are full, not the client's nor its network's."""
        return self.scope == EVERYONE

    @property
    def network(self) -> bool:
        """The slots of the client's IPv6 /48 are full (its own /64 may have room)."""
        return self.scope == NETWORK


def take_slot(request, *, timer=time.time) -> DownloadSlot:
    """A slot for one download by the client of `request`; TooManyDownloads when its
    own, its IPv6 /48's (none for an IPv4 client) or the site's are all taken, naming the
    first full one in that order. Give it back with `release`, or let the streamed answer
    do it (`DownloadSlot.stream`)."""
    sets = [(f"exports:client:{client_key(request)}", settings.ICCWATCH_EXPORTS_PER_CLIENT)]
    scopes = [CLIENT]
    network = client_network(request)
    if network is not None:
        sets.append((f"exports:network:{network}", settings.ICCWATCH_EXPORTS_PER_NETWORK))
        scopes.append(NETWORK)
    sets.append((ALL, settings.ICCWATCH_EXPORTS_AT_ONCE))
    scopes.append(EVERYONE)
    taken, full = slots.take(sets, LEASE_SECONDS, timer())
    if taken is None:
        raise TooManyDownloads(scope=scopes[full], limit=sets[full][1])
    return DownloadSlot(taken, timer)


class DownloadSlot:
    """One download's slots, renewed while it streams and given back once."""

    def __init__(self, slot: Slot, timer=time.time):
        self._slot = slot
        self._timer = timer
        self._renewed = timer()
        self._released = False

    def renew_if_due(self) -> None:
        """Extend the lease when RENEW_SECONDS have passed since it was last extended."""
        now = self._timer()
        if not self._released and now - self._renewed >= RENEW_SECONDS:
            slots.renew(self._slot, LEASE_SECONDS, now)
            self._renewed = now

    def release(self) -> None:
        """Give the slots back (once; again is a no-op)."""
        if not self._released:
            self._released = True
            slots.release(self._slot)

    def stream(self, chunks: Iterable) -> HeldStream:
        """`chunks` (a StreamingHttpResponse's content) holding this slot."""
        return HeldStream(chunks, self)


class HeldStream:
    """A streamed answer's chunks, holding its download's slot: renewed as they are
    sent, given back at the end or on `close`, which Django's response calls when the
    server closes it (a StreamingHttpResponse registers the `close` of its content),
    whether the last byte was sent or the client went away."""

    def __init__(self, chunks: Iterable, slot: DownloadSlot):
        self._chunks = chunks
        self._slot = slot

    def __iter__(self) -> Iterator:
        for chunk in self._chunks:
            self._slot.renew_if_due()
            yield chunk
        self._slot.release()

    def close(self) -> None:
        """Close the chunks' source (a generator reading rows) and give the slot back."""
        try:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()
        finally:
            self._slot.release()
