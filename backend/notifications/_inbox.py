"""Writing notifications (always inside the caller's transaction) and reading the inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from backend.lib.db import write_transaction
from backend.lib.errors import NotFound
from backend.lib.i18n import Locale, Texts, script_of, to_script
from backend.lib.pages import paginate
from backend.notifications.structs import Notification, NotificationPage
from backend.notifications.tables import Notification as Row

PAGE_SIZE = 30


async def notify(user_id: int, kind: str, at: datetime, case_id: int | None = None, **params: Any) -> None:
    """Queue ``kind`` for ``user_id``: in the inbox now, delivered by the worker later.

    Usually inside the caller's transaction (a case's move), so the notice commits with the move.
    """
    async with write_transaction(Row):
        await Row.insert(
            Row(
                user=user_id,
                case_id=case_id,
                kind=kind,
                payload=msgspec.json.encode(params).decode(),
                created_at=at,
                next_attempt_at=at,
            )
        )


def params_of(value: Any) -> dict[str, Any]:
    return msgspec.json.decode(value) if isinstance(value, str) else dict(value or {})


def in_script(params: dict[str, Any], locale: Locale, texts: Texts) -> dict[str, Any]:
    """Parameters people typed (a case title) shown in the reader's script, and ``service``
    (what the case is, see ``cases._naming``) as the kind of case when it names no service."""
    # The catalog's name is its Simplified column; a title carries the script it was typed in.
    written: dict[str, Locale | None] = {"service": "zh-Hans", "title": script_of(params.get("title_script"))}
    shown = {
        key: to_script(value, locale, written.get(key)) if isinstance(value, str) else value
        for key, value in params.items()
    }
    if not shown.get("service"):
        shown["service"] = texts.t(locale, f"case.kind.{params.get('case_kind') or 'request'}")
    return shown


def text(kind: str, params: dict[str, Any], locale: Locale, texts: Texts) -> tuple[str, str]:
    """Title and body of a notification in ``locale``, for the inbox and for push alike."""
    shown = in_script(params, locale, texts)
    return texts.t(locale, f"notification.{kind}.title", **shown), texts.t(locale, f"notification.{kind}.body", **shown)


def render(row: dict[str, Any], locale: Locale, texts: Texts) -> Notification:
    title, body = text(row["kind"], params_of(row["payload"]), locale, texts)
    return Notification(
        id=row["id"],
        kind=row["kind"],
        case_id=row["case_id"],
        title=title,
        body=body,
        created_at=row["created_at"],
        read_at=row["read_at"],
    )


async def inbox(user_id: int, locale: Locale, texts: Texts, cursor: int | None) -> NotificationPage:
    query = Row.select().where(Row.user == user_id).order_by(Row.id, ascending=False).limit(PAGE_SIZE + 1)
    if cursor is not None:
        query = query.where(Row.id < cursor)
    page = paginate(await query, PAGE_SIZE, lambda row: render(row, locale, texts))
    unread = await Row.count().where((Row.user == user_id) & Row.read_at.is_null())
    return NotificationPage(items=page.items, next_cursor=page.next_cursor, unread=unread)


async def mark_read(user_id: int, notification_id: int, at: datetime) -> None:
    """Mark one of the user's notifications read ``at``; someone else's is 404."""
    async with write_transaction(Row):
        updated = (
            await Row.update({Row.read_at: at})
            .where((Row.id == notification_id) & (Row.user == user_id))
            .returning(Row.id)
        )
    if not updated:
        raise NotFound()


async def for_user(user_id: int, kind: str | None = None) -> list[dict[str, Any]]:
    """Raw rows for one user (timers and tests check what was queued)."""
    query = Row.select().where(Row.user == user_id).order_by(Row.id)
    if kind is not None:
        query = query.where(Row.kind == kind)
    return await query
