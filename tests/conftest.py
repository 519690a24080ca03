"""The cast every test can call on: readers, staff and API clients, plus the seed data."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
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
def dataset_dir():
    """The project's sourced dataset (../shared/data from the project root)."""
    if not DATASET.is_dir():
        pytest.fail(f"The dataset is missing: {DATASET}")
    return DATASET


@pytest.fixture
def seeded(db, dataset_dir):
    """The database with the whole seed dataset imported and every visit evaluated."""
    call_command("import_dataset", str(dataset_dir), verbosity=0)
