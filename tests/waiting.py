"""Waiting for something another process or task does: poll a condition until it holds.

Tests travel in time instead of sleeping; what they cannot travel past is work done
elsewhere (a worker process, a timer task, a browser). For that, `eventually` polls a
predicate at a short interval and fails with a message that says what never happened."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

INTERVAL = 0.05


async def eventually(
    check: Callable[[], Any | Awaitable[Any]],
    *,
    timeout: float = 30.0,  # noqa: ASYNC109 - the failure names `what`; a caller's asyncio.timeout gives a bare TimeoutError
    what: str = "the condition",
    interval: float = INTERVAL,
) -> Any:
    """``check()``'s first true value (``check`` may be sync or async), polled every
    ``interval`` seconds; fails if ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        await asyncio.sleep(interval)


def eventually_sync(
    check: Callable[[], Any],
    *,
    timeout: float = 30.0,
    what: str = "the condition",
    interval: float = INTERVAL,
    pause: Callable[[float], None] = time.sleep,
) -> Any:
    """`eventually` for synchronous code. ``pause(seconds)`` waits between checks: pass
    one that keeps an event loop turning (Playwright's ``page.wait_for_timeout``) when
    the condition depends on its handlers."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        pause(interval)
