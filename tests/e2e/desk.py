"""Helpers for the staff desk browser tests: cases put into a state through the
API, and a case's clock moved in the database (a real server keeps real time,
and a deadline is days of working days away)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.resident import GRID_WORKER, HOME_GRID, RESIDENT, STAFF, api_as

ADMIN = "13800000004"


def new_case(page: Page, live_server, title: str, *, kind: str = "complaint") -> dict:
    resident = api_as(page, live_server, RESIDENT)
    return resident.post(
        "/cases", {"kind": kind, "title": title, "description": f"{title}，请尽快处理。", "region": HOME_GRID}
    )


def assigned_case(page: Page, live_server, title: str) -> dict:
    """A case accepted by staff and assigned to the demo grid worker."""
    case = new_case(page, live_server, title)
    staff = api_as(page, live_server, STAFF)
    worker = api_as(page, live_server, GRID_WORKER)
    staff.transition(case["id"], "accept")
    return staff.transition(case["id"], "assign", assignee_id=worker.get("/me")["id"])


def resolved_case(page: Page, live_server, title: str) -> dict:
    case = assigned_case(page, live_server, title)
    worker = api_as(page, live_server, GRID_WORKER)
    worker.transition(case["id"], "start")
    return worker.transition(case["id"], "resolve", note="已处理")


def move_clock(live_server, case_id: int, *, overdue: bool) -> None:
    """Make a case due soon (past 80 %, deadline tomorrow) or overdue (deadline yesterday)."""
    now = datetime.now(UTC)
    deadline = _end_of_weekday(now, -1 if overdue else 1)
    due_soon = min(now - timedelta(hours=1), deadline - timedelta(days=1))
    with sqlite3.connect(live_server.data_dir / "bianmin.sqlite3") as db:
        (sample,) = db.execute("SELECT deadline FROM app_case WHERE id = ?", (case_id,)).fetchone()
        db.execute(
            "UPDATE app_case SET deadline = ?, due_soon_at = ? WHERE id = ?",
            (_like(sample, deadline), _like(sample, due_soon), case_id),
        )


def _end_of_weekday(now: datetime, step: int) -> datetime:
    """The end (23:59:59 in Shanghai) of the nearest Monday–Friday ``step`` days away and beyond,
    the way real deadlines fall."""
    shanghai = now + timedelta(hours=8)
    day = shanghai.date() + timedelta(days=step)
    while day.weekday() >= 5:
        day += timedelta(days=step)
    return datetime(day.year, day.month, day.day, 15, 59, 59, tzinfo=UTC)


def _like(sample, value: datetime):
    """``value`` in the storage form the database already uses for that column."""
    if isinstance(sample, str):
        return value.isoformat(sep=" " if " " in sample else "T")
    return value


def wait_loaded(page: Page, messages: dict, locale: str = "zh-Hans") -> None:
    expect(page.locator("main [role=status]", has_text=messages[locale]["app"]["loading"])).to_have_count(0)


def age_handover(live_server, handover_id: int, days: int = 3) -> None:
    """Record a handover ``days`` ago, so it is past the 2 days a resident has to confirm it."""
    when = datetime.now(UTC) - timedelta(days=days)
    with sqlite3.connect(live_server.data_dir / "bianmin.sqlite3") as db:
        (sample,) = db.execute("SELECT recorded_at FROM handover WHERE id = ?", (handover_id,)).fetchone()
        db.execute("UPDATE handover SET recorded_at = ? WHERE id = ?", (_like(sample, when), handover_id))
