"""Piccolo's SQLite engine on long-lived connections: one writer, readers in parallel.

Piccolo's ``SQLiteEngine`` opens a new connection (and with aiosqlite a new
thread) for every query outside a transaction, and another for each
transaction. That caps a one-row read near 1,400 requests a second on this
project's machine, where a bare route serves over 10,000. ``PooledSQLiteEngine``
keeps the same interface and keeps its connections instead:

- one writer connection, taken under an ``asyncio.Lock`` by every write and by
  every transaction (SQLite has one writer at a time anyway; waiting in line in
  the event loop is cheaper than ``database is locked`` and busy-wait retries);
- ``readers`` connections for plain ``SELECT`` outside a transaction, used in
  parallel: in WAL mode readers never wait for the writer, and each statement
  sees everything committed before it began. They are opened with
  ``query_only``, so a write that reached one by mistake fails loudly instead of
  competing with the writer.

Every connection gets ``foreign_keys``, ``busy_timeout`` (other processes, e.g.
``bianmin serve --workers N`` or ``bianmin worker``, still share the file lock)
and ``synchronous=NORMAL``, which in WAL mode loses no committed transaction on
an application crash, only possibly the last ones on a power cut.

The pool belongs to the event loop that first used it; a later loop (tests run
one per test) gets a fresh pool, and ``close()`` closes whatever is open.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, cast

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

#: Statements a reader may run: they cannot write (a ``WITH`` may end in an INSERT).
_READ_PREFIXES = ("SELECT",)


def is_read(sql: str) -> bool:
    """True for a statement that a read-only connection can run.

    >>> is_read("  select 1"), is_read("INSERT INTO t VALUES (1)"), is_read("WITH x AS (SELECT 1) DELETE FROM t")
    (True, False, False)
    """
    return sql.lstrip()[:6].upper() in _READ_PREFIXES


class _Pool:
    """The connections of one event loop."""

    def __init__(self, engine: PooledSQLiteEngine, loop: asyncio.AbstractEventLoop) -> None:
        self.engine = engine
        self.loop = loop
        self.writer_lock = asyncio.Lock()
        self.writer: aiosqlite.Connection | None = None
        self.idle: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self.opened: list[aiosqlite.Connection] = []
        self.readers_opened = 0

    async def open(self, *, reader: bool) -> aiosqlite.Connection:
        connection = aiosqlite.connect(**self.engine.connection_kwargs)
        # aiosqlite's thread is not a daemon: a kept connection that nobody closed (an
        # engine never closed, a loop that ended) would keep the process from exiting.
        # Closing stays the normal path; an exit without it is like a crash, which WAL
        # journaling is made for.
        connection._thread.daemon = True  # noqa: SLF001 - set before the thread starts (on await)
        await connection
        self.opened.append(connection)
        connection.row_factory = dict_factory  # type: ignore[assignment]  # aiosqlite says a class; sqlite3 takes any callable
        timeout_ms = int(float(self.engine.connection_kwargs.get("timeout", 5.0)) * 1000)
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        await connection.execute("PRAGMA synchronous = NORMAL")
        if reader:
            await connection.execute("PRAGMA query_only = ON")
        return connection

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[aiosqlite.Connection]:
        if self.idle.empty() and self.readers_opened < self.engine.readers:
            self.readers_opened += 1
            try:
                connection = await self.open(reader=True)
            except BaseException:
                self.readers_opened -= 1
                raise
        else:
            connection = await self.idle.get()
        try:
            yield connection
        finally:
            self.idle.put_nowait(connection)

    @asynccontextmanager
    async def writer_connection(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self.writer_lock:
            if self.writer is None:
                self.writer = await self.open(reader=False)
            yield self.writer

    async def close(self) -> None:
        opened, self.opened = self.opened, []
        for connection in opened:
            try:
                await connection.close()
            except (sqlite3.Error, ValueError, RuntimeError):  # already closed, or its loop is gone
                connection.stop()

    def stop(self) -> None:
        """End the connections' threads without a loop (theirs has ended): they are not
        daemon threads, so one left waiting would keep the process from exiting."""
        opened, self.opened = self.opened, []
        for connection in opened:
            connection.stop()


class PooledTransaction(SQLiteTransaction):
    """A transaction on the writer connection, which it holds until it ends."""

    __slots__ = ("_hold",)

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        engine = cast(PooledSQLiteEngine, self.engine)  # only PooledSQLiteEngine.transaction makes one
        self._hold = (await engine.pool()).writer_connection()
        self.connection = await self._hold.__aenter__()
        try:
            await self.begin()
        except BaseException as exc:
            await self._hold.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(
        self,
        exception_type: type[BaseException] | None,
        exception: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                try:
                    await self.commit()
                except BaseException:
                    # A failed COMMIT (a full disk, say) leaves the transaction open: end it,
                    # so the writer connection goes back clean.
                    await self._force_rollback()
                    raise
        finally:
            self.engine.current_transaction.reset(self.context)
            await self._hold.__aexit__(exception_type, exception, traceback)
        return exception is None

    async def _force_rollback(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            await self.connection.execute("ROLLBACK")


class PooledSQLiteEngine(SQLiteEngine):
    """``SQLiteEngine`` with kept connections; ``readers`` read-only ones plus one writer."""

    __slots__ = ("_pools", "readers")

    def __init__(self, path: str, readers: int = 4, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self.readers = max(1, readers)
        self._pools: dict[asyncio.AbstractEventLoop, _Pool] = {}

    async def pool(self) -> _Pool:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            # Pools of loops that have ended (earlier tests) hold threads and file handles.
            for old_loop in [old for old in self._pools if old.is_closed()]:
                self._pools.pop(old_loop).stop()
            pool = self._pools[loop] = _Pool(self, loop)
        return pool

    async def close(self) -> None:
        """Close every connection this loop's pool opened."""
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()

    def transaction(
        self, transaction_type: TransactionType = TransactionType.deferred, allow_nested: bool = True
    ) -> PooledTransaction:
        return PooledTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None
    ) -> Any:
        """Outside a transaction: a reader for a SELECT, else the writer (autocommit)."""
        pool = await self.pool()
        # execute_fetchall: one trip to the connection's thread instead of three
        # (execute, fetchall, close).
        if is_read(query):
            async with pool.reader() as connection:
                return await connection.execute_fetchall(query, args or [])
        async with pool.writer_connection() as connection:
            return await connection.execute_fetchall(query, args or [])

    async def _run_in_existing_connection(
        self, connection: Any, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None
    ) -> Any:
        # Piccolo runs ``PRAGMA foreign_keys`` before every statement here; ours are
        # set once per connection.
        return await connection.execute_fetchall(query, args or [])
