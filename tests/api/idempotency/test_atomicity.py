"""An idempotent create and the record of its answer commit together or not at all:
the create's own transaction joins ``run_once``'s, so a failure after it undoes both."""

from __future__ import annotations

import pytest

from backend.accounts.tables import Audit
from backend.idempotency import service as idempotency
from backend.idempotency.tables import IdempotentRequest
from backend.lib.audit import audit
from backend.lib.db import write_transaction


class WriteFailed(Exception):
    """Stands in for a database error on the write under test."""


def _create(clock, fail: bool = False):
    async def create() -> tuple[int, bytes]:
        # A write function of its own, as every service create is.
        async with write_transaction():
            await audit(1, "test.create", "thing", 1, at=clock.now())
        if fail:
            raise WriteFailed
        return 201, b'{"id":1}'

    return create


@pytest.mark.parametrize("key", ["key-1", None])
async def test_a_create_that_fails_after_its_write_leaves_neither_object_nor_record(client, clock, key):
    with pytest.raises(WriteFailed):
        await idempotency.run_once(1, "thing", key, "hash", _create(clock, fail=True), now=clock.now())
    assert not await Audit.exists().where(Audit.action == "test.create")
    assert await IdempotentRequest.count() == 0


async def test_a_failed_answer_record_undoes_the_create(client, clock, monkeypatch):
    raw = IdempotentRequest.raw

    def failing_raw(sql, *args):
        if sql.startswith("UPDATE idempotent_request"):
            raise WriteFailed
        return raw(sql, *args)

    monkeypatch.setattr(IdempotentRequest, "raw", failing_raw)
    with pytest.raises(WriteFailed):
        await idempotency.run_once(1, "thing", "key-1", "hash", _create(clock), now=clock.now())
    monkeypatch.undo()
    assert not await Audit.exists().where(Audit.action == "test.create")
    assert await IdempotentRequest.count() == 0
    # The key is free again: a retry creates, and a second retry replays that answer.
    assert await idempotency.run_once(1, "thing", "key-1", "hash", _create(clock), now=clock.now()) == (
        201,
        b'{"id":1}',
    )
    assert await idempotency.run_once(1, "thing", "key-1", "hash", _create(clock, fail=True), now=clock.now()) == (
        201,
        b'{"id":1}',
    )
