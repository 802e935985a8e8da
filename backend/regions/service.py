"""Region queries. Codes are hierarchical, so scope checks are prefix tests."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import anyio
import msgspec

from backend.lib.auth import CODE_LENGTH
from backend.lib.db import write_transaction
from backend.lib.i18n import Locale, to_script
from backend.regions.structs import Level, Region, RegionSeed
from backend.regions.tables import Region as RegionRow

_LEVEL_BY_LENGTH: dict[int, Level] = {CODE_LENGTH[level]: level for level in get_args(Level)}
DEMO_REGIONS = Path(__file__).parent / "seed" / "demo_regions.json"


def _to_struct(row: dict, locale: Locale) -> Region:
    return Region(
        code=row["code"],
        level=row["level"],
        name=row["name_hant"] if locale == "zh-Hant" else row["name_hans"],
        parent=row["parent.code"],
    )


_COLUMNS = (RegionRow.code, RegionRow.level, RegionRow.name_hans, RegionRow.name_hant, RegionRow.parent.code)


async def list_children(parent_code: str | None, locale: Locale) -> list[Region]:
    """The regions directly below ``parent_code`` (the counties when it is None)."""
    query = RegionRow.select(*_COLUMNS).order_by(RegionRow.code)
    if parent_code is None:
        query = query.where(RegionRow.parent.is_null())
    else:
        query = query.where(RegionRow.parent.code == parent_code)
    return [_to_struct(row, locale) for row in await query]


async def get(code: str, locale: Locale) -> Region | None:
    row = await RegionRow.select(*_COLUMNS).where(RegionRow.code == code).first()
    return _to_struct(row, locale) if row else None


async def id_for_code(code: str) -> int | None:
    rows = await RegionRow.raw("SELECT id FROM region WHERE code = {}", code)
    return rows[0]["id"] if rows else None


async def is_empty() -> bool:
    return not await RegionRow.exists().where(RegionRow.id.is_not_null())


def level_of(code: str) -> Level | None:
    """The level a code's length stands for, or None for a malformed code."""
    return _LEVEL_BY_LENGTH.get(len(code)) if code.isdigit() else None


async def seed(path: Path = DEMO_REGIONS) -> int:
    """Insert the tree in ``path`` where its codes are missing; return how many were added.

    Traditional names are produced from the Simplified ones, and stored so they can be
    corrected by hand later.
    """
    roots = msgspec.json.decode(await anyio.Path(path).read_bytes(), type=list[RegionSeed])
    existing = {row["code"] for row in await RegionRow.select(RegionRow.code)}
    added = 0

    async def insert(node: RegionSeed, parent_id: int | None, parent_code: str) -> None:
        nonlocal added
        level = level_of(node.code)
        if level is None or not node.code.startswith(parent_code):
            raise ValueError(f"region code {node.code!r} does not fit under {parent_code!r}")
        if node.code in existing:
            row_id = await id_for_code(node.code)
        else:
            row = RegionRow(
                code=node.code,
                level=level,
                parent=parent_id,
                name_hans=node.name,
                name_hant=to_script(node.name, "zh-Hant", "zh-Hans"),
            )
            await row.save()
            row_id = row.id
            added += 1
        for child in node.children:
            await insert(child, row_id, node.code)

    async with write_transaction():
        for root in roots:
            await insert(root, None, "")
    return added
