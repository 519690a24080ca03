"""The cast every test can call on: readers, staff and API clients, plus the seed data.

The seed data is imported once per test database (one per pytest-xdist worker
process, see `manage.py test`), not once per test or module:

- The first test that asks for `seeded` imports the dataset into the test database
  and commits it; it stays there for the tests after it.
- Ordinary tests run inside a transaction that is rolled back, so they may change
  anything and the next test still finds the seed exactly as imported.
- Transactional tests (transaction=True, live_server, the Celery worker: another
  connection must see their rows) empty the database when they end; the next test
  that asks for `seeded` then gets the seed back from a snapshot taken just after the
  import (a copy of every table in a schema of its own), much faster than importing again.
- So that this happens rarely, the tests run in this order (see
  `pytest_collection_modifyitems`): ordinary tests without the seed, ordinary tests
  with it, transactional tests with it, transactional tests without it, then the tests
  that use no database. A test without `seeded` thus finds an empty database, as it
  always did; a transactional one that still finds the seed (because no transactional
  test with the seed ran before it) empties the database first.

Passwords are hashed with MD5 in tests: the real hasher (PBKDF2, over a million rounds)
would spend most of an API test creating its users, and no test depends on its strength.
"""

import contextlib
import os
import socket
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from redis.exceptions import RedisError
from rest_framework.test import APIClient

from core.cache import counters, slots
from devtools.services import (
    DEFAULT_TEST_REDIS_URL,
    in_ci,
    npm_package_files,
    worker_redis_url,
)

# A real Celery worker on a private Redis, for the tests that ask for `pipeline`.
from tests.pipeline import (  # noqa: F401 - fixtures offered to every test module
    celery_logs,
    pipeline,
    redis_server,
    worker,
    worker_database,
)

DATASET = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def reader(client):
    """An anonymous reader of the public site."""
    return client


@pytest.fixture
def reporter(db):
    """NGO staff who may enter visit reports."""
    user = User.objects.create_user("reporter", password="a-long-test-password")
    user.groups.add(Group.objects.get_or_create(name="reporters")[0])
    return user


@pytest.fixture
def reviewer(db):
    """NGO staff who verify reports before they are published."""
    user = User.objects.create_user("reviewer", password="a-long-test-password")
    user.groups.add(Group.objects.get_or_create(name="reviewers")[0])
    return user


GENEROUS_RATES = {"anon": "100000/min", "user": "100000/min"}


def forget_counts(marker: str) -> None:
    """Drop the counts (core.cache's `counters`, in Redis or this process's memory) whose
    key holds `marker`."""
    for store in (caches["default"], counters.local):
        client = getattr(getattr(store, "_cache", None), "get_client", None)
        if client is not None:  # Redis (gone, for the tests that stop it: nothing kept)
            redis = client(write=True)
            with contextlib.suppress(RedisError):
                keys = list(redis.scan_iter(f"*{marker}*"))
                if keys:
                    redis.delete(*keys)
        else:  # this process's memory
            for key in [k for k in list(store._cache) if marker in k]:
                store.delete(key.split(":", 2)[-1])


def forget_rate_limit_history():
    """Drop the rate limits' request logs (the `throttle_log_<scope>_<client>` keys), so
    that the hundreds of requests tests send under generous rates do not count against a
    later test that runs with the real ones within the same minute."""
    forget_counts("throttle_")


@pytest.fixture(autouse=True)
def _no_password_reset_counted_yet():
    """Every test starts with no password reset counted (newsroom.forms' limits: 10 an hour
    from one client, 50 from one IPv6 /48, one mail an address every 15 minutes): the
    counts outlive a test, in this process's memory, and the tests ask from a few
    addresses (2001:db8::…, 127.0.0.1), so a test's link was refused or not depending on
    which tests the same process ran before it."""
    forget_counts("password-reset:")


# Far above the downloads any test streams at once.
GENEROUS_DOWNLOADS = 10_000


@pytest.fixture(autouse=True)
def generous_download_slots(settings):
    """Every test starts with no download slot held (core.exports), under limits far above
    what it asks for: the test client closes a streamed answer, which gives its slot
    back, only once the test has read it to its end, and most tests read a download's
    status alone. tests/site/test_download_slots.py sets low limits."""
    settings.ICCWATCH_EXPORTS_PER_CLIENT = GENEROUS_DOWNLOADS
    settings.ICCWATCH_EXPORTS_PER_NETWORK = GENEROUS_DOWNLOADS
    settings.ICCWATCH_EXPORTS_AT_ONCE = GENEROUS_DOWNLOADS
    slots.forget()
    yield
    slots.forget()


