"""Reads answered before the middleware (core.pagecache.EarlyPageCacheMiddleware): the same
status, headers and body as the page cache's replay, no query, no render, stale after a
write, never for a session or credentials, and still counted by the API's rate limits."""

import itertools
import threading
import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from core import pagecache
from core.pagecache import VERSION_KEY, bump_data_version, data_version
from tests.site.conftest import body
from tests.site.test_page_cache import CACHED_ENDPOINTS, CACHED_PAGES, TemplateRenders

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}
_addresses = (f"203.0.113.{n}" for n in itertools.count(1))


def early(response) -> bool:
    return getattr(response, "pagecache_early", False)


# Each API answer's own count against the rate limits (api.access.RateLimitHeadersMiddleware):
# the one header an early answer does not take from the stored one.
PER_REQUEST = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}


def headers(response) -> dict:
    return {name: value for name, value in response.items() if name not in PER_REQUEST}


def three_reads(client, url, **extra):
    """The first reading (rendered), the page cache's replay, and the early answer."""
    rendered = client.get(url, **extra)
    replayed = client.get(url, **extra)
    answered = client.get(url, **extra)
    return rendered, replayed, answered


@pytest.mark.parametrize("url", CACHED_PAGES + CACHED_ENDPOINTS)
def test_the_early_answer_is_the_replay_byte_for_byte(
    client, seeded, django_assert_num_queries, url
):
    rendered, replayed, _ = three_reads(client, url)
    assert not early(rendered) and not early(replayed)
    with TemplateRenders() as renders, django_assert_num_queries(0):
        answered = client.get(url)
    assert early(answered) and renders.names == []
    assert answered.status_code == replayed.status_code == 200
    assert answered.content == replayed.content == rendered.content
    assert headers(answered) == headers(replayed)
    if url.startswith("/api/"):  # counted, and told its own count
        assert int(answered["RateLimit-Remaining"]) < int(replayed["RateLimit-Remaining"])
    else:
        assert not PER_REQUEST & set(dict(answered.items()))
    # The security headers are the same as on a page rendered from scratch.
    for name in SECURITY_HEADERS:
        if rendered.has_header(name):
            assert answered[name] == rendered[name], name
    assert answered["ETag"] == rendered["ETag"]


