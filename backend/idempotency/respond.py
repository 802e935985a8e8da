"""The HTTP side of idempotent creates: the first answer's bytes, replayed to retries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec
from litestar import Response

from backend.idempotency.service import run_once


async def respond_once(
    user_id: int,
    kind: str,
    key: str | None,
    request_hash: str,
    status: int,
    produce: Callable[[], Awaitable[msgspec.Struct]],
) -> Response[bytes]:
    """Run ``produce`` once per (user, kind, key) and answer with the stored bytes.

    >>> return await respond_once(actor.id, "case", key, body_hash(data), 201, lambda: create(...))
    """

    async def create() -> tuple[int, bytes]:
        return status, msgspec.json.encode(await produce())

    code, body = await run_once(user_id, kind, key, request_hash, create)
    # The bytes of the first answer, so a retry gets exactly what the first call got.
    return Response(body, status_code=code, media_type="application/json")
