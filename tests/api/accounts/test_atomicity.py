"""Every write in accounts is one transaction: when a later write fails, nothing of the
earlier ones stays (the audit row is written last, so failing it proves the rest rolled back)."""

from __future__ import annotations

import pytest

from backend.accounts import _admin, _family, _users
from backend.accounts import service as accounts
from backend.accounts.structs import LinkConfirm, LinkCreate, UserCreate, UserUpdate
from backend.accounts.tables import Audit, AuthAttempt, FamilyLink, OtpCode, User
from backend.lib.auth import CurrentUser
from tests.conftest import DEMO

NEW_PHONE = "13966660001"


class WriteFailed(Exception):
    """Stands in for a database error on the write under test."""


async def _fail(*args, **kwargs):
    raise WriteFailed


async def _actor(phone: str) -> CurrentUser:
    found = await accounts.find_by_phone(phone)
    assert found is not None
    user = await accounts.load_current_user(found.id)
    assert user is not None
    return user


async def test_a_new_user_whose_audit_row_fails_is_not_created(client, clock, monkeypatch):
    audits = await Audit.count()  # the demo users' own
    monkeypatch.setattr(_users, "audit", _fail)
    with pytest.raises(WriteFailed):
        await accounts.create_user(UserCreate(phone=NEW_PHONE), now=clock.now())
    assert await accounts.find_by_phone(NEW_PHONE) is None
    assert await Audit.count() == audits


async def test_a_user_update_whose_audit_row_fails_changes_nothing(client, clock, monkeypatch):
    admin = await _actor(DEMO["admin"])
    resident = await accounts.find_by_phone(DEMO["resident"])
    monkeypatch.setattr(_admin, "audit", _fail)
    with pytest.raises(WriteFailed):
        await _admin.update_user(admin, resident.id, UserUpdate(name="改了", active=False), clock.now())
    after = await accounts.find_by_phone(DEMO["resident"])
    assert after.name == resident.name and after.active
    assert not await Audit.exists().where(Audit.action == "user.update")


async def test_a_family_request_whose_audit_row_fails_leaves_no_link_and_no_account_for_the_relative(
    client, clock, monkeypatch
):
    resident = await _actor(DEMO["resident"])
    audits = await Audit.count()  # the demo users' own
    monkeypatch.setattr(_family, "audit", _fail)
    with pytest.raises(WriteFailed):
        await _family.request(
            resident, LinkCreate(phone=NEW_PHONE, relation="母亲", relative_name="李桂兰"), clock.now()
        )
    assert await accounts.find_by_phone(NEW_PHONE) is None
    assert await FamilyLink.count() == 0
    assert await Audit.count() == audits


async def _pending_link(clock) -> tuple[CurrentUser, CurrentUser, int]:
    resident = await _actor(DEMO["resident"])
    link = await _family.request(resident, LinkCreate(phone=NEW_PHONE, relation="母亲"), clock.now())
    return resident, await _actor(NEW_PHONE), link.id


async def test_a_confirmation_whose_audit_row_fails_leaves_the_link_pending(client, clock, monkeypatch):
    _, relative, link_id = await _pending_link(clock)
    monkeypatch.setattr(_family, "audit", _fail)
    with pytest.raises(WriteFailed):
        await _family.confirm(relative, link_id, LinkConfirm(), clock.now())
    row = await FamilyLink.select(FamilyLink.status, FamilyLink.confirmed_at).where(FamilyLink.id == link_id).first()
    assert row == {"status": "pending", "confirmed_at": None}
    assert not await Audit.exists().where(Audit.action == "family.confirm")


async def test_a_revocation_whose_audit_row_fails_keeps_the_link(client, clock, monkeypatch):
    resident, _, link_id = await _pending_link(clock)
    monkeypatch.setattr(_family, "audit", _fail)
    with pytest.raises(WriteFailed):
        await _family.revoke(resident, link_id, clock.now())
    assert await FamilyLink.exists().where(FamilyLink.id == link_id)
    assert not await Audit.exists().where(Audit.action == "family.revoke")


async def test_a_code_whose_insert_fails_leaves_the_previous_code_working_and_the_send_uncounted(
    client, sms, monkeypatch
):
    assert (await client.post("/api/v1/auth/otp", json={"phone": DEMO["resident"]})).status_code == 202
    first = sms.last_code(DEMO["resident"])
    monkeypatch.setattr(OtpCode, "insert", _fail)
    failed = await client.post("/api/v1/auth/otp", json={"phone": DEMO["resident"]})
    assert failed.status_code == 500
    monkeypatch.undo()
    # Neither the second send was counted nor the first code retired.
    assert await AuthAttempt.count().where(AuthAttempt.kind == "send") == 1
    assert await OtpCode.count().where(OtpCode.used_at.is_null()) == 1
    login = await client.post("/api/v1/auth/login", json={"phone": DEMO["resident"], "code": first})
    assert login.status_code == 200
    assert await User.exists().where(User.phone == DEMO["resident"])
