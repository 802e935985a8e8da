"""Finding residents within one's grids, for proxy submission (代办) and visits.

A grid worker looks a villager up by phone (the whole number, or its last four digits)
or by name, and sees only residents whose home region lies inside their own scope;
anyone else does not exist for them (an empty list, never an error that tells).
What comes back is what identifies a person at the door, nothing more: the name,
the home region, the care flags and a masked phone (138****0001).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.accounts._search import audit_found, search_for
from backend.accounts.structs import FLAGS, RegionRef, ResidentCard, ResidentPage
from backend.accounts.tables import User as UserRow
from backend.lib.auth import CurrentUser
from backend.lib.i18n import Locale, script_of, to_script
from backend.lib.pages import paginate
from backend.lib.privacy import mask_phone
from backend.settings import Settings

MAX_PAGE = 200


async def find_residents(
    actor: CurrentUser, query: str, cursor: int | None, limit: int, settings: Settings, now: datetime
) -> ResidentPage:
    """Active residents inside ``actor``'s scope, by id, matching ``query`` if given
    (see ``_search``: searches by digits are limited and audited)."""
    search = await search_for(actor, query, settings, now)
    clause = (UserRow.role == "resident") & UserRow.active.eq(True) & actor.scope.region_filter(UserRow.region.code)
    if search is not None:
        clause &= search.where
    if cursor is not None:
        clause &= UserRow.id > cursor
    limit = max(1, min(limit, MAX_PAGE))
    rows = (
        await UserRow.select(
            UserRow.id,
            UserRow.name,
            UserRow.name_script,
            UserRow.phone,
            UserRow.elderly,
            UserRow.disabled,
            UserRow.lives_alone,
            UserRow.region.code,
            UserRow.region.level,
            UserRow.region.name_hans,
            UserRow.region.name_hant,
        )
        .where(clause)
        .order_by(UserRow.id)
        .limit(limit + 1)
    )
    page = paginate(rows, limit, lambda row: _card(row, actor.locale))
    await audit_found(actor, search, [card.id for card in page.items], now)
    return page


def _card(row: dict[str, Any], locale: Locale) -> ResidentCard:
    script = "hant" if locale == "zh-Hant" else "hans"
    region = None
    if row["region.code"]:
        region = RegionRef(code=row["region.code"], level=row["region.level"], name=row[f"region.name_{script}"])
    return ResidentCard(
        id=row["id"],
        name=to_script(row["name"], locale, script_of(row["name_script"])),
        phone_masked=mask_phone(row["phone"]),
        region=region,
        flags=[flag for flag in FLAGS if row[flag]],
    )
