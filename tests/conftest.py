"""The cast every test can call on: readers, staff and API clients, plus the seed data.

Passwords are hashed with MD5 in tests: the real hasher (PBKDF2, over a million rounds)
would spend most of an API test creating its users, and no test depends on its strength.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

DATASET = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


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


@pytest.fixture
def api_client():
    """An anonymous REST client."""
    return APIClient()


@pytest.fixture(scope="session")
def test_redis_url():
    """The Redis the tests may use and empty (`manage.py test` sets it, starting one if needed)."""
    return os.environ.get("ICCWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def dataset_dir():
    """The project's sourced dataset (../shared/data from the project root)."""
    if not DATASET.is_dir():
        pytest.fail(f"The dataset is missing: {DATASET}")
    return DATASET


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Hash the tests' passwords with MD5 (see the module's docstring)."""
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(scope="module")
def _seed_once(django_db_setup, django_db_blocker, dataset_dir):
    """Import the seed data once per test module (committed), and remove it afterwards."""
    with django_db_blocker.unblock():
        call_command("import_dataset", str(dataset_dir), verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded(request, _seed_once, dataset_dir):
    """The database with the whole seed dataset imported and every visit evaluated.

    Tests share one committed import per module (set up before the test's own
    transaction), and ordinary tests run inside a transaction that is rolled back,
    so they may change anything. A transactional test (live_server, transaction=True)
    empties the database when it ends; the next test then imports again.
    """
    from states.models import TreatyEvent

    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    if not TreatyEvent.objects.exists():
        call_command("import_dataset", str(dataset_dir), verbosity=0)
