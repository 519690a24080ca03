"""The API's cast: one client per kind of account, with real tokens, and generous rate limits.

Every test here runs with rates far above what a test sends, so that the tests never
trip over each other's throttle history in the shared cache; the rate-limit tests set
low rates themselves.
"""

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

GENEROUS = {"anon": "100000/min", "user": "100000/min"}


@pytest.fixture(autouse=True)
def generous_rate_limits(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": GENEROUS}


@pytest.fixture
def account(db):
    """A registered client with a token, in no group: it may read with the higher limit."""
    return User.objects.create_user("newsroom-bot", password="a-long-test-password")


@pytest.fixture
def admin(db):
    return User.objects.create_superuser("admin", "admin@example.org", "a-long-test-password")


def token_client(user) -> APIClient:
    """An API client that authenticates with the user's token, as a registered client would."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def clients(api_client, account, reporter, reviewer, admin):
    """{name: client} for every kind of caller."""
    return {
        "anonymous": api_client,
        "reader": token_client(account),
        "reporter": token_client(reporter),
        "reviewer": token_client(reviewer),
        "admin": token_client(admin),
    }
