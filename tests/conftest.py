"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when
``BIANMIN_TEST_DATABASE_URL`` names one (``make test`` runs both).

The schema is migrated once per session into a template; each test gets a fresh
copy (SQLite: a copied file; PostgreSQL: truncated tables) with the demo regions
and users loaded.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import msgspec
import pytest
from litestar import Litestar

from backend.accounts import service as accounts
from backend.app import create_app
from backend.catalog import service as catalog_service
from backend.lib.clock import Clock
from backend.lib.crypto import FieldCipher
from backend.lib.db import all_tables, close_engine, migrate, open_engine
from backend.regions import service as regions
from backend.settings import Settings
from tests.pushservice import PushService

PG_URL = os.environ.get("BIANMIN_TEST_DATABASE_URL", "").strip()
SECRET = "test-secret-key-that-is-long-enough-for-hkdf-0123456789"
#: Days the tests' tokens (and their sessions) last: longer than any trip a test makes with the clock.
TOKEN_DAYS = 365
DEMO = {"resident": "13800000001", "grid_worker": "13800000002", "staff": "13800000003", "admin": "13800000004"}


def pytest_report_header() -> str:
    return f"bianmin database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (embedded)'}"


class RecordingSms:
    """Stands in for the SMS gateway at the network edge: keeps what was sent."""

    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []

    async def send(self, phone: str, text: str, kind: str) -> None:
        self.sent.append({"phone": phone, "text": text, "kind": kind})

    async def aclose(self) -> None:
        return None

    def last_code(self, phone: str) -> str:
        for message in reversed(self.sent):
            if message["phone"] == phone and message["kind"] == "otp":
                return re.search(r"\d{6}", message["text"]).group(0)
        raise AssertionError(f"no code sent to {phone}")


async def _recreate_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def _migrate(url: str) -> None:
    engine = await open_engine(url)
    try:
        await migrate()
    finally:
        await close_engine(engine)


@pytest.fixture(scope="session")
def template_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if PG_URL:
        asyncio.run(_recreate_pg_database(PG_URL))
        asyncio.run(_migrate(PG_URL))
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    asyncio.run(_migrate(f"sqlite:///{path}"))
    return f"sqlite:///{path}"


@pytest.fixture
def database_url(template_url: str, tmp_path: Path) -> Iterator[str]:
    if PG_URL:
        yield PG_URL
        return
    copy = tmp_path / "test.sqlite3"
    shutil.copy(template_url.removeprefix("sqlite:///"), copy)
    yield f"sqlite:///{copy}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Test settings; override fields with ``@pytest.mark.parametrize("settings", [{...}], indirect=True)``."""
    overrides = getattr(request, "param", {})
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key=SECRET,
        pwa_dir=tmp_path / "no-pwa",
        **overrides,
    )


@pytest.fixture
def sms() -> RecordingSms:
    return RecordingSms()


@pytest.fixture
def push_service() -> Iterator[PushService]:
    """A push service and SMS gateway on 127.0.0.1 that keep what they are sent (tests/pushservice.py)."""
    service = PushService().start()
    yield service
    service.stop()


async def _reset_pg() -> None:
    names = ", ".join(t._meta.tablename for t in all_tables() if t._meta.tablename != "migration")
    await all_tables()[0]._meta.db.run_ddl(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


class TravelClock(Clock):
    """A clock tests move by hand. Starts Monday 2026-11-23 10:00 in Shanghai."""

    def __init__(self) -> None:
        self.current = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def set(self, value: datetime) -> None:
        self.current = value.astimezone(UTC)

    def travel(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


@pytest.fixture
def clock() -> TravelClock:
    return TravelClock()


@pytest.fixture
async def client(settings: Settings, sms: RecordingSms, clock: TravelClock) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the app, run in the test's own event loop (so the
    PostgreSQL pool and the test share one loop)."""
    async with seeded_client(create_app(settings, sms=sms, clock=clock), settings) as test_client:
        yield test_client


@contextlib.asynccontextmanager
async def seeded_client(app: Litestar, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """``app`` running on a database emptied (PostgreSQL) and seeded with the regions,
    the catalog and the demo users, and an HTTP client for it."""
    async with running(app):
        if PG_URL:
            await _reset_pg()
        await regions.seed()
        await catalog_service.seed()
        await accounts.seed_demo_users(FieldCipher(settings.secret_key))
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@contextlib.asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[None]:
    """Run the app's lifespan in one task of the current loop.

    pytest-asyncio sets a fixture up and tears it down in different tasks, which
    anyio's cancel scopes inside Litestar's lifespan do not allow.
    """
    started, stop = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(hold())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait([task, waiter], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()
    try:
        yield
    finally:
        stop.set()
        await task


async def session_token(user_id: int, now: datetime, *, device: str = "other/other") -> str:
    """A token naming a new session of ``user_id`` that lasts ``TOKEN_DAYS`` (no login code spent)."""
    days = timedelta(days=TOKEN_DAYS)
    return await accounts.start_session(
        user_id, SECRET, idle=days, lifetime=days, remembered=True, device=device, now=now
    )


class Auth:
    """Bearer headers for the demo users (and any other phone)."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    async def headers(self, phone: str, lang: str | None = None) -> dict[str, str]:
        found = await accounts.find_by_phone(phone)
        assert found, phone
        token = await session_token(found.id, self.clock.now())
        headers = {"Authorization": f"Bearer {token}"}
        if lang:
            headers["Accept-Language"] = lang
        return headers

    async def role(self, role: str, lang: str | None = None) -> dict[str, str]:
        return await self.headers(DEMO[role], lang)


@pytest.fixture
def auth(client: httpx.AsyncClient, settings: Settings, clock: TravelClock) -> Auth:
    return Auth(settings, clock)


def error_code(response) -> str:
    body = msgspec.json.decode(response.content)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]["code"]
