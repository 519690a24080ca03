"""Rate limits (429 with Retry-After, a higher limit with a token), in memory and in Redis,
and through a Redis outage (per process); CORS."""

import itertools
import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from core.cache import FailOpenRedisCache, Hit, counters
from devtools.services import PrivateRedis
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "6/min"},
    }


@pytest.fixture(params=["memory", "redis"])
def throttle_cache(request):
    """Throttle history in the process's memory, or in the real Redis (under a key prefix of its own)."""
    if request.param == "redis":
        request.getfixturevalue("own_redis_cache")
    return request.param


def anonymous_client() -> APIClient:
    return APIClient(REMOTE_ADDR=next(_addresses))  # a fresh address: a history of its own


def statuses(client, n) -> list[int]:
    return [client.get("/api/v1/statements/").status_code for _ in range(n)]


def test_anonymous_readers_are_limited_and_told_when_to_come_back(
    seeded, low_rates, throttle_cache
):
    client = anonymous_client()
    assert statuses(client, 3) == [200, 200, 200]
    response = client.get("/api/v1/states/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert "Expected available in" in error["message"]
    assert (
        anonymous_client().get("/api/v1/statements/").status_code == 200
    )  # another address is not limited


@pytest.mark.parametrize(
    ("first", "same_client", "other_client"),
    [
        # One /64: an IPv6 client picks any of its 2**64 addresses for each request.
        ("2001:db8:a:b::1", "2001:db8:a:b:1234:5678:9abc:def0", "2001:db8:a:c::1"),
        # An IPv4 address written in IPv6 (a dual-stack socket's peer) is that address.
        ("::ffff:192.0.2.55", "192.0.2.55", "192.0.2.56"),
    ],
    ids=["ipv6-64", "ipv4-mapped"],
)
def test_an_ipv6_client_has_one_bucket_across_its_64(
    seeded, low_rates, throttle_cache, first, same_client, other_client
):
    """Per address, a client with a /64 had 2**64 buckets: a fresh one per request
    (core.auth.client_key)."""
    assert statuses(APIClient(REMOTE_ADDR=first), 2) == [200, 200]
    reader = APIClient(REMOTE_ADDR=same_client)
    answers = [reader.get("/api/v1/statements/") for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 429]
    assert rate_limit(answers[0]) == ("3", "0")
    other = APIClient(REMOTE_ADDR=other_client).get("/api/v1/statements/")
    assert other.status_code == 200 and rate_limit(other) == ("3", "2")


@pytest.fixture
def network_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "6/min", "network": "4/min"},
    }


def test_the_anonymous_clients_of_one_ipv6_48_share_a_limit(
    seeded, network_rate, throttle_cache, account
):
    """One holder of a /48 has 65,536 /64s, each with an `anon` log of its own: the /48's
    anonymous requests are counted together too (4 a minute here), a fresh /64 of it
    included; another /48, an IPv4 client and a token are not held by it."""
    answers = [
        APIClient(REMOTE_ADDR=f"2001:db8:48:{n:x}::1").get("/api/v1/statements/")
        for n in range(1, 5)
    ]
    assert [a.status_code for a in answers] == [200] * 4
    assert rate_limit(answers[-1]) == ("4", "0")  # the /48's limit binds now
    refused = APIClient(REMOTE_ADDR="2001:db8:48:ff::1").get("/api/v1/statements/")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert APIClient(REMOTE_ADDR="2001:db8:49:1::1").get("/api/v1/statements/").status_code == 200
    assert [anonymous_client().get("/api/v1/statements/").status_code for _ in range(5)] == [
        200
    ] * 5
    signed_in = token_client(account)
    assert signed_in.get("/api/v1/statements/", REMOTE_ADDR="2001:db8:48:fe::1").status_code == 200


def rate_limit(response) -> tuple[str, str]:
    return response["RateLimit-Limit"], response["RateLimit-Remaining"]


