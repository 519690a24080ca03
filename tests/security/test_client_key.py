"""Every per-client limit counts a client by one key (core.auth.client_key): an IPv4
address by itself, an IPv6 client by its /64, an IPv4 address written in IPv6 as that
IPv4 address.

An IPv6 client usually holds a whole /64 and may send each request from another of its
addresses: counted per address, it took a fresh sign-in lock, password-reset count, rate
limit and download slot with each one. The rate limits' and the download slots' own
tests are in tests/api/test_limits.py and tests/site/test_download_slots.py.
"""

import ast
import datetime
import uuid
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.auth import client_key
from tests.layout import PROJECT_PACKAGES
from tests.security.helpers import PASSWORD, account

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    ("remote", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::"),
        ("2001:db8:1:3::1", "2001:db8:1:3::"),
        ("::ffff:1.2.3.4", "1.2.3.4"),
        ("::ffff:102:304", "1.2.3.4"),  # the same address, in hexadecimal
        # An IPv4 client reaching the site through a translation: by its IPv4 address, not
        # the /64 every client of that relay, server or translator shares.
        ("2002:c000:204:1::1", "192.0.2.4"),  # 6to4 (its own /48 holds 65,536 /64s)
        ("2002:c000:204:2::1", "192.0.2.4"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "192.0.2.45"),  # Teredo, its client
        ("2001:0:4136:e378:8000:63bf:3fff:fdd3", "192.0.2.44"),  # another, same server
        ("64:ff9b::c000:221", "192.0.2.33"),  # NAT64's well-known prefix (RFC 6052)
        ("64:ff9b::198.51.100.7", "198.51.100.7"),
        ("fe80::1%eth0", "fe80::"),  # a zone names no other network
        ("::1", "::"),
        ("", ""),  # no address (a request built by hand): as before, none
        ("not-an-address", "not-an-address"),
    ],
)
def test_the_key_is_the_ipv4_address_or_the_ipv6_64(remote, key):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    assert client_key(request) == key


def test_behind_a_proxy_the_key_is_the_forwarded_addresses(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 2001:db8:9:9:1:2:3:4"
    )
    assert client_key(request) == "2001:db8:9:9::"


@pytest.mark.parametrize(
    ("forwarded", "key"),
    [
        ("203.0.113.7:5678", "203.0.113.7"),
        ("[2001:db8:9:9:1:2:3:4]:443", "2001:db8:9:9::"),
        ("[2001:db8:9:9:1:2:3:4]", "2001:db8:9:9::"),
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:9:9::5", "2001:db8:9:9::"),
        ("proxy.example:80", "10.0.0.1"),
    ],
)
def test_a_forwarded_address_with_its_port_is_the_clients(settings, forwarded, key):
    """Some proxies append the port they saw a client from ('203.0.113.7:5678'): such an
    address fell back to the peer's, so every client behind the proxy shared its key and
    one of them could lock all of them out."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_key(request) == key


def _reads_of_the_client_address(path: Path) -> list[str]:
    """Where a module reads the client's address itself: the peer's or forwarded address
    in request.META, or core.auth.client_ip (which gives the address, not the key)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in ("REMOTE_ADDR", "HTTP_X_FORWARDED_FOR"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
        name = getattr(node, "id", None) or getattr(node, "attr", None)
        if name == "client_ip" or (isinstance(node, ast.alias) and node.name == "client_ip"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} client_ip")
    return found


def test_nothing_but_core_auth_reads_the_client_address():
    """Every limit counts clients by client_key: a new one that read REMOTE_ADDR or
    client_ip would count an IPv6 client per address again. The access log
    (core/accesslog.py) writes the client's own address on its line, as an operator
    investigating abuse reads it, and counts nothing."""
    readers = {ROOT / "core" / "auth.py", ROOT / "core" / "accesslog.py"}
    found = []
    for package in PROJECT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts and path not in readers:
                found += _reads_of_the_client_address(path)
    assert found == []
    assert settings.AXES_CLIENT_IP_CALLABLE == "core.auth.client_key"


def sign_in(url, username, password, address):
    return Client(REMOTE_ADDR=address).post(
        url, {"username": username, "password": password, "next": "/admin/"}
    )


@pytest.mark.django_db
@pytest.mark.urls("tests.security.urls")
def test_failed_sign_ins_from_one_64_lock_the_username_out_across_it():
    """Five wrong passwords, each from another address of one /64, lock the username out
    of the whole /64 (axes counts by client_key), and only of it; an IPv4 address written
    in IPv6 is that IPv4 address."""
    account("root", "admins", staff=True)
    limit = settings.ICCWATCH_LOGIN_FAILURE_LIMIT
    for n in range(limit):
        sign_in("/admin/login/", "root", f"wrong-{n}", f"2001:db8:77:1::{n + 1:x}")
    assert sign_in("/admin/login/", "root", PASSWORD, "2001:db8:77:1::abcd").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"2001:db8:77:1::"}
    assert sign_in("/admin/login/", "root", PASSWORD, "2001:db8:77:2::1").status_code == 302
    account("ada", "admins", staff=True)
    for n in range(limit):
        sign_in("/admin/login/", "ada", f"wrong-{n}", "::ffff:198.51.100.44")
    assert sign_in("/admin/login/", "ada", PASSWORD, "198.51.100.44").status_code == 429


