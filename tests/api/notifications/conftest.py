"""A deliverer wired like `bianmin worker` to the real push service and SMS gateway on
127.0.0.1; here the push service keeps the test clock's time."""

from collections.abc import AsyncIterator, Iterator

import pytest

from backend.lib.i18n import Texts
from backend.lib.sms import WebhookSender
from backend.notifications import _delivery as delivery
from backend.notifications._delivery import Deliverer
from backend.notifications._vapid import load_vapid
from backend.settings import Settings
from tests.listener import Listener, listening
from tests.pushservice import PushService


@pytest.fixture
def push_service(clock) -> Iterator[PushService]:
    """The push service keeps the test's time, as a real one keeps the server's (VAPID ``exp``, TTLs)."""
    service = PushService(clock=lambda: clock.now().timestamp()).start()
    yield service
    service.stop()


@pytest.fixture
async def deliverer(client, settings: Settings, push_service: PushService) -> AsyncIterator[Deliverer]:
    """Delivery as the worker runs it, with the app's VAPID key and SMS through the webhook backend."""
    sms = WebhookSender(f"{push_service.url}/sms")
    texts = Texts.load(settings.locales_dir)
    async with delivery.deliverer(
        settings, texts, load_vapid(settings.data_dir, settings.vapid_subject), sms
    ) as running:
        yield running
    await sms.aclose()


@pytest.fixture
async def listener() -> AsyncIterator[Listener]:
    """Something on this machine the push worker must not reach; counts accepted connections."""
    async with listening() as listener:
        yield listener
