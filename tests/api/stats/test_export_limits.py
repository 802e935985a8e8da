"""Statistics exports are bounded (issue 18, finding 18): one per person and two per
process run at once; the rest answer 429 with Retry-After and a message in the reader's
script, and a slot is free again once its export ends, however it ends."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

import pytest

from backend.stats import _export as export
from tests.api.cases.helpers import add_user
from tests.conftest import error_code
from tests.waiting import eventually

PERIOD = {"region": "990101001", "from": "2024-01-01", "to": "2026-11-30"}
URL = "/api/v1/stats/export.xlsx"


@pytest.fixture
def held(monkeypatch):
    """Exports that stop while building their workbook until the test lets them go."""
    gate, running = threading.Event(), Counter()
    real = export.workbook

    def workbook(*args):
        running["now"] += 1
        running["most"] = max(running["most"], running["now"])
        try:
            if not gate.wait(30):
                raise TimeoutError("the test never let the export go")
            return real(*args)
        finally:
            running["now"] -= 1

    monkeypatch.setattr(export, "workbook", workbook)
    return gate, running


async def _burst(client, gate, callers: list[dict[str, str]], expected_refusals: int) -> list:
    tasks = [asyncio.create_task(client.get(URL, params=PERIOD, headers=headers)) for headers in callers]
    await eventually(lambda: sum(t.done() for t in tasks) >= expected_refusals, what="the refusals")
    gate.set()
    return await asyncio.gather(*tasks)


async def test_twenty_exports_by_one_clerk_at_once_run_one(client, auth, held):
    gate, running = held
    staff = await auth.role("staff")

    answers = await _burst(client, gate, [staff] * 20, expected_refusals=19)

    statuses = Counter(r.status_code for r in answers)
    assert statuses == {200: 1, 429: 19}
    assert running["most"] == 1
    refused = next(r for r in answers if r.status_code == 429)
    assert error_code(refused) == "stats.export_busy"
    assert int(refused.headers["Retry-After"]) >= 1
    assert "统计报表正在生成中" in refused.json()["error"]["message"]
    again = await client.get(URL, params=PERIOD, headers=staff)  # the slot is free again
    assert again.status_code == 200


async def test_twenty_exports_by_four_clerks_at_once_run_two(client, auth, held):
    gate, running = held
    clerks = [await auth.role("staff")]
    for _ in range(3):
        clerks.append((await add_user(client, auth, "staff", "990101001"))[1])
    # The first added clerk reads Traditional script.
    assert (await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=clerks[1])).status_code == 200

    answers = await _burst(client, gate, [clerks[i % 4] for i in range(24)], expected_refusals=22)

    assert Counter(r.status_code for r in answers) == {200: 2, 429: 22}
    assert running["most"] == 2
    traditional = [r for r, i in zip(answers, range(24), strict=True) if i % 4 == 1 and r.status_code == 429]
    assert traditional and all("統計報表正在生成中" in r.json()["error"]["message"] for r in traditional)


async def test_an_export_that_fails_frees_its_slot(client, auth, monkeypatch):
    staff = await auth.role("staff")
    real = export.workbook

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "workbook", broken)
    assert (await client.get(URL, params=PERIOD, headers=staff)).status_code == 500
    monkeypatch.setattr(export, "workbook", real)
    assert (await client.get(URL, params=PERIOD, headers=staff)).status_code == 200
