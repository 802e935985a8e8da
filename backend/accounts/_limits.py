"""Sliding-window attempt limits kept in the database, so every process shares them.

Used for sign-in codes (per phone and per IP) and receipt lookups (per IP).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.accounts.tables import AuthAttempt
from backend.lib.clock import Clock
from backend.lib.db import write_transaction
from backend.lib.errors import RateLimited


async def check(
    kind: str,
    *,
    phone: str | None = None,
    ip: str | None = None,
    limit: int,
    window_seconds: int,
    key: str = "rate_limited",
    at: datetime | None = None,
) -> None:
    """Raise 429 (with Retry-After) when ``phone`` or ``ip`` used up ``limit`` attempts of ``kind``.

    ``at`` is the request's instant (the wall clock when left out).
    """
    window_start = (at or Clock().now()) - timedelta(seconds=window_seconds)
    for column, value in ((AuthAttempt.phone, phone), (AuthAttempt.ip, ip)):
        if value is None:
            continue
        recent = (
            await AuthAttempt.select(AuthAttempt.at)
            .where((AuthAttempt.kind == kind) & (column == value) & (AuthAttempt.at > window_start))
            .order_by(AuthAttempt.at, ascending=False)
            .limit(limit)
        )
        if len(recent) >= limit:
            # Free again when the oldest of the last `limit` attempts leaves the window.
            raise RateLimited((recent[-1]["at"] - window_start).total_seconds(), key=key)


async def record(kind: str, *, phone: str = "", ip: str = "", at: datetime | None = None) -> None:
    """Count one attempt of ``kind`` at ``at`` (the wall clock when left out)."""
    async with write_transaction():
        await AuthAttempt.insert(AuthAttempt(kind=kind, phone=phone, ip=ip, at=at or Clock().now()))
