"""The pooled SQLite engine: kept connections, one writer in turn, readers beside it."""

import asyncio
import contextvars
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from piccolo.engine.sqlite import TransactionType
from piccolo.querystring import QueryString

from backend.lib.db import close_engine
from backend.lib.sqlite import PooledSQLiteEngine


@pytest.fixture
async def engine(tmp_path: Path):
    engine = PooledSQLiteEngine(path=str(tmp_path / "pool.sqlite3"), readers=3, timeout=30)
    await engine.run_ddl("PRAGMA journal_mode=WAL")
    await engine.run_ddl("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
    await engine.run_ddl("CREATE TABLE entry (id INTEGER PRIMARY KEY, n INTEGER NOT NULL UNIQUE)")
    await engine.run_ddl("INSERT INTO counter (id, value) VALUES (1, 0)")
    yield engine
    await close_engine(engine)


async def q(engine, sql: str, *args):
    return await engine.run_querystring(QueryString(sql, *args))


async def test_64_concurrent_read_then_write_transactions_all_commit(engine):
    async def bump(n: int) -> None:
        async with engine.transaction(transaction_type=TransactionType.immediate):
            [row] = await q(engine, "SELECT value FROM counter WHERE id = 1")
            await asyncio.sleep(0)  # let the others try to get in between the read and the write
            await q(engine, "UPDATE counter SET value = {} WHERE id = 1", row["value"] + 1)
            await q(engine, "INSERT INTO entry (n) VALUES ({})", n)

    results = await asyncio.gather(*(bump(n) for n in range(64)), return_exceptions=True)

    assert [r for r in results if r is not None] == []  # no "database is locked", no lost update
    assert (await q(engine, "SELECT value FROM counter"))[0]["value"] == 64
    assert (await q(engine, "SELECT count(*) AS n FROM entry"))[0]["n"] == 64


async def test_64_concurrent_autocommit_writes_and_reads_interleave(engine):
    async def write(n: int) -> None:
        await q(engine, "INSERT INTO entry (n) VALUES ({})", n)

    async def read() -> int:
        return (await q(engine, "SELECT count(*) AS n FROM entry"))[0]["n"]

    outcomes = await asyncio.gather(*(write(n) if n % 2 else read() for n in range(128)), return_exceptions=True)

    assert not [o for o in outcomes if isinstance(o, BaseException)]
    assert await read() == 64


async def test_readers_are_not_blocked_by_an_open_write_transaction(engine):
    async with engine.transaction(transaction_type=TransactionType.immediate):
        await q(engine, "UPDATE counter SET value = 99 WHERE id = 1")
        # Another request (a task outside the transaction) reads the last committed value at once.
        other = asyncio.create_task(q(engine, "SELECT value FROM counter"), context=contextvars.Context())
        seen = await asyncio.wait_for(other, timeout=2)
        assert seen[0]["value"] == 0
    assert (await q(engine, "SELECT value FROM counter"))[0]["value"] == 99


async def test_connections_are_kept_not_opened_per_query(engine):
    await asyncio.gather(*(q(engine, "SELECT value FROM counter") for _ in range(200)))
    for n in range(50):
        await q(engine, "INSERT INTO entry (n) VALUES ({})", n)
    pool = await engine.pool()
    assert len(pool.opened) <= engine.readers + 1


async def test_a_reader_connection_refuses_to_write(engine):
    pool = await engine.pool()
    async with pool.reader() as connection:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await connection.execute("UPDATE counter SET value = 5")
    assert (await q(engine, "SELECT value FROM counter"))[0]["value"] == 0


async def test_a_failed_transaction_rolls_back_and_frees_the_writer(engine):
    async def insert_twice() -> None:
        async with engine.transaction():
            await q(engine, "INSERT INTO entry (n) VALUES (1)")
            await q(engine, "INSERT INTO entry (n) VALUES (1)")

    with pytest.raises(sqlite3.IntegrityError):
        await insert_twice()
    assert (await q(engine, "SELECT count(*) AS n FROM entry"))[0]["n"] == 0
    await asyncio.wait_for(q(engine, "INSERT INTO entry (n) VALUES (2)"), timeout=2)


async def test_a_cancelled_transaction_frees_the_writer(engine):
    started = asyncio.Event()

    async def long_transaction() -> None:
        async with engine.transaction():
            await q(engine, "INSERT INTO entry (n) VALUES (7)")
            started.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(long_transaction())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(q(engine, "INSERT INTO entry (n) VALUES (8)"), timeout=2)
    assert [row["n"] for row in await q(engine, "SELECT n FROM entry")] == [8]


async def test_every_connection_has_foreign_keys_busy_timeout_and_normal_sync(engine):
    pool = await engine.pool()
    async with pool.reader() as reader:
        settings = [
            (await (await reader.execute(f"PRAGMA {name}")).fetchone())
            for name in ("foreign_keys", "busy_timeout", "synchronous", "journal_mode")
        ]
    assert [next(iter(s.values())) for s in settings] == [1, 30000, 1, "wal"]


def test_two_processes_writing_at_once_never_see_database_is_locked(tmp_path: Path):
    """Two processes (serve --workers 2, or serve beside a worker) share the file lock."""
    path = tmp_path / "shared.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, who TEXT NOT NULL)")
    setup.commit()
    setup.close()
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        from piccolo.engine.sqlite import TransactionType
        from piccolo.querystring import QueryString
        from backend.lib.sqlite import PooledSQLiteEngine

        async def main():
            engine = PooledSQLiteEngine(path={str(path)!r}, timeout=30)
            async def write(n):
                async with engine.transaction(transaction_type=TransactionType.immediate):
                    await engine.run_querystring(QueryString("SELECT count(*) FROM entry"))
                    await engine.run_querystring(QueryString("INSERT INTO entry (who) VALUES ({{}})", sys.argv[1]))
            await asyncio.gather(*(write(n) for n in range(64)))
            await engine.close()
        asyncio.run(main())
        """
    )
    repo = Path(__file__).resolve().parents[3]
    processes = [
        subprocess.Popen([sys.executable, "-c", script, who], cwd=repo, stderr=subprocess.PIPE, text=True)
        for who in ("a", "b")
    ]
    errors = [process.communicate(timeout=120)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], errors
    check = sqlite3.connect(path)
    assert check.execute("SELECT who, count(*) FROM entry GROUP BY who ORDER BY who").fetchall() == [
        ("a", 64),
        ("b", 64),
    ]
    check.close()


def test_a_pool_left_behind_by_an_ended_loop_does_not_keep_the_process_alive(tmp_path: Path):
    script = textwrap.dedent(
        f"""
        import asyncio
        from piccolo.querystring import QueryString
        from backend.lib.sqlite import PooledSQLiteEngine

        engine = PooledSQLiteEngine(path={str(tmp_path / "left.sqlite3")!r})
        # The first loop ends without closing its pool; the next use prunes it.
        asyncio.run(engine.run_querystring(QueryString("SELECT 1")))
        asyncio.run(engine.run_querystring(QueryString("SELECT 2")))
        print("done")
        """
    )
    repo = Path(__file__).resolve().parents[3]
    finished = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0 and finished.stdout.strip() == "done", finished.stderr
