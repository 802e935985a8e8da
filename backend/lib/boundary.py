"""The checks every request passes before any handler sees it, so that hostile input
is answered with a clear 4xx and changes nothing:

- JSON bodies must say so (``Content-Type: application/json``, else 415), be UTF-8,
  nest no deeper than the decoder's stack allows, and carry no NUL character: one
  check here instead of one per text field (PostgreSQL cannot store NUL in text,
  SQLite would store it silently);
- NUL in the path, the query or a header is refused the same way; a path id larger
  than any id (``MAX_ID``), or below 1, answers 404 like any id that names nothing;
- the body size limit is Litestar's ``request_max_body_size`` (413, from the
  Content-Length header before anything is read, else counted while reading);
- a body must arrive within ``body_timeout_seconds`` of its first byte being asked
  for (408), so a client trickling a body a byte at a time cannot hold a worker.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import unquote_to_bytes

from litestar import Request
from litestar.enums import ScopeType
from litestar.status_codes import (
    HTTP_408_REQUEST_TIMEOUT,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
)
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from backend.lib.errors import AppError, Invalid, NotFound
from backend.lib.structs import MAX_ID

NUL = "\x00"


class ApiRequest(Request):
    """Litestar's request, with the JSON body checked once for every route."""

    async def json(self) -> Any:
        body = await self.body()
        if body:
            kind = self.content_type[0]
            if kind != "application/json" and not (kind.startswith("application/") and kind.endswith("+json")):
                raise AppError(HTTP_415_UNSUPPORTED_MEDIA_TYPE, "request.json_required")
        try:
            value = await super().json()
        except RecursionError:
            raise Invalid("request.too_deep") from None
        except UnicodeDecodeError:
            raise Invalid("request.invalid_encoding") from None
        # A NUL can only come in escaped; most bodies are passed over by this test alone.
        if b"\\u0000" in body and (field := _nul_at(value)) is not None:
            raise Invalid("request.nul_character", field=field)
        return value


def _nul_at(value: Any, path: str = "") -> str | None:
    """The path (``items.0.name``) of the first string holding a NUL, or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return here
            if (found := _nul_at(item, here)) is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _nul_at(item, f"{path}.{index}" if path else str(index))) is not None:
                return found
    return None


async def check_url_and_headers(request: Request) -> None:
    """``before_request`` for the whole app: NUL anywhere in the request line or
    headers (400), and path ids no object can have (404)."""
    scope = request.scope
    if NUL in scope["path"] or b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
        raise Invalid("request.nul_character")
    for _, value in scope["headers"]:
        if b"\x00" in value:
            raise Invalid("request.nul_character")
    for value in request.path_params.values():
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            raise NotFound()


class BodyDeadlineMiddleware:
    """408 for a request body that has not fully arrived ``seconds`` after the
    handler first asked for it. Only the body is timed: the answer and any wait
    for the client to disconnect are not."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        body_done = False

        async def timed_receive() -> ReceiveMessage:
            nonlocal deadline, body_done
            if body_done:
                return await receive()
            if deadline is None:
                deadline = loop.time() + self.seconds
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                # The rest of the body may still trickle in: close the connection after the
                # answer instead of keeping it alive for a next request that cannot be framed.
                raise AppError(
                    HTTP_408_REQUEST_TIMEOUT,
                    "request.too_slow",
                    headers={"Connection": "close"},
                    seconds=f"{self.seconds:g}",
                ) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        await self.app(scope, timed_receive, send)
