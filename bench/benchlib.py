"""Small pieces the benchmark scripts share (they run as `python bench/NAME.py`, so this imports as `benchlib`)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import asyncpg

from backend.accounts import service as accounts
from backend.lib.db import close_engine, open_engine


async def recreate_postgres(url: str) -> None:
    """Drop and create the database named in ``url`` (a benchmark's scratch database)."""
    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def session_tokens(url: str, secret: str, user_ids: list[int]) -> list[str]:
    """A token for each user, each naming a new day-long session (no login code spent)."""
    engine = await open_engine(url)
    try:
        day = timedelta(days=1)
        now = datetime.now(UTC)
        return [
            await accounts.start_session(
                user_id, secret, idle=day, lifetime=day, remembered=False, device="other/other", now=now
            )
            for user_id in user_ids
        ]
    finally:
        await close_engine(engine)
