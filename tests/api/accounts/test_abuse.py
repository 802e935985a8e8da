"""Abuse of the unauthenticated endpoints: code guessing spread over phones and
addresses, SMS pumping (many code requests to make us pay for texts), and
receipt-number enumeration. Each attacker shape meets a limit; no text is sent
past it. (The simple one-phone, one-address limits are in test_signin.py.)"""

import pytest

from tests.api.cases.helpers import submit
from tests.conftest import DEMO, error_code

PROXIED = [{"trust_forwarded_for": True}]


def _from(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


async def test_wrong_codes_are_limited_per_address_across_phones(client, sms):
    """A guesser at one address cannot try 5 codes on each of many phones."""
    phones = [f"1392222000{i}" for i in range(6)]
    for phone in phones[:5]:
        await client.post("/api/v1/auth/otp", json={"phone": phone})
        assert (await client.post("/api/v1/auth/login", json={"phone": phone, "code": "000001"})).status_code == 401
    # The sixth phone has its code sent (sends are counted separately) but no more guesses.
    sends = len(sms.sent)
    assert (await client.post("/api/v1/auth/otp", json={"phone": phones[5]})).status_code == 429  # 6th send from here
    assert len(sms.sent) == sends
    guess = await client.post("/api/v1/auth/login", json={"phone": phones[5], "code": "000001"})
    assert guess.status_code == 429 and error_code(guess) == "auth.too_many_attempts"


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_sms_pumping_from_many_addresses_to_one_phone_sends_five_texts(client, sms):
    phone = "13933330000"
    statuses = [
        (await client.post("/api/v1/auth/otp", json={"phone": phone}, headers=_from(f"203.0.113.{n}"))).status_code
        for n in range(1, 21)
    ]
    assert statuses == [202] * 5 + [429] * 15
    assert len([m for m in sms.sent if m["phone"] == phone]) == 5


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_sms_pumping_from_one_address_to_many_phones_sends_five_texts(client, sms):
    statuses = [
        (
            await client.post("/api/v1/auth/otp", json={"phone": f"139444400{n:02d}"}, headers=_from("198.51.100.7"))
        ).status_code
        for n in range(20)
    ]
    assert statuses == [202] * 5 + [429] * 15
    assert len(sms.sent) == 5
    # Another address is not held back by this one.
    other = await client.post("/api/v1/auth/otp", json={"phone": "13944449999"}, headers=_from("198.51.100.8"))
    assert other.status_code == 202


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_code_guessing_from_many_addresses_stops_at_five_per_phone(client, sms):
    phone = DEMO["resident"]
    await client.post("/api/v1/auth/otp", json={"phone": phone}, headers=_from("192.0.2.1"))
    right = sms.last_code(phone)
    wrong = "000000" if right != "000000" else "111111"
    for n in range(2, 7):
        miss = await client.post(
            "/api/v1/auth/login", json={"phone": phone, "code": wrong}, headers=_from(f"192.0.2.{n}")
        )
        assert miss.status_code == 401
    # A million codes cannot be tried five at a time from a botnet: the phone is locked.
    locked = await client.post("/api/v1/auth/login", json={"phone": phone, "code": right}, headers=_from("192.0.2.99"))
    assert locked.status_code == 429


async def test_receipt_enumeration_stops_and_a_hit_reveals_no_personal_data(client, auth):
    case = (await submit(client, await auth.role("resident"))).json()
    found = await client.get(
        "/api/v1/cases/lookup", params={"receipt_no": case["receipt_no"], "phone": DEMO["resident"]}
    )
    assert found.status_code == 200
    text = found.text
    assert DEMO["resident"] not in text and "王秀英" not in text
    statuses = []
    for n in range(12):
        miss = await client.get(
            "/api/v1/cases/lookup", params={"receipt_no": f"BM-2026-11-{n:06d}", "phone": "13900000000"}
        )
        statuses.append(miss.status_code)
    assert statuses[:10] == [404] * 10 and statuses[10:] == [429, 429]


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_a_forged_forwarded_for_entry_does_not_dodge_the_address_limit(client, sms):
    """The proxy appends the real address; what the client wrote before it is ignored."""
    statuses = [
        (
            await client.post(
                "/api/v1/auth/otp",
                json={"phone": f"139555500{n:02d}"},
                headers=_from(f"10.9.{n}.1, 198.51.100.20"),
            )
        ).status_code
        for n in range(8)
    ]
    assert statuses == [202] * 5 + [429] * 3
