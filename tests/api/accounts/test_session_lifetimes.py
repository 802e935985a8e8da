"""How long a session lasts: an elder's own phone stays signed in, a shared phone and an
official's account do not (Settings.session_*; docs/DESIGN.md "Sessions")."""

from __future__ import annotations

from backend.accounts.tables import Session
from tests.api.accounts.test_sessions import refused, sign_in, works
from tests.conftest import DEMO


async def test_an_elders_own_phone_stays_signed_in_while_she_uses_it_now_and_then(client, sms, clock):
    phone = await sign_in(client, sms, remember=True)
    for _ in range(4):  # every ~half year, for two years less a bit
        clock.travel(days=179)
        assert await works(client, phone)
    clock.travel(days=179)  # past two years from sign-in: once more with a code
    assert await refused(client, phone)


async def test_an_elders_phone_left_unused_for_half_a_year_signs_in_again(client, sms, clock):
    phone = await sign_in(client, sms, remember=True)
    clock.travel(days=181)
    assert await refused(client, phone)


async def test_a_shared_phone_is_signed_out_after_half_a_day_unused(client, sms, clock):
    shared = await sign_in(client, sms, remember=False)
    clock.travel(hours=11)
    assert await works(client, shared)
    clock.travel(hours=11)  # 22 h after sign-in, 11 h after last use
    assert await works(client, shared)
    clock.travel(hours=13)
    assert await refused(client, shared)


async def test_an_officials_session_lasts_a_week_unused_and_a_month_in_all(client, sms, clock):
    worker = await sign_in(client, sms, phone=DEMO["grid_worker"], remember=True)
    clock.travel(days=8)
    assert await refused(client, worker)
    worker = await sign_in(client, sms, phone=DEMO["grid_worker"], remember=True)
    for _ in range(29):
        clock.travel(days=1)
        assert await works(client, worker)
    clock.travel(days=1, minutes=1)
    assert await refused(client, worker)


async def test_last_use_is_written_at_most_once_an_hour(client, sms, clock):
    phone = await sign_in(client, sms)
    signed_in = (await Session.select(Session.last_used_at).first())["last_used_at"]
    for _ in range(12):
        clock.travel(minutes=4)
        assert await works(client, phone)
    assert (await Session.select(Session.last_used_at).first())["last_used_at"] == signed_in
    clock.travel(minutes=13)
    assert await works(client, phone)
    row = await Session.select(Session.last_used_at, Session.expires_at).first()
    assert row["last_used_at"] == clock.now() and row["expires_at"] > clock.now()
