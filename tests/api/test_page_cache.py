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


DUSHANBE_VISIT = "vladimir-putin-tjk-2025-10-08"


def test_a_search_answer_made_stale_by_a_place_edited_is_not_kept(seeded, clients, own_redis_cache):
    """A place edited on an existing visit changed no key of the places' list (it was kept
    under the highest visit id, for 10 minutes), so `?q=dushanbe` answered `[]` after the
    correction, and that answer was stored under the new data version, its ETag
    revalidated with 304s: the list is now kept under the data version itself."""
    from tests.api.test_reports import file

    def visits_found(query: str) -> list[str]:
        response = clients["anonymous"].get("/api/v1/search/", {"q": query})
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"] if row["kind"] == "visit"]

    first = clients["anonymous"].get("/api/v1/search/", {"q": "dushanbe"})
    assert DUSHANBE_VISIT in [row["id"] for row in first.json()["results"]]
    filed = file(clients["reporter"], {"visit": DUSHANBE_VISIT, "place": "Dushanbe;Khujand"})
    assert filed.status_code == 201, filed.content
    assert verify_as(clients["reviewer"], filed.json()["url"]).status_code == 200
    assert Visit.objects.get(slug=DUSHANBE_VISIT).place == "Dushanbe;Khujand"

    again = clients["anonymous"].get(
        "/api/v1/search/", {"q": "dushanbe"}, headers={"If-None-Match": first["ETag"]}
    )
    assert again.status_code == 200
    assert DUSHANBE_VISIT in [row["id"] for row in again.json()["results"]]
    assert DUSHANBE_VISIT in visits_found("dushanbe")  # and from the cache
    assert DUSHANBE_VISIT in visits_found("khujand")


def test_a_search_answered_from_the_places_before_a_write_is_not_kept(
    seeded, clients, settings, monkeypatch
):
    """In production the places' lists of the previous data version serve while a thread
    reads the new ones: the answer built from them is not final, so not kept under the
    new version (it was, and served until the next write)."""
    from core import pagecache
    from front import search

    settings.ICCWATCH_SUMMARIES_IN_BACKGROUND = True
    started = []
    monkeypatch.setattr(pagecache, "_start_refresh", lambda *job: started.append(job[0]))

    def visits_found() -> list[str]:
        response = clients["anonymous"].get("/api/v1/search/", {"q": "khujand"})
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"] if row["kind"] == "visit"]

    assert visits_found() == []
    visit = Visit.objects.get(slug=DUSHANBE_VISIT)
    visit.place = "Dushanbe;Khujand"
    visit.save()
    # As its commit does: the test's transaction, which wrote before (the accounts), moves
    # the version again only when it commits.
    pagecache.bump_data_version()
    assert visits_found() == []  # the previous places, while they are read again
    assert started == ["iccwatch:summary:search:places:v3"]
    with pagecache.counting_now():  # what the thread does
        search.place_list()
    assert DUSHANBE_VISIT in visits_found()
