"""Clients that retry like a phone on a bad line: the same Idempotency-Key until an
answer arrives (the server processes they talk to are `tests.processes.Server`)."""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx


@dataclass
class Tally:
    """What the clients saw: answers by client number, and every failed try."""

    answers: dict[int, httpx.Response] = field(default_factory=dict)
    transport_errors: int = 0
    retried_statuses: dict[int, int] = field(default_factory=dict)
    tries: int = 0
    #: Called the moment each answer is counted, before any other client's answer is read.
    on_answer: Callable[[], None] | None = None

    @property
    def acknowledged(self) -> int:
        return len(self.answers)


#: Answers a phone retries: the server was restarting, overloaded or cut off from its database.
RETRY_STATUSES = {429, 500, 502, 503, 504}


async def send_until_answered(
    http: httpx.AsyncClient,
    tally: Tally,
    number: int,
    path: str,
    body: dict,
    headers: dict[str, str],
    *,
    deadline: float,
) -> None:
    """POST with one Idempotency-Key until an answer that is not a fault, as the PWA's outbox does."""
    headers = {**headers, "Idempotency-Key": f"fault-{number}-{os.getpid()}"}
    pause = 0.05
    while time.monotonic() < deadline:
        tally.tries += 1
        try:
            answer = await http.post(path, json=body, headers=headers)
        except httpx.TransportError:
            tally.transport_errors += 1
        else:
            if answer.status_code not in RETRY_STATUSES:
                tally.answers[number] = answer
                if tally.on_answer is not None:
                    tally.on_answer()
                return
            tally.retried_statuses[answer.status_code] = tally.retried_statuses.get(answer.status_code, 0) + 1
        await asyncio.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 1.0)
    raise AssertionError(f"client {number} got no answer before the deadline")
