"""Cached reads: served without a query, revalidated without rendering, stale after any write."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.signals import template_rendered

from core import pagecache
from core.pagecache import bump_data_version, data_version
from tests.site.conftest import body

pytestmark = pytest.mark.django_db

CACHED_PAGES = [
    "/",
    "/states/MNG/",
    "/persons/vladimir-putin/",
    "/visits/vladimir-putin-mng-2024-09-02/",
    "/method/",
]
CACHED_ENDPOINTS = [
    "/api/v1/visits/?page_size=50",
    "/api/v1/visits/vladimir-putin-mng-2024-09-02/",
    "/api/v1/states/MNG/",
    "/api/v1/persons/?page_size=5",
]


class TemplateRenders:
    """Counts the templates rendered while it is active (django.test.signals.template_rendered)."""

    def __init__(self):
        self.names: list[str] = []

    def __enter__(self):
        template_rendered.connect(self.record)
        return self

    def __exit__(self, *exc):
        template_rendered.disconnect(self.record)

    def record(self, sender, template, context, **kwargs):
        self.names.append(template.name)


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_revalidation_answers_304_without_a_query_or_a_render(
    reader, seeded, django_assert_num_queries, url
):
    etag = reader.get(url)["ETag"]
    with TemplateRenders() as renders, django_assert_num_queries(0):
        response = reader.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["ETag"] == etag
    assert renders.names == []


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_cached_page_is_served_without_a_query_or_a_render(
    reader, seeded, django_assert_num_queries, url
):
    first = reader.get(url)
    with TemplateRenders() as renders, django_assert_num_queries(0):
        again = reader.get(url)
    assert renders.names == []
    assert again.status_code == 200 and again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]
    # The address names the language (/fr/…): a cached page varies by the session only.
    assert "Cookie" in again["Vary"] and "must-revalidate" in again["Cache-Control"]


def test_each_language_is_cached_apart(reader, seeded):
    english = reader.get("/states/MNG/")
    french = reader.get("/fr/states/MNG/")
    assert english["ETag"] != french["ETag"]
    assert english["Content-Language"] == "en" and french["Content-Language"] == "fr"
    assert reader.get("/fr/states/MNG/").content == french.content


def test_a_write_makes_the_cached_page_stale(reader, seeded):
    from visits.models import Verdict

    url = "/visits/vladimir-putin-mng-2024-09-02/"
    etag = reader.get(url)["ETag"]
    # A bulk UPDATE, as the evaluation writes: no model signal, yet the version moves.
    Verdict.objects.filter(visit__slug="vladimir-putin-mng-2024-09-02").update(
        explanation="Corrected.", reasons=[]
    )
    response = reader.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Corrected." in body(response)
    assert response["ETag"] != etag


@pytest.mark.parametrize(
    "url",
    ["/visits/vladimir-putin-mng-2024-09-02/", "/api/v1/visits/vladimir-putin-mng-2024-09-02/"],
)
def test_a_verdict_the_evaluation_writes_makes_the_cached_page_stale(reader, seeded, url):
    """The evaluation writes verdicts through psycopg cursors of its own, past Django's
    execute wrappers: a page cached between a change to the facts and the worker's new
    verdict must not outlive that verdict."""
    from visits import flagging
    from visits.models import Verdict, Visit

    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    assert visit.verdict.code == "non_compliance"
    # The facts change (the version moves); the worker has not evaluated the visit yet.
    Visit.objects.filter(pk=visit.pk).update(outcome="arrested")
    before = reader.get(url)
    assert before.status_code == 200
    version = data_version()
    assert flagging.evaluate_visits([visit.pk]).changed == 1
    assert Verdict.objects.get(pk=visit.pk).code == "complied"
    assert data_version() != version
    response = reader.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert response.status_code == 200 and response["ETag"] != before["ETag"]
    assert response.content != before.content
    # Evaluating again changes nothing, and the cached page stays valid.
    version = data_version()
    assert flagging.evaluate_visits([visit.pk]).changed == 0
    assert data_version() == version


def test_a_transaction_bumps_the_version_at_its_first_write_and_after_commit(seeded):
    from states.models import State

    start = data_version()
    with transaction.atomic():
        State.objects.filter(iso3="MNG").update(notes="a")
        during = data_version()
        State.objects.filter(iso3="MNG").update(notes="b")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE states_state SET notes = 'c' WHERE iso3 = 'MNG'")
        assert data_version() == during  # once per transaction, not per statement
    assert during != start
    # The test's own transaction never commits; the commit's bump is its callback.
    callbacks = [entry[1] for entry in connection.run_on_commit]
    assert [c for c in callbacks if getattr(c, "func", None) is pagecache._committed]


def test_each_transaction_of_a_test_bumps_the_version_again(seeded):
    from states.models import State

    with transaction.atomic():
        State.objects.filter(iso3="MNG").update(notes="a")
    first = data_version()
    with transaction.atomic():
        State.objects.filter(iso3="MNG").update(notes="b")
    assert data_version() != first


def test_a_read_does_not_bump_the_version(reader, seeded):
    reader.get("/states/")
    version = data_version()
    reader.get("/persons/")
    reader.get("/api/v1/states/?page_size=3")
    assert data_version() == version


@pytest.mark.parametrize("url", CACHED_ENDPOINTS)
def test_an_api_read_is_cached_and_revalidated_without_a_query(
    api_client, seeded, django_assert_num_queries, url
):
    first = api_client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = api_client.get(url)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]
    with django_assert_num_queries(0):
        revalidated = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304


def test_the_api_caches_each_format_apart(api_client, seeded):
    # (page_size is a JSON list's: a CSV gives every matching row.)
    json = api_client.get("/api/v1/visits/?host=MNG")
    csv = api_client.get("/api/v1/visits/?host=MNG", HTTP_ACCEPT="text/csv")
    assert json["Content-Type"].startswith("application/json")
    assert csv["Content-Type"].startswith("text/csv")
    assert json["ETag"] != csv["ETag"]
    again = api_client.get("/api/v1/visits/?host=MNG", HTTP_ACCEPT="text/csv")
    assert b"".join(again.streaming_content) == b"".join(csv.streaming_content)
    assert again["Content-Type"] == csv["Content-Type"]


def test_an_api_error_is_not_cached(api_client, seeded):
    assert api_client.get("/api/v1/visits/?page=999999").status_code == 404
    bump_data_version()
    assert api_client.get("/api/v1/visits/?page=999999").status_code == 404


def test_pages_for_a_signed_in_reader_are_rendered_every_time(client, reviewer, seeded):
    client.force_login(reviewer)
    client.get("/states/MNG/")
    with TemplateRenders() as renders:
        response = client.get("/states/MNG/")
    assert response.status_code == 200
    assert "states/state_detail.html" in renders.names


def test_a_page_rendered_for_staff_is_for_their_browser_alone(client, reporter, seeded):
    """A reporter's visit page holds what readers never see (the links to the visit's
    history and to the correction form): `private`, so that no shared cache (a proxy, a
    CDN that overlooks Vary: Cookie) hands it to anyone else; a reader's stays public."""
    url = "/visits/vladimir-putin-mng-2024-09-02/"
    anonymous = Client().get(url)
    client.force_login(reporter)
    staff = client.get(url)
    assert "/correct/" in body(staff) and "/correct/" not in body(anonymous)
    directives = {d.strip() for d in staff["Cache-Control"].split(",")}
    assert "private" in directives and "public" not in directives
    assert "must-revalidate" in directives and "Cookie" in staff["Vary"]
    assert "public" in {d.strip() for d in anonymous["Cache-Control"].split(",")}


