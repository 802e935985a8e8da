"""How long does the three-year statistics export take at 60,000 cases, before and after?

Seeds N cases (default 60,000, with ratings; ``stats_scale.seed``) into a scratch
database, then times ``GET /api/v1/stats/export.xlsx`` for the whole county over three
years, through the app (in-process ASGI client, the county admin's token), in two
child processes taking turns: one running the code of ``--before`` (a checkout of the
code to compare with, e.g. ``git archive a02e102 | tar -x -C /tmp/before``) and one
running this checkout. Reports the median of ``--runs`` exports each, side by side.

Run (SQLite):      .venv/bin/python bench/stats_export.py --before /tmp/before
Run (PostgreSQL):  .venv/bin/python bench/stats_export.py --before /tmp/before \
                       --database postgres://postgres@127.0.0.1:5432/bianmin_bench_export
The PostgreSQL database is dropped and created. Without ``--before`` only this checkout is timed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

# A child process imports these from the checkout on its PYTHONPATH (``--before``).
from backend.accounts import service as accounts
from backend.app import create_app
from backend.cases.tables import Case
from backend.lib.auth import issue_token
from backend.lib.clock import Clock
from backend.lib.crypto import FieldCipher
from backend.lib.db import close_engine, migrate, open_engine
from backend.settings import Settings
from benchlib import recreate_postgres
from stats_scale import seed as seed_cases

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-key-that-is-long-enough-for-hkdf-0123456789"
ADMIN_PHONE = "13800000004"
PERIOD = {"region": "990101", "from": "2024-01-01", "to": "2026-12-31"}


async def seed(url: str, n: int) -> None:

    engine = await open_engine(url)
    try:
        await migrate()
        began = time.perf_counter()
        await seed_cases(n)
        await accounts.seed_demo_users(FieldCipher(SECRET))
        await Case.raw("ANALYZE")
        print(f"seeded {n} cases in {time.perf_counter() - began:.1f} s ({url.split(':')[0]})", flush=True)
    finally:
        await close_engine(engine)


async def time_exports(url: str, runs: int) -> list[float]:
    """In a child process: ``runs`` exports through whichever ``backend`` is on the path."""

    data = Path(tempfile.mkdtemp())
    settings = Settings(data_dir=data, database_url=url, secret_key=SECRET, pwa_dir=data / "no-pwa")
    app = create_app(settings)
    timings = []
    async with app.lifespan():
        admin = await accounts.find_by_phone(ADMIN_PHONE)
        assert admin is not None
        token = issue_token(admin.id, SECRET, 1, now=Clock().now())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
            for _ in range(runs):
                began = time.perf_counter()
                response = await client.get(
                    "/api/v1/stats/export.xlsx", params=PERIOD, headers={"Authorization": f"Bearer {token}"}
                )
                timings.append(time.perf_counter() - began)
                assert response.status_code == 200, response.text
    return timings


def child(checkout: Path, url: str, runs: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", url, "--runs", str(runs)]
    out = subprocess.run(command, env=env, cwd=checkout, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="")
    parser.add_argument("--cases", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(time_exports(args.child, args.runs))))
        return
    url = args.database
    if url.startswith("postgres"):
        asyncio.run(recreate_postgres(url))
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    asyncio.run(seed(url, args.cases))
    versions = [("before", args.before.resolve())] if args.before else []
    versions.append(("after", ROOT))
    timings: dict[str, list[float]] = {label: [] for label, _ in versions}
    # Taking turns one export at a time, so a busy spell on the machine hits both alike.
    for _ in range(args.runs):
        for label, checkout in versions:
            timings[label] += child(checkout, url, 1)
    print(f"three-year export of {args.cases} cases, whole county, median of {args.runs}:")
    for label, values in timings.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {label:6s} {statistics.median(values) * 1000:9.0f} ms   (runs: {shown} s)")


if __name__ == "__main__":
    main()
