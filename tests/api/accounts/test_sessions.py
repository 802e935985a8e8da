"""Sessions a person can list and end (issue 18, finding 9).

The attack: a token copied off a phone kept working after sign-out (there was none),
for 30 days, and switching an account off and on again revived every old token.
Each test here plays a thief holding such a copy.
"""

from __future__ import annotations

import asyncio

import pytest

from backend.accounts.tables import Session
from backend.lib.auth import issue_token
from tests.conftest import DEMO, SECRET, error_code, session_token

PHONE = DEMO["resident"]
ANDROID_WECHAT = (
    "Mozilla/5.0 (Linux; Android 12; V2118A Build/SP1A; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/86.0.4240.99 XWEB/4343 MMWEBSDK/20220903 Mobile Safari/537.36 MicroMessenger/8.0.28"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Mobile/15E148 Safari/604.1"
)


async def sign_in(client, sms, phone: str = PHONE, agent: str = ANDROID_WECHAT, **extra) -> dict[str, str]:
    """Sign in with a code, as a browser sending ``agent``; the headers its later requests carry."""
    assert (await client.post("/api/v1/auth/otp", json={"phone": phone})).status_code == 202
    login = await client.post(
        "/api/v1/auth/login",
        json={"phone": phone, "code": sms.last_code(phone), **extra},
        headers={"User-Agent": agent},
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}", "User-Agent": agent}


async def refused(client, headers) -> bool:
    response = await client.get("/api/v1/me", headers=headers)
    return response.status_code == 401 and error_code(response) == "auth.invalid_token"


async def works(client, headers) -> bool:
    return (await client.get("/api/v1/me", headers=headers)).status_code == 200


async def test_my_devices_are_listed_with_this_one_marked(client, sms):
    phone = await sign_in(client, sms, agent=ANDROID_WECHAT)
    laptop = await sign_in(client, sms, agent=IPHONE_SAFARI, remember=False)
    listed = (await client.get("/api/v1/me/sessions", headers=laptop)).json()["items"]
    assert [(s["browser"], s["system"], s["current"], s["remembered"]) for s in listed] == [
        ("safari", "ios", True, False),
        ("wechat", "android", False, True),
    ]
    stored = await Session.select(Session.device).output(as_list=True)
    assert sorted(stored) == ["safari/ios", "wechat/android"]  # the User-Agent itself is not kept
    assert await works(client, phone)


async def test_a_stolen_token_is_refused_once_its_owner_signs_out(client, sms):
    mine = await sign_in(client, sms)
    stolen = dict(mine)
    assert (await client.post("/api/v1/auth/sign-out", headers=mine)).status_code == 204
    assert await refused(client, stolen)
    # Signing out again with it is refused too, and changes nothing.
    assert (await client.post("/api/v1/auth/sign-out", headers=stolen)).status_code == 401


async def test_signing_out_everywhere_else_ends_every_other_token_and_keeps_this_one(client, sms, clock):
    here = await sign_in(client, sms)
    others = [await sign_in(client, sms, agent=IPHONE_SAFARI) for _ in range(3)]
    resident = (await client.get("/api/v1/me", headers=here)).json()["id"]
    others.append({"Authorization": f"Bearer {await session_token(resident, clock.now())}"})
    ended = await client.delete("/api/v1/me/sessions", headers=here)
    assert ended.status_code == 200 and ended.json() == {"ended": 4}
    assert [await refused(client, other) for other in others] == [True] * 4
    assert await works(client, here)
    listed = (await client.get("/api/v1/me/sessions", headers=here)).json()["items"]
    assert [s["current"] for s in listed] == [True]
    again = await client.delete("/api/v1/me/sessions", params={"everywhere": "true"}, headers=here)
    assert again.json() == {"ended": 1}
    assert await refused(client, here)


async def test_ending_a_listed_device_signs_that_device_out(client, sms):
    phone = await sign_in(client, sms, agent=ANDROID_WECHAT)
    laptop = await sign_in(client, sms, agent=IPHONE_SAFARI)
    listed = (await client.get("/api/v1/me/sessions", headers=laptop)).json()["items"]
    other = next(s["id"] for s in listed if not s["current"])
    assert (await client.delete(f"/api/v1/me/sessions/{other}", headers=laptop)).status_code == 204
    assert await refused(client, phone)
    assert await works(client, laptop)
    # Idempotent: ending it again is fine.
    assert (await client.delete(f"/api/v1/me/sessions/{other}", headers=laptop)).status_code == 204


