"""PostgreSQL crashes and comes back under load: the server says it is unhealthy
(503 on /healthz, 503 in the error format on the API, never a hang), then
recovers by itself, without being restarted, and no acknowledged submission is
lost or doubled.

The test runs its own PostgreSQL cluster (initdb in a temporary directory, on a
free port), so crashing it disturbs nothing else on the machine. It runs in the
PostgreSQL pass of `make test`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.conftest import PG_URL, SECRET
from tests.faults.clients import RETRY_STATUSES, Tally
from tests.processes import BIANMIN, Server, free_port

pytestmark = pytest.mark.skipif(not PG_URL, reason="runs in the PostgreSQL pass (BIANMIN_TEST_DATABASE_URL)")

PG_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), default=None, key=lambda path: int(path.parent.name))
RESIDENT = "13800000001"
LOAD_CLIENTS = 20


class Cluster:
    """A throwaway PostgreSQL cluster; as root, its commands run as the postgres user."""

    def __init__(self) -> None:
        assert PG_BIN is not None, "PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are needed"
        self.root = Path(tempfile.mkdtemp(prefix="bianmin-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/bianmin"
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.start()
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "bianmin")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "postgres.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def crash(self) -> None:
        """Immediate shutdown: like a power cut for the server, recovery from the WAL on start."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already down
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    cluster = Cluster()
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.remove()


def _env(cluster: Cluster, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIANMIN_", "DATABASE_URL"))}
    env.update(DATABASE_URL=cluster.url, BIANMIN_SECRET_KEY=SECRET, BIANMIN_DATA_DIR=str(data_dir), BIANMIN_DEMO="on")
    return env


async def _health(http: httpx.AsyncClient) -> int | None:
    try:
        return (await http.get("/healthz", timeout=10)).status_code
    except httpx.TransportError:
        return None


async def _wait_for_health(http: httpx.AsyncClient, status: int, seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if await _health(http) == status:
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    raise AssertionError(f"/healthz did not answer {status} within {seconds} s")


async def test_the_service_reports_a_database_crash_and_recovers_by_itself(cluster, tmp_path):
    data_dir = tmp_path / "serve-data"
    env = _env(cluster, data_dir)
    server = Server(env, tmp_path / "server.log")
    server.start()  # migrates the empty database and seeds the demo data
    tally = Tally()
    outage_answers: Counter[int] = Counter()
    stop_load = asyncio.Event()
    down = asyncio.Event()
    try:
        await server.wait_healthy()
        pid = server.process.pid
        issued = await asyncio.to_thread(
            subprocess.run,
            [BIANMIN, "token", RESIDENT],
            env=env,
            cwd=data_dir,
            capture_output=True,
            text=True,
            check=True,
        )
        token = issued.stdout.strip()
        headers = {"Authorization": f"Bearer {token}"}

        async def load(http: httpx.AsyncClient, lane: int) -> None:
            """Submits one case after another, each retried with its key until answered."""
            number = lane * 10_000
            while not stop_load.is_set():
                number += 1
                key = {"Idempotency-Key": f"restart-{number}"}
                body = {
                    "kind": "suggestion",
                    "title": f"重启 {number}",
                    "description": "pg restart",
                    "region": "990101001001001",
                }
                while True:
                    tally.tries += 1
                    try:
                        answer = await http.post("/api/v1/cases", json=body, headers={**headers, **key})
                    except httpx.TransportError:
                        tally.transport_errors += 1
                    else:
                        if down.is_set():
                            outage_answers[answer.status_code] += 1
                        if answer.status_code not in RETRY_STATUSES:
                            tally.answers[number] = answer
                            break
                        assert set(answer.json()) == {"error"}, answer.text
                    await asyncio.sleep(0.2)

        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            lanes = [asyncio.create_task(load(http, lane)) for lane in range(LOAD_CLIENTS)]
            await asyncio.sleep(2)
            before = tally.acknowledged
            cluster.crash()
            down.set()
            to_unhealthy = await _wait_for_health(http, 503, 15)
            # While the database is away, requests are answered (never left hanging) and say so.
            answer = await http.get("/api/v1/cases", headers=headers, timeout=15)
            assert answer.status_code == 503, answer.text
            assert answer.json()["error"]["code"] == "service_unavailable"
            await asyncio.sleep(2)
            cluster.start()
            to_healthy = await _wait_for_health(http, 200, 60)
            down.clear()
            after_recovery = tally.acknowledged
            await asyncio.sleep(2)
            stop_load.set()
            await asyncio.wait_for(asyncio.gather(*lanes), 120)
            assert (await http.get("/api/v1/cases", headers=headers)).status_code == 200
        assert server.process.pid == pid and server.process.poll() is None, "the server must not have restarted"
    finally:
        stop_load.set()
        server.stop()

    statuses = Counter(answer.status_code for answer in tally.answers.values())
    assert statuses == {201: len(tally.answers)}, statuses
    assert tally.acknowledged > after_recovery > before > 0
    assert 500 not in outage_answers, (outage_answers, server.log()[-3000:])
    connection = await asyncpg.connect(cluster.url)
    try:
        rows = await connection.fetch("SELECT id, title FROM app_case WHERE description = 'pg restart'")
    finally:
        await connection.close()
    acknowledged = {f"重启 {n}": answer.json()["id"] for n, answer in tally.answers.items()}
    assert len(rows) == len(acknowledged)
    assert {row["title"]: row["id"] for row in rows} == acknowledged
    print(
        f"\npostgres crash: {before} submissions acknowledged before, unhealthy after {to_unhealthy:.1f} s, "
        f"healthy {to_healthy:.1f} s after restart, {tally.acknowledged} acknowledged = {len(rows)} stored; "
        f"answers during the outage {dict(outage_answers)}"
    )
