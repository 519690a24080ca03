"""How many downloads stream at once (core.exports): per client and in all, on the site
and in the API's CSV alike.

The site's `/visits.csv` and `/incidents.csv` streamed any number at once, each holding a
web thread and a database connection for as long as it ran (a minute and more for the
busiest host): a few clients could hold every thread. A download now takes a slot of its
client's and one of all; without one it is a 429 with Retry-After, before any row is
read, and the slot goes back when the answer is closed, read to its end or cut.
"""

import socket
import time
from urllib.parse import urlsplit

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core import exports
from core.cache import SlotsCache, slots

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_each(settings):
    """One download per client, three in all."""
    settings.ICCWATCH_EXPORTS_PER_CLIENT = 1
    settings.ICCWATCH_EXPORTS_AT_ONCE = 3


def reader(address: str = "198.51.100.7") -> Client:
    return Client(REMOTE_ADDR=address)


def read_to_the_end(response) -> bytes:
    """What a server does with a streamed answer: send it all, then close it."""
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("path", ["/visits.csv", "/incidents.csv", "/visits.json"])
def test_a_second_download_at_once_from_one_client_is_a_429_page(seeded, one_each, path):
    client = reader()
    first = client.get(path)
    assert first.status_code == 200 and first.streaming
    refused = client.get("/incidents.csv")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(exports.RETRY_AFTER_SECONDS)
    assert "no-store" in refused["Cache-Control"]
    page = refused.content.decode()
    assert "Too many downloads at once" in page
    assert "A download from your address is still streaming" in page
    assert 'href="/data/"' in page
    # Another client is not held back by this one's download.
    assert reader("198.51.100.8").get(path).status_code == 200
    # Once the first is sent to its end, the client may download again.
    assert read_to_the_end(first)
    again = client.get(path)
    assert again.status_code == 200
    read_to_the_end(again)


# Transactional: closing the answer sends request_finished, whose handler closes a
# connection left inside a transaction (as the test's own would be); the next download
# reads the data's state, for its file's name, before it answers.
@pytest.mark.django_db(transaction=True)
def test_a_download_cut_by_its_client_gives_its_slot_back(seeded, one_each):
    client = reader()
    cut = client.get("/visits.csv")
    next(iter(cut.streaming_content))  # the first piece, then the client goes away
    assert client.get("/visits.csv").status_code == 429
    cut.close()  # what the server does when the client is gone
    assert client.get("/visits.csv").status_code == 200


def test_a_download_that_fails_before_its_answer_holds_no_slot(seeded, one_each, monkeypatch):
    """The slot is taken last: a download whose answer could not be made (here its JSON
    head) is a 500 that nothing will close, and a slot taken before it would stay held
    until its lease ends, refusing the client's next download for two minutes."""
    from front import listing

    def broken(value):
        raise RuntimeError("the head could not be written")

    monkeypatch.setattr(listing.tabular, "text", broken)
    client = reader()
    client.raise_request_exception = False
    assert client.get("/visits.json?start_after=2020-01-01").status_code == 500
    monkeypatch.undo()
    answer = client.get("/visits.csv")
    assert answer.status_code == 200
    read_to_the_end(answer)


def test_downloads_are_limited_in_all_too(seeded, settings):
    settings.ICCWATCH_EXPORTS_PER_CLIENT = 5
    settings.ICCWATCH_EXPORTS_AT_ONCE = 2
    held = [reader(f"198.51.100.{n}").get("/visits.csv") for n in (1, 2)]
    assert [r.status_code for r in held] == [200, 200]
    refused = reader("198.51.100.3").get("/visits.csv")
    assert refused.status_code == 429
    assert "as many downloads as it can at once (2)" in refused.content.decode()
    for response in held:
        read_to_the_end(response)
    assert reader("198.51.100.3").get("/visits.csv").status_code == 200


def test_the_429_page_speaks_the_readers_language(seeded, one_each):
    client = reader()
    client.get("/fr/visits.csv")
    refused = client.get("/fr/incidents.csv")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Trop de téléchargements à la fois" in page
    assert 'lang="fr"' in page


def test_a_download_refused_for_its_filters_takes_no_slot(seeded, one_each):
    client = reader()
    for _ in range(3):
        assert client.get("/visits.csv?host=XXXX").status_code == 400
    assert client.get("/visits.csv").status_code == 200