def test_in_redis_every_cached_page_expires_and_the_data_version_does_not(
    reader, seeded, settings, test_redis_url
):
    """Production's Redis evicts only keys with an expiry when full (docker-compose.yml,
    volatile-lru): each page stored per distinct address must carry one, the data
    version (which must survive) none."""
    import uuid

    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": test_redis_url,
            "KEY_PREFIX": f"page-expiry-{uuid.uuid4().hex}",
        }
    }
    from django.core.cache import cache

    pagecache.forget_local_version()
    # Three pages (a record page refuses a parameter it does not take, so three records).
    for iso3 in ("MNG", "ZAF", "HUN"):
        assert reader.get(f"/states/{iso3}/").status_code == 200
    client = cache._cache.get_client()
    prefix = cache.make_key("")
    keys = [k.decode() for k in client.scan_iter(match=f"{prefix}*")]
    pages = [k for k in keys if ":page:" in k or ":early:" in k]
    assert len(pages) >= 3
    assert all(0 < client.ttl(k) <= 3600 for k in pages)
    assert client.ttl(cache.make_key(pagecache.VERSION_KEY)) == -1


def test_a_page_cached_before_a_release_is_rendered_again(reader, seeded, monkeypatch):
    """Production's pages link to static files by hashed names (css/site.<hash>.css): a page
    cached by the release before links to names the new release's static files need not
    hold, and was replayed for up to an hour after an upgrade that wrote nothing. The
    manifest's hash is part of the key (pagecache.static_release): a new one renders anew,
    with another ETag, and the early middleware does not replay the old answer either."""
    url = "/states/MNG/"
    first = reader.get(url)
    assert reader.get(url).content == first.content  # replayed, and kept for early answers
    monkeypatch.setattr(pagecache, "static_release", lambda: "the next release's manifest")
    with TemplateRenders() as renders:
        again = reader.get(url)
    assert renders.names != []
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    # An If-None-Match of the old page's ETag is not answered 304.
    assert reader.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
