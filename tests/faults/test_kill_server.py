"""A server process killed with `kill -9` in the middle of 200 concurrent
submissions (and, separately, bookings against limited capacity), while every
client retries with its Idempotency-Key until it gets an answer, as the PWA's
outbox does. After the restart, every acknowledged object exists exactly once,
and nothing exists that no client sent. Runs on whichever database the suite
uses (SQLite file or PostgreSQL)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Coroutine
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from backend.bookings.tables import Booking, Slot
from backend.cases.tables import Case, CaseEvent
from tests.api.cases.helpers import GRID_A
from tests.faults.clients import Tally, send_until_answered
from tests.processes import Server, process_env

CLIENTS = 200
#: Kill the server after this many acknowledgements, then again after the second number.
KILL_AT = (50, 130)
DEADLINE_SECONDS = 240


async def _run_with_kills(server: Server, tally: Tally, clients: list) -> list[int]:
    """Runs the clients; kills the server the moment the acknowledgements reach each of
    KILL_AT, and restarts it.

    The kill happens inside the tally's count, at the answer that reaches the mark: on a
    busy machine the test process may read dozens of answers in one turn of its loop, and
    a check made between turns could find every client done and kill nothing. The second
    half of the clients starts once the server is back from the first kill, so the second
    mark always falls while clients still wait for answers, never during a restart."""
    assert KILL_AT[0] < len(clients) // 2 < KILL_AT[1] < len(clients)
    killed_at: list[int] = []
    interrupted: list[int] = []
    marks = list(KILL_AT)
    killed, second_wave = asyncio.Event(), asyncio.Event()

    def kill_at_the_mark() -> None:
        if marks and tally.acknowledged >= marks[0]:
            marks.pop(0)
            interrupted.append(_in_flight(tally))
            server.kill()
            killed_at.append(tally.acknowledged)
            killed.set()

    async def after(gate: asyncio.Event, client: Coroutine[Any, Any, None]) -> None:
        await gate.wait()
        await client

    half = len(clients) // 2
    tally.on_answer = kill_at_the_mark
    tasks = [asyncio.create_task(client) for client in clients[:half]]
    tasks += [asyncio.create_task(after(second_wave, client)) for client in clients[half:]]
    try:
        for _ in KILL_AT:
            await asyncio.wait_for(killed.wait(), timeout=DEADLINE_SECONDS)
            killed.clear()
            # Every client now gets broken connections until the server is back.
            await asyncio.sleep(0.3)
            server.start()
            await server.wait_healthy()
            second_wave.set()
        await asyncio.gather(*tasks)
    finally:
        tally.on_answer = None
        for task in tasks:
            task.cancel()
    assert sum(interrupted) > 0, "the kills should interrupt requests in flight"
    return killed_at


def _in_flight(tally: Tally) -> int:
    return tally.tries - tally.acknowledged - tally.transport_errors - sum(tally.retried_statuses.values())


@pytest.fixture
async def server(client, settings, tmp_path):
    """`bianmin serve` on the test's database (seeded by the in-process `client`)."""
    env = process_env(settings, tmp_path / "serve-data", BIANMIN_DEMO="off")
    process = Server(env, tmp_path / "server.log")
    process.start()
    await process.wait_healthy()
    yield process
    process.stop()
    log = process.log()
    assert "database is locked" not in log, log[-3000:]


def _http(server: Server) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    return httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits)


