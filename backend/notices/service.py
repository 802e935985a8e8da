"""Notices: posted by staff for a township or village, read by anyone.

A reader of a village (or one of its grids) sees that village's notices and its
township's, newest first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.lib.audit import audit
from backend.lib.auth import CODE_LENGTH, CurrentUser
from backend.lib.db import existing, write_transaction
from backend.lib.errors import AppError, Invalid
from backend.lib.i18n import Locale, to_script
from backend.lib.pages import paginate
from backend.notices.structs import Notice, NoticeCreate, NoticePage, NoticeRegion
from backend.notices.tables import Notice as Row
from backend.regions import service as regions

PAGE_SIZE = 20
_COLUMNS = (
    Row.id,
    Row.title_hans,
    Row.title_hant,
    Row.body_hans,
    Row.body_hant,
    Row.published_at,
    Row.region.code,
    Row.region.level,
    Row.region.name_hans,
    Row.region.name_hant,
)


def _to_struct(row: dict[str, Any], locale: Locale) -> Notice:
    script = "hant" if locale == "zh-Hant" else "hans"
    return Notice(
        id=row["id"],
        region=NoticeRegion(code=row["region.code"], level=row["region.level"], name=row[f"region.name_{script}"]),
        title=row[f"title_{script}"],
        body=row[f"body_{script}"],
        published_at=row["published_at"],
    )


def _notice_regions(code: str) -> list[str]:
    """The township and village a region belongs to (the levels notices are posted at)."""
    return [code[:n] for n in (CODE_LENGTH["township"], CODE_LENGTH["village"]) if len(code) >= n]


async def list_notices(region: str | None, locale: Locale, cursor: int | None) -> NoticePage:
    """Newest first; for ``region``, its township's and village's; for a county or
    no region, every notice."""
    query = Row.select(*_COLUMNS).order_by(Row.id, ascending=False).limit(PAGE_SIZE + 1)
    if region is not None and len(region) > CODE_LENGTH["county"]:
        query = query.where(Row.region.code.is_in(_notice_regions(region)))
    if cursor is not None:
        query = query.where(Row.id < cursor)
    return paginate(await query, PAGE_SIZE, lambda row: _to_struct(row, locale))


def _both_scripts(hans: str | None, hant: str | None, field: str) -> tuple[str, str]:
    """A text in both scripts: each as typed, the one left out converted from the other."""
    hans, hant = (hans or "").strip(), (hant or "").strip()
    if not hans and not hant:
        raise Invalid(f"notice.{field}_required", field=f"{field}_hans")
    return hans or to_script(hant, "zh-Hans", "zh-Hant"), hant or to_script(hans, "zh-Hant", "zh-Hans")


async def publish(actor: CurrentUser, data: NoticeCreate, now: datetime) -> Notice:
    """Post a notice for a township or village inside the actor's scope."""
    if not actor.scope.covers(data.region):
        raise AppError(403, "auth.forbidden")
    region_id = await regions.id_for_code(data.region)
    if region_id is None or regions.level_of(data.region) not in {"township", "village"}:
        raise Invalid("notice.region_invalid", field="region")
    title_hans, title_hant = _both_scripts(data.title_hans, data.title_hant, "title")
    body_hans, body_hant = _both_scripts(data.body_hans, data.body_hant, "body")
    row = Row(
        region=region_id,
        title_hans=title_hans,
        title_hant=title_hant,
        body_hans=body_hans,
        body_hant=body_hant,
        published_at=now,
        author=actor.id,
    )
    async with write_transaction():
        await row.save()
        await audit(actor.id, "notice.publish", "notice", row.id, {"region": data.region}, at=now)
    created = existing(await Row.select(*_COLUMNS).where(Row.id == row.id).first())
    return _to_struct(created, actor.locale)
