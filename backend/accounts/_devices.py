"""Devices known to an account: a browser that signed in to it before.

The PWA makes one random device key per browser and sends it with code requests
and code checks. The server learns that a key belongs to an account only when a
sign-in with it succeeds (the SMS code proves the phone), and keeps a keyed hash
of "<user id>:<key>". A known device then has its own budget of code requests and
checks for that phone, and its codes are its own: strangers who use up the phone's
budget, or request codes to void the current one, do not keep the owner out on a
phone or computer she has used before. A key nobody signed in with is nobody's:
such requests share the phone's budget with everyone else.
"""

from __future__ import annotations

from datetime import datetime

from backend.accounts._users import find_by_phone
from backend.accounts.tables import KnownDevice
from backend.lib.crypto import keyed_hash
from backend.lib.db import is_unique_violation, write_transaction

_HASH_PURPOSE = "bianmin device"


def _hash(secret: str, user_id: int, key: str) -> str:
    return keyed_hash(secret, _HASH_PURPOSE, f"{user_id}:{key}")


async def known(phone: str, key: str | None, secret: str) -> int:
    """The id of the device holding ``key`` if it signed in to ``phone``'s account before, else 0."""
    if not key:
        return 0
    user = await find_by_phone(phone)
    if user is None:
        return 0
    row = await KnownDevice.select(KnownDevice.id).where(KnownDevice.key_hash == _hash(secret, user.id, key)).first()
    return int(row["id"]) if row else 0


async def remember(user_id: int, key: str | None, secret: str, now: datetime) -> None:
    """After a sign-in with ``key``: the device is known to this account (again) from ``now``."""
    if not key:
        return
    key_hash = _hash(secret, user_id, key)
    try:
        async with write_transaction():
            seen = (
                await KnownDevice.update({KnownDevice.last_used_at: now})
                .where(KnownDevice.key_hash == key_hash)
                .returning(KnownDevice.id)
            )
            if not seen:
                await KnownDevice.insert(KnownDevice(user=user_id, key_hash=key_hash, created_at=now, last_used_at=now))
    except Exception as exc:
        # A twin sign-in on the same device remembered it first: it is known either way.
        if not is_unique_violation(exc):
            raise
