"""Signed photo URLs, because an ``<img>`` cannot send the bearer token.

The path names the photo twice: its id and its own random key (``link_key``, made
once at upload and never reused). An id can come back — SQLite hands the id of a
deleted newest row to the next one — but a key never does, so a path never names
two pictures, and whatever keeps photos by path (the browser cache, the PWA's
service worker) can never show an old photo under a new photo's address.

A link carries ``?t=<viewer id>.<expiry>.<signature>``: an HMAC (key derived from
the secret) over the media id and key, the viewer and the expiry. The server checks
the signature and the expiry, then asks again whether that viewer may see the photo,
so a link stops working as soon as its viewer loses access, and one copied
elsewhere is worth no more than its viewer's own access, for at most a day.

Expiries are rounded up to the next half-day boundary, so every response in the
same half-day hands the same viewer the same URL and the browser cache keeps
working; the PWA's service worker keeps photos by path and viewer (the ``t`` link's
viewer id), since the bytes behind a path never change.

>>> links = Links("secret")
>>> links.photo(7, "9f2c…", 3, now, 1600, 1200).thumb_url
'/api/v1/media/7/9f2c…/thumb?t=3.1795478400.Jx9…'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from backend.lib.crypto import derive_key, same
from backend.media.structs import Photo

PREFIX = "/api/v1/media"
#: Links last between one and two of these.
PERIOD_SECONDS = 12 * 3600
#: A photo's own key: 24 hex digits from the system's random source.
KEY_LENGTH = 24
_KEY = re.compile(r"[0-9a-f]{24}")  # KEY_LENGTH hex digits


def new_key() -> str:
    """A fresh photo key (96 random bits: never the same twice in practice)."""
    return secrets.token_hex(KEY_LENGTH // 2)


def is_key(value: str) -> bool:
    return _KEY.fullmatch(value) is not None


def key_of(photo: Photo) -> str:
    """The key in a photo's URL (an upload's stored first answer, signed afresh on a retry)."""
    return photo.url.split("?", 1)[0].rsplit("/", 1)[1]


class Links:
    def __init__(self, secret: str) -> None:
        self._key = derive_key(secret, "bianmin media links")

    def _sign(self, media_id: int, key: str, viewer_id: int, expires: int) -> str:
        mac = hmac.new(self._key, f"{media_id}.{key}.{viewer_id}.{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:18]).decode()

    def token(self, media_id: int, key: str, viewer_id: int, now: datetime) -> str:
        expires = (int(now.timestamp()) // PERIOD_SECONDS + 2) * PERIOD_SECONDS
        return f"{viewer_id}.{expires}.{self._sign(media_id, key, viewer_id, expires)}"

    def viewer(self, media_id: int, key: str, token: str, now: datetime) -> int | None:
        """The viewer a token was made for, if it is ours, for this photo, and not expired."""
        parts = token.split(".")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            return None
        viewer_id, expires = int(parts[0]), int(parts[1])
        if not same(parts[2], self._sign(media_id, key, viewer_id, expires)):
            return None
        return viewer_id if now.timestamp() < expires else None

    def photo(self, media_id: int, key: str, viewer_id: int, now: datetime, width: int, height: int) -> Photo:
        token = self.token(media_id, key, viewer_id, now)
        return Photo(
            id=media_id,
            url=f"{PREFIX}/{media_id}/{key}?t={token}",
            thumb_url=f"{PREFIX}/{media_id}/{key}/thumb?t={token}",
            width=width,
            height=height,
        )
