"""manage.py unlock_network NETWORK: clears the failed sign-ins of every address of a
network given in CIDR notation, which lifts the /48's sign-in lock (core.auth.network_lock)
that django-axes' `axes_reset_ip`, one address at a time, could not."""

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.security.helpers import PASSWORD, account
from tests.security.test_client_key import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]


def unlock(network: str) -> str:
    out = StringIO()
    call_command("unlock_network", network, stdout=out)
    return out.getvalue()


def test_unlocking_a_48_clears_its_64s_failures_and_lets_its_clients_sign_in_again(settings):
    settings.ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT = 6
    account("root", "admins", staff=True)
    for n in range(3):  # three /64s of one /48, two failures each: under each /64's lock
        for i in range(2):
            sign_in("/admin/login/", "root", f"wrong-{i}", f"2001:db8:90:{n + 1:x}::{i + 1:x}")
    # Failures from elsewhere, which the command must leave alone.
    sign_in("/admin/login/", "root", "wrong", "2001:db8:91:1::1")
    sign_in("/admin/login/", "root", "wrong", "198.51.100.90")
    assert sign_in("/admin/login/", "root", PASSWORD, "2001:db8:90:ff::1").status_code == 429

    # A row per /64: the three that failed, and the fourth's attempt the lock refused.
    assert unlock("2001:db8:90::/48") == "Cleared 4 failed sign-in records from 2001:db8:90::/48.\n"
    assert sorted(AccessAttempt.objects.values_list("ip_address", flat=True)) == [
        "198.51.100.90",
        "2001:db8:91:1::",
    ]
    assert sign_in("/admin/login/", "root", PASSWORD, "2001:db8:90:ff::1").status_code == 302
    # Nothing left to clear; an IPv4 network is cleared the same way.
    assert unlock("2001:db8:90::/48") == "Cleared 0 failed sign-in records from 2001:db8:90::/48.\n"
    assert unlock("198.51.100.0/24") == "Cleared 1 failed sign-in record from 198.51.100.0/24.\n"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("2001:db8:90::1", "'2001:db8:90::1' is not a network: give it with its prefix length"),
        ("2001:db8:90::5/48", "has bits set after its prefix: did you mean 2001:db8:90::/48?"),
        ("2001:db8:90::/129", "'2001:db8:90::/129' is not a network in CIDR notation"),
        ("not-a-network/48", "'not-a-network/48' is not a network in CIDR notation"),
        ("", "'' is not a network: give it with its prefix length"),
        # A zone: recorded addresses have none, and PostgreSQL reads none.
        ("fe80::%eth0/64", "'fe80::%eth0/64' names a zone (%eth0): failed sign-ins are"),
        ("fe80::1%eth0/64", "give fe80::/64"),
        # Every lockout at once: not by a typo.
        ("::/0", "::/0 is wider than an IPv6 /32, the widest network this command clears"),
        ("0.0.0.0/0", "0.0.0.0/0 is wider than an IPv4 /8"),
        ("2001:db8::/31", "run `manage.py axes_reset` to clear every failed sign-in"),
        ("10.0.0.0/7", "10.0.0.0/7 is wider than an IPv4 /8"),
        ("::ffff:0:0/96", "::ffff:0.0.0.0/96 (read as 0.0.0.0/0) is wider than an IPv4 /8"),
        # IPv4 clients written in IPv6 are recorded by their IPv4 address: a network that
        # holds some of them without lying in their range would leave them locked.
        ("::/64", "::/64 holds IPv4-mapped addresses (::ffff:0.0.0.0/96), which are recorded"),
        ("2001:0:c633:6400::/64", "holds Teredo addresses (2001::/32), which are recorded"),
    ],
    ids=[
        "no-prefix",
        "host-bits",
        "prefix-too-long",
        "not-an-address",
        "empty",
        "zone",
        "zone-host-bits",
        "every-ipv6",
        "every-ipv4",
        "wider-than-32",
        "wider-than-8",
        "every-ipv4-mapped",
        "some-ipv4-mapped",
        "teredo",
    ],
)
def test_a_network_that_is_none_is_refused_and_nothing_is_cleared(given, message):
    account("root", "admins", staff=True)
    sign_in("/admin/login/", "root", "wrong", "2001:db8:90:1::1")
    with pytest.raises(CommandError) as refused:
        unlock(given)
    assert message in str(refused.value)
    assert AccessAttempt.objects.count() == 1


@pytest.mark.parametrize("given", ["2001:db8:90:1::5/128", "2001:db8:90:1:0:ff::/96"])
def test_a_network_inside_one_64_clears_that_64_and_says_so(given):
    """An IPv6 client's failures are recorded by its /64's first address: a narrower
    network would match none of them, and the lock would stay while the command said it
    cleared nothing."""
    account("root", "admins", staff=True)
    sign_in("/admin/login/", "root", "wrong", "2001:db8:90:1::5")
    sign_in("/admin/login/", "root", "wrong", "2001:db8:90:2::5")
    assert unlock(given) == (
        "Cleared 1 failed sign-in record from 2001:db8:90:1::/64 "
        f"({given} lies in one client's /64, whose failures are recorded together).\n"
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["2001:db8:90:2::"]


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("::ffff:198.51.100.0/120", "IPv4-mapped"),
        ("64:ff9b::c633:6400/120", "NAT64"),
        ("2002:c633:6400::/40", "6to4"),
    ],
)
def test_ipv4_clients_written_in_ipv6_are_cleared_by_their_ipv4_network(given, name):
    """client_key records such a client by the IPv4 address it stands for: the IPv6
    network given is read as that IPv4 network, which the answer names."""
    account("root", "admins", staff=True)
    sign_in("/admin/login/", "root", "wrong", "::ffff:198.51.100.7")
    sign_in("/admin/login/", "root", "wrong", "198.51.101.7")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True).order_by("id")) == [
        "198.51.100.7",
        "198.51.101.7",
    ]
    assert unlock(given) == (
        f"Cleared 1 failed sign-in record from 198.51.100.0/24 ({given} holds {name} "
        "addresses, recorded by the IPv4 address they stand for).\n"
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.101.7"]
