"""Answers compressed with gzip for a client that accepts it (core.compression): pages,
JSON and CSV, streamed downloads still streamed, each encoding cached apart, and a gzip
answer validated by a strong ETag of its own that every precondition reads as current."""

import gzip
import json

import pytest
from django.test import Client

from tests.site.conftest import body

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
# Pages the page cache keeps (their ETag from the data version), and one it does not (its
# ETag from its content, core.conditional).
PAGES = ["/", "/states/MNG/", "/fr/visits/vladimir-putin-mng-2024-09-02/", "/visits/"]


def unzipped(response) -> bytes:
    """The body of a gzip answer, decompressed (streamed or not)."""
    assert response["Content-Encoding"] == "gzip"
    if response.streaming:
        return gzip.decompress(b"".join(response.streaming_content))
    return gzip.decompress(response.content)


@pytest.mark.parametrize("url", PAGES)
def test_a_page_is_sent_gzipped_to_a_reader_who_accepts_it(seeded, url):
    plain = Client().get(url)
    assert plain.status_code == 200 and "Content-Encoding" not in plain
    packed = Client().get(url, headers=GZIP)
    assert packed.status_code == 200
    assert unzipped(packed) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    assert packed["Content-Length"] == str(len(packed.content))
    for answer in (plain, packed):
        assert "Accept-Encoding" in answer["Vary"]


@pytest.mark.parametrize("url", PAGES)
def test_a_gzip_answer_has_a_strong_etag_of_its_own(seeded, url):
    """RFC 9110 8.8.3: a representation in another content coding needs another validator.
    Django's GZipMiddleware made the ETag weak (W/"..."), which If-Match never matches."""
    identity = Client().get(url)["ETag"]
    packed = Client().get(url, headers=GZIP)["ETag"]
    assert identity.startswith('"') and packed.startswith('"')
    assert packed == identity[:-1] + '-gzip"'


@pytest.mark.parametrize("first", [GZIP, {}], ids=["gzip-first", "identity-first"])
def test_the_page_cache_keeps_each_encoding_apart(seeded, first):
    """The early page cache replays whole answers, their body as sent: a gzip body replayed
    to a client that did not ask for it would be unreadable to it."""
    url = "/states/MNG/"
    second = {} if first else GZIP
    for _ in range(3):  # the second is replayed by the page cache, the third by the early one
        kept = Client().get(url, headers=first)
    assert getattr(kept, "pagecache_early", False)
    other = Client().get(url, headers=second)
    assert other.status_code == 200
    if second:
        assert other["Content-Encoding"] == "gzip" and unzipped(other) == kept.content
    else:
        assert "Content-Encoding" not in other and other.content == unzipped(kept)
    again = Client().get(url, headers=second)
    assert getattr(again, "pagecache_early", False)
    assert again.content == other.content and again.get("Content-Encoding") == other.get(
        "Content-Encoding"
    )


@pytest.mark.parametrize("encoding", ["gzip;q=0", "identity", "br", ""])
def test_no_gzip_for_a_client_that_refuses_it(seeded, encoding):
    answer = Client().get("/states/MNG/", headers={"Accept-Encoding": encoding})
    assert answer.status_code == 200 and "Content-Encoding" not in answer
    assert not answer["ETag"].endswith('-gzip"')


@pytest.mark.parametrize(
    "url", ["/visits.csv", "/incidents.json", "/api/v1/visits/?format=csv&host=MNG"]
)
def test_a_download_still_streams_gzipped(seeded, url):
    plain = Client().get(url)
    packed = Client().get(url, headers=GZIP)
    assert packed.status_code == 200 and packed.streaming
    assert "Content-Length" not in packed
    text, expected = unzipped(packed).decode("utf-8-sig"), body(plain)
    if url.endswith(".json"):  # its head says when it was made
        text, expected = (json.loads(t) for t in (text, expected))
        text.pop("generated_at"), expected.pop("generated_at")
    assert text == expected


def test_the_apis_json_is_gzipped(seeded):
    plain = Client().get("/api/v1/visits/?page_size=50")
    packed = Client().get("/api/v1/visits/?page_size=50", headers=GZIP)
    assert packed["Content-Type"] == plain["Content-Type"] == "application/json"
    assert unzipped(packed) == plain.content


@pytest.mark.parametrize("url", PAGES)
def test_a_gzip_etag_revalidates_a_page(seeded, url):
    """A browser sends back the ETag of the gzip answer it kept: a 304 naming it, and so
    does a client that now asks without gzip (both are current representations)."""
    etag = Client().get(url, headers=GZIP)["ETag"]
    assert etag.endswith('-gzip"')
    for headers in (GZIP, {}):
        answer = Client().get(url, headers={**headers, "If-None-Match": etag})
        assert answer.status_code == 304, headers
        assert answer["ETag"] == etag
    stale = Client().get(url, headers={**GZIP, "If-None-Match": '"stale-gzip"'})
    assert stale.status_code == 200
