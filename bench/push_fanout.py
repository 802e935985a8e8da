"""Push fan-out: how fast `bianmin worker` empties an outbox of 10,000 notifications,
and what that does to the API's latency meanwhile.

    .venv/bin/python bench/push_fanout.py                       # SQLite, 10,000 subscriptions, 1 worker
    .venv/bin/python bench/push_fanout.py --workers 2
    .venv/bin/python bench/push_fanout.py --database-url postgres://postgres@127.0.0.1:5432/bianmin_bench_push

Everything runs on 127.0.0.1, each part in its own process: a push service
(tests/pushservice.py, which checks each VAPID token, once per token as real
services do, and decrypts one message in 100 with http_ece), `bianmin serve`
(in-process delivery off) and the `bianmin worker` processes. Each of the N users has one subscription (half of
them read Traditional) and one due notification. The API probe asks
`GET /api/v1/notifications` every 10 ms, first with the workers stopped (idle),
then while they deliver. A PostgreSQL database named in --database-url is
dropped and created afresh. Every loop is bounded by a count and by --timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.accounts.tables import User
from backend.lib.db import close_engine, migrate, open_engine
from backend.notifications.tables import Notification, PushSubscription
from benchlib import free_port, recreate_postgres, session_tokens

BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-that-is-long-enough-0123456789abcdef"
CHUNK = 1000


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def fill(url: str, count: int, push_url: str, p256dh: str, auth: str) -> int:
    """N users, one subscription and one due notification each; returns the first user's id."""
    engine = await open_engine(url)
    try:
        await migrate()
        now = datetime.now(UTC)
        for start in range(0, count, CHUNK):
            await User.insert(
                *[
                    User(phone=f"139{n:08d}", name=f"村民{n}", locale="zh-Hant" if n % 2 else "zh-Hans", created_at=now)
                    for n in range(start, min(count, start + CHUNK))
                ]
            )
        ids = [row["id"] for row in await User.select(User.id).order_by(User.id)]
        for start in range(0, count, CHUNK):
            chunk = ids[start : start + CHUNK]
            await PushSubscription.insert(
                *[
                    PushSubscription(
                        user=uid, endpoint=f"{push_url}/push/bench-{uid}", p256dh=p256dh, auth=auth, created_at=now
                    )
                    for uid in chunk
                ]
            )
            payload = msgspec.json.encode(
                {"receipt_no": "BM-2026-11-000001", "title": "村口路灯不亮了，晚上出行不便"}
            ).decode()
            await Notification.insert(
                *[
                    Notification(
                        user=uid, case_id=uid, kind="case.start", payload=payload, created_at=now, next_attempt_at=now
                    )
                    for uid in chunk
                ]
            )
        return ids[0]
    finally:
        await close_engine(engine)


async def pending(url: str) -> int:
    engine = await open_engine(url)
    try:
        return await Notification.count().where(Notification.sent_at.is_null())
    finally:
        await close_engine(engine)


