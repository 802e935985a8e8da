"""Steps shared by the delivery tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.lib.db import write_transaction
from backend.notifications import service as notifications
from backend.notifications.tables import Notification
from tests.api.cases.helpers import move, submit
from tests.pushservice import Device, PushService

#: The push service of these tests runs on 127.0.0.1: the one place besides the public internet the worker may reach.
INSECURE = [{"push_allow_insecure": "127.0.0.1"}]


async def subscribe(client, headers, device: Device, locale: str | None = None):
    response = await client.post("/api/v1/push/subscriptions", json=device.subscription(locale), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def browser(client, push_service: PushService) -> Device:
    """A device subscribed with the server's application key, as pushManager.subscribe does."""
    key = (await client.get("/api/v1/push/key")).json()["public_key"]
    return push_service.device(key)


async def accepted_case(client, auth, title: str = "申请低保") -> dict[str, Any]:
    """A resident's case, accepted by staff: the resident is told (case.accept)."""
    case = (await submit(client, await auth.role("resident"), title=title)).json()
    response = await move(client, await auth.role("staff"), case["id"], "accept")
    assert response.status_code == 200, response.text
    return case


async def queue(user_id: int, kind: str, at: datetime, case_id: int | None = None, **params: Any) -> int:
    """Write one notification the way a transition does, and return its id."""
    async with write_transaction(Notification):
        await notifications.notify(user_id, kind, at, case_id, **params)
    return (await notifications.for_user(user_id))[-1]["id"]


async def row(notification_id: int) -> dict[str, Any]:
    return await Notification.select().where(Notification.id == notification_id).first()
