"""The hot endpoints ask the database a fixed number of questions, however much they return."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from backend.cases.tables import Case
from backend.catalog.tables import Service
from tests.api.cases.helpers import move, submit


@pytest.fixture
def queries(monkeypatch, client) -> Iterator:
    """``with queries() as seen:`` counts the statements the engine runs inside the block."""
    engine_class = type(Case._meta.db)
    seen: list[str] = []
    run_querystring, run_ddl = engine_class.run_querystring, engine_class.run_ddl

    async def counted_querystring(self, querystring, *args, **kwargs):
        seen.append(str(querystring))
        return await run_querystring(self, querystring, *args, **kwargs)

    async def counted_ddl(self, ddl, *args, **kwargs):
        seen.append(ddl)
        return await run_ddl(self, ddl, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counted_querystring)
    monkeypatch.setattr(engine_class, "run_ddl", counted_ddl)

    @contextmanager
    def counting() -> Iterator[list[str]]:
        start = len(seen)
        window: list[str] = []
        yield window
        window.extend(seen[start:])

    return counting


async def _case_with_events(client, auth, events: int) -> int:
    """A resident's case with ``events`` timeline entries (1: just submitted; 5: in progress, then waiting)."""
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case = (await submit(client, resident)).json()
    worker = (await client.get("/api/v1/me", headers=await auth.role("grid_worker"))).json()["id"]
    steps = [("accept", {}), ("assign", {"assignee_id": worker}), ("start", {}), ("request_info", {"note": "请补充"})]
    for action, fields in steps[: events - 1]:
        headers = staff if action in ("accept", "assign") else await auth.role("grid_worker")
        response = await move(client, headers, case["id"], action, **fields)
        assert response.status_code == 200, response.text
    return case["id"]


async def test_case_detail_is_four_queries_however_long_its_timeline(client, auth, queries):
    resident = await auth.role("resident")
    short, long = await _case_with_events(client, auth, 1), await _case_with_events(client, auth, 5)
    counts = []
    for case_id in (short, long):
        with queries() as seen:
            response = await client.get(f"/api/v1/cases/{case_id}", headers=resident)
        assert response.status_code == 200
        counts.append(len(seen))
    assert len((await client.get(f"/api/v1/cases/{long}", headers=resident)).json()["timeline"]) == 5
    # The signed-in user, the case, its timeline, its clock (pauses, extensions, its county's days off).
    assert counts == [4, 4]


async def test_a_staff_case_read_adds_only_its_audit_row(client, auth, queries):
    case_id = await _case_with_events(client, auth, 5)
    staff = await auth.role("staff")
    with queries() as seen:
        response = await client.get(f"/api/v1/cases/{case_id}", headers=staff)
    assert response.status_code == 200
    assert len(seen) == 5 and sum("INSERT" in statement.upper() for statement in seen) == 1


@pytest.mark.parametrize("role", ["resident", "grid_worker", "staff", "admin"])
async def test_case_lists_are_two_queries_for_one_case_or_twelve(client, auth, queries, role):
    headers = await auth.role(role)
    resident = await auth.role("resident")
    counts = []
    for more in (1, 11):
        for _ in range(more):
            assert (await submit(client, resident)).status_code == 201
        with queries() as seen:
            response = await client.get("/api/v1/cases", headers=headers)
        assert response.status_code == 200
        counts.append((len(seen), len(response.json()["items"])))
    assert counts == [(2, 1), (2, 12)]


async def test_the_overdue_list_is_two_queries(client, auth, clock, queries):
    for _ in range(3):
        await _case_with_events(client, auth, 2)
    clock.travel(days=90)  # past any catalog time limit
    staff = await auth.role("staff")
    with queries() as seen:
        response = await client.get("/api/v1/cases?overdue=true", headers=staff)
    assert len(response.json()["items"]) == 3 and all(item["overdue"] for item in response.json()["items"])
    assert len(seen) == 2


async def test_catalog_search_is_one_query_whatever_it_finds(client, queries):
    assert (await client.get("/api/v1/services")).status_code == 200  # reads the catalog once
    counts = []
    for q in ("低保", "医疗", "证"):
        with queries() as seen:
            response = await client.get("/api/v1/services", params={"q": q})
        assert response.status_code == 200 and response.json()["items"]
        counts.append(len(seen))
    assert counts == [1, 1, 1]


async def test_submitting_a_case_takes_the_same_queries_each_time(client, auth, queries):
    resident = await auth.role("resident")
    counts = []
    for n in range(3):
        with queries() as seen:
            response = await submit(client, resident, key=f"count-{n}")
        assert response.status_code == 201
        counts.append(len(seen))
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 20, counts


async def test_an_edit_made_elsewhere_shows_in_the_next_search(client):
    """Another process renames an entry: this one's copy of the catalog is read again."""
    assert (await client.get("/api/v1/services")).status_code == 200  # this process has its copy now
    await Service.update(
        {
            Service.name_hans: "改过名字的低保申请",
            Service.search_name: "改过名字的低保申请",
            Service.updated_at: datetime.now(UTC),
        }
    ).where(Service.code == "AST-001")
    names = [item["name"] for item in (await client.get("/api/v1/services", params={"q": "改过名字"})).json()["items"]]
    assert names == ["改过名字的低保申请"]
