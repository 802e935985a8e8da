"""`bianmin serve` with one process delivers notifications itself."""

import pytest

from tests.api.notifications.helpers import accepted_case, browser, subscribe
from tests.waiting import eventually


@pytest.mark.parametrize(
    "settings",
    [{"push_allow_insecure": "127.0.0.1", "delivery_in_process": True, "delivery_interval_seconds": 1}],
    indirect=True,
)
async def test_a_single_process_server_delivers_by_itself(client, auth, push_service):
    device = await browser(client, push_service)
    await subscribe(client, await auth.role("resident"), device)
    await accepted_case(client, auth)
    # Delivery runs every second on its own task: wait for it, but not forever.
    await eventually(lambda: device.received, timeout=5, what="delivery to the browser")
    assert [m["kind"] for m in device.received] == ["case.accept"], push_service.errors
