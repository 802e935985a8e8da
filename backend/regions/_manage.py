"""Changing the region tree: a county admin adds regions below their county and renames them.

Codes are stable and hierarchical (county 6 digits, township +3, village +3, grid +3):
cases, users and statistics refer to them, so a code is never changed or reused and a
region is never deleted here. Outside the admin's county a region does not exist (404).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import msgspec

from backend.lib.audit import audit
from backend.lib.auth import CODE_LENGTH, CurrentUser
from backend.lib.db import existing, is_unique_violation, write_transaction
from backend.lib.errors import Conflict, Invalid, NotFound
from backend.regions.service import level_of
from backend.regions.structs import RegionCreate, RegionRecord, RegionUpdate
from backend.regions.tables import Region as Row

#: The level a child of each level has.
CHILD_LEVEL = {"county": "township", "township": "village", "village": "grid"}
#: Longest name, in characters, in either script.
NAME_MAX = 50
#: ASCII digits only: str.isdigit() also accepts full-width and other scripts' digits.
_DIGITS = re.compile(r"[0-9]+")
_COLUMNS = (Row.id, Row.code, Row.level, Row.name_hans, Row.name_hant, Row.parent.code)


def _record(row: dict[str, Any]) -> RegionRecord:
    return RegionRecord(
        code=row["code"],
        level=row["level"],
        parent=row["parent.code"],
        name_hans=row["name_hans"],
        name_hant=row["name_hant"],
    )


async def _row_in_scope(actor: CurrentUser, code: str) -> dict[str, Any]:
    row = await Row.select(*_COLUMNS).where(Row.code == code).first() if actor.scope.covers(code) else None
    if row is None:
        raise NotFound()
    return row


def _clean_name(value: str, field: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise Invalid("region.name_required", field=field)
    if len(name) > NAME_MAX:
        raise Invalid("region.name_too_long", field=field, max=NAME_MAX)
    return name


async def _check_sibling_names(parent_id: int, names: dict[str, str], code: str) -> None:
    """Two regions under one parent may not share a name (in either script)."""
    clash = await Row.exists().where(
        (Row.parent == parent_id)
        & (Row.code != code)
        & (Row.name_hans.is_in(list(names.values())) | Row.name_hant.is_in(list(names.values())))
    )
    if clash:
        raise Conflict("region.name_taken", name=names["name_hans"])


async def records(actor: CurrentUser, parent: str) -> list[RegionRecord]:
    """The regions directly below ``parent`` (inside the admin's county), names in both scripts."""
    found = await _row_in_scope(actor, parent)
    rows = await Row.select(*_COLUMNS).where(Row.parent == found["id"]).order_by(Row.code)
    return [_record(row) for row in rows]


async def create(actor: CurrentUser, data: RegionCreate, now: datetime) -> RegionRecord:
    """Add a region one level below ``data.parent``; its code is the parent's plus 3 digits.

    >>> await create(admin, RegionCreate(parent="990101", code="990101003", level="township", ...))
    """
    names = {
        "name_hans": _clean_name(data.name_hans, "name_hans"),
        "name_hant": _clean_name(data.name_hant, "name_hant"),
    }
    async with write_transaction():
        parent = await _row_in_scope(actor, data.parent)
        level = CHILD_LEVEL.get(parent["level"])
        if level is None or data.level != level:
            raise Invalid("region.level_invalid", field="level", parent=parent["name_hans"])
        if (
            not _DIGITS.fullmatch(data.code)
            or level_of(data.code) != level
            or len(data.code) != CODE_LENGTH[level]
            or not data.code.startswith(parent["code"])
            or data.code.endswith("000")
        ):
            raise Invalid("region.code_invalid", field="code", parent=parent["code"])
        if await Row.exists().where(Row.code == data.code):
            raise Conflict("region.code_taken", code=data.code)
        await _check_sibling_names(parent["id"], names, data.code)
        try:
            row = Row(
                code=data.code,
                level=level,
                parent=parent["id"],
                name_hans=names["name_hans"],
                name_hant=names["name_hant"],
            )
            await row.save()
        except Exception as exc:
            if is_unique_violation(exc):  # the same code added twice at the same moment
                raise Conflict("region.code_taken", code=data.code) from None
            raise
        await audit(actor.id, "region.create", "region", data.code, names, at=now)
    return _record(existing(await Row.select(*_COLUMNS).where(Row.code == data.code).first()))


async def rename(actor: CurrentUser, code: str, patch: RegionUpdate, now: datetime) -> RegionRecord:
    """Change a region's name in one or both scripts; the code stays."""
    changes = {
        name: _clean_name(value, name)
        for name, value in msgspec.structs.asdict(patch).items()
        if value is not msgspec.UNSET
    }
    async with write_transaction():
        row = await _row_in_scope(actor, code)
        if changes:
            names = {"name_hans": row["name_hans"], "name_hant": row["name_hant"], **changes}
            parent_id = existing(await Row.select(Row.parent).where(Row.id == row["id"]).first())
            if parent_id["parent"] is not None:
                await _check_sibling_names(parent_id["parent"], names, code)
            await Row.update({Row._meta.get_column_by_name(name): value for name, value in changes.items()}).where(
                Row.id == row["id"]
            )
            await audit(actor.id, "region.rename", "region", code, {"from": row["name_hans"], **changes}, at=now)
    return _record(existing(await Row.select(*_COLUMNS).where(Row.code == code).first()))
