"""A case write that fails half-way leaves nothing behind: each one is one transaction.

Each test makes a later write of one operation fail (``fail_write``) and shows that
the tables it had already written to are exactly as before (``snapshot``).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backend.cases import service as cases
from backend.cases.jobs import auto_close, escalate_overdue, remind_due_soon
from backend.cases.structs import CaseCreate, Transition
from tests.api.cases.helpers import (
    GRID_A,
    Boom,
    case_context,
    current_user,
    fail_write,
    move,
    snapshot,
    submit,
    user_id,
)

CASE_TABLES = ("app_case", "case_event", "receipt_counter", "notification", "audit", "idempotent_request")


async def test_a_submission_whose_audit_row_fails_leaves_no_case_event_or_receipt_number(client, auth, monkeypatch):
    resident = await auth.role("resident")
    before = await snapshot(*CASE_TABLES)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?audit\b")
    response = await submit(client, resident, key="submit-once")
    assert response.status_code == 500
    assert any("app_case" in sql for sql in writes) and any("case_event" in sql for sql in writes)
    assert await snapshot(*CASE_TABLES) == before
    # The receipt counter was rolled back too: the retry gets the month's first number.
    retried = await submit(client, resident, key="submit-once")
    assert retried.status_code == 201 and retried.json()["receipt_no"].endswith("-000001")


async def test_a_proxy_submission_whose_notification_fails_creates_no_resident(client, auth, monkeypatch):
    worker = await auth.role("grid_worker")
    tables = (*CASE_TABLES, "app_user")
    before = await snapshot(*tables)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?notification\b")
    response = await submit(
        client, worker, resident_phone="13912345678", resident_name="王大爷", identity_check="home_visit"
    )
    assert response.status_code == 500
    assert any("app_user" in sql for sql in writes) and any("audit" in sql for sql in writes)
    assert await snapshot(*tables) == before


async def test_a_move_whose_audit_row_fails_keeps_the_old_status_and_timeline(client, auth, monkeypatch):
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case = (await submit(client, resident)).json()
    before = await snapshot(*CASE_TABLES)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?audit\b")
    assert (await move(client, staff, case["id"], "accept")).status_code == 500
    assert [sql.split()[0:3] for sql in writes][:3] == [
        ["UPDATE", '"app_case"', "SET"],
        ["INSERT", "INTO", "case_event"],
        ["INSERT", "INTO", '"notification"'],
    ]
    assert await snapshot(*CASE_TABLES) == before
    assert (await client.get(f"/api/v1/cases/{case['id']}", headers=resident)).json()["status"] == "submitted"


async def _overdue_case(client, auth, clock) -> dict:
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    case = (await submit(client, resident)).json()
    await move(client, staff, case["id"], "accept")
    await move(client, staff, case["id"], "assign", assignee_id=await user_id(client, worker))
    clock.set(datetime(2027, 3, 1, 2, 0, tzinfo=UTC))  # past any catalog time limit
    return case


async def test_an_escalation_whose_audit_row_fails_fires_again_next_round(client, auth, clock, monkeypatch):
    await _overdue_case(client, auth, clock)
    before = await snapshot(*CASE_TABLES)
    fail_write(monkeypatch, r"^INSERT INTO \"?audit\b")
    with pytest.raises(Boom):
        await escalate_overdue(clock.now())
    assert await snapshot(*CASE_TABLES) == before  # escalated_at was not claimed
    assert await escalate_overdue(clock.now()) == 1


async def test_a_due_soon_reminder_whose_notification_fails_is_not_claimed(client, auth, clock, monkeypatch):
    case = await _overdue_case(client, auth, clock)
    clock.set(datetime.fromisoformat(case["created_at"]))  # back to before the deadline…
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=await auth.role("staff"))).json()
    clock.set(datetime.fromisoformat(detail["deadline"]).replace(hour=0))  # …to its last day: due soon
    before = await snapshot(*CASE_TABLES)
    fail_write(monkeypatch, r"^INSERT INTO \"?notification\b")
    with pytest.raises(Boom):
        await remind_due_soon(clock.now())
    assert await snapshot(*CASE_TABLES) == before
    assert await remind_due_soon(clock.now()) == 1


async def test_an_auto_close_whose_audit_row_fails_leaves_the_case_resolved(client, auth, clock, monkeypatch):
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    case = (await submit(client, resident)).json()
    await move(client, staff, case["id"], "accept")
    await move(client, staff, case["id"], "assign", assignee_id=await user_id(client, worker))
    await move(client, worker, case["id"], "start")
    await move(client, worker, case["id"], "resolve", note="已办好")
    clock.travel(days=8)
    before = await snapshot(*CASE_TABLES)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?audit\b")
    with pytest.raises(Boom):
        await auto_close(clock.now())
    assert "app_case" in writes[0] and "case_event" in writes[1]
    assert await snapshot(*CASE_TABLES) == before
    assert await auto_close(clock.now()) == 1


async def test_replacing_a_years_holidays_that_fails_keeps_the_old_list(client, auth, monkeypatch):
    admin = await auth.role("admin")
    year = {"year": 2027, "items": [{"date": "2027-01-01", "is_workday": False, "note": "元旦"}]}
    assert (await client.put("/api/v1/holidays", json=year, headers=admin)).status_code == 200
    before = await snapshot("holiday")
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?holiday\b")
    changed = {"year": 2027, "items": [{"date": "2027-01-02", "is_workday": False, "note": "调休"}]}
    assert (await client.put("/api/v1/holidays", json=changed, headers=admin)).status_code == 500
    assert writes[0].startswith('DELETE FROM "holiday"')
    assert await snapshot("holiday") == before


async def test_create_and_apply_are_each_one_transaction_without_an_idempotent_wrapper(
    client, auth, clock, settings, monkeypatch
):
    """Called directly (not through the idempotent create that wraps them on the API)."""
    resident, staff = await auth.role("resident"), await auth.role("staff")
    ctx = case_context(settings)
    data = CaseCreate(kind="request", service_code="AST-001", title="申请低保", description="家里困难", region=GRID_A)
    before = await snapshot(*CASE_TABLES)
    fail_write(monkeypatch, r"^INSERT INTO \"?audit\b")
    with pytest.raises(Boom):
        await cases.create(await current_user(client, resident), data, clock.now(), ctx)
    assert await snapshot(*CASE_TABLES) == before
    case = await cases.create(await current_user(client, resident), data, clock.now(), ctx)
    before = await snapshot(*CASE_TABLES)
    fail_write(monkeypatch, r"^INSERT INTO \"?audit\b")
    with pytest.raises(Boom):
        await cases.apply(await current_user(client, staff), case.id, Transition(action="accept"), clock.now(), ctx)
    assert await snapshot(*CASE_TABLES) == before
