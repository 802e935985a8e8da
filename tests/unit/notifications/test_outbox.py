"""Claiming the outbox: leases, disjoint batches, nothing sent twice once recorded."""

import asyncio
from datetime import timedelta

from backend.notifications import _outbox as outbox
from backend.notifications._outbox import Outcome, Tally
from tests.api.cases.helpers import user_id
from tests.api.notifications.helpers import queue


async def _queued(client, auth, clock, count: int) -> list[int]:
    resident_id = await user_id(client, await auth.role("resident"))
    return [
        await queue(resident_id, "case.start", clock.now(), n, receipt_no=f"BM-{n}", title="甲") for n in range(count)
    ]


async def test_a_claimed_row_is_leased_until_the_lease_runs_out(client, auth, clock):
    ids = await _queued(client, auth, clock, 3)
    now = clock.now()
    first = await outbox.claim(now, 10, 120)
    assert [(item.id, item.attempts) for item in first] == [(i, 1) for i in ids]
    assert first[0].params == {"receipt_no": "BM-0", "title": "甲"}
    assert await outbox.claim(now, 10, 120) == []
    assert await outbox.claim(now + timedelta(seconds=119), 10, 120) == []
    again = await outbox.claim(now + timedelta(seconds=120), 10, 120)
    assert [(item.id, item.attempts) for item in again] == [(i, 2) for i in ids]


async def test_concurrent_claims_take_disjoint_batches(client, auth, clock):
    ids = await _queued(client, auth, clock, 40)
    batches = await asyncio.gather(*(outbox.claim(clock.now(), 15, 120) for _ in range(4)))
    claimed = [item.id for batch in batches for item in batch]
    assert sorted(claimed) == ids  # every row once, none twice


async def test_rows_not_yet_due_wait(client, auth, clock):
    await _queued(client, auth, clock, 1)
    assert await outbox.claim(clock.now() - timedelta(seconds=1), 10, 120) == []


async def test_a_delivered_row_is_never_claimed_again(client, auth, clock):
    [notification] = await _queued(client, auth, clock, 1)
    await outbox.claim(clock.now(), 10, 1)
    await outbox.record([Outcome(notification, "delivered", "push")], Tally(), clock.now(), 5)
    assert await outbox.claim(clock.now() + timedelta(days=1), 10, 1) == []


async def test_a_late_result_does_not_undo_a_delivery(client, auth, clock):
    """A worker whose lease ran out reports after another delivered the row: the delivery stands."""
    [notification] = await _queued(client, auth, clock, 1)
    await outbox.record([Outcome(notification, "delivered", "push")], Tally(), clock.now(), 5)
    later = clock.now() + timedelta(minutes=5)
    await outbox.record([Outcome(notification, "retry", at=later, error="503")], Tally(), clock.now(), 5)
    assert await outbox.claim(later, 10, 1) == []
