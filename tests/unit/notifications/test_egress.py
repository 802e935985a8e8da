"""The push worker as a request forger: endpoints that spell a local address any way the
C library reads one, or names that resolve to one, are refused when the worker is about
to connect. A listener on 127.0.0.1 (and ::1) counts the connections it accepts: none."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from backend.notifications import _egress as egress
from backend.notifications._push import PushClient
from backend.notifications._vapid import Vapid
from backend.notifications.structs import Target
from backend.settings import Settings, SettingsError
from tests.pushservice import b64url

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PEM = ec.generate_private_key(ec.SECP256R1()).private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
)


def _target(endpoint: str) -> Target:
    point = (
        ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    )
    return Target(
        id=1, user_id=1, endpoint=endpoint, p256dh=b64url(point), auth=b64url(os.urandom(16)), locale=None,
        last_success_at=None,
    )  # fmt: skip


async def _send(endpoint: str, allowance: str = "") -> str:
    client = PushClient(
        Vapid(PEM, "mailto:ops@example.com"),
        concurrency=2,
        timeout=5,
        allowance=Settings(push_allow_insecure=allowance).push_allowance,
    )
    try:
        result = await client.send(_target(endpoint), b"{}", ttl=60, urgency="normal", topic=None, now=NOW)
    finally:
        await client.aclose()
    return result.outcome


LOOPBACK_SPELLINGS = [
    "http://127.0.0.1:{port}/p",
    "http://2130706433:{port}/p",
    "http://127.1:{port}/p",
    "http://0x7f.0.0.1:{port}/p",
    "http://0177.0.0.1:{port}/p",
    "http://0:{port}/p",
    "http://0.0.0.0:{port}/p",
    "http://localhost:{port}/p",
    "http://LocalHost:{port}/p",
    "http://[::ffff:127.0.0.1]:{port}/p",
    "https://127.0.0.1:{port}/p",
]


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS)
async def test_no_spelling_of_a_loopback_address_reaches_the_listener(listener, spelling):
    outcome = await _send(spelling.format(port=listener.port))
    assert outcome == "failed"  # for good: this endpoint is never tried again
    assert listener.accepted == 0


@pytest.mark.parametrize("spelling", ["http://[::1]:{port}/p", "http://[::ffff:7f00:1]:{port}/p"])
async def test_ipv6_loopback_forms_do_not_reach_the_listener(listener, spelling):
    if not listener.ipv6 and "::1]" in spelling:
        pytest.skip("no IPv6 on this machine")
    assert await _send(spelling.format(port=listener.port)) == "failed"
    assert listener.accepted == 0


async def test_a_name_that_resolves_to_loopback_at_connect_time_is_refused(listener, monkeypatch):
    """A name that was public when subscribed and points home when sent (DNS rebinding)."""
    asked: list[str] = []
    real = asyncio.get_running_loop().getaddrinfo

    async def rebinding(host, port, **kwargs):
        asked.append(host)
        if host == "push.rebind.example":
            return await real("127.0.0.1", port, **kwargs)
        return await real(host, port, **kwargs)

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", rebinding)
    assert await _send(f"https://push.rebind.example:{listener.port}/p") == "failed"
    assert "push.rebind.example" in asked and listener.accepted == 0


async def test_a_name_with_one_private_address_among_public_ones_is_refused(listener, monkeypatch):
    async def mixed(host, port, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", mixed)
    assert await _send(f"https://push.mixed.example:{listener.port}/p") == "failed"
    assert listener.accepted == 0


async def test_the_allowance_lets_exactly_the_named_local_service_through(listener):
    """BIANMIN_PUSH_ALLOW_INSECURE names a test's push service; it is not a switch for everything."""
    url = f"http://127.0.0.1:{listener.port}/p"
    assert await _send(url, allowance=f"127.0.0.1:{listener.port}") == "ok"
    assert listener.accepted == 1
    assert await _send(url, allowance=f"127.0.0.1:{listener.port + 1}") == "failed"
    assert await _send(url, allowance="127.0.0.2") == "failed"
    assert await _send(f"http://10.0.0.1:{listener.port}/p", allowance="127.0.0.1") == "failed"
    assert listener.accepted == 1


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("0.0.0.0", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("::ffff:10.0.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("::127.0.0.1", False),  # IPv4-compatible
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("2002:a00:1::", False),  # 6to4 of 10.0.0.1
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
    ],
)
def test_public_means_global_including_what_ipv6_embeds(address, public):
    assert egress.is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize("value", ["on", "1", "yes", "localhost", "127.0.0.1:0", "127.0.0.1:http", "[::1"])
def test_the_allowance_setting_names_addresses_not_a_switch(value):
    with pytest.raises(SettingsError, match="BIANMIN_PUSH_ALLOW_INSECURE"):
        Settings.from_env({"BIANMIN_PUSH_ALLOW_INSECURE": value})
