"""Sending SMS: ``log`` prints the text (development), ``webhook`` POSTs it to a gateway."""

from __future__ import annotations

import logging
from typing import Literal, Protocol, runtime_checkable

import httpx

log = logging.getLogger("bianmin.sms")

SmsKind = Literal["otp", "notification"]


class SmsFailed(Exception):
    """The gateway did not accept the message; the caller decides whether to retry."""


@runtime_checkable
class SmsSender(Protocol):
    async def send(self, phone: str, text: str, kind: SmsKind) -> None: ...

    async def aclose(self) -> None: ...


class LogSender:
    async def send(self, phone: str, text: str, kind: SmsKind) -> None:
        log.warning("[sms] to=%s kind=%s text=%s", phone, kind, text)

    async def aclose(self) -> None:
        return None


class WebhookSender:
    """POST ``{"phone", "text", "kind"}`` as JSON; any non-2xx answer is a failure."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url
        self._client = httpx.AsyncClient(timeout=timeout)

    async def send(self, phone: str, text: str, kind: SmsKind) -> None:
        try:
            response = await self._client.post(self.url, json={"phone": phone, "text": text, "kind": kind})
        except httpx.HTTPError as exc:
            raise SmsFailed(f"{type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise SmsFailed(f"gateway answered {response.status_code}")

    async def aclose(self) -> None:
        await self._client.aclose()


def make_sender(backend: str, webhook_url: str) -> SmsSender:
    return WebhookSender(webhook_url) if backend == "webhook" else LogSender()
