"""Limits on request headers for ``bianmin serve``: how large, and how long they may take.

Uvicorn's httptools protocol buffers a request's headers without limit and waits for
them without a deadline: a 64 MB header was read whole (stalling every other request
of the process while it was parsed) and answered 200, and a client sending a byte of
header now and then held its connection forever. This protocol is uvicorn's own with
two additions, both before the app sees anything:

- Bytes are counted as they arrive while a request's headers are incomplete; past
  ``max_header_bytes`` (request line and headers together) the answer is 431 and the
  connection closes. The count is checked after each read, so at most one read
  (64 KiB) more than the limit is ever held.
- A deadline of ``header_timeout`` seconds runs from a connection's opening, and from
  the first byte of each later request on it, to the end of that request's headers;
  when it passes, the answer is 408 (or nothing, if nothing came) and the connection
  closes. Bodies have their own deadline in the app (``BodyDeadlineMiddleware``).

The answers are the app's error shape, in Simplified Chinese: the headers, which
would say the reader's language, are what is missing or refused.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import msgspec
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from backend.lib.i18n import Texts
from backend.settings import Settings

#: How long, and how much, a refused connection is still read (and dropped) before it closes.
LINGER_SECONDS = 2.0
LINGER_BYTES = 1024 * 1024


def protocol(settings: Settings, texts: Texts) -> Any:
    """What ``uvicorn.run(http=...)`` takes: this protocol with the settings' limits.

    A ``functools.partial`` of a module-level class, so that ``--workers`` (which
    pickles the config for each worker process) can carry it.
    """
    return functools.partial(
        HeaderLimitedProtocol,
        max_header_bytes=settings.max_header_bytes,
        header_timeout=settings.header_timeout_seconds,
        too_large=_answer(
            431, "Request Header Fields Too Large", texts, "request.headers_too_large", limit=settings.max_header_bytes
        ),
        too_slow=_answer(
            408, "Request Timeout", texts, "request.headers_too_slow", seconds=f"{settings.header_timeout_seconds:g}"
        ),
    )


def _answer(status: int, reason: str, texts: Texts, key: str, **params: Any) -> bytes:
    body = msgspec.json.encode(
        {"error": {"code": key, "message": texts.t("zh-Hans", f"error.{key}", **params), "details": {}}}
    )
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "cache-control: no-store\r\n"
        "x-content-type-options: nosniff\r\n"
        "content-security-policy: default-src 'none'\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class HeaderLimitedProtocol(HttpToolsProtocol):
    """Uvicorn's httptools protocol, refusing headers that are too large or too slow."""

    def __init__(
        self,
        *args: Any,
        max_header_bytes: int,
        header_timeout: float,
        too_large: bytes,
        too_slow: bytes,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_header_bytes = max_header_bytes
        self.header_timeout = header_timeout
        self._too_large, self._too_slow = too_large, too_slow
        #: Bytes received since the current request's headers began (None: not reading headers).
        self._header_bytes: int | None = 0
        self._header_deadline: asyncio.TimerHandle | None = None
        self._refused = False
        self._dropped = 0

    # -- the deadline ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # uvicorn narrows it too
        super().connection_made(transport)
        self._start_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def _start_deadline(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _stop_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self._header_bytes:
            self._refuse(self._too_slow)
        elif not self.transport.is_closing():
            self.transport.close()  # opened and never spoke

    # -- the size ----------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._refused:
            self._dropped += len(data)
            if self._dropped > LINGER_BYTES:
                self._close()
            return
        if self._header_bytes is not None:
            self._header_bytes += len(data)
        super().data_received(data)
        if self._header_bytes is not None and self._header_bytes > self.max_header_bytes:
            self._refuse(self._too_large)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        # A later request on a kept-alive connection: its headers get the same allowance.
        if self._header_bytes is None:
            self._header_bytes = 0
        self._start_deadline()

    def on_headers_complete(self) -> None:
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        self._header_bytes = None
        self._stop_deadline()
        if size > self.max_header_bytes:
            # Headers that arrived whole in one read: refuse them before the app runs.
            self._refuse(self._too_large)
            raise _Refused
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        if not self._refused:  # the parser stopped because we refused; the answer is sent
            super().send_400_response(msg)

    def _refuse(self, answer: bytes) -> None:
        """Answer, then close the way a careful server does ("lingering close").

        Closing a socket while the client is still sending makes the kernel reset the
        connection, and a reset can destroy the answer before the client reads it. So
        the answer is followed by a half-close (FIN), what still arrives is read and
        dropped, and the connection is closed once the client hangs up, after
        ``LINGER_SECONDS`` or after ``LINGER_BYTES``.
        """
        self._refused = True
        self._stop_deadline()
        if self.transport.is_closing():
            return
        self.transport.write(answer)
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self._close)
        else:
            self._close()

    def _close(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()

    def eof_received(self) -> None:
        if self._refused:
            self._close()


class _Refused(Exception):
    """Stops the parser after a refusal (uvicorn then calls ``send_400_response``, which is silent)."""