@pytest.fixture
def generous_rate_limits(settings):
    """The API's rate limits far above what a test sends, and their request logs dropped
    afterwards: every test reads the API from one address, within a minute of the others,
    and the limits are not what it tests (tests/api/test_limits.py sets low ones)."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": GENEROUS_RATES}
    yield
    forget_rate_limit_history()


@pytest.fixture
def api_client(generous_rate_limits):
    """An anonymous REST client, under generous rate limits."""
    return APIClient()


@pytest.fixture(scope="session")
def test_redis_url(request):
    """The Redis the tests may use and empty (`manage.py test` sets it, starting one if
    needed); under pytest-xdist, a database of its own per worker (`worker_redis_url`)."""
    worker_id = getattr(request.config, "workerinput", {}).get("workerid")
    return worker_redis_url(
        os.environ.get("ICCWATCH_TEST_REDIS_URL", DEFAULT_TEST_REDIS_URL), worker_id
    )


@pytest.fixture
def own_redis_cache(settings, test_redis_url):
    """The default cache in the tests' real Redis, under a key prefix of its own (so no
    other test's keys are seen), checked to answer."""
    import uuid

    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": test_redis_url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    caches["default"].set("ping", "pong")
    assert caches["default"].get("ping") == "pong", "the tests' Redis does not answer"
    return caches["default"]


@pytest.fixture
def dead_port():
    """A local TCP port where nothing listens, for as long as the test runs: a socket is
    bound to it and kept open without listening, so a connection there is refused, and no
    other process (a parallel test worker's server) can take the port meanwhile."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


@pytest.fixture(scope="session")
def dataset_dir():
    """The project's sourced dataset (data/ at the project root)."""
    if not DATASET.is_dir():
        pytest.fail(f"The dataset is missing: {DATASET}")
    return DATASET


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Hash the tests' passwords with MD5 (see the module's docstring)."""
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(scope="session", autouse=True)
def _page_cache_in_the_tests_process():
    """The page cache on, as with Redis, although the tests' default cache is their own
    process's memory (without REDIS_URL the settings turn it off, since another process's
    write would not reach it): every write a test's pages must show is made in the
    test's process, or bumps the version itself (`_fresh_data_version`)."""
    with override_settings(ICCWATCH_PAGE_CACHE=True):
        yield


def uses_database(item) -> bool:
    """Whether a test uses the database (a django_db marker or a database fixture)."""
    return item.get_closest_marker("django_db") is not None or any(
        name in item.fixturenames for name in ("db", "transactional_db", "seeded")
    )


def is_transactional(item) -> bool:
    """Whether a test commits for real (and the database is emptied after it) rather than
    running inside a transaction that is rolled back."""
    marker = item.get_closest_marker("django_db")
    return bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    ) or any(name in item.fixturenames for name in ("transactional_db", "live_server"))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """A path on the command line that does not exist ends the run before any worker
    starts, with pytest's own message and exit code: `ERROR: file or directory not
    found: tests/site/nosuchfile.py`, exit code 4 (a usage error).

    Under pytest-xdist (`manage.py test` runs in worker processes by default) the
    controller collects nothing itself, and a worker's usage error does not reach it
    (pytest-xdist issue #109): a mistyped path ran no test, said only "no tests ran"
    (exit code 5), and only after every worker had started. Each argument is resolved
    here by the function pytest's collection uses (`resolve_collection_argument`), so
    that the check is pytest's own, `::` selections and --pyargs included.
    """
    from _pytest.main import resolve_collection_argument

    config = session.config
    if hasattr(config, "workerinput"):  # a worker: the controller has checked
        return
    for index, argument in enumerate(config.args):
        resolve_collection_argument(
            config.invocation_params.dir,
            argument,
            index,
            as_pypath=config.option.pyargs,
            consider_namespace_packages=config.getini("consider_namespace_packages"),
        )