@pytest.mark.parametrize(
    ("holder", "same_client", "other_client"),
    [
        # One /64: an IPv6 client picks any of its 2**64 addresses for each request.
        ("2001:db8:5:6::1", "2001:db8:5:6:ffff:ffff:ffff:fffe", "2001:db8:5:7::1"),
        # An IPv4 address written in IPv6 (a dual-stack socket's peer) is that address.
        ("::ffff:198.51.100.20", "198.51.100.20", "::ffff:198.51.100.21"),
    ],
    ids=["ipv6-64", "ipv4-mapped"],
)
def test_an_ipv6_client_holds_one_clients_slots_across_its_64(
    seeded, one_each, holder, same_client, other_client
):
    """Per address, a client with a /64 took a fresh slot per address, so as many
    downloads at once as it liked (core.auth.client_key)."""
    first = reader(holder).get("/visits.csv")
    assert first.status_code == 200
    refused = reader(same_client).get("/incidents.csv")
    assert refused.status_code == 429
    assert "A download from your address is still streaming" in refused.content.decode()
    other = reader(other_client).get("/incidents.csv")
    assert other.status_code == 200
    read_to_the_end(other)
    read_to_the_end(first)
    again = reader(same_client).get("/incidents.csv")
    assert again.status_code == 200
    read_to_the_end(again)


def test_the_64s_of_one_48_share_the_networks_slots(seeded, settings):
    """One holder of an IPv6 /48 has 65,536 /64s, each with slots of its own: per /64
    alone, a few of them took every slot of all. The /48's slots are shared by its /64s
    (core.auth.client_network), on the site and in the API's CSV alike; another /48, and
    IPv4 clients, are not held back by them."""
    settings.ICCWATCH_EXPORTS_PER_CLIENT = 1
    settings.ICCWATCH_EXPORTS_PER_NETWORK = 2
    settings.ICCWATCH_EXPORTS_AT_ONCE = 6
    held = [reader(f"2001:db8:70:{n}::1").get("/visits.csv") for n in (1, 2)]
    assert [r.status_code for r in held] == [200, 200]
    # A third /64 of that /48, never used before: its own slot is free, the /48's are not.
    refused = reader("2001:db8:70:3::1").get("/incidents.csv")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(exports.RETRY_AFTER_SECONDS)
    page = refused.content.decode()
    assert "2 downloads from your network (the addresses of one IPv6 /48)" in page
    assert 'href="/data/"' in page
    api = APIClient(REMOTE_ADDR="2001:db8:70:4::1").get("/api/v1/incidents/?format=csv")
    assert api.status_code == 429
    message = api.json()["error"]["message"]
    assert "2 CSV downloads from your network (the addresses of one IPv6 /48)" in message
    french = reader("2001:db8:70:5::1").get("/fr/incidents.csv")
    assert french.status_code == 429
    assert "2 téléchargements depuis votre réseau" in french.content.decode()
    assert (
        "sont encore en cours, le maximum autorisé simultanément pour un réseau\u00a0:"
        in french.content.decode()
    )
    for other in ("2001:db8:71:1::1", "198.51.100.30"):
        answer = reader(other).get("/incidents.csv")
        assert answer.status_code == 200
        read_to_the_end(answer)
    read_to_the_end(held[0])
    again = reader("2001:db8:70:3::1").get("/incidents.csv")
    assert again.status_code == 200
    read_to_the_end(again)
    read_to_the_end(held[1])


def test_the_network_limit_is_never_under_the_clients():
    """Unset, the /48's slots follow the client's up (a site that allowed 5 per client
    still starts, each /48 with 5); set under it, the settings refuse to start."""
    from tests.test_settings import load_settings

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ICCWATCH_EXPORTS_PER_CLIENT, s.ICCWATCH_EXPORTS_PER_NETWORK)"
    )
    assert load_settings(_code=code).stdout.split() == ["2", "4"]
    higher = load_settings(_code=code, ICCWATCH_EXPORTS_PER_CLIENT="5")
    assert higher.stdout.split() == ["5", "5"], higher.stderr
    refused = load_settings(_code=code, ICCWATCH_EXPORTS_PER_NETWORK="1")
    assert refused.returncode != 0
    assert (
        "ICCWATCH_EXPORTS_PER_NETWORK must be at least ICCWATCH_EXPORTS_PER_CLIENT (2)."
        in refused.stderr
    )


