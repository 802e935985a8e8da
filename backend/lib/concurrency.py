"""How many of one expensive thing a process does at once.

A statistics export reads every case of up to three years; a few at once keep the
database and a CPU busy, and a clerk who clicks again, or a script that loops, must
not stack up more. ``Slots`` lets ``per_key`` run at once for one key (a user) and
``total`` in the process; the rest are told to come back (429 with Retry-After).

The process's requests share one event loop and ``hold`` does not await between
counting and taking a slot, so two requests cannot both take the last one.

>>> slots = Slots(per_key=1, total=2)
>>> with slots.hold(7):
...     slots.hold(7).__enter__()
Traceback (most recent call last):
...
backend.lib.errors.RateLimited: stats.export_busy
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Hashable, Iterator

from backend.lib.errors import RateLimited


class Slots:
    """At most ``per_key`` holders per key and ``total`` in all; others get ``RateLimited(retry_after, key)``."""

    def __init__(self, *, per_key: int, total: int, retry_after: float = 5.0, key: str = "stats.export_busy") -> None:
        if per_key < 1 or total < 1:
            raise ValueError(f"per_key and total must be at least 1, got {per_key} and {total}")
        self.per_key, self.total, self.retry_after, self.key = per_key, total, retry_after, key
        self._held: Counter[Hashable] = Counter()

    @property
    def busy(self) -> int:
        """Slots held now."""
        return sum(self._held.values())

    @contextlib.contextmanager
    def hold(self, owner: Hashable) -> Iterator[None]:
        """Hold a slot for ``owner`` while the block runs (released however it ends)."""
        if self._held[owner] >= self.per_key or self.busy >= self.total:
            raise RateLimited(self.retry_after, self.key)
        self._held[owner] += 1
        try:
            yield
        finally:
            self._held[owner] -= 1
            if not self._held[owner]:
                del self._held[owner]
