"""The newsroom's cast: a reporter, a reviewer, an admin and one who is both, and the form's data."""

import pytest
from django.contrib.auth.models import Group, User

from core import roles
from visits import review
from visits.models import Report, Visit
from visits.reports import SOURCES_MAX

TAJIKISTAN = {
    "person": "Putin",
    "host": "TJK",
    "place": "Dushanbe",
    "start": "2025-10-08",
    "start_precision": "day",
    "end": "2025-10-10",
    "end_precision": "day",
    "status": "occurred",
    "outcome": "not_arrested",
    "host_control": "effective",
    "controlled_by": "",
    "host_justification": "",
    "occasion": "CIS summit",
    "notes": "",
}
SOURCES = [
    {"url": "https://example.org/putin-dushanbe", "publisher": "Example News"},
    {
        "url": "https://example.org/cis-summit",
        "publisher": "Example Wire",
        "published": "2025-10-09",
    },
]


def form_data(action="submit", sources=SOURCES, **fields) -> dict:
    """The report form's POST: the visit's fields, the sources formset and the button pressed."""
    return {**TAJIKISTAN, **fields, "action": action, **sources_data(sources)}


def sources_data(sources, prefix: str = "source") -> dict:
    """A sources formset's POST (`prefix` "withdrawal_source": a withdrawal's)."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(sources)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(SOURCES_MAX),
    }
    for i, source in enumerate(sources):
        for key, value in source.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def version_now(report: Report) -> str:
    """The version of `report` that its page's forms carry when opened now (their hidden
    `seen`): visits.review.version_of the report as saved, however old `report` is."""
    return review.version_of(Report.objects.get(pk=report.pk))


def account(name: str, *groups: str, **extra) -> User:
    user = User.objects.create_user(name, password="a-long-test-password", **extra)
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def admin(db):
    return account("ada", roles.ADMINS)


@pytest.fixture
def both(db):
    return account("bea", roles.REPORTERS, roles.REVIEWERS)


@pytest.fixture
def tajikistan_removed(seeded):
    """Putin's published trip to Tajikistan, removed so that it can be reported anew."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()


@pytest.fixture
def signed_in(client):
    """signed_in(user) -> the test client, signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
