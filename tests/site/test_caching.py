"""Validators, revalidation, the security policy, and a cache that fails open."""

import logging
import re

import pytest
from django.core.cache import caches
from django.test import override_settings

from core.cache import FailOpenRedisCache
from front import worldmap
from tests.site.conftest import body

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/states/",
    "/states/MNG/",
    "/persons/",
    "/persons/vladimir-putin/",
    "/warrants/",
    "/visits/",
    "/visits/?host=MNG",
    "/visits/vladimir-putin-mng-2024-09-02/",
    "/incidents/",
    "/search/?q=Bashir",
    "/incidents/feed/",
    "/states/MNG/feed/",
    "/persons/vladimir-putin/feed/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_an_etag_and_answer_304_when_unchanged(reader, seeded, url):
    first = reader.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"')
    # The address names the language (/fr/...): Accept-Language changes nothing.
    assert "Cookie" in first["Vary"] and "Accept-Language" not in first["Vary"]
    assert "must-revalidate" in first["Cache-Control"]
    again = reader.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert reader.get(url, HTTP_ACCEPT_LANGUAGE="fr")["ETag"] == etag
    # The page in another language is another address, with another tag.
    assert reader.get("/fr" + url)["ETag"] != etag


def test_a_changed_verdict_changes_the_etag(reader, seeded):
    from visits.models import Verdict

    etag = reader.get("/visits/vladimir-putin-mng-2024-09-02/")["ETag"]
    Verdict.objects.filter(visit__slug="vladimir-putin-mng-2024-09-02").update(
        code="pending", basis="", reasons=[], explanation="Corrected."
    )
    response = reader.get("/visits/vladimir-putin-mng-2024-09-02/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Corrected." in body(response)


@pytest.mark.parametrize("url", PAGES[:10])
def test_pages_allow_only_the_site_itself(reader, seeded, url):
    response = reader.get(url)
    policy = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in policy
        and "script-src 'self'" in policy
        and "style-src 'self'" in policy
    )
    html = body(response)
    assert not re.search(r"<script(?![^>]*\ssrc=)", html), "inline script"
    assert not re.search(r"<style", html), "inline style element"
    # (The embed code offered as text, escaped in its <textarea>, styles the frame on the
    # journalist's page, not this one.)
    markup = re.sub(r"(<textarea[^>]*>).*?(</textarea>)", r"\1\2", html, flags=re.S)
    assert not re.search(r"\sstyle=", markup), "inline style attribute"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    # Links to sources are fine; anything the browser would load by itself must be ours.
    for tag in re.findall(r"<(?:script|link|img|iframe|source|object|embed|image)\b[^>]*>", html):
        if 'rel="canonical"' in tag or "hreflang=" in tag:
            continue  # not loaded: they name this page's own addresses (in each language)
        assert not re.search(r'(?:src|href)="(?:https?:)?//', tag), f"third-party asset: {tag}"
    for asset in re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"', html):
        assert asset.startswith("/static/")


@pytest.mark.npm("world-atlas")
def test_the_site_renders_when_redis_is_down(reader, seeded, dead_port):
    dead = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead_port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=dead):
        cache = caches["default"]
        assert isinstance(cache, FailOpenRedisCache)
        assert cache.get("anything") is None
        cache.set("anything", 1)  # no error
        for url in ("/", "/persons/vladimir-putin/", "/search/?q=Ulan+Bator"):
            response = reader.get(url)
            assert response.status_code == 200, url
        assert '<svg class="worldmap"' in body(reader.get("/"))


def test_a_redis_outage_is_logged_once_a_minute_not_once_per_operation(
    dead_port, caplog, monkeypatch
):
    import core.cache

    monkeypatch.setattr(core.cache, "_failures", {"warned_at": None, "since": 0}, raising=False)
    dead = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead_port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=dead), caplog.at_level(logging.WARNING, logger="core.cache"):
        cache = caches["default"]
        for _ in range(20):
            assert cache.get("anything") is None
        warned = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
        assert len(warned) == 1 and warned[0].startswith("cache get failed"), warned
        monkeypatch.setattr(core.cache, "WARN_EVERY", 0.0, raising=False)  # a minute later
        cache.set("anything", 1)
        warned = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
        assert len(warned) == 2 and warned[1].startswith("cache set failed"), warned
        assert "20 cache operation(s) failed or skipped in this process" in warned[1]


@pytest.mark.npm("world-atlas")
def test_the_map_is_cached_in_redis_when_it_is_up(reader, seeded, test_redis_url):
    live = {"default": {"BACKEND": "core.cache.FailOpenRedisCache", "LOCATION": test_redis_url}}
    with override_settings(CACHES=live):
        cache = caches["default"]
        cache.clear()
        cache.set("probe", 1)
        if cache.get("probe") != 1:
            pytest.fail(f"Redis is not reachable at {test_redis_url}")
        reader.get("/")
        keys = [k for k in cache._cache.get_client().scan_iter("*") if b"worldmap" in k]
        assert keys, "the rendered map was not cached"
        cache.clear()


@pytest.mark.npm("world-atlas")
def test_map_cache_key_changes_with_the_colours():
    shapes = worldmap.load_shapes()
    assert shapes is not None
    a = worldmap.render(
        classes={"MNG": "st-party"}, titles={}, links={}, label="a", description="d"
    )
    b = worldmap.render(
        classes={"MNG": "st-withdrawn"}, titles={}, links={}, label="a", description="d"
    )
    assert a != b and 'class="st-withdrawn"' in b
