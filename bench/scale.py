"""How the common reads grow with history: 100,000 cases, then 1,000,000, in PostgreSQL.

    .venv/bin/python bench/scale.py --database postgres://postgres@127.0.0.1:5432/bianmin_scale

A county that files a steady ~8,300 cases a month (100 k a year): the first step
holds one year of history, the second ten. Older cases are closed, as they would
be; the last two months carry open, due-soon and overdue cases, the same number
at both sizes. The cases are loaded with COPY (a progress bar per step) after the
project's own migrations and seed (regions, catalog); a third of the resolved
ones are rated. At each size the script runs, in-process through the services
the API calls, five times each (median):

- the county statistics summary for the last 30 days, and grouped by village;
- the township overdue list (督办) as township staff see it;
- a resident's case list (first page);
- a catalog search.

The database named in --database is dropped and created.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.accounts.tables import User
from backend.cases import service as cases
from backend.cases.service import Context, Filters
from backend.cases.tables import Case
from backend.catalog import service as catalog
from backend.lib.auth import CurrentUser
from backend.lib.db import close_engine, migrate, open_engine
from backend.lib.i18n import Texts
from backend.regions import service as regions
from backend.settings import PROJECT_ROOT
from backend.stats import service as stats
from benchlib import recreate_postgres

TZ = ZoneInfo("Asia/Shanghai")
PER_MONTH = 100_000 / 12
RESIDENTS = 20_000
COPY_CHUNK = 50_000
#: Ids count down from here as history goes back, so newer cases have larger ids, as in real life.
ID_TOP = 50_000_000
COLUMNS = [
    "id",
    "receipt_no",
    "kind",
    "service_code",
    "title",
    "description",
    "region",
    "region_code",
    "address",
    "resident",
    "submitted_by",
    "status",
    "owner",
    "assignee",
    "time_limit_days",
    "response_due",
    "responded_at",
    "accepted_at",
    "deadline",
    "due_soon_at",
    "resolved_at",
    "closed_at",
    "low_rated",
    "created_at",
    "updated_at",
]
OPEN = ["accepted", "assigned", "in_progress", "waiting_info"]


def bar(done: int, total: int, began: float) -> None:
    width = 40
    filled = int(width * done / total)
    rate = done / max(1e-9, time.perf_counter() - began)
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,} {rate:>8,.0f} rows/s", end="", flush=True)


async def prepare(url: str) -> dict:
    """Migrations, regions, catalog, staff, a grid worker and the residents; the ids the load needs."""
    await migrate()
    await regions.seed()
    await catalog.seed()
    now = datetime.now(UTC)
    region_rows = await Case.raw("SELECT id, code, level FROM region")
    grids = {r["code"]: r["id"] for r in region_rows if r["level"] == "grid"}
    township = next(r for r in region_rows if r["code"] == "990101001")
    await User.insert(
        User(phone="13900000001", name="乡镇工作人员", role="staff", region=township["id"], created_at=now),
        User(phone="13900000002", name="网格员", role="grid_worker", region=grids["990101001001001"], created_at=now),
    )
    grid_codes = sorted(grids)
    for start in range(0, RESIDENTS, 1000):
        await User.insert(
            *[
                User(
                    phone=f"136{n:08d}",
                    name=f"村民{n}",
                    role="resident",
                    region=grids[grid_codes[n % len(grid_codes)]],
                    created_at=now,
                )
                for n in range(start, min(RESIDENTS, start + 1000))
            ]
        )
    users = await Case.raw("SELECT id, phone FROM app_user")
    by_phone = {u["phone"]: u["id"] for u in users}
    residents = sorted(uid for phone, uid in by_phone.items() if phone.startswith("136"))
    codes = [r["code"] for r in await Case.raw("SELECT code FROM service WHERE active")]
    return {
        "grids": grids,
        "grid_codes": grid_codes,
        "residents": residents,
        "codes": codes,
        "staff": by_phone["13900000001"],
        "worker": by_phone["13900000002"],
    }


def case_record(n: int, created: datetime, now: datetime, rng: random.Random, ids: dict) -> tuple:
    resident = ids["residents"][n % len(ids["residents"])]
    grid = ids["grid_codes"][(n % len(ids["residents"])) % len(ids["grid_codes"])]
    age = now - created
    accepted = created + timedelta(hours=rng.randrange(1, 30))
    deadline = accepted + timedelta(days=rng.randrange(5, 21))
    if age > timedelta(days=60):
        status = "closed" if rng.random() < 0.9 else "rejected"
    else:
        status = rng.choice(["submitted", "accepted", "assigned", "in_progress", "waiting_info", "resolved", "closed"])
    if status in ("submitted", "rejected"):
        accepted_at, deadline_at = None, None
    else:
        accepted_at, deadline_at = min(accepted, now), deadline
    resolved = accepted + timedelta(days=rng.randrange(1, 20)) if status in ("resolved", "closed") else None
    if resolved is not None and resolved > now:
        resolved = now
    return (
        ID_TOP - n,
        f"BM-{created:%Y-%m}-S{n:07d}",
        "request",
        ids["codes"][n % len(ids["codes"])],
        "村口路灯不亮了",
        "路灯坏了。",
        ids["grids"][grid],
        grid,
        "",
        resident,
        resident,
        status,
        ids["staff"] if accepted_at else None,
        ids["worker"] if status not in ("submitted", "rejected", "accepted") else None,
        15,
        created + timedelta(days=1),
        accepted_at,
        accepted_at,
        deadline_at,
        deadline_at - timedelta(days=3) if deadline_at else None,
        resolved,
        resolved + timedelta(days=2) if status == "closed" and resolved else None,
        False,
        created,
        resolved or created,
    )


async def load(url: str, first: int, count: int, ids: dict, now: datetime) -> None:
    """Cases ``first`` … ``first + count - 1``, each older than the last (history grows backwards)."""
    rng = random.Random(first)
    connection = await asyncpg.connect(url)
    began = time.perf_counter()
    try:
        for start in range(first, first + count, COPY_CHUNK):
            records = []
            for n in range(start, min(first + count, start + COPY_CHUNK)):
                created = now - timedelta(days=30.4 * n / PER_MONTH) - timedelta(seconds=rng.randrange(0, 3600))
                records.append(case_record(n, created, now, rng, ids))
            await connection.copy_records_to_table("app_case", records=records, columns=COLUMNS)
            bar(min(first + count, start + COPY_CHUNK) - first, count, began)
        print()
        await connection.execute(
            "INSERT INTO rating (case_id, rater, kind, slot, score, tags, comment, created_at, flag_status, "
            "flag_reason, decision_note) SELECT id, resident, 'first', CAST(id AS TEXT) || ':first', 1 + (id % 5), "
            "'[]', '', resolved_at, 'none', '', '' FROM app_case WHERE resolved_at IS NOT NULL AND id % 3 = 0 "
            "AND id <= $1 AND id > $2",
            ID_TOP - first,
            ID_TOP - first - count,
        )
        await connection.execute("SELECT setval(pg_get_serial_sequence('app_case', 'id'), $1)", ID_TOP + 1)
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def measure(ids: dict, now: datetime, texts: Texts) -> dict[str, float]:
    ctx = Context(texts=texts, tz=TZ, default_time_limit_days=15)
    staff = CurrentUser(id=ids["staff"], role="staff", locale="zh-Hans", region_code="990101001")
    resident = CurrentUser(id=ids["residents"][17], role="resident", locale="zh-Hans", region_code=None)
    today = now.astimezone(TZ).date()
    start = today - timedelta(days=29)
    probes = {
        "county statistics, last 30 days": lambda: stats.summary(
            "990101", "青溪县", start, today, None, "zh-Hans", texts, TZ, now
        ),
        "county statistics by village, last 30 days": lambda: stats.summary(
            "990101", "青溪县", start, today, "village", "zh-Hans", texts, TZ, now
        ),
        "township overdue list (督办)": lambda: cases.list_cases(staff, Filters(overdue=True), now, ctx),
        "resident's case list": lambda: cases.list_cases(resident, Filters(), now, ctx),
        "catalog search 低保": lambda: catalog.list_services("zh-Hans", texts, q="低保"),
    }
    results = {}
    for name, probe in probes.items():
        await probe()  # warm
        timings = []
        for _ in range(5):
            began = time.perf_counter()
            await probe()
            timings.append((time.perf_counter() - began) * 1000)
        results[name] = statistics.median(timings)
    return results


async def run(url: str, sizes: list[int]) -> None:
    engine = await open_engine(url)
    texts = Texts.load(PROJECT_ROOT / "locales")
    try:
        ids = await prepare(url)
        now = datetime.now(UTC)
        loaded = 0
        table: dict[int, dict[str, float]] = {}
        for size in sizes:
            print(f"loading cases {loaded:,} → {size:,}")
            await load(url, loaded, size - loaded, ids, now)
            loaded = size
            table[size] = await measure(ids, now, texts)
            for name, ms in table[size].items():
                print(f"  {name:45s} {ms:8.1f} ms")
        print()
        head = " | ".join(f"{size:,} cases" for size in sizes)
        print(f"| query | {head} | growth |")
        print("| --- |" + " --- |" * (len(sizes) + 1))
        for name in table[sizes[0]]:
            cells = " | ".join(f"{table[size][name]:.1f} ms" for size in sizes)
            print(f"| {name} | {cells} | {table[sizes[-1]][name] / table[sizes[0]][name]:.2f}× |")
    finally:
        await close_engine(engine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/bianmin_scale")
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated case counts, ascending")
    args = parser.parse_args()
    if not args.database.startswith("postgres"):
        sys.exit("this benchmark loads with PostgreSQL's COPY: pass --database postgres://…")
    asyncio.run(recreate_postgres(args.database))
    asyncio.run(run(args.database, [int(size) for size in args.sizes.split(",")]))


if __name__ == "__main__":
    main()
