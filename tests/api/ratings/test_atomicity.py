"""A rating write that fails half-way leaves nothing behind: each one is one transaction.

Each test makes a later write of one operation fail (``fail_write``) and shows that
the tables it had already written to are exactly as before (``snapshot``).
"""

from __future__ import annotations

import pytest

from backend.ratings import service as ratings
from backend.ratings.service import Policy
from backend.ratings.structs import RatingCreate
from tests.api.cases.helpers import Boom, case_context, current_user, fail_write, snapshot, tables_written

from .helpers import rate, resolved_case

TABLES = ("rating", "follow_up", "follow_up_step", "app_case", "case_event", "notification", "audit")


async def test_a_bad_rating_whose_follow_up_fails_leaves_the_case_resolved_and_unrated(client, auth, monkeypatch):
    resident = await auth.role("resident")
    case = await resolved_case(client, auth)
    before = await snapshot(*TABLES, "idempotent_request")
    writes = fail_write(monkeypatch, r'^INSERT INTO "?follow_up\b')
    assert (await rate(client, resident, case["id"], key="rate-once", score=1, comment="跑了三趟")).status_code == 500
    assert tables_written(writes) == [
        "idempotent_request",
        "rating",
        "app_case",
        "case_event",
        "notification",
        "audit",
        "follow_up",
    ]
    assert await snapshot(*TABLES, "idempotent_request") == before
    assert (await client.get(f"/api/v1/cases/{case['id']}", headers=resident)).json()["status"] == "resolved"
    retried = await rate(client, resident, case["id"], key="rate-once", score=1, comment="跑了三趟")
    assert retried.status_code == 201


async def test_a_rating_whose_case_event_fails_does_not_close_the_case(client, auth, monkeypatch):
    resident = await auth.role("resident")
    case = await resolved_case(client, auth)
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?case_event\b")
    assert (await rate(client, resident, case["id"], score=5)).status_code == 500
    assert tables_written(writes) == ["rating", "app_case", "case_event"]
    assert await snapshot(*TABLES) == before


async def _bad_rating(client, auth) -> tuple[dict, dict]:
    case = await resolved_case(client, auth)
    rating = await rate(client, await auth.role("resident"), case["id"], score=1, tags=["attitude"], comment="乱评")
    assert rating.status_code == 201
    return case, rating.json()


@pytest.mark.parametrize("step", ["callback", "fix"])
async def test_a_follow_up_step_whose_audit_row_fails_is_not_recorded(client, auth, monkeypatch, step):
    staff = await auth.role("staff")
    await _bad_rating(client, auth)
    [follow_up] = (await client.get("/api/v1/follow-ups", headers=staff)).json()["items"]
    url = f"/api/v1/follow-ups/{follow_up['id']}/steps"
    if step == "fix":
        done = await client.post(url, json={"step": "callback", "outcome": "verified", "note": "已回访"}, headers=staff)
        assert done.status_code == 200
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?audit\b")
    failed = await client.post(url, json={"step": step, "outcome": "rectified", "note": "记录"}, headers=staff)
    assert failed.status_code == 500
    told = ["notification"] if step == "fix" else []
    assert tables_written(writes) == ["follow_up", "follow_up_step", "case_event", *told, "audit"]
    assert await snapshot(*TABLES) == before


async def test_a_flag_whose_audit_row_fails_leaves_the_rating_unflagged(client, auth, monkeypatch):
    _, rating = await _bad_rating(client, auth)
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?audit\b")
    flagged = await client.post(
        f"/api/v1/ratings/{rating['id']}/flag", json={"reason": "与事实不符"}, headers=await auth.role("staff")
    )
    assert flagged.status_code == 500
    assert tables_written(writes) == ["rating", "audit"]
    assert await snapshot(*TABLES) == before


async def test_a_decision_whose_audit_row_fails_leaves_the_flag_pending(client, auth, monkeypatch):
    _, rating = await _bad_rating(client, auth)
    flagged = await client.post(
        f"/api/v1/ratings/{rating['id']}/flag", json={"reason": "与事实不符"}, headers=await auth.role("staff")
    )
    assert flagged.status_code == 200
    before = await snapshot(*TABLES)
    writes = fail_write(monkeypatch, r"^INSERT INTO \"?audit\b")
    decided = await client.post(
        f"/api/v1/ratings/{rating['id']}/decision", json={"uphold": True}, headers=await auth.role("admin")
    )
    assert decided.status_code == 500
    assert tables_written(writes) == ["rating", "audit"]
    assert await snapshot(*TABLES) == before


async def test_rate_is_one_transaction_without_an_idempotent_wrapper(client, auth, clock, settings, monkeypatch):
    """Called directly (not through the idempotent create that wraps it on the API)."""
    case = await resolved_case(client, auth)
    me = await current_user(client, await auth.role("resident"))
    before = await snapshot(*TABLES)
    fail_write(monkeypatch, r'^INSERT INTO "?follow_up\b')
    with pytest.raises(Boom):
        await ratings.rate(me, case["id"], RatingCreate(score=1), clock.now(), case_context(settings), Policy())
    assert await snapshot(*TABLES) == before