async def test_another_users_session_can_be_neither_listed_nor_ended(client, sms, auth):
    victim = await sign_in(client, sms)
    victim_ids = [s["id"] for s in (await client.get("/api/v1/me/sessions", headers=victim)).json()["items"]]
    neighbour = await sign_in(client, sms, phone="13912345678")  # another resident
    attackers = [neighbour, *[await auth.role(role) for role in ("grid_worker", "staff", "admin")]]
    for attacker in attackers:
        listed = (await client.get("/api/v1/me/sessions", headers=attacker)).json()["items"]
        assert [s["current"] for s in listed] == [True]  # only its own
        for session_id in [*victim_ids, 999_999]:
            response = await client.delete(f"/api/v1/me/sessions/{session_id}", headers=attacker)
            assert response.status_code == 404, response.text
        assert (await client.delete("/api/v1/me/sessions", headers=attacker)).json() == {"ended": 0}
    assert await works(client, victim)
    assert [s["id"] for s in (await client.get("/api/v1/me/sessions", headers=victim)).json()["items"]] == victim_ids


async def test_switching_an_account_off_and_on_again_revives_none_of_its_tokens(client, sms, auth):
    before = await sign_in(client, sms)
    resident = (await client.get("/api/v1/me", headers=before)).json()["id"]
    admin = await auth.role("admin")
    for active in (False, True):
        response = await client.patch(f"/api/v1/users/{resident}", json={"active": active}, headers=admin)
        assert response.status_code == 200, response.text
    assert await refused(client, before)
    assert await works(client, await sign_in(client, sms))  # a fresh sign-in works again


@pytest.mark.parametrize(
    "change",
    [{"role": "grid_worker", "region": "990101001001001"}, {"region": "990101001001002"}],
    ids=["role", "region"],
)
async def test_a_role_or_region_change_ends_the_users_sessions(client, sms, auth, change):
    before = await sign_in(client, sms)
    resident = (await client.get("/api/v1/me", headers=before)).json()["id"]
    response = await client.patch(f"/api/v1/users/{resident}", json=change, headers=await auth.role("admin"))
    assert response.status_code == 200, response.text
    assert await refused(client, before)


async def test_a_name_change_by_an_admin_keeps_the_users_sessions(client, sms, auth):
    before = await sign_in(client, sms)
    resident = (await client.get("/api/v1/me", headers=before)).json()["id"]
    response = await client.patch(
        f"/api/v1/users/{resident}", json={"name": "王秀英"}, headers=await auth.role("admin")
    )
    assert response.status_code == 200
    assert await works(client, before)


async def test_a_token_from_before_sessions_is_refused(client, sms, clock):
    resident = (await client.get("/api/v1/me", headers=await sign_in(client, sms))).json()["id"]
    old = issue_token(resident, SECRET, 30, now=clock.now())  # signed with the right key, but no session
    assert await refused(client, {"Authorization": f"Bearer {old}"})


async def test_concurrent_sign_outs_of_the_same_devices_are_all_fine(client, sms):
    here, there = await sign_in(client, sms), await sign_in(client, sms, agent=IPHONE_SAFARI)
    ids = [s["id"] for s in (await client.get("/api/v1/me/sessions", headers=here)).json()["items"]]
    calls = []
    for _ in range(25):
        calls += [
            client.post("/api/v1/auth/sign-out", headers=here),
            client.delete("/api/v1/me/sessions", headers=there),
        ]
        calls += [client.delete(f"/api/v1/me/sessions/{session_id}", headers=there) for session_id in ids]
    answers = await asyncio.gather(*calls)
    assert {response.status_code for response in answers} <= {200, 204, 401}, [
        a.text for a in answers if a.status_code >= 500
    ]
    assert await refused(client, here) and await refused(client, there)
    rows = await Session.select(Session.ended_at, Session.end_reason)
    assert len(rows) == 2 and all(row["ended_at"] is not None for row in rows)
