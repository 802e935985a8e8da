"""The push worker aimed at the server's own network. A subscription whose endpoint spells
a loopback address (stored before this check existed, or through a name that pointed
elsewhere when it was subscribed) is delivered by the real worker round: the listener on
127.0.0.1 sees no connection, the notification stays in the inbox, and after repeated
refusals the subscription is dropped like any other that refuses for good."""

import pytest

from backend.lib.db import write_transaction
from backend.notifications import _subscriptions as subscriptions
from backend.notifications.tables import PushSubscription
from tests.api.cases.helpers import user_id
from tests.api.notifications.helpers import queue

SPELLINGS = [
    "http://127.0.0.1:{port}/p",
    "http://2130706433:{port}/p",
    "http://127.1:{port}/p",
    "http://0x7f.0.0.1:{port}/p",
    "http://0:{port}/p",
    "http://localhost:{port}/p",
    "http://[::1]:{port}/p",
    "http://[::ffff:127.0.0.1]:{port}/p",
]


async def _store(user: int, endpoint: str, push_service, now) -> None:
    keys = push_service.device().subscription()["keys"]
    async with write_transaction(PushSubscription):
        await PushSubscription.insert(
            PushSubscription(
                endpoint=endpoint, user=user, p256dh=keys["p256dh"], auth=keys["auth"], failures=0, created_at=now
            )
        )


@pytest.mark.parametrize("spelling", SPELLINGS)
async def test_a_delivery_round_never_connects_to_loopback(
    client, auth, clock, push_service, deliverer, listener, spelling
):
    resident = await user_id(client, await auth.role("resident"))
    await _store(resident, spelling.format(port=listener.port), push_service, clock.now())
    await queue(resident, "case.remind", clock.now(), None, title="修路灯", receipt_no="BM-1")

    report = await deliverer.run_once(clock.now())

    assert listener.accepted == 0
    assert report.push == 0


async def test_every_spelling_at_once_reaches_nothing_and_the_subscriptions_are_dropped(
    client, auth, clock, push_service, deliverer, listener
):
    resident = await user_id(client, await auth.role("resident"))
    for spelling in SPELLINGS:
        await _store(resident, spelling.format(port=listener.port), push_service, clock.now())
    for round_ in range(deliverer.policy.max_refusals):
        clock.travel(minutes=1)
        await queue(resident, "case.remind", clock.now(), None, title=f"第{round_}次", receipt_no="BM-1")
        await deliverer.run_once(clock.now())
    assert listener.accepted == 0
    assert await subscriptions.for_user(resident) == []
