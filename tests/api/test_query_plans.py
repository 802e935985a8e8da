"""Every filter of the case lists and the statistics has an index to use, on both databases.

The plans are read with EXPLAIN. A test database is tiny, so PostgreSQL is told to
avoid sequential scans: where an index exists it then uses one, and where none
exists it still scans the table, which is what these tests catch.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from piccolo.engine.postgres import PostgresEngine

from backend.cases._queries import URGENT_OPEN
from backend.cases.tables import Case

NOW = datetime(2026, 11, 29, tzinfo=UTC)
FILTERS = {
    "status": ("app_case", "app_case.status = {}", ["accepted"]),
    "kind": ("app_case", "app_case.kind = {}", ["complaint"]),
    "region (a chosen village)": (
        "app_case",
        "app_case.region_code >= {} AND app_case.region_code < {}",
        ["990101001001", "990101001001~"],
    ),
    "assignee": ("app_case", "app_case.assignee = {}", [1]),
    "resident": ("app_case", "app_case.resident = {}", [1]),
    "submitted by": ("app_case", "app_case.submitted_by = {}", [1]),
    "overdue (督办)": (
        "app_case",
        "app_case.status IN ('accepted', 'assigned', 'in_progress', 'waiting_info') AND app_case.deadline < {}",
        [NOW],
    ),
    "due soon (督办)": (
        "app_case",
        "app_case.status IN ('accepted', 'assigned', 'in_progress', 'waiting_info') "
        "AND app_case.due_soon_at <= {} AND app_case.deadline >= {}",
        [NOW, NOW],
    ),
    "statistics period": ("app_case", "app_case.created_at >= {} AND app_case.created_at < {}", [NOW, NOW]),
    "ratings of a case": ("rating", "rating.case_id = {}", [1]),
    "inbox": ("notification", "notification.user = {}", [1]),
    "due notifications": ("notification", "notification.next_attempt_at <= {}", [NOW]),
    "case timeline": ("case_event", "case_event.case_id = {}", [1]),
    # Urgent cases lead every list: the list walks them first, by their partial index.
    "urgent cases first": ("app_case", URGENT_OPEN, []),
    "silent cases": ("app_case", "app_case.silent_at <= {}", [NOW]),
    "a case's pauses": ("case_pause", "case_pause.case_id = {}", [1]),
    "a case's extensions": ("case_extension", "case_extension.case_id = {}", [1]),
}


async def _plan(table: str, condition: str, args: list) -> str:
    engine = Case._meta.db
    statement = f"SELECT {table}.id FROM {table} WHERE {condition}"
    if isinstance(engine, PostgresEngine):
        async with engine.transaction():
            await Case.raw("SET LOCAL enable_seqscan = off")
            rows = await Case.raw("EXPLAIN " + statement, *args)
        return "\n".join(row["QUERY PLAN"] for row in rows)
    rows = await Case.raw("EXPLAIN QUERY PLAN " + statement, *args)
    return "\n".join(row["detail"] for row in rows)


@pytest.mark.parametrize("name", list(FILTERS))
async def test_the_filter_is_answered_from_an_index(client, name):
    table, condition, args = FILTERS[name]
    plan = await _plan(table, condition, args)
    assert "Seq Scan" not in plan and f"SCAN {table}" not in plan, plan
    assert "Index" in plan or "INDEX" in plan, plan