async def test_kill_9_during_200_submissions_loses_and_duplicates_nothing(server, auth):
    headers = await auth.role("resident")
    tally = Tally()
    deadline = time.monotonic() + DEADLINE_SECONDS
    async with _http(server) as http:
        clients = [
            send_until_answered(
                http,
                tally,
                n,
                "/api/v1/cases",
                {
                    "kind": "request",
                    "service_code": "AST-001",
                    "title": f"断电测试 {n:03d}",
                    "description": "kill -9",
                    "region": GRID_A,
                },
                headers,
                deadline=deadline,
            )
            for n in range(CLIENTS)
        ]
        killed_at = await _run_with_kills(server, tally, clients)

    assert len(killed_at) == len(KILL_AT), killed_at
    statuses = Counter(answer.status_code for answer in tally.answers.values())
    assert statuses == {201: CLIENTS}, {n: a.text for n, a in tally.answers.items() if a.status_code != 201}
    acknowledged = {n: answer.json()["id"] for n, answer in tally.answers.items()}

    stored = await Case.select(Case.id, Case.title).where(Case.description == "kill -9")
    by_title = Counter(row["title"] for row in stored)
    # Exactly once each: every client's title once, under the id the client was told.
    assert len(stored) == CLIENTS, f"{len(stored)} stored for {CLIENTS} acknowledged"
    assert set(by_title) == {f"断电测试 {n:03d}" for n in range(CLIENTS)}
    assert max(by_title.values()) == 1
    assert {row["id"] for row in stored} == set(acknowledged.values())
    assert {row["title"]: row["id"] for row in stored} == {f"断电测试 {n:03d}": i for n, i in acknowledged.items()}
    # Each case was written whole: its one `submit` event came in the same transaction.
    events = await CaseEvent.select(CaseEvent.case.as_alias("case_id"), CaseEvent.action).where(
        CaseEvent.case.is_in(list(acknowledged.values()))
    )
    assert Counter(row["case_id"] for row in events) == Counter(set(acknowledged.values()))
    assert {row["action"] for row in events} == {"submit"}
    assert server.kills == len(KILL_AT)
    print(
        f"\nsubmissions: {CLIENTS} sent, {tally.acknowledged} acknowledged, {len(stored)} stored; "
        f"kills after {killed_at} acknowledgements; {tally.transport_errors} broken connections and "
        f"{tally.retried_statuses} retried answers over {tally.tries} tries"
    )


SLOTS = 10
CAPACITY = 8


async def test_kill_9_during_200_bookings_keeps_capacity_and_loses_nothing(server, auth):
    worker = await auth.role("grid_worker")
    resident = await auth.role("resident")  # flagged elderly: may book door-to-door visits
    first_day = date.today() + timedelta(days=30)
    async with _http(server) as http:
        slot_ids = []
        for n in range(SLOTS):
            answer = await http.post(
                "/api/v1/slots",
                json={
                    "date": (first_day + timedelta(days=n // 2)).isoformat(),
                    "half_day": "am" if n % 2 == 0 else "pm",
                    "kind": "visit",
                    "capacity": CAPACITY,
                },
                headers=worker,
            )
            assert answer.status_code == 201, answer.text
            slot_ids.append(answer.json()["id"])
        tally = Tally()
        deadline = time.monotonic() + DEADLINE_SECONDS
        clients = [
            send_until_answered(
                http,
                tally,
                n,
                "/api/v1/bookings",
                {"slot_id": slot_ids[n % SLOTS], "kind": "visit", "service_code": "AST-001", "note": f"预约 {n:03d}"},
                resident,
                deadline=deadline,
            )
            for n in range(CLIENTS)
        ]
        killed_at = await _run_with_kills(server, tally, clients)

    assert len(killed_at) == len(KILL_AT), killed_at
    statuses = Counter(answer.status_code for answer in tally.answers.values())
    assert set(statuses) <= {201, 409}, {n: a.text for n, a in tally.answers.items() if a.status_code not in (201, 409)}
    assert all(a.json()["error"]["code"] == "booking.slot_full" for a in tally.answers.values() if a.status_code == 409)
    booked = {n: answer.json() for n, answer in tally.answers.items() if answer.status_code == 201}
    # Demand (20 per slot) exceeds capacity (8): every place is taken, and no more.
    assert len(booked) == SLOTS * CAPACITY, statuses

    stored = await Booking.select(Booking.id, Booking.slot, Booking.case_id, Booking.note).where(
        Booking.slot.is_in(slot_ids)
    )
    assert len(stored) == SLOTS * CAPACITY
    assert {row["id"] for row in stored} == {b["id"] for b in booked.values()}
    assert {row["note"] for row in stored} == {f"预约 {n:03d}" for n in booked}
    per_slot = Counter(row["slot"] for row in stored)
    assert set(per_slot.values()) == {CAPACITY}
    slots = await Slot.select(Slot.id, Slot.booked).where(Slot.id.is_in(slot_ids))
    assert {row["id"]: row["booked"] for row in slots} == dict(per_slot)
    # One case per booking, none for the refused or for tries that died with the process.
    cases = await Case.select(Case.id).where(Case.kind == "visit")
    assert {row["id"] for row in cases} == {row["case_id"] for row in stored}
    print(
        f"\nbookings: {CLIENTS} sent for {SLOTS * CAPACITY} places, {len(booked)} booked and "
        f"{statuses.get(409, 0)} told full, {len(stored)} stored; kills after {killed_at} acknowledgements; "
        f"{tally.transport_errors} broken connections, {tally.retried_statuses} retried answers"
    )
