"""The notifications domain's one door: the inbox and outbox rows, Web Push keys, delivery.

Other domains import this module (and ``notifications.structs``) only. Behind it:
``_inbox`` (writing and reading notifications), ``_subscriptions``, ``_vapid``,
``_push`` (the wire), ``_outbox`` (claims) and ``_delivery`` (the delivery loop).
"""

from __future__ import annotations

from backend.notifications._delivery import deliverer
from backend.notifications._inbox import for_user, inbox, mark_read, notify
from backend.notifications._vapid import Vapid, load_vapid

__all__ = ["Vapid", "deliverer", "for_user", "inbox", "load_vapid", "mark_read", "notify"]
