"""The background jobs: one list, run by ``bianmin worker`` and by a one-process ``bianmin serve``.

Every job claims each piece of work once in the database (a conditional UPDATE on
the row, or a leased outbox batch), so any number of runners can run the same list
at once: several workers, or a worker next to a server that runs them itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from functools import partial
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from backend.bookings import jobs as booking_jobs
from backend.cases import jobs as case_jobs
from backend.lib.i18n import Texts
from backend.lib.sms import SmsSender
from backend.media import jobs as media_jobs
from backend.media.service import Storage
from backend.notifications import service as notifications
from backend.settings import Settings

log = logging.getLogger("bianmin.timers")

#: Seconds shutdown waits for the jobs to stop (a job stuck on the network must not hang it).
SHUTDOWN_SECONDS = 10.0

Kind = Literal["timer", "delivery"]


class Job(msgspec.Struct, frozen=True):
    name: str
    #: "timer": ``run(now)`` is one round; the timers run one after another, then rest
    #: ``interval`` seconds (``BIANMIN_TIMERS_IN_PROCESS``). "delivery": ``run(clock_now,
    #: interval)`` runs until cancelled and paces itself (``BIANMIN_DELIVERY_IN_PROCESS``).
    kind: Kind
    interval: float
    run: Callable[..., Awaitable[object]]


def background(
    settings: Settings, texts: Texts, vapid: notifications.Vapid, storage: Storage, sms: SmsSender | None = None
) -> list[Job]:
    """The jobs, in the order each round runs them.

    ``sms`` is the app's sender under ``serve``; without it delivery makes (and closes) its own.
    """
    timers = settings.timer_interval_seconds
    return [
        Job("case timers", "timer", timers, case_jobs.run_timers),
        Job("stale photos", "timer", timers, media_jobs.stale_remover(storage)),
        Job("bookings", "timer", timers, partial(booking_jobs.run, tz=ZoneInfo(settings.timezone))),
        Job("delivery", "delivery", settings.delivery_interval_seconds, partial(_deliver, settings, texts, vapid, sms)),
    ]


def in_process(jobs: Sequence[Job], settings: Settings) -> list[Job]:
    """The jobs a server process runs itself (a one-process ``serve`` turns both on)."""
    kinds = {"timer": settings.timers_in_process, "delivery": settings.delivery_in_process}
    return [job for job in jobs if kinds[job.kind]]


async def run(jobs: Sequence[Job], clock_now: Callable[[], datetime]) -> None:
    """Run ``jobs`` until cancelled (``bianmin worker``)."""
    await asyncio.gather(*_loops(jobs, clock_now))


@asynccontextmanager
async def running(jobs: Sequence[Job], clock_now: Callable[[], datetime]) -> AsyncIterator[None]:
    """``jobs`` run in the background while the block runs (``bianmin serve``); leaving it stops them.

    Each loop gets ``SHUTDOWN_SECONDS`` to finish (delivery closes its connections):
    one stuck on the network or the database must not hang shutdown.
    """
    tasks = [asyncio.ensure_future(loop) for loop in _loops(jobs, clock_now)]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, SHUTDOWN_SECONDS)


def _loops(jobs: Sequence[Job], clock_now: Callable[[], datetime]) -> list[Awaitable[object]]:
    """One loop per interval for the timers, each running its timers in turn; one per delivery job."""
    rounds: dict[float, list[Job]] = {}
    for job in jobs:
        if job.kind == "timer":
            rounds.setdefault(job.interval, []).append(job)
    return [
        *(_every(interval, timers, clock_now) for interval, timers in rounds.items()),
        *(job.run(clock_now, job.interval) for job in jobs if job.kind == "delivery"),
    ]


async def _every(interval: float, timers: Sequence[Job], clock_now: Callable[[], datetime]) -> None:
    """Each timer in turn, then a rest, until cancelled; a failed timer is logged, not fatal."""
    while True:
        for timer in timers:
            try:
                await timer.run(clock_now())
            except Exception:  # logged; the next round retries: the database may be restarting
                log.exception("timer %s failed", timer.name)
        await asyncio.sleep(interval)


async def _deliver(
    settings: Settings,
    texts: Texts,
    vapid: notifications.Vapid,
    sms: SmsSender | None,
    clock_now: Callable[[], datetime],
    interval: float,
) -> None:
    async with notifications.deliverer(settings, texts, vapid, sms) as deliverer:
        await deliverer.run_forever(clock_now, interval)
