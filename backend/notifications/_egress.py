"""Where the push worker may connect: public addresses only, however an endpoint spells its host.

A push endpoint is a URL a browser handed us, so whoever subscribes chooses where
the worker sends a POST. A check of the URL's text is not enough: ``2130706433``,
``127.1``, ``0x7f.0.0.1`` and ``0`` are all spellings of a local address that the
C library accepts, and a name may resolve to anything, differently the next time.
So the check is made on the address the socket is about to connect to:

- ``GuardedResolver`` resolves names with ``getaddrinfo`` (what the connection
  itself would use) and refuses the name when any of its addresses is not public;
  the connector then connects to exactly the addresses it returned, so a DNS answer
  that changes between the check and the connection cannot be used.
- ``guarded_socket`` is the connector's socket factory: it sees the socket address
  of every connection attempt, literal IPs included, and refuses any that is not
  public. Nothing reaches ``connect()`` without passing it.

The only exceptions are the (address, port) pairs of ``BIANMIN_PUSH_ALLOW_INSECURE``:
the local push service of a test or a benchmark.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Collection, Iterable
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult

from backend.settings import IPAddress

Allowance = Collection[tuple[IPAddress, int | None]]
#: NAT64 prefixes (RFC 6052, RFC 8215): the last 32 bits are an IPv4 address.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
#: IPv4-compatible addresses (::a.b.c.d, deprecated by RFC 4291).
_V4_COMPATIBLE = ipaddress.ip_network("::/96")


class Refused(OSError):
    """The endpoint's address is not public: the worker will never connect there."""


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is on the public internet, counting the IPv4 address an IPv6 one embeds.

    >>> [is_public(ipaddress.ip_address(a)) for a in ("8.8.8.8", "127.0.0.1", "::ffff:127.0.0.1", "2002:7f00:1::")]
    [True, False, False, False]
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and any(address in network for network in _NAT64):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is None and address in _V4_COMPATIBLE:
            return False
        if embedded is not None:
            return is_public(embedded)
        if address.teredo is not None:
            return False
    return address.is_global and not address.is_multicast


def permitted(address: IPAddress, port: int, allowance: Allowance) -> bool:
    """Public, or a local push service named in ``BIANMIN_PUSH_ALLOW_INSECURE``."""
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        address = ipaddress.IPv6Address(str(address).partition("%")[0])
    return is_public(address) or (address, port) in allowance or (address, None) in allowance


def check(sockaddr: tuple[Any, ...], allowance: Allowance) -> None:
    """Raise ``Refused`` unless a socket address (as ``getaddrinfo`` gives it) may be connected to."""
    host, port = sockaddr[0], sockaddr[1]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # not a canonical address: nothing we can vouch for
        raise Refused(f"{host!r} is not an IP address") from None
    if not permitted(address, port, allowance):
        raise Refused(f"{address} is not a public address")


def check_all(infos: Iterable[tuple[Any, ...]], allowance: Allowance) -> None:
    """Every address a name resolved to must pass: one private answer refuses the name."""
    for info in infos:
        check(info[4], allowance)


async def resolve(host: str, port: int, family: int = socket.AF_UNSPEC, flags: int = 0) -> list[tuple[Any, ...]]:
    """``getaddrinfo`` off the loop, as the socket layer reads the host (numeric forms included)."""
    return await asyncio.get_running_loop().getaddrinfo(host, port, family=family, type=socket.SOCK_STREAM, flags=flags)


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver: the addresses of a name, each checked; the connector connects to these."""

    def __init__(self, allowance: Allowance) -> None:
        self.allowance = allowance

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        # Only the addresses this machine can reach, as aiohttp's own resolver does.
        infos = await resolve(host, port, family, socket.AI_ADDRCONFIG)
        check_all(infos, self.allowance)
        return [
            ResolveResult(
                hostname=host,
                host=info[4][0],
                port=info[4][1],
                family=info[0],
                proto=info[2],
                flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
            )
            for info in infos
        ]

    async def close(self) -> None:
        pass


def guarded_socket(allowance: Allowance) -> Callable[[tuple[Any, ...]], socket.socket]:
    """The connector's socket factory: the last look at an address before ``connect()``."""

    def make(addr_info: tuple[Any, ...]) -> socket.socket:
        family, kind, proto, _, sockaddr = addr_info
        check(sockaddr, allowance)
        return socket.socket(family=family, type=kind, proto=proto)

    return make
