"""Shared steps for case tests: people in two townships, and moving a case along."""

from __future__ import annotations

import itertools
import re
from zoneinfo import ZoneInfo

from backend.accounts import service as accounts
from backend.cases.service import Context
from backend.cases.tables import Case
from backend.lib.auth import CurrentUser
from backend.lib.db import execute
from backend.lib.i18n import Texts
from tests.conftest import Auth

GRID_A = "990101001001001"  # 清河镇 东山村 第一网格: the demo resident and grid worker
GRID_B = "990101001002001"  # 清河镇 西塘村
GRID_OTHER_TOWN = "990101002001001"  # 白石乡 白石村
_phones = itertools.count(13700000000)


async def add_user(client, auth: Auth, role: str, region: str, name: str = "") -> tuple[int, dict[str, str]]:
    """Create a user through the admin API; return its id and bearer headers."""
    phone = str(next(_phones))
    response = await client.post(
        "/api/v1/users",
        json={"phone": phone, "role": role, "region": region, "name": name or f"{role}-{phone[-4:]}"},
        headers=await auth.role("admin"),
    )
    assert response.status_code == 201, response.text
    return response.json()["id"], await auth.headers(phone)


async def submit(client, headers, *, key: str | None = None, **fields):
    body = {
        "kind": "request",
        "service_code": "AST-001",
        "title": "申请低保",
        "description": "家里困难，想申请最低生活保障。",
        "region": GRID_A,
    }
    body.update(fields)
    extra = {"Idempotency-Key": key} if key else {}
    return await client.post("/api/v1/cases", json=body, headers={**headers, **extra})


async def move(client, headers, case_id: int, action: str, **fields):
    return await client.post(f"/api/v1/cases/{case_id}/transitions", json={"action": action, **fields}, headers=headers)


async def user_id(client, headers) -> int:
    return (await client.get("/api/v1/me", headers=headers)).json()["id"]


class Boom(RuntimeError):
    """The write a test made fail."""


_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def fail_write(monkeypatch, pattern: str) -> list[str]:
    """Make the first write statement whose SQL matches ``pattern`` (a regex) raise ``Boom``.

    Returns the write statements the engine runs from now on, the failed one last, so a
    test can show that the writes before it were made (and then rolled back). Later
    statements matching ``pattern`` run normally.
    """
    engine_class = type(Case._meta.db)
    run_querystring = engine_class.run_querystring
    writes: list[str] = []
    failed = False

    async def failing(self, querystring, *args, **kwargs):
        nonlocal failed
        sql = str(querystring)
        if _WRITE.match(sql):
            writes.append(sql)
            if not failed and re.search(pattern, sql, re.IGNORECASE):
                failed = True
                raise Boom(sql)
        return await run_querystring(self, querystring, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", failing)
    return writes


def tables_written(writes: list[str]) -> list[str]:
    """The tables ``writes`` (from ``fail_write``) wrote to, in order, leaving out the
    token check's own bookkeeping (a session's last use, in a transaction of its own)."""
    tables = [sql.split()[1 if sql.startswith("UPDATE") else 2].strip('"') for sql in writes]
    return [table for table in tables if table != "user_session"]


async def snapshot(*tables: str) -> dict[str, list[dict]]:
    """Every row of ``tables``: equal before and after a failed call when nothing of it remains."""
    return {table: [dict(row) for row in await execute(f"SELECT * FROM {table} ORDER BY id")] for table in tables}


def case_context(settings) -> Context:
    """The context the app hands case operations, for calling a service directly."""
    return Context(texts=Texts.load(settings.locales_dir), tz=ZoneInfo(settings.timezone), default_time_limit_days=5)


async def current_user(client, headers) -> CurrentUser:
    """The signed-in user behind ``headers``, as a service sees them."""
    user = await accounts.load_current_user(await user_id(client, headers))
    assert user is not None
    return user
