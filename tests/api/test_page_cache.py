"""The API's writes make cached pages stale."""

import pytest

from core.pagecache import data_version
from tests.api.test_reports import TAJIKISTAN
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_a_report_filed_through_the_api_makes_cached_pages_stale(seeded, clients):
    """Writes in a request carry the history's context as a `SELECT set_config(...);`
    prefix: they bump the version all the same."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()

    version = data_version()
    response = clients["reporter"].post("/api/v1/reports/", TAJIKISTAN, format="json")
    assert response.status_code == 201
    assert data_version() != version
