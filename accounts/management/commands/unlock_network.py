"""manage.py unlock_network NETWORK

Clears the failed sign-ins recorded from every address of a network given in CIDR
notation (`2001:db8:1::/48`, `198.51.100.0/24`): django-axes' attempt log rows whose
address lies in it, which are what both the one-address lockout and the IPv6 /48's
(core.auth.network_lock, core.auth.address_locked) count. django-axes' own
`axes_reset_ip` clears one address only, and an IPv6 client is recorded by its /64's
first address, so a /48 locked by failures from many /64s had one row per /64 to clear.
"""

import ipaddress

from axes.models import AccessAttempt
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import core.auth  # noqa: F401 - registers the `within` lookup used below


def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """The network `text` names, as ADDRESS/PREFIX with no host bits set. Raises
    CommandError, saying what is wrong, for anything else: no prefix length (a lone
    address would clear nothing of a /64's rows), host bits set (giving the network it
    probably meant), or text that is no address at all."""
    text = text.strip()
    if "/" not in text:
        raise CommandError(
            f"{text!r} is not a network: give it with its prefix length, "
            "as in 2001:db8:1::/48 or 198.51.100.0/24."
        )
    try:
        return ipaddress.ip_network(text)
    except ValueError as error:
        try:
            meant = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise CommandError(
                f"{text!r} is not a network in CIDR notation ({error}): give it as in "
                "2001:db8:1::/48 or 198.51.100.0/24."
            ) from None
        raise CommandError(
            f"{text!r} has bits set after its prefix: did you mean {meant}?"
        ) from None


class Command(BaseCommand):
    help = (
        "Clear the failed sign-ins recorded from every address of a network given in CIDR "
        "notation (e.g. 2001:db8:1::/48), which lifts the sign-in locks they caused."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "network",
            help="The network, ADDRESS/PREFIX with no host bits set: 2001:db8:1::/48 "
            "(an IPv6 /48), 2001:db8:1:2::/64 (one IPv6 client), 198.51.100.0/24.",
        )

    def handle(self, *args, network, **options):
        parsed = parse_network(network)
        with transaction.atomic():
            attempts = AccessAttempt.objects.filter(ip_address__within=str(parsed))
            _, deleted = attempts.delete()
        # The attempt rows alone: not what a delete cascades to.
        cleared = deleted.get(AccessAttempt._meta.label, 0)
        noun = "record" if cleared == 1 else "records"
        self.stdout.write(f"Cleared {cleared} failed sign-in {noun} from {parsed}.")
