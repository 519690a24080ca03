"""The data version (core.pagecache) moves when a public page may have changed, and only then.

The beat sweeper runs every ICCWATCH_SWEEP_SECONDS: with nothing to do it must not make
every cached page stale. And a Redis that lost the version (restarted, flushed) is not
an unreachable one: the next write starts a new version, and says nothing is wrong.
"""

import logging

import pytest
from django.core.cache import caches
from django.test import override_settings

from core.pagecache import VERSION_KEY, _is_write, bump_data_version, data_version
from visits import outbox


@pytest.mark.django_db
def test_the_sweeper_with_nothing_to_do_leaves_the_data_version_alone():
    version = data_version()
    assert outbox.sweep() == 0
    assert outbox.sweep(grace_seconds=0, redeliver_seconds=0) == 0
    assert data_version() == version


@pytest.mark.parametrize(
    "sql",
    [
        # The sweeper's check for verdicts of an older rule, and the relay's mark.
        'INSERT INTO visits_evaluationrequest (visit_id) SELECT v.id FROM "visits_visit" v',
        "UPDATE visits_evaluationrequest SET relayed_at = clock_timestamp() WHERE visit_id = 1",
        'DELETE FROM "visits_evaluationrequest" WHERE "visit_id" = %s',
    ],
)
def test_writes_to_the_outbox_alone_do_not_move_the_data_version(sql):
    assert _is_write(sql) is False


def test_a_write_after_redis_lost_the_version_starts_a_new_one_quietly(test_redis_url, caplog):
    live = {"default": {"BACKEND": "core.cache.FailOpenRedisCache", "LOCATION": test_redis_url}}
    with override_settings(CACHES=live):
        cache = caches["default"]
        cache.set("probe", 1)
        if cache.get("probe") != 1:
            pytest.fail(f"Redis is not reachable at {test_redis_url}")
        cache.delete(VERSION_KEY)  # as after a restart of a Redis that keeps nothing
        with caplog.at_level(logging.WARNING):
            bump_data_version()
        assert cache.get(VERSION_KEY) is not None
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
        # A missing key is Django's ValueError, as with any cache, not a silent None.
        with pytest.raises(ValueError):
            cache.incr("iccwatch:no-such-counter")
        cache.delete("probe")
        cache.delete(VERSION_KEY)
