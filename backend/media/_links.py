"""Signed photo URLs, because an ``<img>`` cannot send the bearer token.

A link carries ``?t=<viewer id>.<expiry>.<signature>``: an HMAC (key derived from
the secret) over the media id, the viewer and the expiry. The server checks the
signature and the expiry, then asks again whether that viewer may see the photo,
so a link stops working as soon as its viewer loses access, and one copied
elsewhere is worth no more than its viewer's own access, for at most a day.

Expiries are rounded up to the next half-day boundary, so every response in the
same half-day hands the same viewer the same URL and the browser cache keeps
working; the PWA's service worker caches photos by path alone (``ignoreSearch``),
since the bytes behind an id never change.

>>> links = Links("secret")
>>> links.url(7, 3, now, thumb=True)
'/api/v1/media/7/thumb?t=3.1795478400.Jx9…'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from backend.lib.crypto import derive_key, same
from backend.media.structs import Photo

PREFIX = "/api/v1/media"
#: Links last between one and two of these.
PERIOD_SECONDS = 12 * 3600


class Links:
    def __init__(self, secret: str) -> None:
        self._key = derive_key(secret, "bianmin media links")

    def _sign(self, media_id: int, viewer_id: int, expires: int) -> str:
        mac = hmac.new(self._key, f"{media_id}.{viewer_id}.{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:18]).decode()

    def token(self, media_id: int, viewer_id: int, now: datetime) -> str:
        expires = (int(now.timestamp()) // PERIOD_SECONDS + 2) * PERIOD_SECONDS
        return f"{viewer_id}.{expires}.{self._sign(media_id, viewer_id, expires)}"

    def viewer(self, media_id: int, token: str, now: datetime) -> int | None:
        """The viewer a token was made for, if it is ours, for this photo, and not expired."""
        parts = token.split(".")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            return None
        viewer_id, expires = int(parts[0]), int(parts[1])
        if not same(parts[2], self._sign(media_id, viewer_id, expires)):
            return None
        return viewer_id if now.timestamp() < expires else None

    def photo(self, media_id: int, viewer_id: int, now: datetime, width: int, height: int) -> Photo:
        token = self.token(media_id, viewer_id, now)
        return Photo(
            id=media_id,
            url=f"{PREFIX}/{media_id}?t={token}",
            thumb_url=f"{PREFIX}/{media_id}/thumb?t={token}",
            width=width,
            height=height,
        )
