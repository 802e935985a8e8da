"""A Web Push service on 127.0.0.1 with a browser behind each endpoint, for tests and the benchmark.

It behaves like a real push service (RFC 8030): it answers 201 Created with a
``Location`` and the ``TTL`` it keeps the message for; it requires ``TTL``,
``Content-Encoding: aes128gcm`` and a valid VAPID header (RFC 8292: an ES256
token for this origin, scheme + host + port, expiring within 24 hours, with a
``sub``, signed by the key in ``k``, the one the browser subscribed with); it
refuses bodies over 4096 bytes, and bad ``Urgency`` and ``Topic`` values. Tests
make it answer 404, 410, 429 or 503. Behind each endpoint a ``Device`` decrypts
the message with its own private key and auth secret using the independent
``http_ece`` package, the way a browser does; an offline device gets what is
still within its TTL when it connects, and a newer message with the same
``Topic`` replaces an undelivered one.

``POST /sms`` stands in for an SMS gateway's HTTP bridge.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import http_ece
import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_private_key

URGENCIES = {"very-low", "low", "normal", "high"}
_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Wire:
    """One request as it arrived, and what was answered."""

    token: str
    headers: dict[str, str]
    body: bytes
    status: int = 0
    #: The decrypted bytes (None when not decrypted).
    plaintext: bytes | None = None
    claims: dict[str, Any] = field(default_factory=dict)


class Device:
    """A browser's push subscription: a fresh P-256 key pair and a 16-byte auth secret."""

    def __init__(self, service: PushService, token: str, application_server_key: str | None) -> None:
        self.service = service
        self.token = token
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.application_server_key = application_server_key
        self.endpoint = f"{service.url}/push/{token}"
        self.online = True
        #: Decrypted messages shown to the user, in arrival order.
        self.received: list[dict[str, Any]] = []
        self._pending: list[tuple[float, str | None, dict[str, Any]]] = []

    def subscription(self, locale: str | None = None) -> dict[str, Any]:
        """What ``PushSubscription.toJSON()`` gives (plus the device's script)."""
        point = self.private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        body: dict[str, Any] = {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)},
        }
        if locale:
            body["locale"] = locale
        return body

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm")

    def arrive(self, message: dict[str, Any], ttl: int, topic: str | None) -> None:
        """A message the push service decrypted for this device: shown now, or kept for its TTL while offline."""
        if self.online:
            self.received.append(message)
        elif ttl > 0:
            if topic:
                self._pending = [p for p in self._pending if p[1] != topic]
            self._pending.append((self.service.now() + ttl, topic, message))

    def connect(self) -> None:
        """Come online: receive what the push service still holds."""
        self.online = True
        now = self.service.now()
        self.received.extend(message for expires, _, message in self._pending if expires > now)
        self._pending = []


