"""The API's writes make cached pages stale."""

import pytest

from core.pagecache import data_version
from tests.api.test_reports import TAJIKISTAN, verify_as
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_a_report_verified_through_the_api_makes_cached_pages_stale(seeded, clients):
    """Writes in a request carry the history's context as a `SELECT set_config(...);`
    prefix: they bump the version all the same. Filing the report changes no public page
    (it is its author's and the reviewers' until verified), so it leaves the version alone."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()

    version = data_version()
    response = clients["reporter"].post("/api/v1/reports/", TAJIKISTAN, format="json")
    assert response.status_code == 201
    assert data_version() == version
    assert verify_as(clients["reviewer"], response.json()["url"]).status_code == 200
    assert data_version() != version