@pytest.mark.django_db
@pytest.mark.urls("tests.security.urls")
def test_an_address_spraying_usernames_from_one_64_is_locked_out_across_it(settings):
    """The spraying lock (core.auth.address_locked) reads axes' log by the same key."""
    settings.ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT = 3
    account("root", "admins", staff=True)
    for n in range(3):
        sign_in("/test-signin/", f"user-{n}", "wrong", f"2001:db8:78:1::{n + 1}")
    response = sign_in("/admin/login/", "root", PASSWORD, "2001:db8:78:1:ffff::1")
    assert response.status_code == 429
    assert "Too many accounts failed to sign in from your address" in response.content.decode()
    assert sign_in("/admin/login/", "root", PASSWORD, "2001:db8:78:2::1").status_code == 302


@pytest.mark.django_db
def test_password_reset_requests_from_one_64_count_as_one_clients(
    django_user_model, django_capture_on_commit_callbacks
):
    """At most RESET_REQUESTS_PER_CLIENT an hour from one client: from one /64, whatever
    address each request comes from; another /64 is another client."""
    from newsroom.forms import RESET_REQUESTS_PER_CLIENT

    # A /64 of its own: the counts of earlier runs in this process are not this test's.
    a, b = uuid.uuid4().int % 0x10000, uuid.uuid4().int % 0xFFFF
    network, other = f"2001:db8:{a:x}:{b:x}", f"2001:db8:{a:x}:{b + 1:x}"
    url = reverse("newsroom:password-reset")
    limit = RESET_REQUESTS_PER_CLIENT[0]
    emails = [f"reset-{n}-{uuid.uuid4().hex}@example.org" for n in range(limit + 2)]
    for email in emails:
        django_user_model.objects.create_user(f"u-{email}", email=email, password="x-long-pass")

    def ask(address, email):
        with django_capture_on_commit_callbacks(execute=True):
            return Client(REMOTE_ADDR=address).post(url, {"email": email})

    for n, email in enumerate(emails[:limit]):
        assert ask(f"{network}::{n + 1:x}", email).status_code == 302
    assert len(mail.outbox) == limit
    # The next, from yet another address of that /64, is answered the same and not sent.
    assert ask(f"{network}:ffff::1", emails[limit]).status_code == 302
    assert len(mail.outbox) == limit
    assert ask(f"{other}::1", emails[limit + 1]).status_code == 302
    assert mail.outbox[-1].to == [emails[limit + 1]]