def test_security_headers_are_kept_over_https(client, seeded, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    rendered, replayed, answered = three_reads(client, "/states/MNG/", **HTTPS)
    assert early(answered)
    assert headers(answered) == headers(replayed)
    assert answered["Strict-Transport-Security"] == rendered["Strict-Transport-Security"]
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert answered[name] == rendered[name]
    # An https and a plain http request never share an answer.
    plain = client.get("/states/MNG/")
    assert not early(plain) and not plain.has_header("Strict-Transport-Security")


@pytest.mark.parametrize("url", ["/states/MNG/", "/api/v1/visits/?page_size=50"])
def test_a_revalidation_gets_the_kept_304_without_a_query_or_a_render(
    client, seeded, django_assert_num_queries, url
):
    etag = three_reads(client, url)[2]["ETag"]
    first = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert first.status_code == 304 and not early(first)
    with TemplateRenders() as renders, django_assert_num_queries(0):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and early(again) and renders.names == []
    assert headers(again) == headers(first)
    # Another validator gets the page itself, early.
    other = client.get(url, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and early(other) and other["ETag"] == etag


def test_a_write_in_this_process_makes_the_early_answer_stale_at_once(client, seeded, settings):
    from visits.models import Verdict

    settings.ICCWATCH_DATA_VERSION_LOCAL_SECONDS = 60
    url = "/visits/vladimir-putin-mng-2024-09-02/"
    assert early(three_reads(client, url)[2])
    Verdict.objects.filter(visit__slug="vladimir-putin-mng-2024-09-02").update(
        explanation="Corrected.", reasons=[]
    )
    response = client.get(url)
    assert not early(response) and "Corrected." in body(response)


def test_the_version_is_kept_in_the_process_until_it_writes(seeded, settings):
    settings.ICCWATCH_DATA_VERSION_LOCAL_SECONDS = 60
    bump_data_version()
    kept = data_version()
    cache.incr(VERSION_KEY)  # another process's write
    assert data_version() == kept  # for at most ICCWATCH_DATA_VERSION_LOCAL_SECONDS
    bump_data_version()  # this process's own write
    assert data_version() not in (kept, None)
    settings.ICCWATCH_DATA_VERSION_LOCAL_SECONDS = 0
    cache.incr(VERSION_KEY)
    assert data_version() == str(cache.get(VERSION_KEY))


def test_a_read_that_raced_a_write_of_this_process_is_not_kept(seeded, settings):
    """Another thread of the process read the version just before this process's write
    incremented it: what it read is returned once, not kept for the next requests."""
    settings.ICCWATCH_DATA_VERSION_LOCAL_SECONDS = 60
    bump_data_version()
    before = str(cache.get(VERSION_KEY))
    real_get = cache.get
    writes = iter([bump_data_version])

    def get_then_write(key, *args, **kwargs):
        value = real_get(key, *args, **kwargs)
        if key == VERSION_KEY:
            for write in writes:  # once: the write lands between the read and its keeping
                write()
        return value

    cache.get = get_then_write
    try:
        assert pagecache.data_version() == before
    finally:
        del cache.get  # the instance attribute: back to the class's method
    assert data_version() == str(cache.get(VERSION_KEY)) != before


def test_a_read_paused_before_keeping_its_version_does_not_outlive_a_write(
    seeded, settings, monkeypatch
):
    """Threaded workers: a read that has checked no write forgot the version, then pauses
    before keeping what it read while another thread's write forgets and bumps it, must
    not keep the version from before that write (the check and the keeping are one step)."""
    settings.ICCWATCH_DATA_VERSION_LOCAL_SECONDS = 60
    bump_data_version()
    before = str(cache.get(VERSION_KEY))
    writer = threading.Thread(target=bump_data_version)
    real = time.monotonic

    def monotonic():
        if not writer.is_alive() and writer.ident is None:
            writer.start()
            writer.join(0.5)  # the write lands here unless it waits for the keeping to end
        return real()

    clock = SimpleNamespace(monotonic=monotonic, time=time.time, time_ns=time.time_ns)
    monkeypatch.setattr(pagecache, "time", clock)
    assert pagecache.data_version() == before  # this read began before the write
    writer.join()
    monkeypatch.setattr(pagecache, "time", time)
    assert data_version() == str(cache.get(VERSION_KEY)) != before


def test_a_summary_counted_under_a_later_version_is_current(seeded, settings):
    """A process still holding the version it read a moment ago does not count again a
    summary another process counted after the next write, nor write its count over it."""
    settings.ICCWATCH_DATA_VERSION_LOCAL_SECONDS = 60
    bump_data_version()
    held = data_version()
    cache.set("iccwatch:summary:test", (str(int(held) + 1), "later"), 60)
    counted = []
    assert pagecache.summary("test", lambda: counted.append(1) or "older") == "later"
    assert counted == []
    pagecache._refresh("iccwatch:summary:test", held, lambda: "older")
    assert cache.get("iccwatch:summary:test")[1] == "later"


def test_the_variants_kept_of_one_address_are_bounded(client, seeded, monkeypatch):
    """Headers a client can vary at will (here Accept-Language) do not make the early
    middleware keep one more copy of a page each time: past EARLY_VARIANTS per address and
    data version, a variant is answered by the page cache, not kept early."""
    monkeypatch.setattr(pagecache, "EARLY_VARIANTS", 2)
    bump_data_version()
    url = "/states/MNG/"
    answered = []
    for n in range(4):
        reads = three_reads(client, url, HTTP_ACCEPT_LANGUAGE=f"en;q=0.{n + 1}", **HTTPS)
        assert all(r.status_code == 200 for r in reads)
        answered.append(early(reads[2]))
    assert answered == [True, True, False, False]


def test_a_session_or_credentials_go_through_the_middleware(client, seeded, reviewer):
    url = "/states/MNG/"
    assert early(three_reads(client, url)[2])
    assert not early(client.get(url, HTTP_AUTHORIZATION="Token nope"))
    assert not early(client.get(url, HTTP_IF_MODIFIED_SINCE="Mon, 30 Nov 2026 00:00:00 GMT"))
    client.force_login(reviewer)
    signed_in = client.get(url)
    assert signed_in.status_code == 200 and not early(signed_in)
    api = APIClient()
    assert early(three_reads(api, "/api/v1/states/MNG/")[2])
    refused = api.get("/api/v1/states/MNG/", HTTP_AUTHORIZATION="Token wrong")
    assert refused.status_code == 401 and not early(refused)


def test_what_the_request_carries_keeps_answers_apart(client, seeded):
    url = "/api/v1/states/MNG/"
    english = three_reads(client, url)[2]
    french = three_reads(client, url, HTTP_ACCEPT_LANGUAGE="fr")[2]
    assert early(english) and early(french)
    assert english["Content-Language"] == "en" and french["Content-Language"] == "fr"
    cors = three_reads(client, url, HTTP_ORIGIN="https://example.org")[2]
    assert early(cors) and cors["Access-Control-Allow-Origin"] == "*"
    assert not english.has_header("Access-Control-Allow-Origin")
    # An unknown cookie (here the messages') goes through the stack.
    client.cookies["messages"] = "x"
    assert not early(client.get(url))


def test_the_api_rate_limits_count_early_answers(seeded, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "4/min", "user": "8/min"},
    }
    api = APIClient(REMOTE_ADDR=next(_addresses))
    answers = [api.get("/api/v1/states/MNG/") for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert early(answers[2]) and early(answers[3])
    assert int(answers[4]["Retry-After"]) > 0


def test_a_request_refused_early_is_counted_once(seeded, settings):
    """Refused by the anonymous limit at the early answer, the request goes on to the
    view, which must not count it a second time against the other limit."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "10/min"},
    }
    api = APIClient(REMOTE_ADDR=next(_addresses))
    answers = [api.get("/api/v1/states/MNG/") for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert early(answers[2])
    # 5 requests in the user limit's log (counted twice, the 2 refused would make 7):
    # with room for 6, one more passes.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "6/min"},
    }
    assert api.get("/api/v1/states/MNG/").status_code == 200
    assert api.get("/api/v1/states/MNG/").status_code == 429


def test_an_answer_kept_under_a_rate_limit_that_is_gone_goes_to_the_view(rf):
    """An answer stored before a release renamed the rate limits' class is not replayed
    (the view answers, with its own check), rather than failing on the old name."""
    request = rf.get("/api/v1/states/MNG/")
    assert pagecache._throttled(request, ("api.access.NoLongerThere",))


def test_without_the_page_cache_nothing_is_answered_early(client, seeded, settings):
    settings.ICCWATCH_PAGE_CACHE = False
    assert not any(early(r) for r in three_reads(client, "/states/MNG/"))


def test_the_early_identity_leaves_out_writes_and_unknown_cookies(rf):
    assert pagecache.early_identity(rf.post("/states/MNG/")) is None
    request = rf.get("/states/MNG/")
    request.COOKIES = {"sessionid": "abc"}
    assert pagecache.early_identity(request) is None
    request.COOKIES = {"csrftoken": "not-a-secret"}
    assert pagecache.early_identity(request) is None
    request.COOKIES = {"csrftoken": "a" * 32}
    assert pagecache.early_identity(request) is not None
