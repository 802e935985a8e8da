"""How long do the statistics take as history grows? Seeds N cases (default 100,000)
with ratings into a scratch database through SQL, then times each summary.

Run (SQLite):      .venv/bin/python bench/stats_scale.py
Run (PostgreSQL):  .venv/bin/python bench/stats_scale.py --database postgres://postgres@127.0.0.1:5432/bianmin_bench
The PostgreSQL database is dropped and created. Reports the median of 5 runs per grouping.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from backend.cases.tables import Case
from backend.catalog import service as catalog
from backend.lib.db import close_engine, migrate, open_engine
from backend.lib.i18n import Texts
from backend.regions import service as regions
from backend.settings import PROJECT_ROOT
from backend.stats import service as stats
from benchlib import recreate_postgres

TZ = ZoneInfo("Asia/Shanghai")
GRIDS = [
    "990101001001001",
    "990101001001002",
    "990101001002001",
    "990101001002002",
    "990101001003001",
    "990101002001001",
    "990101002001002",
    "990101002002001",
    "990101002003001",
]


async def seed(n: int) -> None:
    await regions.seed()
    await catalog.seed()
    await Case.raw(
        "INSERT INTO app_user"
        " (phone, name, role, locale, elder_mode, elderly, disabled, lives_alone, active, created_at) "
        "VALUES ('13800000009', '基准居民', 'resident', 'zh-Hans', false, false, false, false, true, {})",
        datetime.now(UTC),
    )
    region_ids = {r["code"]: r["id"] for r in await Case.raw("SELECT id, code FROM region")}
    codes = [r["code"] for r in await Case.raw("SELECT code FROM service")]
    rng = random.Random(1)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    batch: list[tuple] = []
    for i in range(n):
        created = start + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))
        grid = rng.choice(GRIDS)
        accepted = created + timedelta(hours=rng.randrange(1, 40))
        deadline = accepted + timedelta(days=rng.randrange(3, 30))
        resolved = accepted + timedelta(hours=rng.randrange(5, 600)) if rng.random() < 0.8 else None
        batch.append(
            (
                f"BM-B-{i:07d}",
                rng.choice(codes),
                region_ids[grid],
                grid,
                created,
                accepted,
                deadline,
                resolved,
                created + timedelta(days=1),
            )
        )
        if len(batch) == 2000 or i == n - 1:
            values = ", ".join(
                "({}, 'request', {}, '标题', '描述', {}, {}, '', 1, 1, 'resolved', 10,"
                " {}, {}, {}, {}, {}, {}, {}, false)"
                for _ in batch
            )
            params = [
                v
                for (no, code, rid, grid, created, accepted, deadline, resolved, due) in batch
                for v in (no, code, rid, grid, accepted, deadline, resolved, created, created, due, accepted)
            ]
            await Case.raw(
                "INSERT INTO app_case (receipt_no, kind, service_code, title, description, region, region_code, "
                "address, resident, submitted_by, status, time_limit_days, accepted_at, deadline, resolved_at, "
                "created_at, updated_at, response_due, responded_at, low_rated) VALUES " + values,
                *params,
            )
            batch = []
    await Case.raw(
        "INSERT INTO rating (case_id, rater, kind, slot, score, tags, comment, created_at, flag_status, "
        "flag_reason, decision_note) SELECT id, 1, 'first', CAST(id AS TEXT) || ':first', 1 + (id % 5), '[]', '', "
        "resolved_at, 'none', '', '' FROM app_case WHERE resolved_at IS NOT NULL AND id % 3 = 0"
    )


async def run(url: str, n: int) -> None:
    engine = await open_engine(url)
    try:
        await migrate()
        began = time.perf_counter()
        await seed(n)
        # A bulk load leaves the planner without statistics; autovacuum would gather them soon.
        await Case.raw("ANALYZE")
        print(f"seeded {n} cases in {time.perf_counter() - began:.1f} s ({url.split(':')[0]})")
        texts = Texts.load(PROJECT_ROOT / "locales")
        now = datetime(2026, 12, 31, tzinfo=UTC)
        for label, start, end in (
            ("one month", date(2026, 11, 1), date(2026, 11, 30)),
            ("three years", date(2024, 1, 1), date(2026, 12, 31)),
        ):
            for group_by in (None, "village", "category", "worker", "month"):
                timings = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    summary = await stats.summary("990101", "青溪县", start, end, group_by, "zh-Hans", texts, TZ, now)
                    timings.append(time.perf_counter() - t0)
                print(
                    f"{label:12s} group_by={group_by or '-':9s} submitted={summary.totals.submitted:7d} "
                    f"median {statistics.median(timings) * 1000:8.1f} ms"
                )
    finally:
        await close_engine(engine)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="")
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    url = args.database
    if url.startswith("postgres"):
        asyncio.run(recreate_postgres(url))
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    asyncio.run(run(url, args.cases))


if __name__ == "__main__":
    main()
