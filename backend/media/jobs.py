"""Media timers: uploads never attached to a case are removed after a day.

A phone uploads photos first and submits the case after; when the submission
never comes (the user gave up, or chose other photos), the uploads go.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from backend.media import service
from backend.media._storage import Storage

log = logging.getLogger("bianmin.timers")
STALE_AFTER = timedelta(days=1)


async def remove_stale(now: datetime, storage: Storage, older_than: timedelta = STALE_AFTER) -> int:
    """Remove unattached uploads older than ``older_than``; returns how many."""
    removed = await service.remove_unattached(now - older_than, storage)
    if removed:
        log.info("timers: removed %d unattached photos", removed)
    return removed


def stale_remover(storage: Storage) -> Callable[[datetime], Awaitable[int]]:
    """``remove_stale`` as a timer for the background jobs (``backend/jobs.py``)."""

    async def timer(now: datetime) -> int:
        return await remove_stale(now, storage)

    return timer