def test_the_apis_csv_shares_the_clients_slots_and_answers_in_its_error_shape(seeded, one_each):
    api = APIClient(REMOTE_ADDR="198.51.100.9")
    first = api.get("/api/v1/visits/?format=csv")
    assert first.status_code == 200
    refused = api.get("/api/v1/incidents/?format=csv")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(exports.RETRY_AFTER_SECONDS)
    error = refused.json()["error"]
    assert error["code"] == "throttled"
    assert "still streaming, the most one client may have at once" in error["message"]
    # The site's downloads count against the same client's slots.
    assert Client(REMOTE_ADDR="198.51.100.9").get("/visits.csv").status_code == 429
    read_to_the_end(first)
    assert api.get("/api/v1/incidents/?format=csv").status_code == 200


def test_the_apis_429_for_a_download_is_english_whatever_the_language_asked(seeded, one_each):
    """The 429 was labelled `Content-Language: en` but ended with DRF's wait in the
    language asked for the data ("… Disponible à nouveau dans 10 secondes."); it is
    English throughout, as the rate limits' 429 and every refusal of the API are."""
    api = APIClient(REMOTE_ADDR="198.51.100.12")
    first = api.get("/api/v1/visits/?format=csv&lang=fr")
    assert first.status_code == 200
    refused = api.get("/api/v1/visits/?format=csv&lang=fr")
    assert refused.status_code == 429
    assert refused["Content-Language"] == "en"
    message = refused.json()["error"]["message"]
    assert message.endswith(f"Expected available in {exports.RETRY_AFTER_SECONDS} seconds."), (
        message
    )
    assert "Disponible" not in message
    read_to_the_end(first)


def etag_then_the_one_slot_held(api) -> tuple[str, object]:
    """The visits CSV's ETag (that download read to its end), then the client's one slot
    held by an incidents CSV still streaming."""
    first = api.get("/api/v1/visits/?format=csv")
    etag = first["ETag"]
    read_to_the_end(first)
    held = api.get("/api/v1/incidents/?format=csv")
    assert held.status_code == 200
    return etag, held


def test_an_api_csv_revalidated_with_its_etag_takes_no_slot(seeded, one_each):
    """A 304 replaces the streamed answer, which nobody closes then: it must hold nothing."""
    api = APIClient(REMOTE_ADDR="198.51.100.10")
    etag, held = etag_then_the_one_slot_held(api)
    for _ in range(3):
        again = api.get("/api/v1/visits/?format=csv", headers={"If-None-Match": etag})
        assert again.status_code == 304
    read_to_the_end(held)
    assert api.get("/api/v1/visits/?format=csv").status_code == 200


@pytest.mark.parametrize(
    "condition",
    [
        # A HEAD revalidated with its ETag: ConditionalGetMiddleware answers GETs only.
        lambda etag: ("head", {"If-None-Match": etag}),
        # A precondition that fails: 412, on a GET (the middleware) and a HEAD alike.
        lambda etag: ("head", {"If-Match": '"another-version"'}),
        lambda etag: ("get", {"If-Match": '"another-version"'}),
    ],
)
def test_an_api_csv_answered_by_its_conditions_streams_nothing(seeded, one_each, condition):
    """A conditional request the CSV's ETag answers (304, or 412) takes no slot: so it
    must stream no rows either, or any number of them would run at once unlimited."""
    api = APIClient(REMOTE_ADDR="198.51.100.11")
    etag, held = etag_then_the_one_slot_held(api)
    method, headers = condition(etag)
    answer = getattr(api, method)("/api/v1/visits/?format=csv", headers=headers)
    expected = 304 if "If-None-Match" in headers else 412
    assert answer.status_code == expected and not answer.streaming
    read_to_the_end(held)


# --- The slots themselves (core.cache.SlotsCache) --------------------------------------


@pytest.fixture(params=["memory", "redis"])
def slot_store(request):
    """The slots in this process's memory, or in the real Redis (a key prefix of its own)."""
    if request.param == "redis":
        request.getfixturevalue("own_redis_cache")
    return SlotsCache()


