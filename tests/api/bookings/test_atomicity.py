"""A booking write that fails half-way leaves nothing behind: each one is one transaction.

Each test makes a later write of one operation fail (``fail_write``) and shows that
the tables it had already written to are exactly as before (``snapshot``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from backend.bookings import service as bookings
from backend.bookings.jobs import remind_tomorrow
from backend.bookings.structs import BookingCreate, HandoverCreate, HandoverItem, VisitNote
from tests.api.bookings.test_bookings import _book, _proxy_booking, _service_code, _slot
from tests.api.cases.helpers import (
    GRID_A,
    Boom,
    add_user,
    case_context,
    current_user,
    fail_write,
    snapshot,
    tables_written,
    user_id,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TABLES = (
    "booking",
    "slot",
    "app_case",
    "case_event",
    "receipt_counter",
    "handover",
    "eligibility_override",
    "weekly_pattern",
    "worker_profile",
    "notification",
    "audit",
    "idempotent_request",
)


async def _booking(client, auth) -> dict:
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    slot = await _slot(client, worker, capacity=2)
    response = await _book(client, resident, slot["id"], await _service_code(client))
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_booking_whose_row_fails_takes_no_place_and_registers_no_case(client, auth, monkeypatch):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    slot = await _slot(client, worker, capacity=1)
    service = await _service_code(client)
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r'^INSERT INTO "?booking\b')
    assert (await _book(client, resident, slot["id"], service, key="book-once")).status_code == 500
    assert tables_written(writes)[:4] == ["idempotent_request", "slot", "receipt_counter", "app_case"]
    assert await snapshot(*TABLES) == before
    assert (await _book(client, resident, slot["id"], service, key="book-once")).status_code == 201


async def test_a_cancel_whose_third_write_fails_keeps_the_booking_the_place_and_the_case(client, auth, monkeypatch):
    """The booking, then the slot's counter, then the case: the case's update fails."""
    booking = await _booking(client, auth)
    resident = await auth.role("resident")
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r'^UPDATE "?app_case\b')
    assert (await client.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=resident)).status_code == 500
    assert tables_written(writes) == ["booking", "slot", "app_case"]
    assert await snapshot(*TABLES) == before
    cancelled = await client.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=resident)
    assert cancelled.status_code == 200 and cancelled.json()["slot"]["booked"] == 0


async def test_a_cancel_whose_audit_row_fails_keeps_everything(client, auth, monkeypatch):
    booking = await _booking(client, auth)
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?audit\b")
    cancel = await client.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=await auth.role("resident"))
    assert cancel.status_code == 500
    assert tables_written(writes) == ["booking", "slot", "app_case", "case_event", "audit"]
    assert await snapshot(*TABLES) == before


@pytest.mark.parametrize("step", ["check-in", "check-out"])
async def test_a_visit_step_whose_timeline_event_fails_keeps_the_booking_where_it_was(client, auth, monkeypatch, step):
    booking = await _booking(client, auth)
    worker = await auth.role("grid_worker")
    if step == "check-out":
        checked_in = await client.post(f"/api/v1/bookings/{booking['id']}/check-in", json={}, headers=worker)
        assert checked_in.status_code == 200
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?case_event\b")
    url = f"/api/v1/bookings/{booking['id']}/{step}"
    assert (await client.post(url, json={"note": "到家"}, headers=worker)).status_code == 500
    assert tables_written(writes) == ["booking", "case_event"]
    assert await snapshot(*TABLES) == before


async def test_a_handover_whose_audit_row_fails_is_not_in_the_ledger(client, auth, monkeypatch):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    booking = await _proxy_booking(client, resident, worker)
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?audit\b")
    recorded = await client.post(
        f"/api/v1/cases/{booking['case_id']}/handovers",
        json={"items": [{"name": "户口簿"}], "direction": "received"},
        headers=worker,
    )
    assert recorded.status_code == 500
    assert tables_written(writes) == ["handover", "case_event", "notification", "audit"]
    assert await snapshot(*TABLES) == before


async def test_a_confirmation_whose_timeline_event_fails_leaves_the_handover_unconfirmed(client, auth, monkeypatch):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    booking = await _proxy_booking(client, resident, worker)
    handover = (
        await client.post(
            f"/api/v1/cases/{booking['case_id']}/handovers",
            json={"items": [{"name": "户口簿"}], "direction": "received"},
            headers=worker,
        )
    ).json()
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?case_event\b")
    url = f"/api/v1/cases/{booking['case_id']}/handovers/{handover['id']}/confirm"
    assert (await client.post(url, headers=resident)).status_code == 500
    assert tables_written(writes) == ["handover", "case_event"]
    assert await snapshot(*TABLES) == before
    assert (await client.post(url, headers=resident)).status_code == 200


async def test_an_eligibility_exception_whose_audit_row_fails_is_not_granted(client, auth, monkeypatch):
    _, headers = await add_user(client, auth, "resident", GRID_A)
    resident_id = await user_id(client, headers)
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?audit\b")
    granted = await client.post(
        "/api/v1/bookings/eligibility-overrides",
        json={"resident_id": resident_id, "reason": "独居，行动不便"},
        headers=await auth.role("staff"),
    )
    assert granted.status_code == 500
    assert tables_written(writes) == ["eligibility_override", "audit"]
    assert await snapshot(*TABLES) == before


async def test_leave_whose_last_write_fails_moves_no_booking(client, auth, monkeypatch):
    """Closing a slot with bookings and no backup: the bookings wait for staff, the
    counter goes to 0; the counter's reset fails."""
    _lone_id, lone = await add_user(client, auth, "grid_worker", GRID_A, name="无备岗")
    slot = await _slot(client, lone, capacity=2)
    booking = await _book(client, await auth.role("resident"), slot["id"], await _service_code(client))
    assert booking.status_code == 201
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r'^UPDATE "?slot"? SET "?booked"? = 0')
    closed = await client.patch(f"/api/v1/slots/{slot['id']}", json={"status": "closed"}, headers=lone)
    assert closed.status_code == 500
    assert tables_written(writes) == ["slot", "booking", "case_event", "slot"]
    assert await snapshot(*TABLES) == before


