"""Notification writes are all or nothing: when a later write fails, nothing of the earlier ones remains."""

import pytest

from backend.notifications import _outbox as outbox
from backend.notifications import _subscriptions as subscriptions
from backend.notifications._outbox import Outcome, Tally
from backend.notifications.tables import PushSubscription
from tests.api.cases.helpers import user_id
from tests.pushservice import PushService

from .helpers import queue, row

ENDPOINTS = ("https://push.example.com/wpush/a", "https://push.example.com/wpush/b")


@pytest.fixture
def push_service():
    """Endpoints and keys only; nothing is sent in these tests."""
    service = PushService()
    yield service
    service.stop()


def _body(push_service, endpoint):
    body = push_service.device().subscription()
    body["endpoint"] = endpoint
    return body


async def _fail(*_args, **_kwargs):
    raise RuntimeError("disk full")


async def test_a_subscription_is_not_kept_when_pruning_old_ones_fails(client, auth, push_service, monkeypatch):
    resident = await auth.role("resident")
    monkeypatch.setattr(subscriptions, "_keep_newest", _fail)
    response = await client.post("/api/v1/push/subscriptions", json=_body(push_service, ENDPOINTS[0]), headers=resident)
    assert response.status_code == 500
    assert await subscriptions.for_user(await user_id(client, resident)) == []


async def test_new_keys_are_not_kept_when_pruning_old_ones_fails(client, auth, push_service, monkeypatch):
    resident = await auth.role("resident")
    first = _body(push_service, ENDPOINTS[0])
    assert (await client.post("/api/v1/push/subscriptions", json=first, headers=resident)).status_code == 201
    monkeypatch.setattr(subscriptions, "_keep_newest", _fail)
    response = await client.post("/api/v1/push/subscriptions", json=_body(push_service, ENDPOINTS[0]), headers=resident)
    assert response.status_code == 500
    resident_id = await user_id(client, resident)
    [target] = (await outbox.targets([resident_id]))[resident_id]
    assert (target.p256dh, target.auth) == (first["keys"]["p256dh"], first["keys"]["auth"])


async def test_a_round_whose_last_write_fails_records_nothing(client, auth, clock, push_service, monkeypatch):
    """Delivered rows, a subscription's success and a gone subscription are written together or not at all."""
    resident = await auth.role("resident")
    for endpoint in ENDPOINTS:
        body = _body(push_service, endpoint)
        assert (await client.post("/api/v1/push/subscriptions", json=body, headers=resident)).status_code == 201
    resident_id = await user_id(client, resident)
    reached, gone = (await outbox.targets([resident_id]))[resident_id]
    notification = await queue(resident_id, "case.start", clock.now(), 5, receipt_no="BM-5", title="丁")
    [claimed] = await outbox.claim(clock.now(), 10, 120)
    tally = Tally(ok={reached.id}, gone={gone.id})

    # Deleting the gone subscription is the round's last write.
    def failing_delete(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PushSubscription, "delete", failing_delete)
    with pytest.raises(RuntimeError):
        await outbox.record([Outcome(claimed.id, "delivered", "push")], tally, clock.now(), 5)
    stored = await row(notification)
    assert (stored["sent_at"], stored["channel"]) == (None, None)
    kept = {target.id: target for target in (await outbox.targets([resident_id]))[resident_id]}
    assert set(kept) == {reached.id, gone.id}
    assert kept[reached.id].last_success_at is None