def pytest_runtest_setup(item):
    """A test marked `npm(package, ...)` reads those npm packages (package-lock.json's,
    installed by `npm ci`; devtools.services.npm_package_files): without them it is
    skipped, the reason naming the missing package, its file and `npm ci`. Where CI is set
    (`devtools.services.in_ci`) it fails with the same words instead: CI installs npm, and
    a test it skipped would never be seen to pass."""
    packages = [name for marker in item.iter_markers("npm") for name in marker.args]
    if not packages:
        return
    files = npm_package_files()
    missing = [name for name in dict.fromkeys(packages) if not files[name].exists()]
    if not missing:
        return
    reason = (
        f"needs the npm package{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
        f"({', '.join(str(files[name]) for name in missing)} missing): run `npm ci` "
        "(Debian: apt-get install npm)"
    )
    if in_ci():
        pytest.fail(
            f"{reason}; CI is set: a test that needs npm fails rather than being skipped",
            pytrace=False,
        )
    pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Order the tests so that the seed is imported as few times as possible.

    pytest-django then sorts them (stably) into ordinary, transactional and database-free
    tests; within those groups, ordinary tests without the seed come before those with it,
    and transactional tests with the seed before those without it.
    """

    for item in items:
        # pytest-django creates the test database only for tests it knows use one (a
        # django_db mark or a db fixture by name); `seeded` asks for its database
        # fixture at run time, so mark such tests: selected alone, they would otherwise
        # run against the configured database itself.
        declared = item.get_closest_marker("django_db") is not None or any(
            name in item.fixturenames for name in ("db", "transactional_db", "live_server")
        )
        if "seeded" in item.fixturenames and not declared:
            item.add_marker(pytest.mark.django_db)

    def rank(item) -> int:
        if not uses_database(item):
            return 0
        return int(("seeded" in item.fixturenames) != is_transactional(item))

    items.sort(key=rank)


SNAPSHOT_SCHEMA = "seed_snapshot"


def _seed_is_committed() -> bool:
    from states.models import TreatyEvent

    return TreatyEvent.objects.exists()


def _seed_models():
    """The models whose tables the import fills. Content types and permissions are left
    out: the flush after a transactional test creates them again by itself."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_label not in ("contenttypes", "auth")
    ]


def take_seed_snapshot():
    """Copy the tables of the freshly seeded database into a schema of their own, which
    the flushes after transactional tests do not touch."""
    from django.db import connection

    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}")
        for table in sorted({model._meta.db_table for model in _seed_models()}):
            cursor.execute(f"CREATE TABLE {SNAPSHOT_SCHEMA}.{qn(table)} AS TABLE {qn(table)}")


def restore_seed_snapshot():
    """Put the seed back into the emptied tables as it was just after the import, sequences
    included, in one transaction (the foreign keys are checked at its end): the rows the
    import would write, in a fraction of its time."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    qn = connection.ops.quote_name
    models = _seed_models()
    with transaction.atomic(), connection.cursor() as cursor:
        # The history's triggers stay quiet: the snapshot holds the history as it was.
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table in sorted({model._meta.db_table for model in models}):
            cursor.execute(f"INSERT INTO {qn(table)} TABLE {SNAPSHOT_SCHEMA}.{qn(table)}")
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


@pytest.fixture(scope="session")
def _committed_seed(request, django_db_setup, django_db_blocker, dataset_dir):
    """Import the seed data into the test database once per process, committed, and keep a
    snapshot of it for the transactional tests (see above)."""
    from django.db import connection

    with django_db_blocker.unblock():
        # Never seed (nor later flush) the developer's own database.
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict
        # A database kept (--reuse-db) by a run that was stopped before it emptied it still
        # holds that run's import, perhaps of other files under the same version, which
        # the importer refuses: the seed is always imported into an empty database.
        from dataset.models import DatasetImport

        if _seed_is_committed() or DatasetImport.objects.exists():
            call_command("flush", interactive=False, verbosity=0)
        call_command("import_dataset", str(dataset_dir), verbosity=0)
        take_seed_snapshot()
    yield
    if request.config.getoption("reuse_db", False):  # leave a kept database empty
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _default_language_between_tests():
    """Each test starts in the default language: a request for a French page leaves French
    active in the thread, and addresses (`get_absolute_url`) follow the active language."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_data_version():
    """Pages cached by an earlier test (whose writes were rolled back) are not served to this
    one, and no Redis failure an earlier test caused leaves this one's cache alone."""
    from core.cache import breaker
    from core.pagecache import bump_data_version

    breaker.reset()
    bump_data_version()


@pytest.fixture(autouse=True)
def _empty_database_unless_seeded(request):
    """A transactional test without `seeded` finds an empty database, even right after
    ordinary tests that left the committed seed in place."""
    if "seeded" in request.fixturenames or not is_transactional(request.node):
        return
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        if _seed_is_committed():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded(request, _committed_seed):
    """The database with the whole seed dataset imported and every visit evaluated.

    An ordinary test sees the run's committed import and may change anything: its
    transaction is rolled back. A transactional test empties the database when it ends;
    the next one that asks for the seed gets it back from the snapshot.
    """
    request.getfixturevalue("transactional_db" if is_transactional(request.node) else "db")
    if not _seed_is_committed():
        restore_seed_snapshot()
