"""Managing users: admins for their county, staff for the residents of their township.

Every query goes through ``_visible``: a user outside the caller's scope does not
exist for them (404). A change to what an account may reach (role, region, on or
off) ends all its sessions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from backend.accounts import _sessions as sessions
from backend.accounts._search import audit_found, search_for
from backend.accounts._users import (
    USER_COLUMNS,
    create_user,
    get_user,
    region_id_for,
    to_struct,
)
from backend.accounts.structs import User, UserCreate, UserPage, UserUpdate
from backend.accounts.tables import User as UserRow
from backend.lib.audit import audit
from backend.lib.auth import CurrentUser
from backend.lib.crypto import FieldCipher
from backend.lib.db import write_transaction
from backend.lib.errors import AppError, NotFound
from backend.lib.pages import paginate
from backend.lib.privacy import mask_phone
from backend.settings import Settings

PAGE_SIZE = 50


def _visible(actor: CurrentUser) -> Any:
    """The WHERE clause for the users ``actor`` may manage."""
    clause = actor.scope.region_filter(UserRow.region.code)
    if actor.role == "staff":
        clause &= UserRow.role == "resident"
    return clause


def _masked(user: User) -> User:
    """Managing users needs names, places and flags, not the means to call them: phones are
    masked here (the resident's own screens and the case a clerk opens show the full one)."""
    return msgspec.structs.replace(user, phone=mask_phone(user.phone))


def _may_manage(actor: CurrentUser, role: str, region_code: str | None) -> bool:
    if actor.role == "staff" and role != "resident":
        return False
    return actor.scope.covers(region_code)


async def list_users(
    actor: CurrentUser, cursor: int | None, role: str | None, q: str | None, settings: Settings, now: datetime
) -> UserPage:
    """``q``: see ``_search`` (searches by digits are limited and audited)."""
    search = await search_for(actor, q, settings, now)
    query = UserRow.select(*USER_COLUMNS).where(_visible(actor)).order_by(UserRow.id).limit(PAGE_SIZE + 1)
    if cursor is not None:
        query = query.where(UserRow.id > cursor)
    if role is not None:
        query = query.where(UserRow.role == role)
    if search is not None:
        query = query.where(search.where)
    page = paginate(await query, PAGE_SIZE, lambda row: _masked(to_struct(row, actor.locale)))
    await audit_found(actor, search, [user.id for user in page.items], now)
    return page


async def add_user(actor: CurrentUser, data: UserCreate, cipher: FieldCipher, now: datetime) -> User:
    if not _may_manage(actor, data.role, data.region):
        raise AppError(403, "auth.forbidden")
    return await create_user(data, cipher, actor=actor.id, now=now, name_script=actor.locale)


async def update_user(actor: CurrentUser, user_id: int, patch: UserUpdate, now: datetime) -> User:
    async with write_transaction():
        await _update(actor, user_id, patch, now)
    return _masked(await get_user(user_id, actor.locale))


async def _update(actor: CurrentUser, user_id: int, patch: UserUpdate, now: datetime) -> None:
    """Checked and written under the write lock: a concurrent change cannot slip between."""
    row = (
        await UserRow.select(UserRow.id, UserRow.role, UserRow.region.code, UserRow.active)
        .where((UserRow.id == user_id) & _visible(actor))
        .first()
    )
    if row is None:
        raise NotFound()
    role = row["role"] if patch.role is msgspec.UNSET else patch.role
    region = row["region.code"] if patch.region is msgspec.UNSET else patch.region
    if not _may_manage(actor, role, region):
        raise AppError(403, "auth.forbidden")
    if user_id == actor.id and (patch.active is False or role != row["role"] or region != row["region.code"]):
        # Locking oneself out (or out of one's own county) needs a second admin to undo.
        raise AppError(409, "user.self_change")
    values: dict[Any, Any] = {}
    if patch.name is not msgspec.UNSET:
        values[UserRow.name] = patch.name.strip()[:50]
        values[UserRow.name_script] = actor.locale
    if patch.role is not msgspec.UNSET or patch.region is not msgspec.UNSET:
        values[UserRow.role] = role
        values[UserRow.region] = await region_id_for(role, region)
    if patch.flags is not msgspec.UNSET:
        for flag in ("elderly", "disabled", "lives_alone"):
            values[UserRow._meta.get_column_by_name(flag)] = flag in patch.flags
    if patch.active is not msgspec.UNSET:
        values[UserRow.active] = patch.active
    if values:
        await UserRow.update(values).where(UserRow.id == user_id)
        changed = sorted(name for name, v in msgspec.structs.asdict(patch).items() if v is not msgspec.UNSET)
        detail: dict[str, Any] = {"fields": changed}
        switched = patch.active is not msgspec.UNSET and patch.active != row["active"]
        if switched or role != row["role"] or region != row["region.code"]:
            # What the account may reach changed: every device signs in again under the new
            # terms, and an account switched back on revives none of its old tokens.
            detail["sessions_ended"] = await sessions.end_all(user_id, "account_changed", now)
        await audit(actor.id, "user.update", "user", user_id, detail, at=now)
