"""Sessions: each signed-in device, which its owner can list and end.

A token names its session by a random id (the ``sid`` claim); only that id's
SHA-256 is stored. Every signed-in request loads the session and its user in one
query (``load``), so a session ended anywhere is refused by every process at once.

A session lapses after its idle time without use and at its lifetime however
much it is used (``lifetimes``: how long depends on the role and on whether the
person asked to stay signed in). Use moves the idle end out, written at most once
an hour (``TOUCH_EVERY``), not on every request.

Ending is a conditional UPDATE on sessions not ended yet: ending one twice, or
two devices ending each other at the same moment, is fine. Changing a user's
role, region or whether the account is on ends all of that user's sessions
(``end_all``), so switching an account back on revives none of its old tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, Literal, cast, get_args

from backend.accounts.structs import SessionBrowser, SessionInfo, SessionList, SessionSystem
from backend.accounts.tables import Session as SessionRow
from backend.lib.auth import CurrentUser, Role, issue_token
from backend.lib.db import write_transaction
from backend.lib.errors import NotFound
from backend.settings import Settings

EndReason = Literal["signed_out", "ended_elsewhere", "signed_out_everywhere", "account_changed"]

#: A session's last use (and so its idle end) is written at most this often.
TOUCH_EVERY = timedelta(hours=1)
#: The most sessions a list shows (the most recently used); each sign-in makes one.
LIST_LIMIT = 50
#: Bytes of User-Agent read; the header itself is never stored.
_AGENT_READ = 512

#: First match wins: in-app browsers name the engine they run on too.
_BROWSERS = (
    ("micromessenger", "wechat"),
    ("mqqbrowser", "qq"),
    (" qq/", "qq"),
    ("ucbrowser", "uc"),
    ("huaweibrowser", "huawei"),
    ("miuibrowser", "miui"),
    ("samsungbrowser", "samsung"),
    ("edg/", "edge"),
    ("edga/", "edge"),
    ("edgios/", "edge"),
    ("opr/", "opera"),
    ("firefox/", "firefox"),
    ("fxios/", "firefox"),
    ("crios/", "chrome"),
    ("chrome/", "chrome"),
    ("safari/", "safari"),
)
_SYSTEMS = (
    ("harmonyos", "harmonyos"),
    ("openharmony", "harmonyos"),
    ("android", "android"),
    ("iphone", "ios"),
    ("ipad", "ios"),
    ("ipod", "ios"),
    ("windows", "windows"),
    ("cros", "chromeos"),
    ("macintosh", "macos"),
    ("mac os x", "macos"),
    ("linux", "linux"),
)


def device_of(user_agent: str) -> str:
    """The browser and system a User-Agent names, as codes the app shows in words.

    >>> device_of("Mozilla/5.0 (Linux; Android 12; V2118A) … Chrome/86.0 MicroMessenger/8.0.32")
    'wechat/android'
    >>> device_of("curl/8.5")
    'other/other'
    """
    agent = user_agent[:_AGENT_READ].lower()
    browser = next((code for mark, code in _BROWSERS if mark in agent), "other")
    system = next((code for mark, code in _SYSTEMS if mark in agent), "other")
    return f"{browser}/{system}"


def lifetimes(settings: Settings, role: Role, remembered: bool) -> tuple[timedelta, timedelta]:
    """(idle, lifetime) of a new session for ``role``; see ``Settings.session_*``."""
    official = role != "resident"
    lifetime = timedelta(
        days=settings.session_lifetime_days_official if official else settings.session_lifetime_days_kept
    )
    if not remembered:
        idle = timedelta(hours=settings.session_idle_hours_shared)
    elif official:
        idle = timedelta(days=settings.session_idle_days_official)
    else:
        idle = timedelta(days=settings.session_idle_days_kept)
    return min(idle, lifetime), lifetime


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


async def start(
    user_id: int,
    secret: str,
    *,
    idle: timedelta,
    lifetime: timedelta,
    remembered: bool,
    device: str,
    now: datetime,
) -> str:
    """Open a session for ``user_id`` and return its token."""
    sid = secrets.token_urlsafe(24)
    async with write_transaction():
        await SessionRow.insert(
            SessionRow(
                user=user_id,
                sid_hash=_hash(sid),
                device=device[:40],
                remembered=remembered,
                idle_seconds=int(idle.total_seconds()),
                created_at=now,
                last_used_at=now,
                expires_at=now + min(idle, lifetime),
                ends_by=now + lifetime,
            )
        )
    return issue_token(user_id, secret, lifetime / timedelta(days=1), now=now, sid=sid)


async def sign_in(
    user_id: int, role: Role, settings: Settings, *, remembered: bool, user_agent: str, now: datetime
) -> str:
    """The token for a sign-in: a session as long as ``role`` and ``remembered`` allow."""
    idle, lifetime = lifetimes(settings, role, remembered)
    return await start(
        user_id,
        settings.secret_key,
        idle=idle,
        lifetime=lifetime,
        remembered=remembered,
        device=device_of(user_agent),
        now=now,
    )


# Written out: it runs on every signed-in request (Piccolo's join building cost more
# than the query). "user" is quoted: PostgreSQL reserves the word.
_LOAD = (
    'SELECT app_user.id, app_user.role, app_user.locale, region.code AS "region.code", '
    "user_session.id AS session_id, user_session.idle_seconds, user_session.last_used_at, "
    "user_session.expires_at, user_session.ends_by "
    'FROM user_session JOIN app_user ON app_user.id = user_session."user" '
    "LEFT JOIN region ON region.id = app_user.region "
    'WHERE user_session.sid_hash = {} AND user_session."user" = {} '
    "AND user_session.ended_at IS NULL AND app_user.active = {}"
)


async def load(user_id: int, sid: str, now: datetime) -> CurrentUser | None:
    """The signed-in identity for a token's user and session id, if that session is live.

    One indexed query per request; at most once an hour also one small write that
    moves the session's idle end out.
    """
    rows = await SessionRow.raw(_LOAD, _hash(sid), user_id, True)
    if not rows:
        return None
    row = rows[0]
    if row["expires_at"] <= now or row["ends_by"] <= now:
        return None
    if now - row["last_used_at"] >= TOUCH_EVERY:
        await _touch(row, now)
    return CurrentUser(
        id=row["id"],
        role=row["role"],
        locale=row["locale"],
        region_code=row["region.code"],
        session_id=row["session_id"],
    )


async def _touch(row: dict[str, Any], now: datetime) -> None:
    """Record a use: the idle end moves out (never past the lifetime). Two requests at
    once may both write; the later instant wins, which is as good."""
    expires = min(now + timedelta(seconds=row["idle_seconds"]), row["ends_by"])
    async with write_transaction():
        await SessionRow.update({SessionRow.last_used_at: now, SessionRow.expires_at: expires}).where(
            (SessionRow.id == row["session_id"]) & SessionRow.ended_at.is_null()
        )


def _live(now: datetime) -> Any:
    return SessionRow.ended_at.is_null() & (SessionRow.expires_at > now) & (SessionRow.ends_by > now)


async def list_mine(actor: CurrentUser, now: datetime) -> SessionList:
    """The actor's live sessions, most recently used first; the one asking is marked ``current``."""
    rows = (
        await SessionRow.select(
            SessionRow.id,
            SessionRow.device,
            SessionRow.remembered,
            SessionRow.created_at,
            SessionRow.last_used_at,
            SessionRow.expires_at,
        )
        .where((SessionRow.user == actor.id) & _live(now))
        .order_by(SessionRow.last_used_at, ascending=False)
        .order_by(SessionRow.id, ascending=False)
        .limit(LIST_LIMIT)
    )
    items = []
    for row in rows:
        browser, _, system = row["device"].partition("/")
        browser = browser if browser in get_args(SessionBrowser) else "other"
        system = system if system in get_args(SessionSystem) else "other"
        items.append(
            SessionInfo(
                id=row["id"],
                browser=cast(SessionBrowser, browser),
                system=cast(SessionSystem, system),
                remembered=row["remembered"],
                current=row["id"] == actor.session_id,
                created_at=row["created_at"],
                last_used_at=row["last_used_at"],
                expires_at=row["expires_at"],
            )
        )
    return SessionList(items=items)


