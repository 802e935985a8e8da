"""HTTP throughput of the hot endpoints, as a fraction of what the framework can do here.

    .venv/bin/python bench/http_load.py                                   # SQLite (the embedded default)
    .venv/bin/python bench/http_load.py --database-url postgres://postgres@127.0.0.1:5432/bianmin_bench_http

Seeds a scratch database with the project's own tables and seed code (the demo
regions, the full catalog, 2,000 residents, 50,000 cases with their timelines:
closed cases have the six events submit → accept → assign → start → resolve →
rate), starts `bianmin serve` pinned to CPU 0 (`taskset -c 0`) and drives it with
`wrk` pinned to CPU 1: 64 connections, 3 rounds of 10 s per endpoint, medians.
In the same run a bare Litestar route (bench/ceiling_app.py) answering as many
bytes as the case detail gives the *ceiling*. A PostgreSQL database named in
--database-url is dropped and created. Needs Debian's `wrk`; talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.accounts.tables import User
from backend.cases.tables import Case, CaseEvent
from backend.catalog import service as catalog
from backend.catalog.tables import Service
from backend.lib.db import close_engine, migrate, open_engine
from backend.regions import service as regions
from backend.regions.tables import Region
from benchlib import free_port, recreate_postgres, session_tokens

BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-that-is-long-enough-0123456789abcdef"
CHUNK = 1000
TOWNSHIP = "990101001"
#: (action, from, to) of a case's life; a case in status S has the events up to S.
LIFE = [
    ("submit", None, "submitted"),
    ("accept", "submitted", "accepted"),
    ("assign", "accepted", "assigned"),
    ("start", "assigned", "in_progress"),
    ("resolve", "in_progress", "resolved"),
    ("rate", "resolved", "closed"),
]
#: Share of cases by how far they got (index into LIFE).
PROGRESS = [(0, 0.04), (1, 0.04), (2, 0.04), (3, 0.08), (4, 0.10), (5, 0.70)]


@dataclass
class Seeded:
    resident_id: int
    staff_id: int
    case_id: int
    grid: str
    service_code: str


async def seed(url: str, residents: int, cases: int) -> Seeded:
    engine = await open_engine(url)
    try:
        await migrate()
        await regions.seed()
        await catalog.seed()
        rng = random.Random(7)
        now = datetime.now(UTC)
        grids = {r["code"]: r["id"] for r in await Region.select(Region.code, Region.id).where(Region.level == "grid")}
        township_grids = [code for code in grids if code.startswith(TOWNSHIP)]
        codes = [row["code"] for row in await Service.select(Service.code).where(Service.active.eq(True))]
        township = await Region.select(Region.id).where(Region.code == TOWNSHIP).first()
        await User.insert(
            User(phone="13900000001", name="乡镇工作人员", role="staff", region=township["id"], created_at=now),
            User(
                phone="13900000002", name="网格员", role="grid_worker", region=grids[township_grids[0]], created_at=now
            ),
        )
        staff = await User.select(User.id).where(User.phone == "13900000001").first()
        worker = await User.select(User.id).where(User.phone == "13900000002").first()
        home: dict[int, str] = {}
        for start in range(0, residents, CHUNK):
            batch = []
            for n in range(start, min(residents, start + CHUNK)):
                grid = rng.choice(list(grids))
                batch.append(
                    User(
                        phone=f"137{n:08d}",
                        name=f"村民{n}",
                        role="resident",
                        region=grids[grid],
                        locale="zh-Hant" if n % 5 == 0 else "zh-Hans",
                        created_at=now,
                    )
                )
            await User.insert(*batch)
        for row in await User.select(User.id, User.region.code).where(User.role == "resident"):
            home[row["id"]] = row["region.code"]
        people = sorted(home)
        began = now - timedelta(days=730)
        for start in range(0, cases, CHUNK):
            rows = []
            stages = []
            for n in range(start, min(cases, start + CHUNK)):
                resident = people[n % len(people)]
                stage = rng.choices([p for p, _ in PROGRESS], [w for _, w in PROGRESS])[0]
                created = began + timedelta(seconds=rng.randrange(0, 730 * 86400))
                if stage == 4:  # resolved lately: closes by itself 7 days after resolution
                    created = now - timedelta(days=6, seconds=rng.randrange(0, 86400))
                elif stage < 4:  # still open: filed in the last two months
                    created = now - timedelta(seconds=rng.randrange(0, 60 * 86400))
                accepted = created + timedelta(hours=rng.randrange(1, 30)) if stage >= 1 else None
                deadline = accepted + timedelta(days=rng.randrange(5, 25)) if accepted else None
                resolved = min(now, accepted + timedelta(days=rng.randrange(1, 5))) if stage >= 4 else None
                status = LIFE[stage][2]
                rows.append(
                    Case(
                        receipt_no=f"BM-{created:%Y-%m}-B{n:06d}",
                        kind="request",
                        service_code=rng.choice(codes),
                        title="村口路灯不亮了，晚上出行不便",
                        description="村口的路灯坏了两个星期，老人晚上出门看不清路。" * 2,
                        region=grids[home[resident]],
                        region_code=home[resident],
                        address="青溪村三组",
                        resident=resident,
                        submitted_by=resident,
                        status=status,
                        time_limit_days=15,
                        owner=staff["id"] if stage >= 1 else None,
                        assignee=worker["id"] if stage >= 2 else None,
                        response_due=created + timedelta(days=1),
                        responded_at=accepted,
                        accepted_at=accepted,
                        deadline=deadline,
                        due_soon_at=(deadline - timedelta(days=2)) if deadline else None,
                        # A steady state: the timers have already reminded and escalated what was due,
                        # so the server's first timer round does not rewrite thousands of cases mid-run.
                        reminded_at=(deadline - timedelta(days=2))
                        if deadline and deadline - timedelta(days=2) < now
                        else None,
                        escalated_at=deadline if deadline and deadline < now else None,
                        resolved_at=resolved,
                        closed_at=(resolved + timedelta(days=2)) if stage >= 5 else None,
                        created_at=created,
                        updated_at=resolved or accepted or created,
                    )
                )
                stages.append((stage, created, resident))
            inserted = await Case.insert(*rows).returning(Case.id)
            events = []
            for row, (stage, created, resident) in zip(inserted, stages, strict=True):
                for step, (action, before, after) in enumerate(LIFE[: stage + 1]):
                    actor = resident if action in ("submit", "rate") else staff["id"] if step < 3 else worker["id"]
                    events.append(
                        CaseEvent(
                            case=row["id"],
                            at=created + timedelta(hours=step * 20),
                            actor=actor,
                            action=action,
                            from_status=before,
                            to_status=after,
                            note="已联系电工，明天上午来修。" if step == 3 else "",
                        )
                    )
            for first in range(0, len(events), 3000):  # PostgreSQL takes at most 32,767 parameters a statement
                await CaseEvent.insert(*events[first : first + 3000])
            print(f"\rseeding cases: {min(cases, start + CHUNK):,}/{cases:,}", end="", flush=True)
        print()
        await Case.raw("ANALYZE")
        first = people[0]
        detail = await Case.select(Case.id).where((Case.resident == first) & (Case.status == "closed")).first()
        return Seeded(first, staff["id"], detail["id"], home[first], codes[0])
    finally:
        await close_engine(engine)


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s")


def fetch(url: str, token: str | None) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> tuple[float, float, int]:
    """Requests per second, p99 in ms and non-2xx answers from wrk's --latency output."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", output).groups()
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rate, float(value) * _UNITS[unit], int(bad.group(1)) if bad else 0