def cpu_seconds(process: subprocess.Popen) -> float:
    """User + system CPU time of a running process (Linux)."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(args: list[str], env: dict[str, str], **kw) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, cwd=ROOT, **kw)


async def probe(client: httpx.AsyncClient, headers: dict[str, str], stop: asyncio.Event, limit: int) -> list[float]:
    """Latencies in ms of sequential inbox reads, one every 10 ms, until ``stop`` or ``limit`` reads."""
    latencies: list[float] = []
    while not stop.is_set() and len(latencies) < limit:
        began = time.perf_counter()
        response = await client.get("/api/v1/notifications", headers=headers)
        latencies.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.text
        await asyncio.sleep(0.01)
    return latencies


def summary(latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    return f"p50 {cuts[49]:.1f} ms, p99 {cuts[98]:.1f} ms ({len(latencies)} requests)"


async def run(ns: argparse.Namespace) -> None:
    ns.port = ns.port or free_port()
    workdir = Path(tempfile.mkdtemp(prefix="bianmin-bench-"))
    url = ns.database_url or f"sqlite:///{workdir / 'bianmin.sqlite3'}"
    if url.startswith("postgres"):
        await recreate_postgres(url)
    browser_key = ec.generate_private_key(ec.SECP256R1())
    (workdir / "browser.pem").write_bytes(
        browser_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    auth = os.urandom(16)
    point = browser_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIANMIN_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=url,
        BIANMIN_DATA_DIR=str(workdir / "data"),
        BIANMIN_SECRET_KEY=SECRET,
        BIANMIN_DEMO="off",
        BIANMIN_TIMERS_IN_PROCESS="off",
        BIANMIN_DELIVERY_IN_PROCESS="off",
        BIANMIN_DELIVERY_INTERVAL="1",
        BIANMIN_PUSH_CONCURRENCY=str(ns.concurrency),
        BIANMIN_PUSH_ALLOW_INSECURE="127.0.0.1",  # the push service below runs there
    )
    processes: list[subprocess.Popen] = []
    try:
        pusher = start(
            [str(BIN / "python"), "-m", "tests.pushservice", str(workdir / "browser.pem"), b64url(auth), "100"],
            env,
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(pusher)
        push_url = f"http://127.0.0.1:{pusher.stdout.readline().split()[1]}"
        first_user = await fill(url, ns.subscriptions, push_url, b64url(point), b64url(auth))
        api = start(
            [str(BIN / "bianmin"), "serve", "--port", str(ns.port)],
            env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(api)
        (token,) = await session_tokens(url, SECRET, [first_user])
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{ns.port}", timeout=30) as client,
            httpx.AsyncClient(base_url=push_url) as push,
        ):
            for _ in range(300):
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            await probe(client, headers, asyncio.Event(), 50)  # warm up
            idle_stop = asyncio.Event()
            asyncio.get_running_loop().call_later(ns.idle_seconds, idle_stop.set)
            idle = await probe(client, headers, idle_stop, 5000)

            cpu_before = {"push service": cpu_seconds(pusher), "API": cpu_seconds(api)}
            began = time.perf_counter()
            for _ in range(ns.workers):
                processes.append(
                    start(
                        [str(BIN / "bianmin"), "worker"],
                        {**env, "BIANMIN_WORKER_NICE": str(ns.nice)},
                        stderr=subprocess.DEVNULL,
                    )
                )
            done = asyncio.Event()
            busy_task = asyncio.create_task(probe(client, headers, done, 100_000))
            first = last = None
            accepted = 0
            while time.perf_counter() - began < ns.timeout:
                accepted = (await push.get("/stats")).json()["accepted"]
                now = time.perf_counter()
                if accepted and first is None:
                    first = now
                if accepted >= ns.subscriptions:
                    last = now
                    break
                await asyncio.sleep(0.05)
            cpu = {
                name: cpu_seconds(p) - cpu_before.get(name, 0.0)
                for name, p in [
                    ("push service", pusher),
                    ("API", api),
                    *((f"worker {n + 1}", w) for n, w in enumerate(processes[2:])),
                ]
            }
            done.set()
            busy = await busy_task
            stats = (await push.get("/stats")).json()
        left = await pending(url)
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"database: {database}; subscriptions: {ns.subscriptions}; workers: {ns.workers} (nice {ns.nice}); "
        f"concurrency: {ns.concurrency}; CPUs: {os.cpu_count()}"
    )
    if last is None or first is None:
        print(f"NOT DONE within {ns.timeout} s: {accepted} accepted")
    else:
        print(
            f"delivered: {stats['accepted']} accepted by the push service ({stats['decrypted']} decrypted and checked)"
        )
        print(
            f"rate: {ns.subscriptions / (last - first):.0f} messages/s from the first to the last message; "
            f"{ns.subscriptions / (last - began):.0f} messages/s including worker start-up ({last - began:.1f} s)"
        )
    print(f"outbox rows still unsent: {left}; push service errors: {stats['errors'] or 'none'}")
    print(f"API idle:            {summary(idle)}")
    print(f"API during fan-out:  {summary(busy)}")
    print("CPU seconds during the fan-out: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=32, help="BIANMIN_PUSH_CONCURRENCY per worker")
    parser.add_argument("--nice", type=int, default=10, help="BIANMIN_WORKER_NICE for the workers (10 is the default)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--port", type=int, default=0, help="for the API (default: a free one)")
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument("--timeout", type=float, default=180.0, help="give up after this many seconds of fan-out")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