def test_a_slot_is_taken_in_every_set_or_in_none(slot_store):
    sets = [("a", 1), ("all", 2)]
    first, _ = slot_store.take(sets, 60, 1000.0)
    assert first is not None
    refused, full = slot_store.take(sets, 60, 1001.0)
    assert refused is None and full == 0
    # "a" was full: nothing was taken in "all", which still has room for "b".
    second, _ = slot_store.take([("b", 1), ("all", 2)], 60, 1002.0)
    assert second is not None
    third, full = slot_store.take([("c", 1), ("all", 2)], 60, 1003.0)
    assert third is None and full == 1
    slot_store.release(first)
    assert slot_store.take([("c", 1), ("all", 2)], 60, 1004.0)[0] is not None


def test_a_holder_that_died_frees_its_slot_when_its_lease_ends_unless_renewed(slot_store):
    sets = [("client", 1)]
    held, _ = slot_store.take(sets, 60, 1000.0)
    assert slot_store.take(sets, 60, 1059.0)[0] is None
    slot_store.renew(held, 60, 1059.0)  # a stream still running renews its lease
    assert slot_store.take(sets, 60, 1100.0)[0] is None
    # No renewal since: the lease ends at 1119.
    assert slot_store.take(sets, 60, 1120.0)[0] is not None


def test_slots_counted_in_memory_keep_nothing_of_the_clients_once_they_are_done():
    """Counted in the process's memory (no Redis), a set per client address would
    otherwise stay for the process's life: one per address that ever downloaded."""
    store = SlotsCache()
    held = [store.take([(f"client:{n}", 1), ("all", 3)], 60, 1000.0)[0] for n in range(3)]
    # A fourth client is refused by "all": its own set, just made, is not kept either.
    assert store.take([("client:3", 1), ("all", 3)], 60, 1001.0)[0] is None
    assert "client:3" not in store._held
    for slot in held:
        assert slot is not None and not slot.shared
        store.release(slot)
    assert store._held == {}


def test_a_streaming_download_renews_its_lease_as_it_goes(monkeypatch):
    now = [1000.0]
    renewed = []
    monkeypatch.setattr(slots, "renew", lambda slot, lease, at: renewed.append(at))
    slot = exports.DownloadSlot(slots.take([("x", 1)], 60, now[0])[0], timer=lambda: now[0])

    def chunks():
        for _ in range(4):
            now[0] += exports.RENEW_SECONDS / 2
            yield b"row\r\n"

    assert b"".join(slot.stream(chunks())) == b"row\r\n" * 4
    assert renewed == [1000.0 + exports.RENEW_SECONDS, 1000.0 + 2 * exports.RENEW_SECONDS]
    assert slots.take([("x", 1)], 60, now[0])[0] is not None  # released at the end


def test_slots_are_counted_in_memory_while_redis_does_not_answer(settings, dead_port):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead_port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    store = SlotsCache()
    held, _ = store.take([("client", 1)], 60, 1000.0)
    assert held is not None and not held.shared
    assert store.take([("client", 1)], 60, 1001.0)[0] is None
    store.release(held)
    assert store.take([("client", 1)], 60, 1002.0)[0] is not None


# --- On a real server: the answer is closed when its client goes away ------------------


def status_then_hang_up(url: str) -> int:
    """Ask for a download, read its status line, and go away without reading the rest."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(
            f"GET {parts.path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()
        )
        return int(sock.recv(64).split()[1])


def test_a_download_cut_on_a_real_server_gives_its_slot_back(live_server, settings, monkeypatch):
    """A client that goes away mid-stream: the server's next write fails and it closes
    the answer (PEP 3333), which gives the slot back; no lease has to run out."""
    from core import tabular

    settings.ICCWATCH_EXPORTS_PER_CLIENT = 1

    def endless(texts, size=None):
        while True:  # far more than the socket's buffers hold: the server must write on
            yield "x" * 65536

    monkeypatch.setattr(tabular, "in_pieces", endless)
    url = f"{live_server.url}/visits.csv"
    assert status_then_hang_up(url) == 200
    # Another from the same address, while the first may still be writing: 429 or, once
    # the server found the first client gone, 200; within seconds, 200.
    deadline = time.monotonic() + 15
    while (answer := status_then_hang_up(url)) == 429 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert answer == 200
