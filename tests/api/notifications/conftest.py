"""A deliverer wired like `bianmin worker` to the real push service and SMS gateway on
127.0.0.1 (``push_service``, tests/conftest.py)."""

from collections.abc import AsyncIterator

import pytest

from backend.lib.i18n import Texts
from backend.lib.sms import WebhookSender
from backend.notifications import delivery
from backend.notifications.delivery import Deliverer
from backend.notifications.vapid import load_vapid
from backend.settings import Settings
from tests.pushservice import PushService


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
