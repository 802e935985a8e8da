"""Web Push on the wire: payloads that fit, RFC 8291 encryption, RFC 8292 VAPID, one HTTP client.

The ``webpush`` package (1.0.6) encrypts; its ``WebPush.get`` is not used, because
it keeps a ``ttl`` it was once given for every later message, sends a dict as
ASCII escapes (6 bytes per Chinese character), does not refuse payloads over
4096 bytes, signs a new token per message and drops the port from the VAPID
``aud``. So payloads are UTF-8 bytes made to fit here, the VAPID header comes
from ``vapid.Vapid`` and the ``TTL``, ``Urgency`` and ``Topic`` headers are set
per message.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
from datetime import UTC, datetime
from typing import Literal

import aiohttp
import msgspec
from webpush import WebPush
from webpush.types import WebPushKeys, WebPushSubscription

from backend.notifications._egress import Allowance, GuardedResolver, Refused, guarded_socket
from backend.notifications._vapid import Vapid
from backend.notifications.structs import PushMessage, Target

#: What push services accept as a message body (RFC 8030 §7.2 asks them to take at least this).
MAX_BODY = 4096
#: aes128gcm adds a header (16 salt + 4 record size + 1 + 65 key id), a 16-byte tag
#: and a 1-byte padding delimiter around the plaintext.
MAX_PLAINTEXT = MAX_BODY - (16 + 4 + 1 + 65) - 16 - 1
ELLIPSIS = "…"
Urgency = Literal["very-low", "low", "normal", "high"]
#: Retry-After values are kept within a day.
MAX_RETRY_AFTER = 86400.0


def encode_fitting(message: PushMessage, limit: int = MAX_PLAINTEXT) -> bytes:
    """The message as UTF-8 JSON of at most ``limit`` bytes.

    A text that is too long loses its end, body first, then title, on a character
    boundary, with "…" in its place; JSON is never cut.
    """
    data = msgspec.json.encode(message)
    for field in ("body", "title"):
        if len(data) <= limit:
            return data
        text: str = getattr(message, field)
        # The longest prefix that fits, by bisection over whole characters.
        low, high, best = 0, len(text) - 1, None
        while low <= high:
            middle = (low + high) // 2
            candidate = msgspec.structs.replace(message, **{field: text[:middle] + ELLIPSIS})
            encoded = msgspec.json.encode(candidate)
            if len(encoded) <= limit:
                best, low = (candidate, encoded), middle + 1
            else:
                high = middle - 1
        if best is not None:
            return best[1]
        message = msgspec.structs.replace(message, **{field: ELLIPSIS})
        data = msgspec.json.encode(message)
    if len(data) > limit:
        raise ValueError(f"a push message without text is still {len(data)} bytes")
    return data


def topic_for(case_id: int | None) -> str | None:
    """The ``Topic`` of messages about one case: a newer one replaces an undelivered older one.

    At most 32 characters of the URL-safe base64 alphabet (RFC 8030 §5.4).
    """
    return None if case_id is None else f"case-{case_id}"


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds, or an HTTP date counted from ``now``)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - now).total_seconds()), MAX_RETRY_AFTER)


def decode_key(value: str) -> bytes:
    """Base64url with or without padding; raises ValueError."""
    value = value.strip()
    if not value or any(c not in _B64URL for c in value.rstrip("=")):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class PushResult(msgspec.Struct, frozen=True):
    #: ok: accepted; gone: the subscription no longer exists (404, 410);
    #: retry: try again later (429, 5xx, network); failed: refused for good (other 4xx).
    outcome: Literal["ok", "gone", "retry", "failed"]
    status: int = 0
    retry_after: float | None = None
    error: str = ""


def classify(status: int, retry_after: str | None, now: datetime) -> PushResult:
    if 200 <= status < 300:
        return PushResult("ok", status)
    if status in (404, 410):
        return PushResult("gone", status, error=f"push service answered {status}")
    if status == 429 or status >= 500:
        return PushResult("retry", status, parse_retry_after(retry_after, now), f"push service answered {status}")
    return PushResult("failed", status, error=f"push service answered {status}")


class PushClient:
    """Encrypts and sends push messages over one shared HTTP client, ``concurrency`` at a time.

    It connects to public addresses only, checked on the address each socket
    connects to (``_egress``); ``allowance`` names the local push services of tests.
    """

    def __init__(
        self, vapid: Vapid, concurrency: int = 32, timeout: float = 10.0, allowance: Allowance = frozenset()
    ) -> None:
        self.vapid = vapid
        self.allowance = allowance
        self._webpush = WebPush(private_key=vapid.private_pem, public_key=vapid.public_pem, subscriber="-")
        self._concurrency = concurrency
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(concurrency)

    def _client(self) -> aiohttp.ClientSession:
        """One session for the client's life, made inside the running loop on first use.

        aiohttp rather than httpx: in a 10,000-message fan-out httpx and httpcore
        took two thirds of the worker's CPU (bench/README.md), aiohttp's C parser
        and simpler pool a fraction of that. The connector keeps up to
        ``concurrency`` connections alive per process and reuses them.
        """
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._concurrency,
                keepalive_timeout=30,
                ttl_dns_cache=300,
                resolver=GuardedResolver(self.allowance),
                socket_factory=guarded_socket(self.allowance),
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                # No proxy from the environment: the connection goes where the checks said.
                trust_env=False,
                # Push services set no cookies and send no compressed bodies worth inflating.
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
            )
        return self._session

    def encrypt(self, target: Target, data: bytes) -> bytes:
        """RFC 8291 aes128gcm for one subscription (a fresh key and salt per message)."""
        subscription = WebPushSubscription.model_construct(
            endpoint=target.endpoint, keys=WebPushKeys.model_construct(p256dh=target.p256dh, auth=target.auth)
        )
        return self._webpush._encrypt(data, subscription)  # noqa: SLF001 - the RFC 8291 part of webpush, pinned

    def headers(self, target: Target, ttl: int, urgency: Urgency, topic: str | None, now: datetime) -> dict[str, str]:
        headers = {
            "Authorization": self.vapid.authorization(target.endpoint, now),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(ttl),
            "Urgency": urgency,
        }
        if topic:
            headers["Topic"] = topic
        return headers

    async def send(
        self, target: Target, data: bytes, *, ttl: int, urgency: Urgency, topic: str | None, now: datetime
    ) -> PushResult:
        """Encrypt and POST one message; ``now`` (the delivery round's) dates its VAPID token and Retry-After."""
        if len(data) > MAX_PLAINTEXT:
            raise ValueError(f"push payload of {len(data)} bytes; use encode_fitting")
        async with self._slots:
            try:
                body = self.encrypt(target, data)
            except ValueError as exc:  # keys that are not a P-256 point: this subscription can never work
                return PushResult("failed", error=f"cannot encrypt: {exc}"[:200])
            try:
                async with self._client().post(
                    target.endpoint,
                    data=body,
                    headers=self.headers(target, ttl, urgency, topic, now),
                    # A push service answers; it does not send the worker somewhere else.
                    allow_redirects=False,
                ) as response:
                    # Read the (short) answer so the connection goes back to the pool.
                    await response.read()
                    status, retry_after = response.status, response.headers.get("retry-after")
            except aiohttp.ClientConnectorError as exc:
                # Refused by the address check: this endpoint can never be delivered to.
                outcome: Literal["failed", "retry"] = "failed" if isinstance(exc.os_error, Refused) else "retry"
                return PushResult(outcome, error=f"{type(exc).__name__}: {exc}"[:200])
            except aiohttp.InvalidURL as exc:  # e.g. a legacy numeric IPv4 host, which aiohttp refuses
                return PushResult("failed", error=f"{type(exc).__name__}: {exc}"[:200])
            except (aiohttp.ClientError, TimeoutError) as exc:
                return PushResult("retry", error=f"{type(exc).__name__}: {exc}"[:200])
        return classify(status, retry_after, now)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