def test_every_answer_says_where_its_client_stands(seeded, low_rates, throttle_cache, client):
    """RateLimit-Limit, -Remaining and -Reset of the limit that binds the client (for an
    anonymous one, 3 a minute before the 6 counted by address), the 429 included; the
    site's pages, which no limit counts, carry none."""
    reader = anonymous_client()
    answers = [reader.get("/api/v1/statements/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [rate_limit(a) for a in answers] == [("3", "2"), ("3", "1"), ("3", "0"), ("3", "0")]
    assert all(0 < int(a["RateLimit-Reset"]) <= 60 for a in answers)
    assert "RateLimit-Limit" not in client.get("/states/MNG/")


def test_an_answer_replayed_from_the_cache_carries_its_own_clients_count(
    seeded, low_rates, throttle_cache
):
    """The page cache answers the same read again before the view runs: each answer still
    says what its own client has left, never the count stored with the page."""
    first, second = anonymous_client(), anonymous_client()
    url = "/api/v1/visits/?page_size=5"
    answers = [first.get(url), first.get(url), second.get(url), first.get(url)]
    assert all(a.status_code == 200 for a in answers)
    assert getattr(answers[3], "pagecache_early", False), "the last read was not replayed"
    assert [a["RateLimit-Remaining"] for a in answers] == ["2", "1", "2", "0"]


def test_a_token_gives_a_higher_limit_of_its_own(seeded, low_rates, throttle_cache, account):
    client = token_client(account)
    client.defaults["REMOTE_ADDR"] = next(_addresses)
    assert statuses(client, 6) == [200] * 6
    limited = client.get("/api/v1/statements/")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert rate_limit(limited) == ("6", "0")


def test_every_endpoint_is_limited_including_schema_and_writes(seeded, low_rates, clients):
    client = anonymous_client()
    for _ in range(3):
        client.get("/api/v1/schema/")
    assert client.get("/api/v1/schema/", {"format": "json"}).status_code == 429
    reporter = clients["reporter"]
    reporter.defaults["REMOTE_ADDR"] = next(_addresses)
    assert statuses(reporter, 6) == [200] * 6
    assert reporter.post("/api/v1/visits/", {}, format="json").status_code == 429


def test_rates_come_from_the_environment_and_refuse_nonsense(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from iccwatch.settings import _api_rate

    monkeypatch.setenv("ICCWATCH_API_ANON_RATE", "120/hour")
    assert _api_rate("ICCWATCH_API_ANON_RATE", "60/min") == "120/hour"
    monkeypatch.setenv("ICCWATCH_API_ANON_RATE", "lots")
    with pytest.raises(ImproperlyConfigured, match="is not a rate"):
        _api_rate("ICCWATCH_API_ANON_RATE", "60/min")


def test_a_request_is_one_entry_in_each_log_and_a_refused_one_in_none(
    seeded, low_rates, settings, test_redis_url
):
    """Each limit keeps a sliding log of its own in Redis (a sorted set of request times,
    kept for the rate's period): an anonymous reader counts against both; a request one
    limit refuses is not entered in that log, and is in the other's, as DRF counts."""
    cache = redis_cache(settings, test_redis_url)
    address = next(_addresses)
    client = APIClient(REMOTE_ADDR=address)
    assert statuses(client, 5) == [200, 200, 200, 429, 429]  # anon: 3/min
    redis = cache._cache.get_client(write=True)
    anon = cache.make_key(f"throttle_log_anon_{address}")
    user = cache.make_key(f"throttle_log_user_{address}")
    assert redis.type(anon) == redis.type(user) == b"zset"
    assert (redis.zcard(anon), redis.zcard(user)) == (3, 5)  # user: 6/min, none refused
    assert 0 < redis.pttl(anon) <= 60_000


def test_concurrent_requests_never_pass_a_limit(settings, test_redis_url):
    """Checking a log and entering a request in it is one step in Redis (a script): 24
    requests at the same moment against a limit of 5 let exactly 5 through, where
    reading the history and writing it back would let through every request that read
    it before another wrote."""
    redis_cache(settings, test_redis_url)
    key = f"throttle_log_race_{uuid.uuid4().hex}"
    start = threading.Barrier(24)

    def one_request(_):
        start.wait()
        (hit,) = counters.hit([(key, 5, 60)], time.time())
        return hit.allowed

    with ThreadPoolExecutor(max_workers=24) as pool:
        allowed = list(pool.map(one_request, range(24)))
    assert allowed.count(True) == 5
    # Counted in Redis, not in this process's memory after a failed script.
    assert counters._down_until == {}
    cache = caches["default"]
    assert cache._cache.get_client().zcard(cache.make_key(key)) == 5
    (refused,) = counters.hit([(key, 5, 60)], time.time())
    assert not refused.allowed and 0 < refused.wait <= 60


def test_the_wait_is_drfs_and_the_same_in_redis_and_in_memory(throttle_cache):
    """Retry-After is what DRF's SimpleRateThrottle.wait computes from the same log,
    whether the log is in Redis or in memory; a limit of 0 waits the whole period."""
    key = f"throttle_log_wait_{uuid.uuid4().hex}"
    start = 1_764_571_898.123456
    hits = [counters.hit([(key, 3, 60)], start + second)[0] for second in range(3)]
    assert all(hit.allowed for hit in hits)
    (refused,) = counters.hit([(key, 3, 60)], start + 10)
    drf = SimpleRateThrottle.__new__(SimpleRateThrottle)
    drf.num_requests, drf.duration = 3, 60
    drf.history, drf.now = [start + 2, start + 1, start], start + 10
    assert (refused.allowed, refused.wait) == (False, drf.wait()) == (False, 50.0)
    (nothing_allowed,) = counters.hit([(key + "-zero", 0, 60)], start)
    assert (nothing_allowed.allowed, nothing_allowed.wait) == (False, 60.0)
    # What the RateLimit headers say: the limit, what is left, and when the oldest request
    # counted leaves the minute.
    assert [(h.limit, h.remaining) for h in hits] == [(3, 2), (3, 1), (3, 0)]
    assert hits[0].reset == pytest.approx(60.0) and hits[2].reset == pytest.approx(58.0)
    assert (refused.limit, refused.remaining, refused.reset) == (3, 0, pytest.approx(50.0))
    assert isinstance(refused, Hit)
    # A rate lowered to 1 under a log of 3: one more is allowed once the first two have
    # left, at start + 2 + 60; a limit of 0 waits the whole period.
    (lowered,) = counters.hit([(key, 1, 60)], start + 10)
    assert (lowered.allowed, lowered.reset) == (False, pytest.approx(52.0))
    assert nothing_allowed.reset == pytest.approx(60.0)


# --- A Redis outage ---------------------------------------------------------------------


def redis_cache(settings, url):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"api-limits-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    cache = caches["default"]
    assert isinstance(cache, FailOpenRedisCache)
    return cache


def test_the_limits_hold_when_redis_is_down(seeded, low_rates, settings, dead_port):
    cache = redis_cache(settings, f"redis://127.0.0.1:{dead_port}/0")
    assert cache.get("anything") is None  # the page cache still fails open
    client = anonymous_client()
    assert statuses(client, 3) == [200, 200, 200]
    limited = client.get("/api/v1/states/")
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    assert limited.json()["error"]["code"] == "throttled"
    # The reproduction at the default rate: 70 requests are not 70 × 200.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},
    }
    burst = statuses(anonymous_client(), 70)
    assert burst == [200] * 60 + [429] * 10


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server on PATH")
def test_the_limits_hold_while_redis_stops_and_come_back_to_it(
    seeded, low_rates, settings, monkeypatch
):
    monkeypatch.setattr(counters, "RETRY_AFTER", 0.0)  # try Redis again at each request
    server = PrivateRedis(database=0)
    try:
        cache = redis_cache(settings, server.url)
        client = anonymous_client()
        assert statuses(client, 2) == [200, 200]  # counted in Redis
        server.stop()
        # Redis is gone: this process counts on its own, from zero, and still limits.
        assert statuses(client, 3) == [200, 200, 200]
        assert client.get("/api/v1/statements/").status_code == 429
        server.start()
        # Redis is back (empty: it stores nothing on disk): the shared history in Redis
        # counts again, and limits again.
        assert statuses(client, 3) == [200, 200, 200]
        assert client.get("/api/v1/statements/").status_code == 429
        keys = list(cache._cache.get_client().scan_iter("*throttle*"))
        assert keys, "the throttle history is not back in Redis"
    finally:
        server.close()


# --- CORS ------------------------------------------------------------------------------


def test_browser_tools_on_other_sites_may_read_the_api(seeded, api_client):
    response = api_client.get("/api/v1/incidents/", HTTP_ORIGIN="https://charts.newsroom.example")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "retry-after", "ratelimit-remaining", "ratelimit-reset"} <= exposed


def test_a_browser_tool_keeping_a_copy_in_step_may_read_changed_until(seeded, api_client):
    """`?changed_since=<the last answer's Changed-Until>` is how to keep a copy in step: a
    browser on another site was not let read that header."""
    response = api_client.get(
        "/api/v1/visits/?changed_since=2000-01-01T00:00:00Z",
        HTTP_ORIGIN="https://charts.newsroom.example",
    )
    assert response.status_code == 200 and response["Changed-Until"]
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert "changed-until" in exposed


def test_a_cors_preflight_is_answered_for_reads(seeded, api_client):
    response = api_client.options(
        "/api/v1/visits/",
        HTTP_ORIGIN="https://charts.newsroom.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "authorization" in response["Access-Control-Allow-Headers"]


def test_a_browser_client_may_revalidate_with_the_etag_it_kept(seeded, api_client):
    """A dashboard in another site's page keeps the ETag and sends If-None-Match: the
    preflight must allow that header, or the browser refuses the request."""
    origin = "https://charts.newsroom.example"
    preflight = api_client.options(
        "/api/v1/visits/",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    allowed = {h.strip() for h in preflight["Access-Control-Allow-Headers"].split(",")}
    assert "if-none-match" in allowed
    first = api_client.get("/api/v1/visits/", HTTP_ORIGIN=origin)
    exposed = {h.strip().lower() for h in first["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "content-language"} <= exposed
    again = api_client.get("/api/v1/visits/", HTTP_ORIGIN=origin, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["Access-Control-Allow-Origin"] == "*"


def test_the_site_itself_sends_no_cors_headers(db, client):
    response = client.get("/", HTTP_ORIGIN="https://charts.newsroom.example")
    assert "Access-Control-Allow-Origin" not in response


def test_a_forwarded_for_header_does_not_escape_the_limit_unless_a_proxy_is_declared(
    seeded, low_rates, settings
):
    """Without ICCWATCH_API_NUM_PROXIES (the default) the limit is the peer's: an
    X-Forwarded-For header, which any client can write, is not read. Behind a declared
    proxy it is the address that proxy saw."""
    from django.conf import settings as configured

    assert configured.REST_FRAMEWORK["NUM_PROXIES"] == 0  # the default, stated
    client = anonymous_client()
    assert statuses(client, 3) == [200, 200, 200]
    for n in range(3):
        forged = client.get("/api/v1/statements/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert forged.status_code == 429
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = anonymous_client()  # one proxy's address, many clients behind it
    seen = [
        proxy.get("/api/v1/statements/", HTTP_X_FORWARDED_FOR=f"6.6.6.6, 192.0.2.{n}").status_code
        for n in range(5)
    ]
    assert seen == [200] * 5


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/visits/?format=xml",
        "/api/v1/states/MNG/?format=xml",
        "/api/v1/search/?q=putin&format=csv",
        "/api/v1/schema/?format=xml",
        "/api/v1/?format=xml",
    ],
)
def test_an_unknown_format_is_counted_by_the_limits_as_any_400(seeded, low_rates, url):
    """`?format=xml` was refused during content negotiation, before the limits: every one
    a free 400, without RateLimit headers, however many a client sent."""
    reader = anonymous_client()
    answers = [reader.get(url) for _ in range(4)]
    assert [a.status_code for a in answers] == [400, 400, 400, 429], url
    assert answers[0].json()["error"]["code"] == "invalid_filter"
    assert "format" in answers[0].json()["error"]["fields"]
    assert [rate_limit(a) for a in answers] == [("3", "2"), ("3", "1"), ("3", "0"), ("3", "0")]


def test_an_unknown_format_on_a_read_that_needs_an_account_is_a_401_first(seeded, low_rates):
    """As every refusal of access, answered before the limits count it."""
    answer = anonymous_client().get("/api/v1/reports/?format=xml")
    assert answer.status_code == 401 and "RateLimit-Limit" not in answer