LUA_POST = """
local body = [[{body}]]
local counter = 0
local prefix = ""
function init(args)
  prefix = args[1] .. "-" .. tostring(math.random(1, 2147483647))
end
function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = prefix .. "-" .. counter
  return wrk.format("POST", nil, nil, body)
end
"""


def run_wrk(url: str, token: str | None, ns: argparse.Namespace, label: str, lua: Path | None = None) -> list[tuple]:
    results = []
    for round_ in range(ns.rounds):
        command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{ns.connections}", f"-d{ns.duration}s", "--latency"]
        if token:
            command += ["-H", f"Authorization: Bearer {token}"]
        command += ["-H", "Content-Type: application/json"]
        if lua:
            command += ["-s", str(lua), url, "--", f"{label}{round_}-{time.time_ns()}"]
        else:
            command.append(url)
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        results.append(parse_wrk(output))
    return results


def rss_mb(pid: int) -> tuple[float, float]:
    """Current and peak resident memory of a process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    now = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    return now, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=10, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated endpoint names to run (default: all)")
    parser.add_argument("--port", type=int, default=0, help="for the server (default: a free one)")
    parser.add_argument("--server-checkout", default="", help="serve with the code in this folder (a before/after run)")
    ns = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="bianmin-http-"))
    url = ns.database_url or f"sqlite:///{workdir / 'bianmin.sqlite3'}"
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    if url.startswith("postgres"):
        asyncio.run(recreate_postgres(url))
    began = time.perf_counter()
    seeded = asyncio.run(seed(url, ns.residents, ns.cases))
    print(
        f"seeded {ns.residents:,} residents and {ns.cases:,} cases in {time.perf_counter() - began:.0f} s ({database})"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIANMIN_", "DATABASE_URL"))}
    env.update(DATABASE_URL=url, BIANMIN_DATA_DIR=str(workdir / "data"), BIANMIN_SECRET_KEY=SECRET, BIANMIN_DEMO="off")
    ns.port = ns.port or free_port()
    base = f"http://127.0.0.1:{ns.port}"
    resident, staff = asyncio.run(session_tokens(url, SECRET, [seeded.resident_id, seeded.staff_id]))
    body = (
        f'{{"kind":"request","service_code":"{seeded.service_code}","title":"基准测试申请",'
        f'"description":"压测时提交的事项。","region":"{seeded.grid}"}}'
    )
    lua = workdir / "post.lua"
    lua.write_text(LUA_POST.replace("{body}", body))
    endpoints = [
        ("GET case detail", f"{base}/api/v1/cases/{seeded.case_id}", resident, None),
        ("GET case list (resident)", f"{base}/api/v1/cases", resident, None),
        ("GET case list (township staff)", f"{base}/api/v1/cases", staff, None),
        ("GET /services?q=", f"{base}/api/v1/services?q=%E4%BD%8E%E4%BF%9D", None, None),
        ("POST /cases", f"{base}/api/v1/cases", resident, lua),
    ]
    if ns.only:
        wanted = ns.only.split(",")
        endpoints = [e for e in endpoints if any(w.strip().lower() in e[0].lower() for w in wanted)]
    processes: list[subprocess.Popen] = []
    rows = []
    try:
        command = [str(BIN / "bianmin"), "serve", "--port", str(ns.port)]
        server_root = ROOT
        if ns.server_checkout:
            # Another version of the code (e.g. `git worktree add /tmp/before <commit>`) serves the same data.
            server_root = Path(ns.server_checkout).resolve()
            env["PYTHONPATH"] = str(server_root)
            command = [
                str(BIN / "python"),
                "-c",
                "from backend.cli import main; main()",
                "serve",
                "--port",
                str(ns.port),
            ]
        server = subprocess.Popen(
            ["taskset", "-c", "0", *command],
            env=env,
            cwd=server_root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(server)
        wait_healthy(f"{base}/healthz", server)
        detail_bytes = len(fetch(f"{base}/api/v1/cases/{seeded.case_id}", resident))
        for name, target, token, script in endpoints:
            fetch(target, token) if script is None else None  # warm the path once
            results = run_wrk(target, token, ns, name.split()[0].lower(), script)
            rows.append((name, results, rss_mb(server.pid)))
        server_rss = rss_mb(server.pid)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        ceiling_port = free_port()
        ceiling = subprocess.Popen(
            [
                "taskset",
                "-c",
                "0",
                str(BIN / "python"),
                str(ROOT / "bench" / "ceiling_app.py"),
                "--port",
                str(ceiling_port),
                "--bytes",
                str(detail_bytes),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(ceiling)
        wait_healthy(f"http://127.0.0.1:{ceiling_port}/ceiling", ceiling)
        ceiling_results = run_wrk(f"http://127.0.0.1:{ceiling_port}/ceiling", None, ns, "ceiling")
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    top = statistics.median(r[0] for r in ceiling_results)
    version = f"code in {ns.server_checkout}" if ns.server_checkout else "this checkout"
    print(
        f"\n{database} ({version}); {ns.cases:,} cases; {ns.connections} connections; {ns.rounds} × {ns.duration} s; "
        f"server on CPU 0, wrk on CPU 1; case detail {detail_bytes} bytes"
    )
    print(
        f"ceiling (bare Litestar route, {detail_bytes} bytes): {top:,.0f} req/s, "
        f"p99 {statistics.median(r[1] for r in ceiling_results):.1f} ms"
    )
    print("| endpoint | req/s (median) | of ceiling | p99 (median) | non-2xx | server RSS after |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, results, (rss, _) in rows:
        rate = statistics.median(r[0] for r in results)
        p99 = statistics.median(r[1] for r in results)
        bad = sum(r[2] for r in results)
        print(f"| {name} | {rate:,.0f} | {rate / top:.1%} | {p99:.1f} ms | {bad} | {rss:.0f} MB |")
    print(f"server memory: {server_rss[0]:.0f} MB RSS at the end, {server_rss[1]:.0f} MB peak")


if __name__ == "__main__":
    main()
