"""Run a create at most once per (user, kind of object, Idempotency-Key), and answer retries.

The record is written in the same transaction as the object, so either both
exist or neither does. A retry with the same key and body gets the first answer
(status and bytes); the same key with another body answers 422.

>>> status, body = await run_once(user_id, "case", key, body_hash, create, now=now)
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar, cast

import msgspec
from litestar import Response

from backend.idempotency.tables import IdempotentRequest as Row
from backend.lib.db import is_unique_violation, write_transaction
from backend.lib.errors import AppError

MAX_KEY_LENGTH = 100
Create = Callable[[], Awaitable[tuple[int, bytes]]]
_Answer = TypeVar("_Answer", bound=msgspec.Struct)


class _Replay(Exception):
    def __init__(self, row: dict) -> None:
        self.row = row


_NO_DEFAULT = object()


def _default(field: msgspec.structs.FieldInfo) -> object:
    if field.default is not msgspec.NODEFAULT:
        return field.default
    if field.default_factory is not msgspec.NODEFAULT:
        return field.default_factory()
    return _NO_DEFAULT


@functools.lru_cache(maxsize=256)
def _fields(struct_type: type) -> tuple[msgspec.structs.FieldInfo, ...]:
    # msgspec.structs.fields reads the class annotations on every call.
    return msgspec.structs.fields(struct_type)


def body_hash(data: msgspec.Struct) -> str:
    """sha256 of the fields that differ from their defaults.

    A field added in a later release (with a default) leaves the hash of an old
    request unchanged, so a phone's retry across a deploy still replays.
    """
    sent = {
        field.encode_name: getattr(data, field.name)
        for field in _fields(type(data))
        if getattr(data, field.name) != _default(field)
    }
    return hashlib.sha256(msgspec.json.encode(sent, order="sorted")).hexdigest()


def _answer(row: dict, request_hash: str) -> tuple[int, bytes]:
    if row["request_hash"] != request_hash:
        raise AppError(422, "idempotency.key_reused")
    return row["status_code"], row["response"].encode()


# The statements are written out: they run twice on every retried-safe create.
async def _find(ident: str) -> dict | None:
    rows = await Row.raw("SELECT request_hash, status_code, response FROM idempotent_request WHERE ident = {}", ident)
    return rows[0] if rows else None


async def run_once(
    user_id: int, kind: str, key: str | None, request_hash: str, create: Create, *, now: datetime
) -> tuple[int, bytes]:
    """Call ``create`` inside a write transaction unless ``key`` was used before.

    ``create``'s own write transaction joins this one (nesting is a no-op), so the
    object and the record of its answer commit together or not at all.
    """
    if key is None:
        async with write_transaction():
            return await create()
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise AppError(400, "idempotency.key_invalid", details={"field": "Idempotency-Key"})
    ident = f"{user_id}:{kind}:{key}"
    if (found := await _find(ident)) is not None:
        return _answer(found, request_hash)
    try:
        async with write_transaction():
            # Checked again under the write lock: on SQLite a concurrent twin has
            # committed by now. On PostgreSQL the twin's insert below waits on the
            # unique index until this transaction ends, then fails and replays.
            if (found := await _find(ident)) is not None:
                raise _Replay(found)
            [row] = await Row.raw(
                "INSERT INTO idempotent_request (ident, user_id, request_hash, status_code, response, created_at) "
                "VALUES ({}, {}, {}, 0, '', {}) RETURNING id",
                ident,
                user_id,
                request_hash,
                now,
            )
            status, body = await create()
            await Row.raw(
                "UPDATE idempotent_request SET status_code = {}, response = {} WHERE id = {}",
                status,
                body.decode(),
                row["id"],
            )
            return status, body
    except _Replay as replay:
        return _answer(replay.row, request_hash)
    except Exception as exc:
        if is_unique_violation(exc) and (found := await _find(ident)) is not None:
            return _answer(found, request_hash)
        raise


async def respond_once(
    user_id: int,
    kind: str,
    key: str | None,
    request_hash: str,
    status: int,
    produce: Callable[[], Awaitable[_Answer]],
    *,
    now: datetime,
) -> Response[_Answer]:
    """Run ``produce`` once per (user, kind, key) and answer with the stored bytes.

    >>> return await respond_once(actor.id, "case", key, body_hash(data), 201, lambda: create(...), now=now)
    """

    async def create() -> tuple[int, bytes]:
        return status, msgspec.json.encode(await produce())

    code, body = await run_once(user_id, kind, key, request_hash, create, now=now)
    # The bytes of the first answer, so a retry gets exactly what the first call got. They
    # are the answer, encoded: typed as it, so the handler's ``Response[Case]`` (what the
    # OpenAPI document shows) is checked against what ``produce`` makes.
    return cast("Response[_Answer]", Response(body, status_code=code, media_type="application/json"))
