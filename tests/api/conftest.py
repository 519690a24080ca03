"""The API's cast: one client per kind of account, with real tokens, and generous rate limits.

Every test here runs with rates far above what a test sends, so that the tests never
trip over each other's throttle history in the shared cache; the rate-limit tests set
low rates themselves.
"""

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def generous_rate_limits(generous_rate_limits):
    """Every test here, whichever client it reads the API with (tests/conftest.py)."""


@pytest.fixture
def account(db):
    """A registered client with a token, in no group: it may read with the higher limit."""
    return User.objects.create_user("newsroom-bot", password="a-long-test-password")


def member(username: str, *groups: str, **extra) -> User:
    """An account in these groups (core.roles: reporters, reviewers, admins)."""
    user = User.objects.create_user(username, password="a-long-test-password", **extra)
    for group in groups:
        # A transactional test's flush empties auth_group; the migration made them first.
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def staff(db):
    """Staff status alone is no role: it reads like any account, and files nothing."""
    return member("staff-only", is_staff=True)


@pytest.fixture
def both(db):
    """A reporter who is also a reviewer: may review others' reports, never their own."""
    return member("both-roles", "reporters", "reviewers")


@pytest.fixture
def admin(db):
    """An admin by the group (core.roles.is_admin): reports and reviews, as a superuser does."""
    return member("admin", "admins")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "a-long-test-password")


def token_client(user) -> APIClient:
    """An API client that authenticates with the user's token, as a registered client would."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def clients(api_client, account, staff, reporter, reviewer, both, admin, superuser):
    """{name: client} for every kind of caller."""
    return {
        "anonymous": api_client,
        "reader": token_client(account),
        "staff": token_client(staff),
        "reporter": token_client(reporter),
        "reviewer": token_client(reviewer),
        "both": token_client(both),
        "admin": token_client(admin),
        "superuser": token_client(superuser),
    }
