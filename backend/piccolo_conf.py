"""Piccolo configuration: the app registry, and the engine for a database URL.

Piccolo looks up ``DB`` in this module for migrations and for tables that have no
engine yet. ``DB`` is resolved lazily (PEP 562), so importing this module builds
nothing. The engine choice lives in ``backend.lib.db``: the running app binds its engine
with ``bind_engine``, and the ``piccolo`` command line gets one built from ``DATABASE_URL``.
"""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine

from backend.lib.db import bound_engine

APP_REGISTRY = AppRegistry(
    apps=[
        "backend.regions.piccolo_app",
        "backend.accounts.piccolo_app",
        "backend.catalog.piccolo_app",
        "backend.notices.piccolo_app",
        "backend.idempotency.piccolo_app",
        "backend.notifications.piccolo_app",
        "backend.cases.piccolo_app",
        "backend.ratings.piccolo_app",
        "backend.bookings.piccolo_app",
        "backend.media.piccolo_app",
    ]
)


def __getattr__(name: str) -> Engine:
    if name != "DB":
        raise AttributeError(name)
    return bound_engine()
