"""Case timers: due-soon reminders, overdue escalation (督办), no-news warnings, auto-close.

A paused case (waiting_info: the clock is stopped) is skipped by the first three.

Each firing is claimed by a conditional UPDATE on the case row (``... WHERE
reminded_at IS NULL``), in the same transaction as its event and notification.
Any number of runners (``bianmin worker`` processes, a timer inside ``bianmin
serve``) can run at once: the database lets exactly one of them claim each firing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import msgspec

from backend.cases.service import add_event
from backend.cases.structs import RUNNING_STATUSES
from backend.cases.tables import Case as Row
from backend.lib.audit import audit
from backend.lib.db import write_transaction
from backend.notifications import service as notifications

log = logging.getLogger("bianmin.timers")
#: Resolved cases nobody rated close by themselves after this many days.
AUTO_CLOSE_DAYS = 7
BATCH = 200


class TimerReport(msgspec.Struct):
    reminded: int = 0
    escalated: int = 0
    closed: int = 0
    silent: int = 0


async def _claim(case_id: int, guard: Any, values: dict[Any, Any]) -> dict[str, Any] | None:
    rows = (
        await Row.update(values)
        .where((Row.id == case_id) & guard)
        .returning(Row.id, Row.receipt_no, Row.title, Row.status, Row.resident, Row.assignee, Row.owner)
    )
    return rows[0] if rows else None


async def _fire(
    candidates: list[int], guard: Any, values: dict[Any, Any], then: Callable[[dict[str, Any]], Awaitable[None]]
) -> int:
    fired = 0
    for case_id in candidates:
        async with write_transaction(Row):
            claimed = await _claim(case_id, guard, values)
            if claimed is not None:
                await then(claimed)
                fired += 1
    return fired


async def remind_due_soon(now: datetime) -> int:
    """Tell the assignee (or the owner) once when 80% of the time limit has passed."""
    guard = Row.reminded_at.is_null() & Row.status.is_in(list(RUNNING_STATUSES)) & (Row.due_soon_at <= now)
    ids = [r["id"] for r in await Row.select(Row.id).where(guard & (Row.deadline > now)).limit(BATCH)]

    async def then(case: dict[str, Any]) -> None:
        await add_event(case["id"], now, None, "due_soon", case["status"], case["status"])
        recipient = case["assignee"] or case["owner"]
        if recipient:
            await notifications.notify(
                recipient, "case.due_soon", now, case["id"], receipt_no=case["receipt_no"], title=case["title"]
            )

    return await _fire(ids, guard & (Row.deadline > now), {Row.reminded_at: now}, then)


async def escalate_overdue(now: datetime) -> int:
    """Once a case passes its deadline: an escalation event, and its owner is told."""
    guard = Row.escalated_at.is_null() & Row.status.is_in(list(RUNNING_STATUSES)) & (Row.deadline < now)
    ids = [r["id"] for r in await Row.select(Row.id).where(guard).limit(BATCH)]

    async def then(case: dict[str, Any]) -> None:
        await add_event(case["id"], now, None, "escalate", case["status"], case["status"])
        await audit(None, "case.escalate", "case", case["id"], at=now)
        recipient = case["owner"] or case["assignee"]
        if recipient:
            await notifications.notify(
                recipient, "case.overdue", now, case["id"], receipt_no=case["receipt_no"], title=case["title"]
            )

    return await _fire(ids, guard, {Row.escalated_at: now}, then)


async def warn_silent(now: datetime) -> int:
    """Once per silence: the resident has heard nothing for the setting's working days
    (``silent_at``, set at each event that told her); her assignee (else the owner) is told.
    An overdue case is left to its escalation."""
    guard = (
        Row.silent_warned_at.is_null()
        & Row.status.is_in(list(RUNNING_STATUSES))
        & (Row.silent_at <= now)
        & (Row.deadline >= now)
    )
    ids = [r["id"] for r in await Row.select(Row.id).where(guard).limit(BATCH)]

    async def then(case: dict[str, Any]) -> None:
        await add_event(case["id"], now, None, "silent", case["status"], case["status"])
        recipient = case["assignee"] or case["owner"]
        if recipient:
            await notifications.notify(
                recipient, "case.silent", now, case["id"], receipt_no=case["receipt_no"], title=case["title"]
            )

    return await _fire(ids, guard, {Row.silent_warned_at: now}, then)


async def auto_close(now: datetime, days: int = AUTO_CLOSE_DAYS) -> int:
    """Close resolved cases left unrated for ``days``; the resident is told."""
    guard = (Row.status == "resolved") & (Row.resolved_at <= now - timedelta(days=days))
    ids = [r["id"] for r in await Row.select(Row.id).where(guard).limit(BATCH)]

    async def then(case: dict[str, Any]) -> None:
        await add_event(case["id"], now, None, "auto_close", "resolved", "closed")
        await audit(None, "case.auto_close", "case", case["id"], {"from": "resolved", "to": "closed"}, at=now)
        await notifications.notify(
            case["resident"], "case.auto_close", now, case["id"], receipt_no=case["receipt_no"], title=case["title"]
        )

    values = {Row.status: "closed", Row.closed_at: now, Row.updated_at: now}
    return await _fire(ids, guard, values, then)


async def run_timers(now: datetime) -> TimerReport:
    """One round of the case timers (run by ``backend/jobs.py``); what fired is logged."""
    report = TimerReport(
        reminded=await remind_due_soon(now),
        escalated=await escalate_overdue(now),
        closed=await auto_close(now),
        silent=await warn_silent(now),
    )
    if report.reminded or report.escalated or report.closed or report.silent:
        log.info("timers: %s", msgspec.json.encode(report).decode())
    return report