async def _end(where: Any, reason: EndReason, now: datetime) -> int:
    """End the sessions ``where`` picks that are not ended yet; how many that was."""
    ended = (
        await SessionRow.update({SessionRow.ended_at: now, SessionRow.end_reason: reason})
        .where(where & SessionRow.ended_at.is_null())
        .returning(SessionRow.id)
    )
    return len(ended)


async def end_one(actor: CurrentUser, session_id: int, now: datetime) -> None:
    """End one of the actor's sessions (this one: signing out here). Another user's: 404.

    Ending one already ended (or lapsed) is fine: it stays ended.
    """
    reason: EndReason = "signed_out" if session_id == actor.session_id else "ended_elsewhere"
    async with write_transaction():
        if not await SessionRow.exists().where((SessionRow.id == session_id) & (SessionRow.user == actor.id)):
            raise NotFound()
        await _end(SessionRow.id == session_id, reason, now)


async def sign_out(actor: CurrentUser, now: datetime) -> None:
    """End the session the request came with."""
    if actor.session_id is not None:
        async with write_transaction():
            await _end(SessionRow.id == actor.session_id, "signed_out", now)


async def end_others(actor: CurrentUser, now: datetime, *, everywhere: bool = False) -> int:
    """End every other session of the actor (and this one too with ``everywhere``); how many were live."""
    where: Any = SessionRow.user == actor.id
    if not everywhere and actor.session_id is not None:
        where &= SessionRow.id != actor.session_id
    async with write_transaction():
        return await _end(where, "signed_out_everywhere", now)


async def end_all(user_id: int, reason: EndReason, now: datetime) -> int:
    """End every session of ``user_id`` (an account change); joins the caller's transaction."""
    async with write_transaction():
        return await _end(SessionRow.user == user_id, reason, now)
