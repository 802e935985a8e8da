"""Finding a person by what a clerk or grid worker types: a whole phone number, its last
four digits, or part of the name (GET /users?q=, GET /residents?q=).

Lists show phones masked (138****0001), so a search must not read the hidden middle back
a digit at a time. Searching "1380", "13800", … or a run from the middle ("0000") used to
narrow a masked number down in 4 to 40 searches, unseen. Now:

- digits match a whole number (spaces, dashes, full-width digits and +86 allowed) or
  exactly the last four, which the mask shows anyway; any other run of digits is refused
  (400 ``user.search_digits``), so a search tells no more than the list does, except
  whether a whole number the searcher already knows is someone's;
- each search by digits counts against the searcher (``Settings.search_limit`` in
  ``otp_window_seconds``), so guessing the four hidden digits (10,000 numbers) is out of
  reach;
- each person a search by digits finds is a reveal, audited like the others
  (``user.find_by_phone``, with ``{"by": "phone" | "last4"}``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, NamedTuple

from piccolo.custom_types import Combinable

from backend.accounts import _limits as limits
from backend.accounts.tables import User as UserRow
from backend.lib.audit import audit
from backend.lib.auth import CurrentUser
from backend.lib.db import write_transaction
from backend.lib.errors import Invalid
from backend.lib.i18n import to_script
from backend.lib.privacy import FULL_WIDTH_DIGITS, normalize_phone
from backend.settings import Settings

#: What people put between the digits of a number they read out.
_SEPARATORS = frozenset(" -+()（）\u3000")


class Search(NamedTuple):
    by: Literal["phone", "last4", "name"]
    #: The WHERE clause on ``app_user``.
    where: Any


def parse(query: str) -> Search | None:
    """What ``query`` asks for, or None for nothing typed; 400 for digits that are neither a
    whole number nor four.

    LIKE's wildcards typed by the user are dropped, so ``%`` finds nobody, not everybody.
    """
    typed = query.strip()
    if not typed:
        return None
    phone = normalize_phone(typed)
    if phone is not None:
        return Search("phone", UserRow.phone == phone)
    digits = "".join(ch for ch in typed.translate(FULL_WIDTH_DIGITS) if ch not in _SEPARATORS)
    if digits and all(ch.isdigit() for ch in digits):  # any script's digits: refused unless ASCII
        if len(digits) == 4 and digits.isascii():
            return Search("last4", UserRow.phone.like(f"%{digits}"))
        raise Invalid("user.search_digits", field="q")
    text = "".join(ch for ch in typed if ch not in "%_\\")[:50]
    if not text:
        return Search("name", UserRow.id < 0)
    clause: Combinable | None = None
    # Names are stored as typed, in either script: look for the query in both.
    for variant in {text, to_script(text, "zh-Hans", None), to_script(text, "zh-Hant", None)}:
        part = UserRow.name.like(f"%{variant}%")
        clause = part if clause is None else clause | part
    return Search("name", clause)


async def search_for(actor: CurrentUser, query: str | None, settings: Settings, now: datetime) -> Search | None:
    """``parse(query)``, after counting a search by digits against ``actor`` (429 past the limit)."""
    search = parse(query or "")
    if search is not None and search.by != "name":
        await _count(actor, settings, now)
    return search


async def _count(actor: CurrentUser, settings: Settings, now: datetime) -> None:
    # The searcher's own budget, kept with the sign-in limits (the ip column holds any key).
    key = f"user:{actor.id}"
    window = settings.otp_window_seconds
    await limits.take_attempt("search", ip=key, limit=settings.search_limit, window_seconds=window, at=now)


async def audit_found(actor: CurrentUser, search: Search | None, user_ids: list[int], now: datetime) -> None:
    """One audit row for each person a search by digits found."""
    if search is None or search.by == "name" or not user_ids:
        return
    async with write_transaction():
        for user_id in user_ids:
            await audit(actor.id, "user.find_by_phone", "user", user_id, {"by": search.by}, at=now)
