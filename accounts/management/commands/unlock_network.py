"""manage.py unlock_network NETWORK

Clears the failed sign-ins recorded from every address of a network given in CIDR
notation (`2001:db8:1::/48`, `198.51.100.0/24`): django-axes' attempt log rows whose
address lies in it, which are what both the one-address lockout and the IPv6 /48's
(core.auth.network_lock, core.auth.address_locked) count. django-axes' own
`axes_reset_ip` clears one address only, and an IPv6 client is recorded by its /64's
first address, so a /48 locked by failures from many /64s had one row per /64 to clear.

The network is read as core.auth.client_key records addresses: an IPv6 network inside
one /64 (`2001:db8:1:2::1/128`) is that /64, and one of IPv4 addresses written in IPv6
(`::ffff:198.51.100.0/120`, NAT64's `64:ff9b::…`, 6to4's `2002:…`) is the IPv4 network
they stand for; each is said in the command's answer. A network wider than
MIN_PREFIX allows (`::/0`, `0.0.0.0/0`), one with a zone (`fe80::%eth0/64`), or one that
holds recorded-as-IPv4 addresses without lying inside their range, is refused with a
message, and nothing is cleared.
"""

import ipaddress

from axes.models import AccessAttempt
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import core.auth  # registers the `within` lookup used below

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# The widest network the command clears, by IP version: an IPv6 /32 (a provider's usual
# allocation) or an IPv4 /8. Wider, a typo (`::/0`) would lift every lockout at once;
# django-axes' `axes_reset` does that on purpose.
MIN_PREFIX = {4: 8, 6: 32}

# The IPv6 ranges whose clients core.auth.client_key records by an IPv4 address, each
# with how many bits of the address precede that IPv4 address.
IPV4_CARRIERS = (
    (ipaddress.IPv6Network("::ffff:0:0/96"), 96, "IPv4-mapped"),
    (core.auth.NAT64_PREFIX, 96, "NAT64"),
    (ipaddress.IPv6Network("2002::/16"), 16, "6to4"),
)
# Teredo's range: its clients are recorded by their own IPv4 address, which each address
# carries obfuscated; the command does not translate it.
TEREDO = ipaddress.IPv6Network("2001::/32")


def parse_network(text: str) -> Network:
    """The network `text` names, as ADDRESS/PREFIX with no host bits set. Raises
    CommandError, saying what is wrong, for anything else: no prefix length (a lone
    address would clear nothing of a /64's rows), host bits set (giving the network it
    probably meant), a zone (`fe80::%eth0/64`: recorded addresses have none, and
    PostgreSQL reads none), or text that is no address at all."""
    text = text.strip()
    if "/" not in text:
        raise CommandError(
            f"{text!r} is not a network: give it with its prefix length, "
            "as in 2001:db8:1::/48 or 198.51.100.0/24."
        )
    address, _, prefix = text.partition("/")
    if "%" in address:
        address, _, zone = address.partition("%")
        try:
            meant = f"; give {ipaddress.ip_network(f'{address}/{prefix}', strict=False)}"
        except ValueError:
            meant = ""
        raise CommandError(
            f"{text!r} names a zone (%{zone}): failed sign-ins are recorded without one{meant}."
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


def _wide_enough_to_refuse(network: Network, given: Network) -> None:
    """CommandError when `network` (what `given` is read as) is wider than MIN_PREFIX
    allows for its IP version."""
    shortest = MIN_PREFIX[network.version]
    if network.prefixlen < shortest:
        read_as = "" if network == given else f" (read as {network})"
        raise CommandError(
            f"{given}{read_as} is wider than an IPv{network.version} /{shortest}, the widest "
            "network this command clears: give a narrower one, or run `manage.py "
            "axes_reset` to clear every failed sign-in."
        )


def recorded_network(network: Network) -> tuple[Network, str]:
    """The network whose recorded addresses (core.auth.client_key) are those of
    `network`'s clients, and why it differs from `network` ("" when it does not):

    - an IPv6 network inside an IPv4 carrier (IPV4_CARRIERS) is the IPv4 network its
      addresses stand for (`::ffff:198.51.100.0/120` -> 198.51.100.0/24);
    - an IPv6 network longer than a /64 is the /64 that holds it (one client's, recorded
      by its first address: `2001:db8:1:2::1/128` -> 2001:db8:1:2::/64).

    Raises CommandError for a network wider than MIN_PREFIX allows (before and after
    it is read so), and for an IPv6 network that holds part of an IPv4 carrier or of
    Teredo's range without lying inside the carrier (its IPv4 clients would be left
    locked, unsaid)."""
    _wide_enough_to_refuse(network, network)
    if network.version == 4:
        return network, ""
    for carrier, before, name in IPV4_CARRIERS:
        if network.subnet_of(carrier):
            bits = min(network.prefixlen - before, 32)
            address = (int(network.network_address) >> (128 - before - 32)) & 0xFFFFFFFF
            ipv4 = ipaddress.IPv4Network((address, bits))
            _wide_enough_to_refuse(ipv4, network)
            return ipv4, (
                f"{network} holds {name} addresses, recorded by the IPv4 address they stand for"
            )
        if network.overlaps(carrier):
            raise CommandError(
                f"{network} holds {name} addresses ({carrier}), which are recorded by the "
                "IPv4 address they stand for: clear those as an IPv4 network, and give a "
                "network without them for the rest."
            )
    if network.overlaps(TEREDO):
        raise CommandError(
            f"{network} holds Teredo addresses ({TEREDO}), which are recorded by their "
            "client's IPv4 address: clear that IPv4 address or network instead."
        )
    client = core.auth.IPV6_CLIENT_PREFIX
    if network.prefixlen > client:
        return network.supernet(new_prefix=client), (
            f"{network} lies in one client's /{client}, whose failures are recorded together"
        )
    return network, ""


class Command(BaseCommand):
    help = (
        "Clear the failed sign-ins recorded from every address of a network given in CIDR "
        "notation (e.g. 2001:db8:1::/48), which lifts the sign-in locks they caused. An "
        "IPv6 network inside a /64 clears that /64; IPv4 addresses written in IPv6 clear "
        "their IPv4 network; networks wider than an IPv6 /32 or an IPv4 /8 are refused "
        "(axes_reset clears everything)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "network",
            help="The network, ADDRESS/PREFIX with no host bits set: 2001:db8:1::/48 "
            "(an IPv6 /48), 2001:db8:1:2::/64 (one IPv6 client), 198.51.100.0/24.",
        )

    def handle(self, *args, network, **options):
        given = parse_network(network)
        parsed, why = recorded_network(given)
        with transaction.atomic():
            attempts = AccessAttempt.objects.filter(ip_address__within=str(parsed))
            _, deleted = attempts.delete()
        # The attempt rows alone: not what a delete cascades to.
        cleared = deleted.get(AccessAttempt._meta.label, 0)
        noun = "record" if cleared == 1 else "records"
        said = f" ({why})" if why else ""
        self.stdout.write(f"Cleared {cleared} failed sign-in {noun} from {parsed}{said}.")