class PushService:
    """Start with ``start()`` (a thread running uvicorn), stop with ``stop()``.

    ``any_endpoint``: accept every ``/push/<token>`` without a device (benchmark);
    ``decrypt_every``: decrypt one message in so many (1: all).
    """

    def __init__(
        self, *, any_endpoint: bool = False, decrypt_every: int = 1, clock: Callable[[], float] = time.time
    ) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.any_endpoint = any_endpoint
        self.decrypt_every = decrypt_every
        self.devices: dict[str, Device] = {}
        self.wire: list[Wire] = []
        self.sms: list[dict[str, Any]] = []
        self.accepted = 0
        self.decrypted = 0
        self.errors: list[str] = []
        #: What time it is here (seconds since the epoch): real time, or the test's clock
        #: when the server under test runs on one, as a real push service shares real time.
        self.clock = clock
        #: Seconds added to the clock (to let TTLs run out).
        self.offset = 0.0
        #: Seconds each push request takes (a slow network).
        self.delay = 0.0
        #: Client (host, port) pairs seen: one per TCP connection the sender opened.
        self.connections: set[tuple[str, int]] = set()
        #: Push requests being answered now, and the most at any one time.
        self.in_flight = 0
        self.most_in_flight = 0
        self._answers: dict[str, deque[tuple[int, dict[str, str]]]] = {}
        self._sms_failures = 0
        self._lock = threading.Lock()
        self._counter = 0
        self._verified: dict[tuple[str, str], dict[str, Any]] = {}
        self._server: Any = None
        self._thread: threading.Thread | None = None
        #: With ``any_endpoint``: the keys every unknown endpoint is taken to have.
        self.shared = Device(self, "shared", None)

    # -- what tests use -------------------------------------------------------------

    def now(self) -> float:
        return self.clock() + self.offset

    def device(self, application_server_key: str | None = None) -> Device:
        with self._lock:
            self._counter += 1
            token = f"d{self._counter}-{b64url(os.urandom(6))}"
        device = Device(self, token, application_server_key)
        self.devices[token] = device
        return device

    def answer(self, device: Device, *answers: int | tuple[int, dict[str, str]]) -> None:
        """Answer the next requests for ``device`` with these statuses instead of delivering."""
        queue = self._answers.setdefault(device.token, deque())
        for item in answers:
            queue.append(item if isinstance(item, tuple) else (item, {}))

    def forget(self, device: Device, status: int = 410) -> None:
        """The browser unsubscribed: every later request answers ``status`` (404 or 410)."""
        self.answer(device, *([status] * 1000))

    def fail_sms(self, times: int) -> None:
        self._sms_failures = times

    def for_device(self, device: Device) -> list[Wire]:
        return [w for w in self.wire if w.token == device.token]

    # -- the HTTP side ---------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        path: str = scope["path"]
        if scope["method"] == "POST" and path == "/sms":
            status, extra = self._sms(body)
        elif scope["method"] == "GET" and path == "/stats":
            stats = {"accepted": self.accepted, "decrypted": self.decrypted, "errors": self.errors[:20]}
            payload = json.dumps(stats).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", str(len(payload)).encode())],
                }
            )
            await send({"type": "http.response.body", "body": payload})
            return
        elif scope["method"] == "POST" and path.startswith("/push/"):
            with self._lock:
                self.connections.add(tuple(scope["client"]))
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
            try:
                if self.delay:
                    await asyncio.sleep(self.delay)
                status, extra = self._push(path.removeprefix("/push/"), headers, body)
            finally:
                with self._lock:
                    self.in_flight -= 1
        else:
            status, extra = 404, {}
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-length", b"0")] + [(k.encode(), v.encode()) for k, v in extra.items()],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    def _sms(self, body: bytes) -> tuple[int, dict[str, str]]:
        with self._lock:
            if self._sms_failures > 0:
                self._sms_failures -= 1
                return 502, {}
        self.sms.append(json.loads(body))
        return 200, {}

    def _push(self, token: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        wire = Wire(token=token, headers=headers, body=body)
        if not self.any_endpoint:
            self.wire.append(wire)
        wire.status, extra = self._judge(wire)
        return wire.status, extra

    def _judge(self, wire: Wire) -> tuple[int, dict[str, str]]:
        device = self.devices.get(wire.token)
        if device is None and not self.any_endpoint:
            return 404, {}
        headers = wire.headers
        ttl = headers.get("ttl", "")
        if not ttl.isdigit():
            return self._refuse(wire, 400, "TTL missing")
        if headers.get("content-encoding") != "aes128gcm":
            return self._refuse(wire, 415, "not aes128gcm")
        if headers.get("urgency", "normal") not in URGENCIES:
            return self._refuse(wire, 400, "bad Urgency")
        topic = headers.get("topic")
        if topic is not None and not _TOPIC.match(topic):
            return self._refuse(wire, 400, "bad Topic")
        if len(wire.body) > 4096:
            return self._refuse(wire, 413, f"{len(wire.body)} bytes")
        problem = self._check_vapid(wire, device)
        if problem:
            return self._refuse(wire, 401 if "token" in problem else 403, problem)
        queue = self._answers.get(wire.token)
        if queue:
            with self._lock:
                status, extra = queue.popleft()
            return status, extra
        with self._lock:
            self.accepted += 1
            count = self.accepted
        if device is not None or count % self.decrypt_every == 0:
            try:
                wire.plaintext = (device or self.shared).decrypt(wire.body)
                message = json.loads(wire.plaintext)
                self.decrypted += 1
            except Exception as exc:  # noqa: BLE001 - a browser would drop it; the test must see it
                return self._refuse(wire, 400, f"cannot decrypt: {exc!r}")
            if device is not None:
                device.arrive(message, int(ttl), topic)
        return 201, {"location": f"/m/{count}", "ttl": ttl}

    def _check_vapid(self, wire: Wire, device: Device | None) -> str | None:
        match = re.fullmatch(r"vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)", wire.headers.get("authorization", ""))
        if not match:
            return "token: no vapid authorization"
        token, key = match.groups()
        claims = self._verified.get((token, key))
        if claims is None:
            try:
                public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
                # ``exp`` is checked below, against this service's clock.
                claims = jwt.decode(
                    token,
                    public,
                    algorithms=["ES256"],
                    audience=self.url,
                    options={"verify_exp": False, "require": ["exp"]},
                )
            except Exception as exc:  # noqa: BLE001 - any failure is a refusal
                return f"token: {exc}"
            # Like a real push service: a token checked once is trusted until it expires.
            self._verified[(token, key)] = claims
        wire.claims = claims
        if claims["exp"] <= self.now():
            return "token: expired"
        if claims["exp"] > self.now() + 86400:
            return "token: exp more than 24 hours ahead"
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            return "token: sub must be mailto: or https:"
        if device is not None and device.application_server_key and key != device.application_server_key:
            return "key differs from the subscription's applicationServerKey"
        return None

    def _refuse(self, wire: Wire, status: int, reason: str) -> tuple[int, dict[str, str]]:
        self.errors.append(f"{status} {reason}")
        return status, {}

    # -- running ---------------------------------------------------------------------

    def start(self) -> PushService:
        config = uvicorn.Config(self, log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("push service did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._socket.close()


def main() -> None:
    """Run a push service on its own (the benchmark): ``python -m tests.pushservice KEY_PEM AUTH [DECRYPT_EVERY]``.

    Every ``/push/<anything>`` is taken to belong to one browser with the private
    key in KEY_PEM and the base64url auth secret AUTH. Prints ``port N``, then
    serves ``GET /stats`` as ``{"accepted", "decrypted", "errors"}`` until killed.
    """
    key_pem, auth = sys.argv[1], sys.argv[2]
    service = PushService(any_endpoint=True, decrypt_every=int(sys.argv[3]) if len(sys.argv) > 3 else 100)
    with open(key_pem, "rb") as handle:
        service.shared.private_key = load_pem_private_key(handle.read(), password=None)  # type: ignore[assignment]  # the key file holds an EC key (the field is typed for one)
    service.shared.auth = unb64url(auth)
    service.shared.online = False
    service.start()
    print(f"port {service.port}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
