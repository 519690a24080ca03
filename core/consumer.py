"""The worker's consumer (CELERY_WORKER_CONSUMER): Celery's own, surviving the loss of the
broker while it holds a task that waits for its time.

A task retried with a countdown (a newsroom mail whose server was down: "Retry in 30s"),
or sent with one, is held by the worker, unacknowledged, until its time comes. When the
connection to Redis is lost meanwhile, Celery 5.7's consumer (`Consumer.
on_connection_error_after_connected`) first collects the connection, which drops the
transport's reference to it, then closes it: closing its channel tries to put the held
messages back in the queue ("Restoring 1 unacknowledged message(s)"), which needs that
reference, and raises AttributeError ("'NoneType' object has no attribute 'hostname'",
kombu/transport/redis.py `_connparams`). The worker took it as an unrecoverable error and
exited with status 1; with nothing held it reconnects as documented.

Putting the messages back cannot succeed then (the broker is out of reach), and is not
needed: kombu's Redis transport keeps every message it delivers in Redis (its `unacked`
hash) until acknowledged, and puts it back in the queue once the visibility timeout
(CELERY_VISIBILITY_TIMEOUT) has passed since delivery. So the channel is closed without
the attempt, and the worker reconnects as it does with nothing held.
"""

from __future__ import annotations

import logging

from celery.worker.consumer import Consumer as CeleryConsumer

logger = logging.getLogger(__name__)


def held_messages(connection) -> int:
    """How many messages the connection's channel holds unacknowledged (0 without one)."""
    channel = getattr(connection, "_default_channel", None) if connection else None
    qos = getattr(channel, "_qos", None) if channel is not None else None
    return len(getattr(qos, "_delivered", None) or ()) if qos is not None else 0


class Consumer(CeleryConsumer):
    """Celery's consumer, except that a broker connection lost while messages are held
    leaves them in the broker (redelivered after the visibility timeout) instead of
    failing to put them back and stopping the worker (see the module)."""

    def on_connection_error_after_connected(self, exc):
        held = held_messages(self.connection)
        if held:
            channel = self.connection._default_channel
            channel.do_restore = False  # this channel only: the next one restores as usual
            logger.warning(
                "Connection to the broker lost with %d message(s) held (tasks waiting for "
                "their time): they stay in Redis, which puts them back in the queue once "
                "the visibility timeout has passed; reconnecting.",
                held,
            )
        super().on_connection_error_after_connected(exc)
