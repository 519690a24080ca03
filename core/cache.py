"""A Redis cache that fails open: when Redis is down, reads miss and writes are skipped."""

import logging

from django.core.cache.backends.redis import RedisCache

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


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, except that an unreachable Redis behaves like an empty cache."""

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
