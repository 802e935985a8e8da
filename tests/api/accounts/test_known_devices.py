"""Strangers cannot keep a phone's owner out of her account.

Five wrong codes from anywhere used to lock any phone's sign-in for 15 minutes, again
and again: a clerk or an admin could be kept out for good. Now a device that signed
in to the account before (it sends its device key) has a budget of its own, and its
codes are its own: strangers who use up the phone's shared budget, or ask for codes
to void the current one, leave the owner's known phone or computer alone. A key that
never signed in to the account is worth nothing. And a code checked five times is void.
"""

import pytest

from tests.conftest import DEMO, error_code

PHONE = DEMO["admin"]
OWNER_KEY = "owner-device-key-0123456789abcdef"
PROXIED = [{"trust_forwarded_for": True}]


def _from(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


def _wrong(right: str) -> str:
    return "000000" if right != "000000" else "111111"


async def _sign_in(client, sms, *, device_key: str | None, ip: str = "192.0.2.200") -> int:
    """Ask for a code and sign in with it; returns the sign-in's status."""
    keyed = {"device_key": device_key} if device_key else {}
    sent = await client.post("/api/v1/auth/otp", json={"phone": PHONE, **keyed}, headers=_from(ip))
    if sent.status_code != 202:
        return sent.status_code
    code = sms.last_code(PHONE)
    login = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": code, **keyed}, headers=_from(ip))
    return login.status_code


async def _strangers_use_up_the_phones_budget(client, sms) -> None:
    """From 20 addresses: a code request and a wrong guess each; no more than 5 are compared."""
    guesses = []
    for n in range(1, 21):
        ip = f"203.0.113.{n}"
        await client.post("/api/v1/auth/otp", json={"phone": PHONE}, headers=_from(ip))
        wrong = _wrong(sms.last_code(PHONE))
        guess = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": wrong}, headers=_from(ip))
        guesses.append(guess.status_code)
    assert guesses.count(401) == 5 and guesses[-10:] == [429] * 10
    last = await client.post("/api/v1/auth/otp", json={"phone": PHONE}, headers=_from("203.0.113.99"))
    assert last.status_code == 429


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_the_owners_known_device_still_signs_in_when_strangers_used_up_the_phone(client, sms):
    assert await _sign_in(client, sms, device_key=OWNER_KEY) == 200  # her phone, some day before
    await _strangers_use_up_the_phones_budget(client, sms)
    # Without her device (a borrowed phone) she waits like everyone else...
    assert await _sign_in(client, sms, device_key=None) == 429
    # ...on her own phone she gets a code and signs in, from any address.
    assert await _sign_in(client, sms, device_key=OWNER_KEY, ip="198.51.100.50") == 200


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_a_made_up_device_key_gets_no_budget_of_its_own(client, sms):
    assert await _sign_in(client, sms, device_key=OWNER_KEY) == 200
    await _strangers_use_up_the_phones_budget(client, sms)
    sends = len(sms.sent)
    for key in ("attacker-made-up-key-0000000000000", OWNER_KEY[:-1] + "g"):
        asked = await client.post(
            "/api/v1/auth/otp", json={"phone": PHONE, "device_key": key}, headers=_from("1.2.3.4")
        )
        assert asked.status_code == 429 and error_code(asked) == "auth.too_many_attempts"
        guess = await client.post(
            "/api/v1/auth/login", json={"phone": PHONE, "code": "123450", "device_key": key}, headers=_from("1.2.3.5")
        )
        assert guess.status_code == 429
    assert len(sms.sent) == sends


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_a_key_known_to_one_account_is_nothing_to_another(client, sms):
    assert await _sign_in(client, sms, device_key=OWNER_KEY) == 200
    other = DEMO["staff"]
    for n in range(5):
        await client.post("/api/v1/auth/otp", json={"phone": other}, headers=_from(f"203.0.113.{n}"))
    asked = await client.post(
        "/api/v1/auth/otp", json={"phone": other, "device_key": OWNER_KEY}, headers=_from("1.2.3.4")
    )
    assert asked.status_code == 429


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_strangers_asking_for_codes_and_guessing_do_not_spoil_the_owners_code(client, sms):
    assert await _sign_in(client, sms, device_key=OWNER_KEY) == 200
    await client.post("/api/v1/auth/otp", json={"phone": PHONE, "device_key": OWNER_KEY}, headers=_from("192.0.2.200"))
    hers = sms.last_code(PHONE)
    # Meanwhile strangers ask for a code (which used to void hers) and guess five times.
    await client.post("/api/v1/auth/otp", json={"phone": PHONE}, headers=_from("203.0.113.1"))
    for n in range(5):
        guess = await client.post(
            "/api/v1/auth/login", json={"phone": PHONE, "code": _wrong(hers)}, headers=_from(f"203.0.113.{n + 2}")
        )
        assert guess.status_code == 401
    login = await client.post(
        "/api/v1/auth/login", json={"phone": PHONE, "code": hers, "device_key": OWNER_KEY}, headers=_from("192.0.2.200")
    )
    assert login.status_code == 200


@pytest.mark.parametrize("settings", [{"trust_forwarded_for": True, "otp_limit": 50}], indirect=True)
async def test_a_code_checked_five_times_is_void(client, sms):
    await client.post("/api/v1/auth/otp", json={"phone": PHONE}, headers=_from("192.0.2.1"))
    right = sms.last_code(PHONE)
    for n in range(5):
        guess = await client.post(
            "/api/v1/auth/login", json={"phone": PHONE, "code": _wrong(right)}, headers=_from(f"203.0.113.{n}")
        )
        assert error_code(guess) == "auth.code_wrong"
    late = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": right}, headers=_from("192.0.2.1"))
    assert late.status_code == 401 and error_code(late) == "auth.code_expired"
    # A new code (a new SMS) works: guessing costs texts, which are limited too.
    assert await _sign_in(client, sms, device_key=None, ip="192.0.2.1") == 200


@pytest.mark.parametrize("settings", PROXIED, indirect=True)
async def test_a_phone_takes_twenty_code_requests_a_day_from_strangers(client, sms, clock):
    """With the 15-minute limit alone a patient guesser had 480 checks a day; now 20."""
    statuses = []
    for hour in range(5):
        for n in range(5):
            asked = await client.post("/api/v1/auth/otp", json={"phone": PHONE}, headers=_from(f"203.0.{hour}.{n + 1}"))
            statuses.append(asked.status_code)
        clock.travel(minutes=16)
    assert statuses == [202] * 20 + [429] * 5
    assert 20 * 3600 < int(asked.headers["Retry-After"]) <= 24 * 3600


async def test_a_malformed_device_key_is_refused_naming_the_field(client, sms):
    response = await client.post("/api/v1/auth/otp", json={"phone": PHONE, "device_key": "short"})
    assert response.status_code == 400 and error_code(response) == "request.invalid_field"
    assert response.json()["error"]["details"]["field"] == "device_key"
    assert sms.sent == []