@pytest.mark.django_db
@pytest.mark.urls("tests.security.urls")
def test_failed_sign_ins_from_many_64s_of_one_48_lock_the_username_out_of_the_48(settings):
    """One holder of a /48 has 65,536 /64s, each a fresh count for the /64's lockout: the
    /48 counts the username's failures too (core.auth.network_lock), with its own limit,
    and another /48 is not affected."""
    settings.ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT = 6
    account("root", "admins", staff=True)
    per_64 = 3  # under each /64's own lock (ICCWATCH_LOGIN_FAILURE_LIMIT, 5)
    statuses = [
        sign_in(
            "/admin/login/", "root", f"wrong-{n}-{i}", f"2001:db8:80:{n + 1:x}::{i + 1:x}"
        ).status_code
        for n in range(2)
        for i in range(per_64)
    ]
    assert statuses == [200] * (2 * per_64)
    # A third /64 of the same /48, never used before, with the right password:
    response = sign_in("/admin/login/", "root", PASSWORD, "2001:db8:80:ff::1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins for this account from your network" in page
    assert "The lock follows 6 failed attempts from the addresses of one network" in page
    # Another account from that /48, and the same account from another /48, sign in.
    account("ada", "admins", staff=True)
    assert sign_in("/admin/login/", "ada", PASSWORD, "2001:db8:80:fe::1").status_code == 302
    assert sign_in("/admin/login/", "root", PASSWORD, "2001:db8:81:1::1").status_code == 302
    # After the cool-off the /48 signs in again.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    )
    assert sign_in("/admin/login/", "root", PASSWORD, "2001:db8:80:ff::1").status_code == 302


@pytest.mark.django_db
@pytest.mark.urls("tests.security.urls")
def test_usernames_sprayed_from_many_64s_of_one_48_lock_every_account_out_of_it(settings):
    """The spraying lock counts the usernames failed from the whole /48 as well; an IPv4
    client is never counted by a network."""
    settings.ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT = 3
    settings.ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT = 4
    account("root", "admins", staff=True)
    for n in range(4):  # one username from each of four /64s: no /64 near its limit
        sign_in("/test-signin/", f"user-{n}", "wrong", f"2001:db8:82:{n + 1:x}::1")
    response = sign_in("/admin/login/", "root", PASSWORD, "2001:db8:82:ff::1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many accounts failed to sign in from your network" in page
    assert "as 4 different accounts from the addresses of one network" in page
    assert sign_in("/admin/login/", "root", PASSWORD, "2001:db8:83::1").status_code == 302
    # Four usernames failed from four addresses of one IPv4 /24 lock nothing.
    for n in range(4):
        sign_in("/test-signin/", f"user-{n}", "wrong", f"198.51.100.{n + 1}")
    assert sign_in("/admin/login/", "root", PASSWORD, "198.51.100.200").status_code == 302


@pytest.mark.parametrize(
    ("remote", "network"),
    [
        ("2001:db8:1:2:aaaa::1", "2001:db8:1::/48"),
        ("2001:db8:1:ffff::1", "2001:db8:1::/48"),
        ("::ffff:198.51.100.7", None),
        ("198.51.100.7", None),
        ("", None),
    ],
)
def test_the_network_is_the_ipv6_clients_48(remote, network):
    from core.auth import client_network

    assert client_network(RequestFactory().get("/", REMOTE_ADDR=remote)) == network


@pytest.mark.django_db
def test_password_reset_requests_from_many_64s_of_one_48_are_limited_and_told(
    settings, django_user_model, django_capture_on_commit_callbacks
):
    """One holder of a /48 has 65,536 /64s, each with RESET_REQUESTS_PER_CLIENT of its own:
    the /48's requests are counted together too (ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT).
    Past it nothing is mailed and the page says so (a 429, in the reader's language); a
    request its /64 refused spends none of the /48's; another /48 is not held back."""
    from newsroom.forms import RESET_REQUESTS_PER_CLIENT

    per_client = RESET_REQUESTS_PER_CLIENT[0]
    settings.ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT = per_client + 3
    # A /48 of its own (RFC 9637's documentation prefix, which no other test uses): the
    # counts of earlier runs in this process are not this test's.
    a, b = uuid.uuid4().int % 0xFFF, uuid.uuid4().int % 0xFFFF
    network, other = f"3fff:{a:x}:{b:x}", f"3fff:{a + 1:x}:{b:x}"
    url = reverse("newsroom:password-reset")
    emails = [f"reset48-{n}-{uuid.uuid4().hex}@example.org" for n in range(per_client + 8)]
    for email in emails:
        django_user_model.objects.create_user(f"u-{email}", email=email, password="x-long-pass")
    unused = iter(emails)

    def ask(address, language="en"):
        client = Client(REMOTE_ADDR=address)
        client.cookies["django_language"] = language
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {"email": next(unused)})

    # One /64 up to its own limit, and once past it (refused, silently: not the /48's count).
    assert [ask(f"{network}:1::{n + 1:x}").status_code for n in range(per_client)] == [
        302
    ] * per_client
    assert ask(f"{network}:1::ffff").status_code == 302
    assert len(mail.outbox) == per_client
    # Three more from other /64s reach the /48's limit (the refused one spent none of it).
    assert [ask(f"{network}:{n + 2:x}::1").status_code for n in range(3)] == [302] * 3
    assert len(mail.outbox) == per_client + 3
    # A /64 of that /48 never used before: refused, and told why.
    refused = ask(f"{network}:ff::1")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert (
        f"{per_client + 3} password resets were already asked from your network "
        "(the addresses of one IPv6 /48) in the last hour" in page
    )
    assert "no link was sent" in page
    french = ask(f"{network}:fe::1", language="fr")
    assert french.status_code == 429
    assert "depuis votre réseau" in french.content.decode()
    assert len(mail.outbox) == per_client + 3
    # Another /48 asks as before.
    assert ask(f"{other}:1::1").status_code == 302
    assert len(mail.outbox) == per_client + 4
