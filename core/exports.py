"""How many downloads stream at once: the site's (`/visits.csv`, `/incidents.json`, ...)
and the API's CSV (`?format=csv`).

A download holds a web thread, and the database connection it reads its rows through,
for as long as it streams: the busiest host's visits take a minute and more. Without a
limit, a few clients asking for them again and again would hold every thread, and the
pages would wait behind them. So a download first takes two slots (core.cache.slots):
one of its client's (by address, an IPv6 client by its /64, as the rate limits count it:
core.auth.client_key; ICCWATCH_EXPORTS_PER_CLIENT, 2 by default) and one of all
(ICCWATCH_EXPORTS_AT_ONCE, 6), counted in Redis across every web process (in each
process's memory while Redis is away). When either is full the answer is a 429 with Retry-After, before any row is read.

The slots are given back when the answer is closed, which the server does once it has
sent the last byte or found the client gone (`HeldStream.close`); a worker that dies
mid-stream frees them when their lease ends (LEASE_SECONDS), which the stream renews as
it goes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

from django.conf import settings

from core.auth import client_key
from core.cache import Slot, slots

# A slot lives this long without a renewal: what a worker that died mid-stream holds.
LEASE_SECONDS = 120
# A streaming download renews its lease at most this often (at a chunk it sends).
RENEW_SECONDS = 30
# What a refused download is told to wait before asking again.
RETRY_AFTER_SECONDS = 10

ALL = "exports:all"


class TooManyDownloads(Exception):
    """No slot is free: the client's own (`everyone` False) or the site's (True), of
    `limit`. The answer is a 429 with `Retry-After: retry_after`."""

    def __init__(self, *, everyone: bool, limit: int):
        super().__init__(f"{'all' if everyone else 'client'} download slots full ({limit})")
        self.everyone = everyone
        self.limit = limit
        self.retry_after = RETRY_AFTER_SECONDS


def take_slot(request, *, timer=time.time) -> DownloadSlot:
    """A slot for one download by the client of `request`; TooManyDownloads when its
    own or the site's are all taken. Give it back with `release`, or let the streamed
    answer do it (`DownloadSlot.stream`)."""
    per_client = settings.ICCWATCH_EXPORTS_PER_CLIENT
    at_once = settings.ICCWATCH_EXPORTS_AT_ONCE
    sets = [(f"exports:client:{client_key(request)}", per_client), (ALL, at_once)]
    taken, full = slots.take(sets, LEASE_SECONDS, timer())
    if taken is None:
        raise TooManyDownloads(everyone=sets[full][0] == ALL, limit=sets[full][1])
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
