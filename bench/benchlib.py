"""Small pieces the benchmark scripts share (they run as `python bench/NAME.py`, so this imports as `benchlib`)."""

from __future__ import annotations

import socket

import asyncpg


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
