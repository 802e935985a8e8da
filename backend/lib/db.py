"""Connecting, binding and migrating the database behind Piccolo."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sys
from datetime import UTC, datetime
from typing import Any

import msgspec
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from backend import piccolo_conf
from backend.lib.sqlite import PooledSQLiteEngine


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or used; the message says why."""


def now() -> datetime:
    """The current instant, timezone-aware (stored as UTC)."""
    return datetime.now(UTC)


def json_list(value: Any) -> list[Any]:
    """A JSON array column as a list: SQLite hands back its text, PostgreSQL the decoded array."""
    return msgspec.json.decode(value) if isinstance(value, str) else list(value)


def all_tables() -> list[type]:
    registry = piccolo_conf.APP_REGISTRY
    return [*(t for config in registry.app_configs.values() for t in config.table_classes), Migration]


def bind_engine(engine: Engine) -> None:
    """Make ``engine`` the one every table, and Piccolo's migrations, use."""
    os.environ.setdefault("PICCOLO_CONF", "backend.piccolo_conf")
    piccolo_conf.set_bound_engine(engine)
    for table in all_tables():
        table._meta.db = engine


async def open_engine(url: str, pool_max: int = 10) -> Engine:
    """Build, bind and check the engine for ``url``; raise DatabaseUnavailable if unusable.

    SQLite gets the WAL journal (kept in the file once set) so readers never wait
    for the writer; PostgreSQL gets its connection pool.
    """
    try:
        engine = piccolo_conf.engine_for_url(url)
    except piccolo_conf.DatabaseURLError as exc:
        raise DatabaseUnavailable(str(exc)) from None
    bind_engine(engine)
    try:
        if isinstance(engine, SQLiteEngine):
            await engine.run_ddl("PRAGMA journal_mode=WAL")
        elif isinstance(engine, PostgresEngine):
            await engine.start_connection_pool(min_size=1, max_size=pool_max, timeout=10)
        await engine.run_ddl("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any driver error means "cannot start"
        await close_engine(engine)
        raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc
    return engine


async def close_engine(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        # A graceful close waits for every connection to be released; one held by a
        # task that never returns would hang shutdown, so after a while cut them off.
        pool = engine.pool
        try:
            await asyncio.wait_for(engine.close_connection_pool(), 10)
        except TimeoutError:
            pool.terminate()
    elif isinstance(engine, PooledSQLiteEngine):
        await engine.close()


async def migrate(verbose: bool = False) -> None:
    """Apply every pending migration of every app to the bound engine."""
    out = io.StringIO()
    with contextlib.redirect_stdout(sys.stdout if verbose else out):
        result = await run_forwards(app_name="all", migration_id="all")
    if not result.success:
        raise DatabaseUnavailable(f"migration failed: {result.message}\n{out.getvalue()}")


def write_transaction(table: type) -> Any:
    """A transaction for read-then-write work on ``table``'s engine.

    On SQLite it takes the write lock up front (BEGIN IMMEDIATE): a deferred
    transaction that reads and then writes fails at once with "database is locked"
    when another writer got there first, instead of waiting its turn.
    """
    engine = table._meta.db
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


def is_unique_violation(exc: BaseException) -> bool:
    """True for a unique-constraint failure on either database."""
    name = type(exc).__name__
    return name == "UniqueViolationError" or (name == "IntegrityError" and "UNIQUE constraint failed" in str(exc))


async def is_healthy(engine: Engine) -> bool:
    try:
        await engine.run_ddl("SELECT 1")
    except Exception:  # noqa: BLE001 - health is a yes/no question
        return False
    return True
