"""The delivery side of the outbox: claiming due notifications, recording what became of them.

A claim is one short write transaction that takes up to ``limit`` due rows and
pushes their ``next_attempt_at`` forward by a lease. Rows are locked with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent workers take disjoint
batches without waiting; SQLite has one writer at a time (``BEGIN IMMEDIATE``),
which makes each claim exclusive. A worker that dies holding a batch simply lets
the lease run out: its rows become due again and another worker sends them (at
least once).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Literal

import msgspec
from piccolo.engine.postgres import PostgresEngine

from backend.lib.db import write_transaction
from backend.notifications._inbox import params_of
from backend.notifications.structs import Channel, Outgoing, Target
from backend.notifications.tables import Notification as Row
from backend.notifications.tables import PushSubscription as SubRow

_PG_CLAIM = (
    "SELECT id FROM notification WHERE next_attempt_at <= {} AND sent_at IS NULL "
    "ORDER BY next_attempt_at LIMIT {} FOR UPDATE SKIP LOCKED"
)


class Outcome(msgspec.Struct, frozen=True):
    id: int
    #: delivered: ``channel`` carried it; retry: due again ``at``; gave_up: stays in the inbox only.
    state: Literal["delivered", "retry", "gave_up"]
    channel: Channel = "inbox"
    at: datetime | None = None
    error: str | None = None


class Tally(msgspec.Struct):
    """What each subscription answered in one round."""

    ok: set[int] = msgspec.field(default_factory=set)
    gone: set[int] = msgspec.field(default_factory=set)
    #: Refused for good (4xx other than 404/410/429).
    refused: set[int] = msgspec.field(default_factory=set)
    #: Temporarily unavailable (429, 5xx, network).
    busy: set[int] = msgspec.field(default_factory=set)

    def add(self, subscription_id: int, outcome: str) -> None:
        {"ok": self.ok, "gone": self.gone, "failed": self.refused, "retry": self.busy}[outcome].add(subscription_id)


async def claim(now: datetime, limit: int, lease_seconds: float) -> list[Outgoing]:
    """Take up to ``limit`` due notifications for ``lease_seconds`` (counted as an attempt)."""
    async with write_transaction(Row):
        if isinstance(Row._meta.db, PostgresEngine):
            rows = await Row.raw(_PG_CLAIM, now, limit)
        else:
            due = (Row.next_attempt_at <= now) & Row.sent_at.is_null()
            rows = await Row.select(Row.id).where(due).order_by(Row.next_attempt_at).limit(limit)
        if not rows:
            return []
        claimed = (
            await Row.update(
                {Row.next_attempt_at: now + timedelta(seconds=lease_seconds), Row.attempts: Row.attempts + 1}
            )
            .where(Row.id.is_in([row["id"] for row in rows]))
            .returning(Row.id, Row.user, Row.case_id, Row.kind, Row.payload, Row.created_at, Row.attempts)
        )
    return sorted(
        (
            Outgoing(
                id=row["id"],
                user_id=row["user"],
                case_id=row["case_id"],
                kind=row["kind"],
                params=params_of(row["payload"]),
                created_at=row["created_at"],
                attempts=row["attempts"],
            )
            for row in claimed
        ),
        key=lambda item: item.id,
    )


async def targets(user_ids: list[int]) -> dict[int, list[Target]]:
    """Every subscription of each user, oldest first."""
    found: dict[int, list[Target]] = defaultdict(list)
    if not user_ids:
        return found
    rows = (
        await SubRow.select(
            SubRow.id, SubRow.user, SubRow.endpoint, SubRow.p256dh, SubRow.auth, SubRow.locale, SubRow.last_success_at
        )
        .where(SubRow.user.is_in(list(user_ids)))
        .order_by(SubRow.id)
    )
    for row in rows:
        found[row["user"]].append(
            Target(
                id=row["id"],
                user_id=row["user"],
                endpoint=row["endpoint"],
                p256dh=row["p256dh"],
                auth=row["auth"],
                locale=row["locale"],
                last_success_at=row["last_success_at"],
            )
        )
    return found


async def record(outcomes: list[Outcome], tally: Tally, now: datetime, max_refusals: int) -> None:
    """Write the round's outcomes and subscription answers in one transaction.

    Subscriptions answering 404/410 are deleted; one refused ``max_refusals`` times
    in a row is too. Rows delivered meanwhile by another worker are left alone.
    """
    if not outcomes and not any((tally.ok, tally.gone, tally.refused, tally.busy)):
        return
    pending = Row.sent_at.is_null()
    async with write_transaction(Row):
        delivered: dict[str, list[int]] = defaultdict(list)
        gave_up: dict[str | None, list[int]] = defaultdict(list)
        for outcome in outcomes:
            if outcome.state == "delivered":
                delivered[outcome.channel].append(outcome.id)
            elif outcome.state == "gave_up":
                gave_up[outcome.error].append(outcome.id)
            else:
                await Row.update({Row.next_attempt_at: outcome.at, Row.last_error: _clip(outcome.error)}).where(
                    (Row.id == outcome.id) & pending
                )
        for channel, ids in delivered.items():
            await Row.update(
                {Row.sent_at: now, Row.channel: channel, Row.next_attempt_at: None, Row.last_error: None}
            ).where(Row.id.is_in(ids) & pending)
        for error, ids in gave_up.items():
            await Row.update({Row.channel: "inbox", Row.next_attempt_at: None, Row.last_error: _clip(error)}).where(
                Row.id.is_in(ids) & pending
            )
        if tally.ok:
            await SubRow.update({SubRow.last_success_at: now, SubRow.failures: 0}).where(
                SubRow.id.is_in(list(tally.ok))
            )
        failed = list((tally.refused | tally.busy) - tally.ok - tally.gone)
        if failed:
            await SubRow.update({SubRow.failures: SubRow.failures + 1}).where(SubRow.id.is_in(failed))
        refused = list(tally.refused - tally.ok - tally.gone)
        if refused:
            await SubRow.delete().where(SubRow.id.is_in(refused) & (SubRow.failures >= max_refusals))
        if tally.gone:
            await SubRow.delete().where(SubRow.id.is_in(list(tally.gone)))


def _clip(error: str | None) -> str | None:
    return None if error is None else error[:200]
