"""Connecting, binding and migrating the database behind Piccolo."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import msgspec
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import Finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from backend.lib.private_files import create_private
from backend.lib.sqlite import PooledSQLiteEngine


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or used; the message says why."""


#: Seconds a SQLite connection waits for the writer lock before failing.
SQLITE_BUSY_TIMEOUT = 30
#: Read-only SQLite connections per process (reads run in parallel; writes take turns on one writer).
SQLITE_READERS = 4


class DatabaseURLError(ValueError):
    """DATABASE_URL names no database this project can use."""


def engine_for_url(url: str) -> Engine:
    """Build (but do not connect) the engine for ``url``.

    >>> engine_for_url("sqlite:///data/bianmin.sqlite3").path
    'data/bianmin.sqlite3'
    """
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not path:
            raise DatabaseURLError("a sqlite URL needs a file path: sqlite:///path/to/file")
        Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return PooledSQLiteEngine(path=path, readers=SQLITE_READERS, timeout=SQLITE_BUSY_TIMEOUT)
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql"}:
        if not parts.hostname and not parts.path.strip("/"):
            raise DatabaseURLError("a postgres URL needs a host and a database name")
        config = {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "user": unquote(parts.username or "postgres"),
            "database": unquote(parts.path.lstrip("/")) or "postgres",
            # JIT compiling pays off for long analytic queries only: on the statistics
            # summary it added ~60 ms to ~60 ms of work (bench/README.md).
            "server_settings": {"jit": "off"},
        }
        if parts.password:
            config["password"] = unquote(parts.password)
        return PostgresEngine(config=config, extensions=())
    shown = f"{parts.scheme}://…" if parts.scheme else url[:40]
    raise DatabaseURLError(f"unsupported database URL {shown!r}; use sqlite:///… or postgres://…")


#: The engine every table uses once the app (or a command) has bound one.
_bound: Engine | None = None


def default_url() -> str:
    """DATABASE_URL, else the SQLite file in the data dir: what the ``piccolo`` command line uses."""
    return os.environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(
        os.environ.get("BIANMIN_DATA_DIR") or "./data", "bianmin.sqlite3"
    )


def bound_engine() -> Engine:
    """The bound engine; without one (Piccolo's own command line), one built from ``default_url()``."""
    global _bound
    if _bound is None:
        _bound = engine_for_url(default_url())
    return _bound


async def execute(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run one statement on the bound engine, inside the current transaction if there is one.

    For plumbing that owns no table (the audit trail): ``{}`` marks each argument.
    """
    return await bound_engine().run_querystring(QueryString(sql, *args))


def now() -> datetime:
    """The current instant, timezone-aware (stored as UTC)."""
    return datetime.now(UTC)


def json_list(value: Any) -> list[Any]:
    """A JSON array column as a list: SQLite hands back its text, PostgreSQL the decoded array."""
    return msgspec.json.decode(value) if isinstance(value, str) else list(value)


def all_tables() -> list[type[Table]]:
    """Every table of every app in the registry (``PICCOLO_CONF``), and Piccolo's migration table."""
    os.environ.setdefault("PICCOLO_CONF", "backend.piccolo_conf")
    registry = Finder().get_app_registry()
    return [*(t for config in registry.app_configs.values() for t in config.table_classes), Migration]


def bind_engine(engine: Engine) -> None:
    """Make ``engine`` the one every table, and Piccolo's migrations, use."""
    global _bound
    _bound = engine
    for table in all_tables():
        table._meta.db = engine


async def open_engine(url: str, pool_max: int = 10) -> Engine:
    """Build, bind and check the engine for ``url``; raise DatabaseUnavailable if unusable.

    SQLite gets the WAL journal (kept in the file once set) so readers never wait
    for the writer; PostgreSQL gets its connection pool.
    """
    try:
        engine = engine_for_url(url)
    except DatabaseURLError as exc:
        raise DatabaseUnavailable(str(exc)) from None
    bind_engine(engine)
    try:
        if isinstance(engine, SQLiteEngine):
            create_private(Path(engine.path))
            await engine.run_ddl("PRAGMA journal_mode=WAL")
        elif isinstance(engine, PostgresEngine):
            await engine.start_connection_pool(min_size=1, max_size=pool_max, timeout=10)
        await engine.run_ddl("SELECT 1")
    except Exception as exc:
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


def write_transaction(table: type[Table] | None = None) -> Any:
    """The transaction every write function opens: ``async with write_transaction():``.

    On SQLite it takes the write lock up front (BEGIN IMMEDIATE): a deferred
    transaction that reads and then writes fails at once with "database is locked"
    when another writer got there first, instead of waiting its turn.

    Inside another transaction it is a no-op that joins the outer one (Piccolo's
    nested transactions on both engines, and ``PooledTransaction``, hand back the
    parent): a write function called by ``idempotency.run_once`` commits, or rolls
    back, with the idempotency record. ``table`` is accepted for older callers;
    every table is bound to the one engine.
    """
    engine = table._meta.db if table is not None else bound_engine()
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


async def serialize_on(*names: str) -> None:
    """Inside a write transaction: make every other transaction that names one of ``names``
    wait here until this one ends, so a count read now stays true until it commits.

    SQLite's write transaction is already the only writer (``BEGIN IMMEDIATE`` in every
    process, and one writer connection per process), so there is nothing to add. PostgreSQL
    runs writers side by side under READ COMMITTED: it takes a transaction-scoped advisory
    lock per name, in one fixed order, so two transactions naming the same keys queue
    instead of deadlocking. A hash collision between two names only makes them queue too.

    >>> async with write_transaction():
    ...     await serialize_on("attempt:send:phone:13800000001", "attempt:send:ip:192.0.2.1")
    """
    engine = bound_engine()
    if not isinstance(engine, PostgresEngine):
        return
    if engine.current_transaction.get() is None:
        raise RuntimeError("serialize_on holds its locks until the transaction ends: call it inside one")
    for lock in sorted({_lock_number(name) for name in names}):
        await engine.run_querystring(QueryString("SELECT pg_advisory_xact_lock({})", lock))


def _lock_number(name: str) -> int:
    """A stable signed 64-bit number for ``name`` (PostgreSQL's advisory lock keys are bigints)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


_Row = TypeVar("_Row")


def existing(row: _Row | None) -> _Row:
    """``row``, read with ``.first()`` where it cannot be missing: this transaction wrote it,
    or read it a moment ago. Says so to the type checker, and fails loudly if it is missing.

    >>> record = existing(await Row.select(*COLUMNS).where(Row.id == row.id).first())
    """
    if row is None:
        raise LookupError("a row written or read just before is missing")
    return row


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
