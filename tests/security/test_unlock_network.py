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
    ],
    ids=["no-prefix", "host-bits", "prefix-too-long", "not-an-address", "empty"],
)
def test_a_network_that_is_none_is_refused_and_nothing_is_cleared(given, message):
    account("root", "admins", staff=True)
    sign_in("/admin/login/", "root", "wrong", "2001:db8:90:1::1")
    with pytest.raises(CommandError) as refused:
        unlock(given)
    assert message in str(refused.value)
    assert AccessAttempt.objects.count() == 1
