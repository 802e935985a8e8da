"""Behind a trusted proxy, limits count the address the proxy saw: its own entry, the
last one of the last ``X-Forwarded-For`` line. Only the first line used to be read,
so a client that sent its own header line (the proxy adds another, or appends to the
last) chose its address afresh with every request. IPv6 clients are counted by their
/64: one subscriber line gets a whole /64 and can use a new address for every request."""

import pytest

from backend.lib.auth import limited_address

PROXIED = [{"trust_forwarded_for": True}]


async def _ask(client, n: int, headers: list[tuple[str, str]]) -> int:
    """A code request for a fresh phone, so only the per-address limit can answer 429."""
    return (await client.post("/api/v1/auth/otp", json={"phone": f"139666600{n:02d}"}, headers=headers)).status_code


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_forged_earlier_forwarded_for_lines_do_not_dodge_the_address_limit(client, sms):
    statuses = [
        await _ask(
            client,
            n,
            [
                ("X-Forwarded-For", f"10.9.{n}.1"),  # written by the client
                ("X-Forwarded-For", f"10.8.{n}.1, 198.51.100.20"),  # the proxy appended the real one
            ],
        )
        for n in range(8)
    ]
    assert statuses == [202] * 5 + [429] * 3


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_a_proxy_that_adds_its_own_line_is_read_from_that_line(client, sms):
    statuses = [
        await _ask(client, n, [("X-Forwarded-For", f"10.9.{n}.1, 10.7.{n}.1"), ("X-Forwarded-For", "198.51.100.21")])
        for n in range(7)
    ]
    assert statuses == [202] * 5 + [429] * 2


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_twenty_addresses_in_one_ipv6_64_share_one_limit(client, sms):
    statuses = [await _ask(client, n, [("X-Forwarded-For", f"2001:db8:1:2::{n + 1:x}")]) for n in range(20)]
    assert statuses == [202] * 5 + [429] * 15
    # The neighbouring /64 is another subscriber, with a limit of its own.
    assert await _ask(client, 20, [("X-Forwarded-For", "2001:db8:1:3::1")]) == 202


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_an_ipv4_mapped_address_is_the_ipv4_address(client, sms):
    spellings = ["198.51.100.30", "::ffff:198.51.100.30", "::FFFF:c633:641e", "198.51.100.30", "::ffff:198.51.100.30"]
    statuses = [await _ask(client, n, [("X-Forwarded-For", address)]) for n, address in enumerate(spellings)]
    assert statuses == [202] * 5
    assert await _ask(client, 5, [("X-Forwarded-For", "198.51.100.30")]) == 429


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_an_unreadable_proxy_entry_counts_the_socket_peer(client, sms):
    statuses = [await _ask(client, n, [("X-Forwarded-For", f"198.51.100.1, garbage-{n}")]) for n in range(6)]
    assert statuses == [202] * 5 + [429]
    # The peer (the test client's 127.0.0.1) is what they shared.
    assert await _ask(client, 6, []) == 429


async def test_without_a_trusted_proxy_the_header_is_ignored(client, sms):
    statuses = [await _ask(client, n, [("X-Forwarded-For", f"198.51.100.{n}")]) for n in range(6)]
    assert statuses == [202] * 5 + [429]


@pytest.mark.parametrize(
    ("written", "counted"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7:4711 ", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:DB8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("[2001:db8:1:2::9]:443", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("unknown", None),
        ("", None),
        ("1.2.3.4.5", None),
    ],
)
def test_addresses_are_counted_by_address_or_ipv6_64(written, counted):
    assert limited_address(written) == counted
