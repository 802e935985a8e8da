"""Who a case may be dispatched to: the picker behind 派单 on the staff desk.

The same rule as the transition's own check (``cases.transitions._worker_for``):
a grid worker takes cases in their own grid (or village), a staff member any case
of their township. Staff see the workers of their township, admins of their county.
"""

from __future__ import annotations

from backend.accounts.structs import Assignee, AssigneePage, RegionRef
from backend.accounts.tables import User as UserRow
from backend.lib.auth import CODE_LENGTH, CurrentUser
from backend.lib.errors import NotFound
from backend.lib.i18n import script_of, to_script

#: Far more than a township has; the picker shows them all.
LIMIT = 500
ROLES = ("grid_worker", "staff")


def _takes(role: str, home: str, region: str) -> bool:
    """Whether someone of ``role`` living in ``home`` may be assigned a case in ``region``."""
    prefix = home[: CODE_LENGTH["township"]] if role == "staff" else home
    return bool(prefix) and region.startswith(prefix)


async def list_assignees(actor: CurrentUser, region: str | None) -> AssigneePage:
    """Active grid workers and staff in ``actor``'s scope, grid workers first.

    With ``region`` (a case's grid), only those who may take a case there;
    a region outside the caller's scope answers 404.

    >>> await list_assignees(staff, "990101001001001")  # the grid's workers and the township's staff
    """
    if region is not None and not actor.scope.covers(region):
        raise NotFound()
    rows = await (
        UserRow.select(
            UserRow.id,
            UserRow.name,
            UserRow.name_script,
            UserRow.role,
            UserRow.region.code,
            UserRow.region.level,
            UserRow.region.name_hans,
            UserRow.region.name_hant,
        )
        .where(
            actor.scope.region_filter(UserRow.region.code) & UserRow.role.is_in(list(ROLES)) & UserRow.active.eq(True)
        )
        .order_by(UserRow.id)
        .limit(LIMIT)
    )
    script = "hant" if actor.locale == "zh-Hant" else "hans"
    items = [
        Assignee(
            id=row["id"],
            name=to_script(row["name"], actor.locale, script_of(row["name_script"])),
            role=row["role"],
            region=RegionRef(code=row["region.code"], level=row["region.level"], name=row[f"region.name_{script}"]),
        )
        for row in rows
        if region is None or _takes(row["role"], row["region.code"], region)
    ]
    items.sort(key=lambda item: ROLES.index(item.role))
    return AssigneePage(items=items)
