"""Family links: who may act for whom.

A linked family member may book, follow, supply information, confirm handovers and
rate for the relative; the relative sees everything done in their name (the cases
stay theirs). A link starts pending and becomes active when the relative confirms
it, or when a grid worker of the relative's grid records how identity was checked.

Asking tells nothing about the number asked for: whether it has an account, whose,
and in which role, the answer is the same — a pending link showing the requester the
number they typed and the name they gave. A number without an account gets one with
no name (its owner's own name replaces nothing the requester chose); a link to
someone who is not a resident is never confirmed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from piccolo.querystring import QueryString

from backend.accounts import _users as service
from backend.accounts.structs import Link, LinkConfirm, LinkCreate, LinkPage, Person, UserCreate
from backend.accounts.tables import FamilyLink
from backend.lib.audit import audit
from backend.lib.auth import CurrentUser
from backend.lib.db import is_unique_violation, write_transaction
from backend.lib.errors import AppError, Conflict, Invalid, NotFound
from backend.lib.i18n import script_of, to_script
from backend.lib.pages import paginate
from backend.lib.privacy import mask_phone, normalize_phone

_COLUMNS = (
    FamilyLink.id,
    FamilyLink.relation,
    FamilyLink.label,
    FamilyLink.script,
    FamilyLink.status,
    FamilyLink.created_at,
    FamilyLink.confirmed_at,
    FamilyLink.identity_check,
    FamilyLink.requester.id,
    FamilyLink.requester.name,
    FamilyLink.requester.name_script,
    FamilyLink.requester.phone,
    FamilyLink.relative.id,
    FamilyLink.relative.name,
    FamilyLink.relative.name_script,
    FamilyLink.relative.phone,
    FamilyLink.relative.role,
    FamilyLink.relative.active,
    FamilyLink.relative._.region.code,
)


def _view(row: dict[str, Any], actor: CurrentUser) -> Link:
    # The two parties know each other's numbers (one typed the other's); a grid worker
    # confirming a link needs the names, not the numbers.
    party = actor.id in (row["requester.id"], row["relative.id"])
    phone = (lambda number: number) if party else mask_phone
    # Every name and label as the reader's script shows it; each was typed in its own.
    locale, written = actor.locale, script_of(row["script"])
    relative_name = to_script(row["relative.name"], locale, script_of(row["relative.name_script"]))
    requester_name = to_script(row["requester.name"], locale, script_of(row["requester.name_script"]))
    label = to_script(row["label"], locale, written)
    relative = Person(row["relative.id"], relative_name, phone(row["relative.phone"]))
    if actor.id == row["requester.id"]:
        if row["status"] != "active":
            # Until the relative says yes, the requester learns nothing of whose number it is.
            relative = Person(0, label, row["relative.phone"])
        elif not relative.name:
            relative = Person(relative.id, label, relative.phone)
    return Link(
        id=row["id"],
        requester=Person(row["requester.id"], requester_name, phone(row["requester.phone"])),
        relative=relative,
        relation=to_script(row["relation"], locale, written),
        status=row["status"],
        created_at=row["created_at"],
        confirmed_at=row["confirmed_at"],
        identity_check=row["identity_check"],
    )


def relatives_sql(user_id: int) -> QueryString:
    """A subquery of the users ``user_id`` may act for: ``… resident IN ({})`` in cases and bookings."""
    return QueryString(
        "SELECT family_link.relative FROM family_link "
        "WHERE family_link.requester = {} AND family_link.status = 'active'",
        user_id,
    )


async def acts_for(actor_id: int, resident_id: int) -> bool:
    """True when ``actor_id`` is ``resident_id`` or an active family member of theirs."""
    if actor_id == resident_id:
        return True
    return await FamilyLink.exists().where(
        (FamilyLink.requester == actor_id) & (FamilyLink.relative == resident_id) & (FamilyLink.status == "active")
    )


async def request(actor: CurrentUser, data: LinkCreate, now: datetime) -> Link:
    if actor.role != "resident":
        raise AppError(403, "auth.forbidden")
    phone = normalize_phone(data.phone)
    if phone is None:
        raise Invalid("auth.phone_invalid", field="phone")
    relation = data.relation.strip()
    if not relation or len(relation) > 20:
        raise Invalid("family.relation_invalid", field="relation")
    try:
        # One transaction: a relative's account made for the link goes if the link does not come.
        async with write_transaction():
            found = await service.find_by_phone(phone)
            if found is None:
                # No name from the requester: the account is the number's owner's to name.
                relative_id = (await service.create_user(UserCreate(phone=phone), actor=actor.id, now=now)).id
            else:
                # Whoever has the number, resident or official: the same pending link (one
                # to a non-resident is never confirmed), so the answer tells nothing.
                relative_id = found.id
            if relative_id == actor.id:
                raise Invalid("family.relative_invalid", field="phone")  # one's own number
            link = FamilyLink(
                requester=actor.id,
                relative=relative_id,
                relation=relation,
                label=data.relative_name.strip(),
                script=actor.locale,
                pair=f"{actor.id}:{relative_id}",
                created_at=now,
            )
            await link.save()
            await audit(actor.id, "family.request", "family_link", link.id, at=now)
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict("family.exists") from None
        raise
    return await get(actor, link.id)


def _visible(actor: CurrentUser) -> Any:
    mine = (FamilyLink.requester == actor.id) | (FamilyLink.relative == actor.id)
    if actor.role == "grid_worker" and actor.scope.prefix:
        return mine | FamilyLink.relative._.region.code.like(f"{actor.scope.prefix}%")
    return mine


async def get(actor: CurrentUser, link_id: int) -> Link:
    row = await FamilyLink.select(*_COLUMNS).where((FamilyLink.id == link_id) & _visible(actor)).first()
    if row is None:
        raise NotFound()
    return _view(row, actor)


#: Links listed at most; nobody has that many relatives, so the list has no next page.
LIST_LIMIT = 100


async def list_links(actor: CurrentUser) -> LinkPage:
    rows = (
        await FamilyLink.select(*_COLUMNS)
        .where(_visible(actor))
        .order_by(FamilyLink.id, ascending=False)
        .limit(LIST_LIMIT)
    )
    # Fetched without the extra row: past the limit there is no next page to ask for.
    return paginate(rows, LIST_LIMIT, lambda row: _view(row, actor))


async def confirm(actor: CurrentUser, link_id: int, data: LinkConfirm, now: datetime) -> Link:
    """The relative confirms; or a grid worker of the relative's grid, recording the check."""
    async with write_transaction():
        row = await FamilyLink.select(*_COLUMNS).where((FamilyLink.id == link_id) & _visible(actor)).first()
        if row is None:
            raise NotFound()
        if row["relative.role"] != "resident" or not row["relative.active"]:
            # Links act for residents only; one asked of an official's number stays pending.
            raise Conflict("family.not_yours_to_confirm")
        if actor.id == row["relative.id"]:
            check = None
        elif actor.role == "grid_worker" and actor.scope.covers(row["relative.region.code"]):
            if data.identity_check is None:
                raise Invalid("case.identity_check_required", field="identity_check")
            check = data.identity_check
        else:
            raise Conflict("family.not_yours_to_confirm")
        if row["status"] != "pending":
            raise Conflict("family.not_pending")
        await FamilyLink.update(
            {
                FamilyLink.status: "active",
                FamilyLink.confirmed_by: actor.id,
                FamilyLink.confirmed_at: now,
                FamilyLink.identity_check: check,
            }
        ).where(FamilyLink.id == link_id)
        await audit(actor.id, "family.confirm", "family_link", link_id, {"identity_check": check}, at=now)
    return await get(actor, link_id)


async def revoke(actor: CurrentUser, link_id: int, now: datetime) -> None:
    """Either party ends the link, pending or active; acting for the relative stops at once.

    The row is deleted (the audit keeps who ended it), so the pair may ask again later.
    """
    async with write_transaction():
        row = (
            await FamilyLink.select(*_COLUMNS)
            .where(
                (FamilyLink.id == link_id) & ((FamilyLink.requester == actor.id) | (FamilyLink.relative == actor.id))
            )
            .first()
        )
        if row is None:
            raise NotFound()
        await FamilyLink.delete().where(FamilyLink.id == link_id)
        await audit(
            actor.id,
            "family.revoke",
            "family_link",
            link_id,
            {"requester": row["requester.id"], "relative": row["relative.id"], "status": row["status"]},
            at=now,
        )


async def relative_ids(user_id: int) -> list[int]:
    rows = await FamilyLink.raw("{}", relatives_sql(user_id))
    return [row["relative"] for row in rows]
