"""Storing, attaching, serving and removing photos. Every query on ``media`` lives here.

Media sits below cases: whether someone may see an attached photo depends on its
case, so the check comes in from above as ``Context.case_visible`` (wired in
``create_app``). An unattached photo is its uploader's alone. Anything else is 404.

Several rows may share one stored file. An upload reusing a file and the timer
deleting the last row of that file take the same lock (``_lock_content``), so a
file is never deleted under a row that was just written.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

import anyio
import anyio.to_thread
import msgspec
from piccolo.engine.postgres import PostgresEngine

from backend.lib.auth import CurrentUser, UserLoader
from backend.lib.db import write_transaction
from backend.lib.errors import Invalid, NotFound
from backend.media import _images as images
from backend.media._images import Processed
from backend.media._links import Links, is_key, new_key
from backend.media._storage import Storage, from_settings
from backend.media.structs import Photo
from backend.media.tables import Media
from backend.settings import Settings

log = logging.getLogger("bianmin.media")

#: May this user see the case with this id? (``cases.service.can_see``)
CaseVisible = Callable[[CurrentUser, int], Awaitable[bool]]
#: Decoding at most this many photos at once keeps memory bounded and cores free for requests.
IMAGE_THREADS = 2
BATCH = 200
#: Namespace of our PostgreSQL advisory locks (two-key form), "me" for media.
_LOCK_SPACE = 0x6D65


class Context(msgspec.Struct, frozen=True):
    """What every media operation needs besides its arguments (built in ``create_app``)."""

    storage: Storage
    links: Links
    limiter: anyio.CapacityLimiter
    #: Largest accepted upload (the file itself), from ``media_max_bytes``.
    max_bytes: int
    load_user: UserLoader
    case_visible: CaseVisible


def storage(settings: Settings) -> Storage:
    """Where the photos' bytes are kept for ``settings`` (for the stale-upload job outside a request)."""
    return from_settings(settings)


def context(settings: Settings, *, load_user: UserLoader, case_visible: CaseVisible) -> Context:
    """The media context for an app; ``load_user`` and ``case_visible`` come from the domains above."""
    return Context(
        storage=from_settings(settings),
        links=Links(settings.secret_key),
        limiter=anyio.CapacityLimiter(IMAGE_THREADS),
        max_bytes=settings.media_max_bytes,
        load_user=load_user,
        case_visible=case_visible,
    )


async def process(data: bytes, ctx: Context) -> Processed:
    """Re-encode an upload in the image threads, never on the event loop."""
    return await anyio.to_thread.run_sync(images.process, data, limiter=ctx.limiter)


async def _lock_content(sha256: str) -> None:
    """Serialize the writers of one stored file until the transaction ends.

    SQLite needs nothing: its write transactions already run one at a time.
    """
    if isinstance(Media._meta.db, PostgresEngine):
        await Media.raw("SELECT pg_advisory_xact_lock({}, {})", _LOCK_SPACE, int(sha256[:7], 16))


async def create(owner_id: int, image: Processed, now: datetime, ctx: Context) -> Photo:
    """Store a processed photo for its uploader.

    In its own transaction, or in the caller's (an upload with an Idempotency-Key runs
    inside ``idempotency.run_once``'s, and then the key's record and the row commit together).
    """
    async with write_transaction(Media):
        await _lock_content(image.sha256)
        row = Media(
            link_key=new_key(),
            owner=owner_id,
            content_type=images.CONTENT_TYPE,
            width=image.width,
            height=image.height,
            bytes=len(image.image),
            sha256=image.sha256,
            path=await ctx.storage.put(image.image, images.SUFFIX),
            thumb_path=await ctx.storage.put(image.thumb, images.SUFFIX),
            created_at=now,
        )
        await row.save()
    return ctx.links.photo(row.id, row.link_key, owner_id, now, image.width, image.height)


async def attach(owner_id: int, case_id: int, ids: list[int]) -> list[int]:
    """Attach the owner's photos to a case: all of them, or none.

    Each photo must be the owner's and not attached elsewhere (attaching again to
    the same case is fine); otherwise 400, and the photos that did match stay as
    they were. Case submission calls this inside its own transaction, which then
    rolls back as a whole. Returns the ids in order, without repeats.

    >>> await attach(resident_id, case_id, [12, 13])
    [12, 13]
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    async with write_transaction(Media):
        attached = (
            await Media.update({Media.case_id: case_id})
            .where(
                Media.id.is_in(wanted)
                & (Media.owner == owner_id)
                & (Media.case_id.is_null() | (Media.case_id == case_id))
            )
            .returning(Media.id)
        )
        if len(attached) != len(wanted):
            raise Invalid("media.not_attachable", field="media")
    return wanted


async def photos(ids: list[int], viewer_id: int, now: datetime, links: Links) -> dict[int, Photo]:
    """Signed links for photos the caller has already shown ``viewer_id`` may see (a case's timeline)."""
    if not ids:
        return {}
    rows = await Media.select(Media.id, Media.link_key, Media.width, Media.height).where(Media.id.is_in(list(set(ids))))
    return {
        row["id"]: links.photo(row["id"], row["link_key"], viewer_id, now, row["width"], row["height"]) for row in rows
    }


async def viewer(
    user: CurrentUser | None, media_id: int, key: str, token: str | None, now: datetime, ctx: Context
) -> CurrentUser | None:
    """Who is asking: the bearer-token user, else the one a signed link was made for."""
    if user is not None or not token:
        return user
    viewer_id = ctx.links.viewer(media_id, key, token, now)
    return await ctx.load_user(viewer_id) if viewer_id is not None else None


async def content(actor: CurrentUser, media_id: int, key: str, thumb: bool, ctx: Context) -> tuple[bytes, str]:
    """The stored bytes and their type, if ``actor`` may see the photo; otherwise 404.

    The key must be the photo's own: a URL kept from a deleted photo whose id came back
    names nothing.
    """
    if not is_key(key):
        raise NotFound()
    row = (
        await Media.select(Media.owner, Media.case_id, Media.content_type, Media.path, Media.thumb_path)
        .where((Media.id == media_id) & (Media.link_key == key))
        .first()
    )
    if row is None:
        raise NotFound()
    if row["case_id"] is None:
        allowed = row["owner"] == actor.id
    else:
        allowed = await ctx.case_visible(actor, row["case_id"])
    if not allowed:
        raise NotFound()
    key = row["thumb_path" if thumb else "path"]
    data = await ctx.storage.get(key)
    if data is None:
        log.error("media %s: stored file %s is missing", media_id, key)
        raise NotFound()
    return data, row["content_type"]


async def remove_unattached(cutoff: datetime, storage: Storage) -> int:
    """Delete photos uploaded before ``cutoff`` and never attached, and files no row uses any more."""
    stale = (
        await Media.select(Media.id, Media.sha256)
        .where(Media.case_id.is_null() & (Media.created_at < cutoff))
        .limit(BATCH)
    )
    removed = 0
    for candidate in stale:
        async with write_transaction(Media):
            await _lock_content(candidate["sha256"])
            # Attached since it was picked: the condition keeps it.
            gone = (
                await Media.delete()
                .where((Media.id == candidate["id"]) & Media.case_id.is_null())
                .returning(Media.path, Media.thumb_path)
            )
            if not gone:
                continue
            removed += 1
            if not await Media.exists().where(Media.sha256 == candidate["sha256"]):
                # Inside the lock, before commit: an upload of the same photo waits,
                # then finds no file and writes it again.
                await storage.delete(gone[0]["path"])
                await storage.delete(gone[0]["thumb_path"])
    return removed
