"""Piccolo configuration: the app registry, and the engine for a database URL.

Piccolo looks up ``DB`` in this module for migrations and for tables that have no
engine yet. ``DB`` is resolved lazily (PEP 562), so importing this module builds
nothing: the running app binds its engine with ``backend.lib.db.bind_engine``,
and the ``piccolo`` command line gets one built from ``DATABASE_URL``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from backend.lib.sqlite import PooledSQLiteEngine

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

#: Seconds a SQLite connection waits for the writer lock before failing.
SQLITE_BUSY_TIMEOUT = 30
#: Read-only SQLite connections per process (reads run in parallel; writes take turns on one writer).
SQLITE_READERS = 4

_bound: Engine | None = None


class DatabaseURLError(ValueError):
    """DATABASE_URL names no database this project can use."""


def engine_for_url(url: str) -> Engine:
    """Build (but do not connect) the engine for ``url``.

    >>> engine_for_url("sqlite:///data/bianmin.sqlite3").path
    'data/bianmin.sqlite3'
    """
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not path:
            raise DatabaseURLError("a sqlite URL needs a file path: sqlite:///path/to/file")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return PooledSQLiteEngine(path=path, readers=SQLITE_READERS, timeout=SQLITE_BUSY_TIMEOUT)
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql"}:
        if not parts.hostname and not parts.path.strip("/"):
            raise DatabaseURLError("a postgres URL needs a host and a database name")
        config = {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "user": unquote(parts.username or "postgres"),
            "database": unquote(parts.path.lstrip("/")) or "postgres",
            # JIT compiling pays off for long analytic queries only: on the statistics
            # summary it added ~60 ms to ~60 ms of work (bench/README.md).
            "server_settings": {"jit": "off"},
        }
        if parts.password:
            config["password"] = unquote(parts.password)
        return PostgresEngine(config=config, extensions=())
    shown = f"{parts.scheme}://…" if parts.scheme else url[:40]
    raise DatabaseURLError(f"unsupported database URL {shown!r}; use sqlite:///… or postgres://…")


def set_bound_engine(engine: Engine | None) -> None:
    global _bound
    _bound = engine


def __getattr__(name: str) -> Engine:
    if name != "DB":
        raise AttributeError(name)
    if _bound is not None:
        return _bound
    url = os.environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(
        os.environ.get("BIANMIN_DATA_DIR") or "./data", "bianmin.sqlite3"
    )
    set_bound_engine(engine_for_url(url))
    return _bound
