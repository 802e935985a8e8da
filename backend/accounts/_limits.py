"""Sliding-window attempt limits kept in the database, so every process shares them.

Used for sign-in codes (per phone, per known device and per address) and receipt
lookups (per address).

Counting and recording are one step (``take``): the attempt is recorded in the same
write transaction that counted the window, and that transaction is the only one
counting the same keys at a time (``lib.db.serialize_on``). Counting first and
recording after the work let a burst of a few hundred requests from one address
all see "under the limit" before any of them was recorded. An attempt is taken
before its work is done (a code compared, a receipt searched); one that turns out
not to count (the right code, a receipt found) is given back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple

from backend.accounts.tables import AuthAttempt
from backend.lib.db import serialize_on, write_transaction
from backend.lib.errors import RateLimited

#: What an attempt is counted against. "phone" is the budget anyone shares who asks
#: for that phone without a device known to its account; "device" is one known
#: device's own; "ip" is the address's, across phones and devices.
On = Literal["phone", "ip", "device"]


class Limit(NamedTuple):
    """At most ``limit`` attempts ``on`` one key within ``window_seconds``."""

    on: On
    limit: int
    window_seconds: int


def _counted(on: On, value: str | int) -> Any:
    if on == "phone":
        return (AuthAttempt.phone == value) & (AuthAttempt.device == 0)
    if on == "device":
        return AuthAttempt.device == value
    return AuthAttempt.ip == value


async def take(
    kind: str,
    limits: Sequence[Limit],
    *,
    at: datetime,
    phone: str = "",
    ip: str = "",
    device: int = 0,
    key: str = "rate_limited",
) -> int:
    """Record one attempt of ``kind`` unless one of ``limits`` is used up; then raise 429.

    Returns the attempt's id (for ``give_back``). A refused attempt records nothing.
    Retry-After says when the oldest attempt that fills the window leaves it.

    >>> await take("send", [Limit("phone", 5, 900), Limit("ip", 5, 900)], phone=p, ip=ip, at=now)
    """
    values: dict[On, str | int] = {"phone": phone, "ip": ip, "device": device}
    async with write_transaction():
        await serialize_on(*(f"attempt:{kind}:{limit.on}:{values[limit.on]}" for limit in limits))
        for limit in limits:
            window_start = at - timedelta(seconds=limit.window_seconds)
            filling = (
                await AuthAttempt.select(AuthAttempt.at)
                .where(
                    (AuthAttempt.kind == kind) & _counted(limit.on, values[limit.on]) & (AuthAttempt.at > window_start)
                )
                .order_by(AuthAttempt.at, ascending=False)
                .offset(limit.limit - 1)
                .first()
            )
            if filling is not None:
                raise RateLimited((filling["at"] - window_start).total_seconds(), key=key)
        rows = await AuthAttempt.insert(AuthAttempt(kind=kind, phone=phone, ip=ip, device=device, at=at)).returning(
            AuthAttempt.id
        )
    return int(rows[0]["id"])


async def take_attempt(
    kind: str,
    *,
    at: datetime,
    limit: int,
    window_seconds: int,
    phone: str | None = None,
    ip: str | None = None,
    key: str = "rate_limited",
) -> int:
    """``take`` with one limit per key given (``phone``, ``ip``): for other domains.

    >>> attempt = await take_attempt("lookup", ip=ip, limit=10, window_seconds=900, at=now)
    """
    given: tuple[tuple[On, str | None], ...] = (("phone", phone), ("ip", ip))
    limits = [Limit(on, limit, window_seconds) for on, value in given if value is not None]
    return await take(kind, limits, phone=phone or "", ip=ip or "", at=at, key=key)


async def give_back(attempt: int) -> None:
    """Forget an attempt that turned out not to count (the right code, a receipt found)."""
    async with write_transaction():
        await AuthAttempt.delete().where(AuthAttempt.id == attempt)
