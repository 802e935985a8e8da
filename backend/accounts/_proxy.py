"""Whom an official may act for: filing a case (代办) or booking a visit in a resident's name.

A grid worker, clerk or admin acts for a resident whose home region lies inside their
own scope, named by id (picked from ``GET /residents``) or by phone. Named by phone
only, they may also act for someone the region tree does not place: a resident who
signed up by SMS and has no home region, or a number without an account (the caller
makes one in its own grid) — the walk-in elder at a village proxy point. What the
official then sees of that resident is the cases domain's rule (docs/DESIGN.md,
"Proxy submission").

Anyone else — an id that does not exist, a resident whose home lies outside the
official's scope, a resident without a home region named by id, an official, a
switched-off account — is refused with one answer (``NotFound``), so the refusal
tells nothing about the person.
"""

from __future__ import annotations

from backend.accounts.tables import User as UserRow
from backend.lib.auth import CurrentUser
from backend.lib.errors import Invalid, NotFound


async def resident_for(actor: CurrentUser, *, user_id: int | None = None, phone: str | None = None) -> int | None:
    """The id of the resident ``actor`` (an official) may act for, named by ``user_id`` or
    by ``phone`` (normalized); None when nobody has ``phone`` yet.

    Raises ``NotFound`` for everyone else, whatever the reason.

    >>> await resident_for(worker, phone="13800000001")  # a resident of the worker's grid
    17
    """
    if (user_id is None) == (phone is None):
        raise ValueError("name the resident by id or by phone")
    where = UserRow.id == user_id if user_id is not None else UserRow.phone == phone
    row = await UserRow.select(UserRow.id, UserRow.role, UserRow.active, UserRow.region.code).where(where).first()
    if row is None:
        if phone is not None:
            return None
        raise NotFound()
    home = row["region.code"]
    if row["role"] != "resident" or not row["active"] or actor.role == "resident":
        raise NotFound()
    if home is None:
        # Nobody's resident: only a phone typed at the desk reaches them (ids of people
        # outside one's scope are not to be found, and guessing them must not help).
        if phone is None:
            raise NotFound()
        return row["id"]
    if not actor.scope.covers(home):
        raise NotFound()
    return row["id"]


async def resident_by_id(actor: CurrentUser, user_id: int) -> int:
    """``resident_for`` by id, for filing and booking: the resident's id, or 400
    ``case.resident_invalid`` on ``resident_id`` — one refusal for a missing id and one
    out of scope (by id there is never "nobody yet")."""
    try:
        found = await resident_for(actor, user_id=user_id)
    except NotFound:
        found = None
    if found is None:
        raise Invalid("case.resident_invalid", field="resident_id")
    return found
