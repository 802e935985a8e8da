"""The one source of "now" for deadlines, reminders and auto-close.

The app and the timer runner take a ``Clock``; tests hand in one they can move.
"""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)