async def test_leave_whose_backup_notification_fails_moves_no_booking(client, auth, monkeypatch):
    worker = await auth.role("grid_worker")
    backup_id, _ = await add_user(client, auth, "grid_worker", "990101001001002", name="AB岗赵敏")
    await client.put("/api/v1/slots/pattern", json={"items": [], "backup_id": backup_id}, headers=worker)
    booking = await _booking(client, auth)
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r'^INSERT INTO "?notification"?.*booking\.covering')
    closed = await client.patch(f"/api/v1/slots/{booking['slot']['id']}", json={"status": "closed"}, headers=worker)
    assert closed.status_code == 500
    assert tables_written(writes) == ["slot", "slot", "booking", "case_event", "notification", "slot", "notification"]
    assert await snapshot(*TABLES) == before


async def test_a_weekly_pattern_whose_backup_row_fails_keeps_the_old_pattern(client, auth, monkeypatch):
    worker = await auth.role("grid_worker")
    old = {"items": [{"weekday": 0, "half_day": "am", "kind": "visit", "capacity": 2}]}
    assert (await client.put("/api/v1/slots/pattern", json=old, headers=worker)).status_code == 200
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r'^INSERT INTO "?worker_profile\b')
    new = {"items": [{"weekday": 2, "half_day": "pm", "kind": "proxy", "capacity": 1}]}
    assert (await client.put("/api/v1/slots/pattern", json=new, headers=worker)).status_code == 500
    assert tables_written(writes) == ["weekly_pattern", "weekly_pattern", "worker_profile", "worker_profile"]
    assert await snapshot(*TABLES) == before


async def test_a_reminder_whose_notification_fails_is_not_claimed(client, auth, clock, monkeypatch):
    await _booking(client, auth)
    clock.set(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))  # the day before DAY, 10:00 in Shanghai
    before = await snapshot(*TABLES)
    fail_write(monkeypatch, r"^INSERT INTO \"?notification\b")
    with pytest.raises(Boom):
        await remind_tomorrow(clock.now(), SHANGHAI)
    assert await snapshot(*TABLES) == before
    assert await remind_tomorrow(clock.now(), SHANGHAI) == 1


async def test_book_visit_and_handovers_are_each_one_transaction_without_an_idempotent_wrapper(
    client, auth, clock, settings, monkeypatch
):
    """Called directly (not through the idempotent create that wraps them on the API)."""
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    me, worker_user = await current_user(client, resident), await current_user(client, worker)
    ctx = case_context(settings)
    slot = await _slot(client, worker, capacity=1, kind="proxy")
    service = (await client.get("/api/v1/services", params={"channel": "proxy"})).json()["items"][0]["code"]
    data = BookingCreate(slot_id=slot["id"], kind="proxy", service_code=service)

    async def fails(pattern: str, call) -> None:
        before = await snapshot(*TABLES)
        fail_write(monkeypatch, pattern)
        with pytest.raises(Boom):
            await call()
        assert await snapshot(*TABLES) == before

    await fails(r'^INSERT INTO "?booking\b', lambda: bookings.book(me, data, clock.now(), ctx))
    booking = await bookings.book(me, data, clock.now(), ctx)
    note = VisitNote(note="到家")
    await fails(
        r'^INSERT INTO "?case_event\b',
        lambda: bookings.visit(worker_user, booking.id, "check_in", note, clock.now(), ctx),
    )
    items = HandoverCreate(items=[HandoverItem(name="户口簿")], direction="received")
    await fails(
        r"^INSERT INTO \"?audit\b",
        lambda: bookings.record_handover(worker_user, booking.case_id, items, clock.now(), ctx),
    )
    handover = await bookings.record_handover(worker_user, booking.case_id, items, clock.now(), ctx)
    await fails(
        r'^INSERT INTO "?case_event\b',
        lambda: bookings.confirm_handover(me, booking.case_id, handover.id, clock.now(), ctx),
    )
